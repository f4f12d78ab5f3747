/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /api/openapi.json. Every route the app
 * registers must appear here: test/openapi.test.ts walks the express router and fails on any
 * route missing from `paths` (so a new route comes with its documentation).
 */
import { ERRORS } from '../../core/errors.ts';
import { AGENCIES } from '../../core/scenario/types.ts';
import { INCIDENT_STATUSES, REQUEST_STATUSES } from '../../core/incidents/types.ts';

type Json = { [k: string]: unknown };

const ref = (name: string): Json => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Json, description = 'OK'): Json => ({ description, content: { 'application/json': { schema } } });
const obj = (properties: Record<string, Json>, required: string[] = []): Json => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const any: Json = { type: 'object' };
const errors = (...statuses: number[]): Record<string, Json> =>
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
const idParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description,
});
const op = (summary: string, extra: Json = {}): Json => ({
  summary,
  responses: { '200': json(any), ...errors(400, 500) },
  ...extra,
});
const body = (schema: Json): Json => ({ requestBody: { required: true, content: { 'application/json': { schema } } } });

const agency: Json = { type: 'string', enum: [...AGENCIES] };
const methane: Json = obj({
  majorIncident: { type: 'boolean' },
  exactLocation: { type: 'string', maxLength: 2000 },
  type: { type: 'string', maxLength: 2000 },
  hazards: { type: 'string', maxLength: 2000 },
  access: { type: 'string', maxLength: 2000 },
  casualties: { type: ['integer', 'null'], minimum: 0 },
  servicesPresent: { type: 'array', items: agency },
  servicesRequired: { type: 'array', items: agency },
});
const incidentFields = {
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
const incidentId = idParam('id', 'Incident id, e.g. INC-1');
const requestIdParam = idParam('requestId', 'e.g. INC-1-R1');

const ids: Json = { type: 'array', items: { type: 'string' } };
const jointRequest: Record<string, Json> = {
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
const SHARED_INCIDENTS = [
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

export function openApiDocument(): Json {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Joint control room API',
      version: '0.1.0',
      description:
        'REST API of the joint fire, police and ambulance control room. Errors are `{error: {code, message, path?}}` with a stable code (server/core/errors.ts).' +
        SHARED_INCIDENTS,
    },
    paths: {
      '/api/health': { get: op('Liveness: uptime and the last event sequence number.') },
      '/api/ready': {
        get: op('Readiness: the database and the road network are loaded (503 JCR_NOT_READY until then).', {
          responses: { '200': json(any), ...errors(503) },
        }),
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics (text exposition format).',
          responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
        },
      },
      '/api/openapi.json': { get: op('This document.') },
      '/api/login': {
        post: op('Sign in: sets an HttpOnly session cookie and returns a bearer token.', {
          ...body(obj({ username: { type: 'string' }, password: { type: 'string' } }, ['username', 'password'])),
          responses: { '200': json(any), ...errors(400, 401, 429) },
        }),
      },
      '/api/logout': { post: op('Sign out: ends the session.') },
      '/api/me': { get: op('The signed-in user and role.', { responses: { '200': json(any), ...errors(401) } }) },
      '/api/scenario': { get: op('The loaded scenario: stations, posts, incident types, standards, counts.') },
      '/api/resources': { get: op('Every resource with live status and position.') },
      '/api/resources/{id}': {
        get: op('One resource.', {
          parameters: [idParam('id', 'Resource id')],
          responses: { '200': json(any), ...errors(404) },
        }),
      },
      '/api/resources/{id}/status': {
        post: op(
          "Change a resource status (same transition rules as an AVL terminal). With an incidentId: an open incident the caller's agency takes part in; an unknown incident and one the caller does not see both answer 404 JCR_NOT_FOUND, a closed one the caller sees 409 JCR_CONFLICT.",
          {
            parameters: [idParam('id', 'Resource id')],
            ...body(
              obj(
                {
                  status: {
                    type: 'string',
                    enum: [
                      'AVAILABLE_AT_STATION',
                      'AVAILABLE_MOBILE',
                      'MOBILISED',
                      'AT_SCENE',
                      'RETURNING',
                      'UNAVAILABLE',
                    ],
                  },
                  incidentId: { type: 'string' },
                  lat: { type: 'number' },
                  lon: { type: 'number' },
                },
                ['status'],
              ),
            ),
            responses: { '200': json(any), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/incidents': {
        post: op('Create an incident (type, location, priority, METHANE, lead and supporting agencies).', {
          ...body(
            obj(
              {
                ...incidentFields,
                confirmOffRoad: {
                  type: 'boolean',
                  description:
                    'Create it even if no drivable road is within the snapping allowance (else 422 JCR_OFF_ROAD).',
                },
              },
              ['typeId', 'lat', 'lon'],
            ),
          ),
          responses: { '201': json(ref('Incident'), 'Created'), ...errors(400, 403, 422) },
        }),
        get: op('List incidents (open by default), optionally only those visible to an agency.', {
          parameters: [
            { name: 'status', in: 'query', schema: { type: 'string', enum: ['open', 'all', ...INCIDENT_STATUSES] } },
            { name: 'agency', in: 'query', schema: agency },
          ],
          responses: {
            '200': json(obj({ seq: { type: 'integer' }, incidents: { type: 'array', items: ref('Incident') } })),
            ...errors(400),
          },
        }),
      },
      '/api/incidents/{id}': {
        get: op(
          'One incident, with attendances (mobilised, arrived, left), joint requests and quicker-resource flags.',
          { parameters: [incidentId], responses: { '200': json(ref('Incident')), ...errors(404) } },
        ),
        patch: op(
          'Update an incident (any subset of the create fields; lat and lon together). Type, priority, location and agencies: the lead agency only (403 JCR_INCIDENT_LEAD_ONLY); METHANE: any agency that takes part.',
          {
            parameters: [incidentId],
            ...body(obj(incidentFields)),
            responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/incidents/{id}/close': {
        post: op(
          "Close an incident (the lead agency or the duty officer); the lead's resources still attending are stood down (RETURNING). Refused with 409 JCR_INCIDENT_STILL_COMMITTED (details: agencies, resourceIds) while another agency has resources committed, unless the duty officer forces it with a reason.",
          {
            parameters: [incidentId],
            ...body(obj({ reason: { type: 'string' }, actingAgency: agency, force: { type: 'boolean' } })),
            responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/incidents/{id}/recommendation': {
        get: op(
          'The recommended attendance: per predetermined-attendance line, candidates ranked by predicted arrival (turnout + drive) with ETA, distance, agency, status and cover impact; the proposal; and why others were left out. Recorded in the log as shown.',
          {
            parameters: [incidentId],
            responses: { '200': json(any), ...errors(404, 409, 503) },
          },
        ),
      },
      '/api/incidents/{id}/mobilise': {
        post: op(
          "Mobilise: accept the proposal or amend it (a reason is required for any other choice). A single agency's accept of a proposal that holds other agencies' lines mobilises its own units and, in the same decision, raises a joint request to each other agency with the proposed units as suggestions (decision `accepted`, `requests` lists them); the duty officer's accept mobilises everything. The decision (what was recommended, who decided, why) is logged.",
          {
            parameters: [incidentId],
            ...body(
              obj({
                accept: { type: 'boolean' },
                resourceIds: { type: 'array', items: { type: 'string' }, maxItems: 50 },
                reason: { type: 'string', maxLength: 2000 },
                recommendationSeq: {
                  type: 'integer',
                  minimum: 1,
                  description:
                    'The recommendation shown (GET …/recommendation); 409 JCR_CONFLICT when no longer the latest.',
                },
                actingAgency: agency,
              }),
            ),
            responses: {
              '200': json(obj({ decision: ref('Decision'), incident: ref('Incident') }, ['decision', 'incident'])),
              ...errors(400, 403, 404, 409, 503),
            },
          },
        ),
      },
      '/api/incidents/{id}/arrived': {
        post: op('Book one of your own resources as arrived (MOBILISED to AT_SCENE).', {
          parameters: [incidentId],
          ...body(obj({ resourceId: { type: 'string' }, actingAgency: agency }, ['resourceId'])),
          responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/left': {
        post: op('Book one of your own resources as leaving the scene (AT_SCENE to RETURNING).', {
          parameters: [incidentId],
          ...body(obj({ resourceId: { type: 'string' }, actingAgency: agency }, ['resourceId'])),
          responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/stand-down': {
        post: op('Stand one of your own resources down from the incident (MOBILISED or AT_SCENE to RETURNING).', {
          parameters: [incidentId],
          ...body(obj({ resourceId: { type: 'string' }, actingAgency: agency }, ['resourceId'])),
          responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/notes': {
        post: op('A note in the shared timeline, with its author (any agency that takes part).', {
          parameters: [incidentId],
          ...body(obj({ text: { type: 'string', minLength: 1, maxLength: 4000 }, actingAgency: agency }, ['text'])),
          responses: {
            '201': json(
              obj({
                seq: { type: 'integer' },
                at: { type: 'integer' },
                actor: { type: 'string' },
                text: { type: 'string' },
              }),
              'Created',
            ),
            ...errors(400, 403, 404, 409),
          },
        }),
      },
      '/api/incidents/{id}/assistance': {
        post: op('A joint request: ask another agency to attend (e.g. police ask fire).', {
          parameters: [incidentId],
          ...body(
            obj({ toAgency: agency, fromAgency: agency, note: { type: 'string' }, actingAgency: agency }, ['toAgency']),
          ),
          responses: { '201': json(any, 'Created'), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/assistance/{requestId}/accept': {
        post: op(
          'The addressee accepts a joint request by mobilising the suggested units (no body), or its own choice `resourceIds` with a `reason` when it differs; a request with no suggestions may be accepted with none. The agency then supports the incident.',
          {
            parameters: [incidentId, requestIdParam],
            ...body(
              obj({
                resourceIds: { type: 'array', items: { type: 'string' }, maxItems: 50 },
                reason: { type: 'string', maxLength: 2000 },
                actingAgency: agency,
              }),
            ),
            responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/incidents/{id}/assistance/{requestId}/decline': {
        post: op('The addressee declines a joint request, with a reason.', {
          parameters: [incidentId, requestIdParam],
          ...body(obj({ reason: { type: 'string', maxLength: 2000 }, actingAgency: agency }, ['reason'])),
          responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/lines': {
        get: op(
          "The incident's attendance lines (one per capability; lineId = capability) with the resources counted against each and what is outstanding, and the line changes made.",
          { parameters: [incidentId], responses: { '200': json(any), ...errors(404) } },
        ),
        post: op(
          'Add a line for a capability, or change the count of the line it has, with a reason (lead agency or duty officer).',
          {
            parameters: [incidentId],
            ...body(
              obj(
                {
                  capability: { type: 'string', maxLength: 64 },
                  count: { type: 'integer', minimum: 1, maximum: 50 },
                  agency,
                  reason: { type: 'string', maxLength: 2000 },
                  actingAgency: agency,
                },
                ['capability', 'count', 'reason'],
              ),
            ),
            responses: { '201': json(any, 'Created'), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/incidents/{id}/lines/{lineId}/remove': {
        post: op('Remove a line, with a reason (lead agency or duty officer).', {
          parameters: [incidentId, idParam('lineId', "the line's capability, e.g. boat")],
          ...body(obj({ reason: { type: 'string', maxLength: 2000 }, actingAgency: agency }, ['reason'])),
          responses: { '200': json(any), ...errors(400, 403, 404, 409) },
        }),
      },
      '/api/incidents/{id}/assistance/{requestId}/advise': {
        post: op(
          'The addressee answers a joint request with advice and no deployment ("hear and treat", "hear and solve"): its own outcome, `advised`.',
          {
            parameters: [incidentId, requestIdParam],
            ...body(obj({ advice: { type: 'string', maxLength: 2000 }, actingAgency: agency }, ['advice'])),
            responses: { '200': json(ref('Incident')), ...errors(400, 403, 404, 409) },
          },
        ),
      },
      '/api/requests': {
        get: op(
          "The request inbox: joint requests addressed to the caller's agency (`direction=to`, default) or raised by it (`from`), pending by default, oldest first, each with its incident's type, priority and place. The duty officer sees every agency's (or `agency`'s).",
          {
            parameters: [
              {
                name: 'status',
                in: 'query',
                schema: { type: 'string', enum: ['pending', 'answered', 'all', ...REQUEST_STATUSES.slice(1)] },
              },
              { name: 'direction', in: 'query', schema: { type: 'string', enum: ['to', 'from'] } },
              { name: 'agency', in: 'query', schema: agency },
            ],
            responses: {
              '200': json(
                obj({ seq: { type: 'integer' }, requests: { type: 'array', items: ref('InboxRequest') } }, [
                  'seq',
                  'requests',
                ]),
              ),
              ...errors(400),
            },
          },
        ),
      },
      '/api/incidents/{id}/log': {
        get: op(
          "The incident's audit timeline: every event (recommendations shown, decisions, statuses, notes) with origin, actor and time, in pages: `limit` (1..1000, default 500) events with seq after `after` (default 0); `next` is the cursor of the next page, null on the last.",
          {
            parameters: [
              incidentId,
              { name: 'after', in: 'query', schema: { type: 'integer', minimum: 0 } },
              { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
            ],
            responses: { '200': json(any), ...errors(400, 404) },
          },
        ),
      },
      '/api/cover': {
        get: op('Current cover per response standard (needs a road network).', {
          responses: { '200': json(any), ...errors(503) },
        }),
      },
      '/api/cover/moves': {
        get: op('Suggested standby moves.', {
          parameters: [
            { name: 'surface', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 50 } },
          ],
          responses: { '200': json(any), ...errors(400, 503) },
        }),
        post: op('Order a standby move.', {
          ...body(
            obj({ resourceId: { type: 'string' }, destinationId: { type: 'string' }, note: { type: 'string' } }, [
              'resourceId',
              'destinationId',
            ]),
          ),
          responses: { '201': json(any, 'Created'), ...errors(400, 401, 403, 404, 409, 503) },
        }),
      },
      '/api/cover/moves/{resourceId}/cancel': {
        post: op('Cancel a standby move.', {
          parameters: [idParam('resourceId', 'Resource id')],
          responses: { '200': json(any), ...errors(401, 403, 404, 409) },
        }),
      },
      '/api/cover/what-if': {
        post: op('Cover if these resources were committed.', {
          ...body(
            obj({ resourceIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100 } }, [
              'resourceIds',
            ]),
          ),
          responses: { '200': json(any), ...errors(400, 503) },
        }),
      },
      '/api/eta': {
        get: op(
          'Predicted journey time and route between two points for a speed profile (straight line for air profiles).',
          {
            parameters: [
              {
                name: 'from',
                in: 'query',
                required: true,
                schema: { type: 'string', pattern: '^-?[0-9.]+,-?[0-9.]+$' },
                description: '"lat,lon"',
              },
              {
                name: 'to',
                in: 'query',
                required: true,
                schema: { type: 'string', pattern: '^-?[0-9.]+,-?[0-9.]+$' },
                description: '"lat,lon"',
              },
              {
                name: 'profile',
                in: 'query',
                required: true,
                schema: { type: 'string' },
                description: 'A speedProfiles key of the scenario.',
              },
            ],
            responses: { '200': json(any), ...errors(400, 401, 404, 422, 503) },
          },
        ),
      },
      '/api/places': {
        get: op(
          'The gazetteer, best first: towns, stations, posts, roads, junctions ("A / B"), postcodes, OS grid references and coordinates, each with its point, the point snapped onto the road network and its grid reference.',
          {
            parameters: [
              {
                name: 'q',
                in: 'query',
                required: true,
                schema: { type: 'string', minLength: 1, maxLength: 200 },
                description:
                  'What was typed: "Stevenage", "bounds gr", "High Street / Station Road", "TL 2404 2396", "51.9, -0.2".',
              },
              {
                name: 'limit',
                in: 'query',
                required: false,
                schema: { type: 'integer', minimum: 1, maximum: 20 },
                description: 'At most this many answers (default 10).',
              },
            ],
            responses: { '200': json(any), ...errors(400, 401) },
          },
        ),
      },
      '/api/ui-config': { get: op('Settings for the screens (features, basemap tiles).') },
      '/api/basemap': { get: op('The offline basemap drawn from the loaded road network.') },
      '/osmand/': {
        get: op('OsmAnd / Traccar Client position report (query string).', {
          responses: { '200': { description: 'Accepted' }, ...errors(400, 401, 403, 404, 409, 422, 429) },
        }),
        post: op('OsmAnd / Traccar Client position report (query, form or JSON body).', {
          responses: { '200': { description: 'Accepted' }, ...errors(400, 401, 403, 404, 409, 422, 429) },
        }),
      },
    },
    components: {
      schemas: {
        Error: obj(
          {
            error: obj(
              {
                code: { type: 'string', enum: Object.keys(ERRORS) },
                message: { type: 'string' },
                path: { type: 'string' },
                details: {},
              },
              ['code', 'message'],
            ),
          },
          ['error'],
        ),
        Methane: methane,
        JointRequest: obj(jointRequest),
        InboxRequest: obj({
          incidentId: { type: 'string' },
          typeName: { type: 'string' },
          priority: { type: 'integer' },
          address: { type: 'string' },
          lat: { type: 'number' },
          lon: { type: 'number' },
          incidentStatus: { type: 'string', enum: [...INCIDENT_STATUSES] },
          ...jointRequest,
        }),
        Decision: obj({
          incidentId: { type: 'string' },
          decision: { type: 'string', enum: ['accepted', 'overridden'] },
          proposed: { ...ids, description: 'The whole proposal shown, every agency.' },
          chosen: { ...ids, description: 'What the decider mobilised (one-click: its own units only).' },
          reason: { type: ['string', 'null'] },
          recommendationSeq: { type: ['integer', 'null'] },
          actingAgency: { oneOf: [agency, { type: 'null' }] },
          requests: {
            type: 'array',
            description: 'One-click: the joint requests raised, one per other agency.',
            items: obj({ requestId: { type: 'string' }, toAgency: agency, suggested: ids }),
          },
        }),
        Incident: {
          type: 'object',
          properties: {
            id: { type: 'string' },
            typeId: { type: 'string' },
            typeName: { type: 'string' },
            priority: { type: 'integer' },
            lat: { type: 'number' },
            lon: { type: 'number' },
            address: { type: 'string' },
            methane: ref('Methane'),
            leadAgency: agency,
            supportingAgencies: { type: 'array', items: agency },
            visibleTo: {
              type: 'array',
              items: agency,
              description: 'Every agency that takes part: lead, supporting, asked (pending request), committed.',
            },
            status: { type: 'string', enum: [...INCIDENT_STATUSES] },
            attendances: {
              type: 'array',
              items: obj({
                resourceId: { type: 'string' },
                agency,
                mobilisedAt: { type: 'integer' },
                arrivedAt: { type: ['integer', 'null'] },
                leftAt: { type: ['integer', 'null'] },
                arrivalSource: { type: ['string', 'null'] },
                line: { type: 'string', description: 'The attendance line (capability) it was sent for, when known.' },
              }),
            },
            requests: { type: 'array', items: ref('JointRequest') },
            quicker: {
              type: 'array',
              items: any,
              description: 'A quicker resource has become available while the attendance is en route.',
            },
            lastRecommendation: { type: ['object', 'null'] },
            lineChanges: {
              type: 'array',
              items: any,
              description:
                "The dispatchers' line changes in order: capability, count (null: removed), agency, reason, by, at.",
            },
          },
        },
      },
    },
  };
}
