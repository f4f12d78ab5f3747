/**
 * The OpenAPI document's building blocks: responses, errors by status (from the one error table),
 * path parameters, request bodies, and the schemas several paths share (agency, METHANE, incident
 * fields). openapi.ts and openapi-incidents.ts compose the document from them.
 */
import { ERRORS } from '../../core/errors.ts';
import { AGENCIES } from '../../core/scenario/types.ts';
import { REQUEST_STATUSES } from '../../core/incidents/types.ts';

export type Json = { [k: string]: unknown };

export const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
export const json = (schema: Json, description = 'OK'): Json => ({
  description,
  content: { 'application/json': { schema } },
});
export const obj = (properties: Record<string, Json>, required: string[] = []): Json => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
export const any: Json = { type: 'object' };
export const errors = (...statuses: number[]): Record<string, Json> =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      json(
        ref('Error'),
        Object.entries(ERRORS)
          .filter(([, v]) => v.status === s)
          .map(([k]) => k)
          .join(', '),
      ),
    ]),
  );
export const idParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
export const op = (summary: string, extra: Json = {}): Json => ({
  summary,
  responses: { '200': json(any), ...errors(400, 500) },
  ...extra,
});
export const body = (schema: Json): Json => ({
  requestBody: { required: true, content: { 'application/json': { schema } } },
});

export const agency: Json = { type: 'string', enum: [...AGENCIES] };
export const methane: Json = obj({
  majorIncident: { type: 'boolean' },
  exactLocation: { type: 'string', maxLength: 2000 },
  type: { type: 'string', maxLength: 2000 },
  hazards: { type: 'string', maxLength: 2000 },
  access: { type: 'string', maxLength: 2000 },
  casualties: { type: ['integer', 'null'], minimum: 0 },
  servicesPresent: { type: 'array', items: agency },
  servicesRequired: { type: 'array', items: agency },
});
export const incidentFields = {
  typeId: { type: 'string', maxLength: 64, description: 'An incident type id of the scenario.' },
  lat: { type: 'number', minimum: -90, maximum: 90 },
  lon: { type: 'number', minimum: -180, maximum: 180 },
  address: { type: 'string', maxLength: 500 },
  priority: { type: 'integer', enum: [1, 2, 3] },
  methane: ref('Methane'),
  leadAgency: agency,
  supportingAgencies: { type: 'array', items: agency },
  actingAgency: { ...agency, description: 'Without sign-in: the agency acting (signed in, the role decides).' },
};
export const incidentId = idParam('id', 'Incident id, e.g. INC-1');
export const requestIdParam = idParam('requestId', 'e.g. INC-1-R1');

export const ids: Json = { type: 'array', items: { type: 'string' } };
export const jointRequest: Record<string, Json> = {
  requestId: { type: 'string' },
  fromAgency: agency,
  toAgency: agency,
  note: { type: 'string' },
  requestedAt: { type: 'integer' },
  requestedBy: { type: 'string' },
  status: { type: 'string', enum: [...REQUEST_STATUSES] },
  lines: {
    type: 'array',
    description:
      'Lines asked for by a one-click mobilise, with the units proposed as suggestions; empty when raised by hand.',
    items: obj({ capability: { type: 'string' }, count: { type: 'integer' }, suggested: ids }),
  },
  recommendationSeq: { type: ['integer', 'null'] },
  acceptedAt: { type: ['integer', 'null'] },
  acceptedBy: { type: ['string', 'null'] },
  answeredAt: { type: ['integer', 'null'] },
  answeredBy: { type: ['string', 'null'] },
  answer: {
    type: ['string', 'null'],
    description: 'Why it declined, why it chose other units than suggested, or the advice given.',
  },
  mobilised: ids,
};

/**
 * An answer to a joint request: the incident as it now stands, or, to an agency the answer took
 * out of it (a decline, advice), its request's outcome alone.
 */
export const answered: Json = {
  oneOf: [
    ref('Incident'),
    obj({ incidentId: { type: 'string' }, request: ref('JointRequest') }, ['incidentId', 'request']),
  ],
};
/** A booking: the incident, or, to an agency whose last resource it took out, the booking alone. */
export const booked: Json = {
  oneOf: [
    ref('Incident'),
    obj({ incidentId: { type: 'string' }, resourceId: { type: 'string' }, status: { type: 'string' } }, [
      'incidentId',
      'resourceId',
      'status',
    ]),
  ],
};

/** Issue 22 item 1, as in README.md and docs/incidents.md (server/core/auth/incident-access.ts). */
export const SHARED_INCIDENTS = [
  '',
  '',
  '**Shared incidents: who may do what.** An agency *takes part* in an incident when it leads it, supports it, has been asked by a pending joint request or has a resource committed to it. To an agency that takes no part the incident does not exist: every route answers 404 `JCR_NOT_FOUND`, word for word as for an unknown id.',
  '',
  '| action | lead | supporting | requested (a pending request to it) | committed (a resource still attending) | uninvolved | duty officer | wall viewer |',
  '|---|---|---|---|---|---|---|---|',
  '| see it, its lines, resources, joint requests and timeline (REST, `/ws/cop`) | yes | yes | yes | yes | 404 `JCR_NOT_FOUND` | yes | yes |',
  '| change type, priority, location (and address), lead or supporting agencies (`PATCH`) | yes | 403 `JCR_INCIDENT_LEAD_ONLY` | 403 `JCR_INCIDENT_LEAD_ONLY` | 403 `JCR_INCIDENT_LEAD_ONLY` | 404 `JCR_NOT_FOUND` | yes | 403 `JCR_FORBIDDEN` |',
  '| record METHANE (`PATCH {methane}`), add a note (`…/notes`): into the shared timeline with the author | yes | yes | yes | yes | 404 `JCR_NOT_FOUND` | yes | 403 `JCR_FORBIDDEN` |',
  '| close (`…/close`) | yes, once no other agency has resources committed, else 409 `JCR_INCIDENT_STILL_COMMITTED` (`details.agencies`, `details.resourceIds`) | 403 `JCR_INCIDENT_LEAD_ONLY` | 403 `JCR_INCIDENT_LEAD_ONLY` | 403 `JCR_INCIDENT_LEAD_ONLY` | 404 `JCR_NOT_FOUND` | as the lead | 403 `JCR_FORBIDDEN` |',
  '| force a close (`…/close {force: true, reason}`): stands everyone down | 403 `JCR_FORBIDDEN` | 403 `JCR_FORBIDDEN` | 403 `JCR_FORBIDDEN` | 403 `JCR_FORBIDDEN` | 404 `JCR_NOT_FOUND` | yes (reason required, else 400 `JCR_VALIDATION`) | 403 `JCR_FORBIDDEN` |',
  "| mobilise, book arrival (`…/arrived`) and leaving (`…/left`), stand down (`…/stand-down`), status with an `incidentId` (`POST /api/resources/:id/status`) | own resources (and those shared with it); another agency's: 403 `JCR_FORBIDDEN` | own resources; another's: 403 `JCR_FORBIDDEN` | own resources; another's: 403 `JCR_FORBIDDEN` | own resources; another's: 403 `JCR_FORBIDDEN` | 404 `JCR_NOT_FOUND` | any | 403 `JCR_FORBIDDEN` |",
  '| ask another agency to assist (`…/assistance`) | yes | yes | 403 `JCR_FORBIDDEN` (it answers first) | yes | 404 `JCR_NOT_FOUND` | yes | 403 `JCR_FORBIDDEN` |',
  '| answer a request: accept, decline, advise (`…/assistance/:requestId/accept`, `/decline`, `/advise`) | those addressed to it; others: 403 `JCR_FORBIDDEN` | those addressed to it; others: 403 `JCR_FORBIDDEN` | those addressed to it; others: 403 `JCR_FORBIDDEN` | those addressed to it; others: 403 `JCR_FORBIDDEN` | 404 `JCR_NOT_FOUND` | any | 403 `JCR_FORBIDDEN` |',
  '',
  "An agency's relation is its strongest: lead, then supporting, requested, committed (an agency both asked and committed counts as requested). A request's answer rides on its incident on the COP (`CopJointRequest`), so the requester's screen shows it on the next tick.",
].join('\n');
