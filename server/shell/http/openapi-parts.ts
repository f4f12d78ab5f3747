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

/** Issue 22 item 1, as in README.md and docs/incidents.md (server/core/auth/incident-access.ts). */
export const SHARED_INCIDENTS = [
  '',
  '',
  '**Shared incidents: who may do what.** An agency *takes part* in an incident when it leads it, supports it, has been asked by a pending joint request or has a resource committed to it. To an agency that takes no part the incident does not exist: every route answers 404 `JCR_NOT_FOUND`, word for word as for an unknown id.',
  '',
  '| action | lead agency | supporting, asked or committed agency | duty officer | wall viewer |',
  '|---|---|---|---|---|',
  '| see it, its lines, resources and timeline (REST and `/ws/cop`) | yes | yes | yes | yes |',
  '| change type, priority, location, lead or supporting agencies (`PATCH`) | yes | 403 `JCR_INCIDENT_LEAD_ONLY` | yes | 403 |',
  '| record METHANE (`PATCH {methane}`), add a note (`/notes`) | yes | yes | yes | 403 |',
  '| close (`/close`) | yes, once no other agency is committed (else 409 `JCR_INCIDENT_STILL_COMMITTED`) | 403 `JCR_INCIDENT_LEAD_ONLY` | as the lead | 403 |',
  '| force a close with a reason (`/close {force, reason}`) | 403 | 403 | yes | 403 |',
  "| mobilise, book arrival and leaving, stand down (`/mobilise`, `/arrived`, `/left`, `/stand-down`, `/api/resources/{id}/status`) | own resources | own resources (another agency's: 403 `JCR_FORBIDDEN`) | any | 403 |",
  '| ask another agency to assist (`/assistance`) | yes | yes (an agency only asked answers first) | yes | 403 |',
  '| answer a request (`/assistance/{requestId}/accept`) | those addressed to it | those addressed to it | any | 403 |',
].join('\n');
