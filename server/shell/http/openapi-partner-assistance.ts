/**
 * The OpenAPI paths of cross-border assistance (issue 18 item 5, docs/mait.md): asking a near
 * partner room for resources and answering a partner's ask with an offer. The recommendation's
 * `viaPartner` field is described with the recommendation.
 */
import { agency, any, body, errors, idParam, ids, incidentId, json, obj, op, ref, type Json } from './openapi-parts.ts';
import { ANSWERED_BY } from './openapi-transfers.ts';

export const PARTNER_ASSISTANCE_PATHS: Record<string, Json> = {
  '/api/incidents/{id}/partner-assistance': {
    post: op(
      "Ask a partner room for resources (an AssistanceRequest, queued durably before the answer): `capability` and `count`, or `resourceId`, one the partner offered for this incident (the recommendation's `viaPartner.offered`). The incident's type must map to one of the partner's (422 JCR_MAIT_UNMAPPED_TYPE).",
      {
        parameters: [incidentId],
        ...body(
          obj(
            {
              partnerId: { type: 'string' },
              capability: { type: 'string' },
              count: { type: 'integer', minimum: 1, maximum: 100 },
              resourceId: { type: 'string' },
              note: { type: 'string', maxLength: 2000 },
              actingAgency: agency,
            },
            ['partnerId'],
          ),
        ),
        responses: {
          '201': json(any, 'Queued: the request id and the partners near the incident'),
          ...errors(400, 403, 404, 409, 422),
        },
      },
    ),
  },
  '/api/transfers/{id}/offer': {
    post: op(
      "Answer a partner's request for assistance with an offer (an AssistanceResponse): the quickest deployable resources of the asked capability, or those named, each with its ETA to the partner's incident. Nothing is mobilised. Our log records which calibration timed the ETAs (not sent)." +
        ANSWERED_BY,
      {
        parameters: [idParam('id', 'Transfer id, e.g. TR-1')],
        ...body(obj({ resourceIds: ids, note: { type: 'string', maxLength: 2000 }, actingAgency: agency })),
        responses: { '200': json(ref('Transfer')), ...errors(400, 403, 404, 409, 503) },
      },
    ),
  },
};
