/**
 * The OpenAPI 3.1 document of the HTTP API, served at GET /api/openapi.json. Every route the app
 * registers must appear here: test/openapi.test.ts walks the express router and fails on any
 * route missing from `paths` (so a new route comes with its documentation). The incident and
 * joint-working paths are in ./openapi-incidents.ts, the shared building blocks in ./openapi-parts.ts.
 */
import { STATUSES } from '../../../proto/statuses.ts';
import { ERRORS } from '../../core/errors.ts';
import { INCIDENT_STATUSES } from '../../core/incidents/types.ts';
import { GLANCE_PATHS, GLANCE_SCHEMAS } from './openapi-glance.ts';
import { INCIDENT_PATHS } from './openapi-incidents.ts';
import { CALIBRATION_PATHS } from './openapi-calibration.ts';
import { STATISTICS_PATHS, STATISTICS_SCHEMAS } from './openapi-statistics.ts';
import { TRANSFER_PATHS, TRANSFER_SCHEMAS } from './openapi-transfers.ts';
import { PARTNER_ASSISTANCE_PATHS } from './openapi-partner-assistance.ts';
import {
  type Json,
  agency,
  any,
  body,
  errors,
  idParam,
  ids,
  jointRequest,
  json,
  methane,
  obj,
  op,
  ref,
  SHARED_INCIDENTS,
} from './openapi-parts.ts';

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
                    enum: [...STATUSES],
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
      ...INCIDENT_PATHS,
      ...GLANCE_PATHS,
      ...STATISTICS_PATHS,
      ...CALIBRATION_PATHS,
      ...TRANSFER_PATHS,
      ...PARTNER_ASSISTANCE_PATHS,
      '/api/cover': {
        get: op(
          'Current cover per response standard (needs a road network); `calibration` {version, band} says which calibration timed it (null: the prior).',
          {
            responses: { '200': json(any), ...errors(503) },
          },
        ),
      },
      '/api/cover/moves': {
        get: op('Suggested standby moves, with the `calibration` {version, band} that timed them (null: the prior).', {
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
        post: op(
          'Cover if these resources were committed, with the `calibration` {version, band} that timed it (null: the prior).',
          {
            ...body(
              obj({ resourceIds: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 100 } }, [
                'resourceIds',
              ]),
            ),
            responses: { '200': json(any), ...errors(400, 503) },
          },
        ),
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
      '/api/map/labels': {
        get: op(
          'Town and road labels for the map: towns with the zoom they show from and a priority; road refs and names with anchor points, angles and room. ETag; 304 on If-None-Match.',
        ),
      },
      '/': {
        get: op('The screens (client/dist) or, before `npm run build:client`, a landing page naming the scenario.', {
          responses: { '200': { description: 'An HTML page' } },
        }),
      },
      '/osmand/': {
        get: op('OsmAnd / Traccar Client position report (query string).', {
          responses: { '200': { description: 'Accepted' }, ...errors(400, 401, 403, 404, 409, 422, 429) },
        }),
        post: op('OsmAnd / Traccar Client position report (query, form or JSON body).', {
          responses: { '200': { description: 'Accepted' }, ...errors(400, 401, 403, 404, 409, 422, 429) },
        }),
      },
      '/traccar/': {
        post: op("A position from Traccar's JSON forwarder: {position, device} (docs/avl.md).", {
          responses: { '200': { description: 'Accepted' }, ...errors(400, 401, 403, 404, 409, 422, 429) },
        }),
      },
    },
    components: {
      schemas: {
        ...GLANCE_SCHEMAS,
        ...STATISTICS_SCHEMAS,
        ...TRANSFER_SCHEMAS,
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
          recommendationSeq: {
            type: ['integer', 'null'],
            description: 'The log seq the recommendation was computed on.',
          },
          recommendedAt: { type: 'integer', description: 'When the recommendation shown was computed (ms).' },
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
            callerAccount: { type: 'string', description: "The caller's account ('' when none was given)." },
            uprn: { type: ['string', 'null'], description: 'The UPRN when known.' },
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
