/**
 * The OpenAPI paths of incidents and joint working: create, read, update, close, recommendation,
 * mobilisation, attendance, notes, joint requests (ask, accept, decline, advise, the inbox),
 * attendance lines and the log. Part of the document served at GET /api/openapi.json (openapi.ts).
 */
import { INCIDENT_STATUSES, REQUEST_STATUSES } from '../../core/incidents/types.ts';
import {
  type Json,
  agency,
  answered,
  any,
  body,
  booked,
  errors,
  idParam,
  incidentFields,
  incidentId,
  json,
  obj,
  op,
  ref,
  requestIdParam,
} from './openapi-parts.ts';

export const INCIDENT_PATHS: Json = {
  '/api/incidents': {
    post: op('Create an incident (type, location, priority, METHANE, lead and supporting agencies).', {
      ...body(
        obj(
          {
            ...incidentFields,
            callerAccount: {
              type: 'string',
              maxLength: 4000,
              description:
                "The caller's account in their words (new lines kept, no other control characters); passed to a partner room in a transfer.",
            },
            uprn: {
              type: 'string',
              pattern: '^[0-9]{1,12}$',
              description: 'The Unique Property Reference Number, when known.',
            },
            confirmOffRoad: {
              type: 'boolean',
              description:
                'Create it even if no drivable road is within the snapping allowance (else 422 JCR_OFF_ROAD).',
            },
            idempotencyKey: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{8,128}$',
              description:
                "One random key per create attempt (crypto.randomUUID()), the same in its retries: a create whose key the acting agency already used in the last 24 h answers the incident it made (201, same id) instead of making another. Kept in the create's event, so it holds across restarts. Malformed: 400 JCR_IDEMPOTENCY_KEY.",
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
    get: op('One incident, with attendances (mobilised, arrived, left), joint requests and quicker-resource flags.', {
      parameters: [incidentId],
      responses: { '200': json(ref('Incident')), ...errors(404) },
    }),
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
      'The recommended attendance: per predetermined-attendance line, candidates ranked by predicted arrival (turnout + drive) with ETA, distance, agency, status and cover impact; the proposal; and why others were left out; `recommendationSeq` (the log seq it was computed on) and `fingerprint` (what is shown, sealed by the server: send it back when mobilising). With partner rooms, `viaPartner` follows our own: the partners within 10 km of the incident (`partners`, each with our latest request to it) and the resources they offered (`offered`, quickest first, each `via: "partner"` with its ETA); ask with POST …/partner-assistance. Writes nothing.',
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
            fingerprint: {
              type: 'string',
              description:
                "The recommendation's fingerprint (GET …/recommendation): the decision is judged against what it shows and logs it, whatever was shown to others since; 400 JCR_VALIDATION if this server did not give it for this incident. Without it a fresh recommendation is made and decided on.",
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
      responses: { '200': json(booked), ...errors(400, 403, 404, 409) },
    }),
  },
  '/api/incidents/{id}/left': {
    post: op('Book one of your own resources as leaving the scene (AT_SCENE to RETURNING).', {
      parameters: [incidentId],
      ...body(obj({ resourceId: { type: 'string' }, actingAgency: agency }, ['resourceId'])),
      responses: { '200': json(booked), ...errors(400, 403, 404, 409) },
    }),
  },
  '/api/incidents/{id}/stand-down': {
    post: op('Stand one of your own resources down from the incident (MOBILISED or AT_SCENE to RETURNING).', {
      parameters: [incidentId],
      ...body(obj({ resourceId: { type: 'string' }, actingAgency: agency }, ['resourceId'])),
      responses: { '200': json(booked), ...errors(400, 403, 404, 409) },
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
        responses: { '200': json(answered), ...errors(400, 403, 404, 409) },
      },
    ),
  },
  '/api/incidents/{id}/assistance/{requestId}/decline': {
    post: op('The addressee declines a joint request, with a reason.', {
      parameters: [incidentId, requestIdParam],
      ...body(obj({ reason: { type: 'string', maxLength: 2000 }, actingAgency: agency }, ['reason'])),
      responses: { '200': json(answered), ...errors(400, 403, 404, 409) },
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
        responses: { '200': json(answered), ...errors(400, 403, 404, 409) },
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
};
