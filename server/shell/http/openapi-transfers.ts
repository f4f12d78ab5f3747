/**
 * The OpenAPI paths and schemas of transfers between control rooms (issue 18, docs/mait.md):
 * partners for an incident, "Transfer to partner", the transfer list with each one's status,
 * the answers to a partner's transfer, partners' resources, and the partners' own door.
 */
import { TRANSFER_STATUSES } from '../../core/mait/types.ts';
import { agency, any, body, errors, idParam, incidentId, json, obj, op, ref, type Json } from './openapi-parts.ts';

const transferId = idParam('id', 'Transfer id, e.g. TR-1');

export const TRANSFER_SCHEMAS: Record<string, Json> = {
  Transfer: obj(
    {
      id: { type: 'string' },
      direction: { type: 'string', enum: ['out', 'in'] },
      kind: { type: 'string', enum: ['transfer', 'assistance'] },
      partnerId: { type: 'string' },
      ref: obj({ room: { type: 'string' }, id: { type: 'string' } }),
      incidentId: {
        type: ['string', 'null'],
        description: 'Our incident: the one sent, or the one opened on accepting.',
      },
      status: {
        type: 'string',
        enum: [...TRANSFER_STATUSES],
        description:
          'Outgoing: queued (in our outbox), delivered (the partner took it), acknowledged, accepted, rejected. Incoming: pending (our answer awaited), accepted, rejected.',
      },
      ackStage: { type: ['string', 'null'], enum: ['received', 'considering', null] },
      reason: { type: ['string', 'null'] },
      partnerIncidentId: { type: ['string', 'null'] },
      content: {
        type: ['object', 'null'],
        description: 'The incident as the sender last described it (docs/mait.md).',
      },
      closed: { type: 'boolean' },
      delivery: obj({ attempts: { type: 'integer' }, lastError: { type: ['string', 'null'] } }),
      deadLetter: {
        type: ['object', 'null'],
        description:
          'A message of ours in this thread the partner refused for good (docs/mait-delivery.md): not sent again until a duty officer retries it; `blocked` later messages wait behind it.',
      },
      createdAt: { type: 'integer' },
      updatedAt: { type: 'integer' },
    },
    ['id', 'direction', 'partnerId', 'status', 'closed'],
  ),
};

/** Who may answer: the agency the item is routed to and the duty officer (server/core/mait/answer.ts). */
export const ANSWERED_BY =
  ' Only the agency it is routed to (a transfer: the lead agency of its type; a request: an agency with the asked capability) or the duty officer answers: anyone else, a duty officer naming another `actingAgency` too, gets 403 JCR_FORBIDDEN.';

const answer = (summary: string, schema: Json | undefined) => ({
  post: op(summary + ANSWERED_BY, {
    parameters: [transferId],
    ...(schema ? body(schema) : {}),
    responses: { '200': json(ref('Transfer')), ...errors(400, 403, 404, 409) },
  }),
});

export const TRANSFER_PATHS: Record<string, Json> = {
  '/api/incidents/{id}/partners': {
    get: op(
      "Partner rooms this incident may be transferred to: those whose area holds its location first (`holds`), then by distance; `mapsType` says whether the partners file maps the incident's type.",
      { parameters: [incidentId], responses: { '200': json(any), ...errors(404) } },
    ),
  },
  '/api/incidents/{id}/transfer': {
    post: op(
      'Transfer to partner: the Create is in our outbox (durable) before this answers 202; delivery is retried with backoff until the partner takes it. JCR_MAIT_UNMAPPED_TYPE when the type has no mapping.',
      {
        parameters: [incidentId],
        ...body(obj({ partnerId: { type: 'string' }, actingAgency: agency }, ['partnerId'])),
        responses: { '202': json(ref('Transfer'), 'Queued'), ...errors(400, 403, 404, 409, 422) },
      },
    ),
  },
  '/api/transfers': {
    get: op("Transfers both ways, open ones by default (`status=all` for closed too), with each one's status.", {
      parameters: [
        { name: 'direction', in: 'query', schema: { type: 'string', enum: ['in', 'out'] } },
        { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'all'] } },
        { name: 'incidentId', in: 'query', schema: { type: 'string' } },
      ],
      responses: {
        '200': json(obj({ seq: { type: 'integer' }, transfers: { type: 'array', items: ref('Transfer') } })),
        ...errors(400),
      },
    }),
  },
  '/api/transfers/{id}': {
    get: op('One transfer.', { parameters: [transferId], responses: { '200': json(ref('Transfer')), ...errors(404) } }),
  },
  '/api/transfers/{id}/consider': answer(
    'A person here is looking at a partner\'s transfer: the partner hears "considering".',
    obj({ actingAgency: agency }),
  ),
  '/api/transfers/{id}/accept': answer(
    "Accept a partner's transfer: our incident is opened from its content and the partner hears Accept with our incident id.",
    obj({ note: { type: 'string', maxLength: 2000 }, actingAgency: agency }),
  ),
  '/api/transfers/{id}/reject': answer(
    "Reject a partner's transfer (or decline its request for assistance) with a reason it is told.",
    obj({ reason: { type: 'string', minLength: 1, maxLength: 2000 }, actingAgency: agency }, ['reason']),
  ),
  '/api/partner-resources': {
    get: op(
      "Partners' resources attending our incidents the caller sees, from their latest ResourcePosition (the map marks them as the partner's): each with `partnerName`, `agency` (null if the partner did not say), `status`, `fixAt`, `fixAgeMs` and `stale` (no fix for longer than `staleAfterMs`, our fleet's rule).",
      {
        responses: { '200': json(any) },
      },
    ),
  },
  '/api/partner-links': {
    get: op(
      "Each partner room's link: `queued` (our messages waiting for it, durable in the outbox), `oldestQueuedAt`, the `head` message and its last attempt (`attempts`, `lastError`, `nextAt`), and its `deadLetters` (docs/mait-delivery.md).",
      { responses: { '200': json(any), ...errors(404) } },
    ),
  },
  '/api/partner-links/dead-letters': {
    get: op(
      'Messages a partner refused for good (dead letters), oldest first, each with `blocked`: the later messages of its thread held back behind it.',
      { responses: { '200': json(any), ...errors(404) } },
    ),
  },
  '/api/partner-links/dead-letters/{messageId}/retry': {
    post: op('Send a dead letter again now, its refusals forgotten (duty officer).', {
      parameters: [idParam('messageId', "The dead letter's message id")],
      responses: { '200': json(any), ...errors(403, 404) },
    }),
  },
  '/mait/v1/messages': {
    post: {
      summary:
        'Where partner rooms deliver: one signed MAIT XML message (docs/mait.md, docs/mait.xsd), answered once it is durable here (docs/mait-delivery.md). 200 applied or a duplicate (applied once), 202 queued behind a busy event log or held until its predecessor arrives (applied later, in order); a bad signature is 401 with nothing kept; ResourcePosition over its per-partner limit is 429 JCR_MAIT_POSITION_RATE.',
      requestBody: { required: true, content: { 'application/xml': { schema: { type: 'string' } } } },
      responses: {
        '200': json(
          obj({ messageId: { type: 'string' }, outcome: { type: 'string', enum: ['applied', 'duplicate'] } }),
        ),
        '202': json(
          obj({ messageId: { type: 'string' }, outcome: { type: 'string', enum: ['held', 'queued'] } }),
          'Durable here, applied later',
        ),
        ...errors(400, 401, 413, 422, 429, 503),
      },
    },
  },
};
