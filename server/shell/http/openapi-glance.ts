/**
 * The OpenAPI paths and schemas of "the room at a glance" (issue 17): performance against
 * standards, alerts and statistics. The shapes are the shared wire types of proto/wire.ts
 * (PerformanceReport, ...), which the COP carries too.
 */
import { ALERT_KINDS } from '../../../proto/alert-kinds.ts';
import { PERFORMANCE_WINDOWS } from '../../../proto/wire.ts';
import { type Json, agency, errors, idParam, json, obj, op, ref } from './openapi-parts.ts';

const nullableNumber: Json = { type: ['number', 'null'] };

export const GLANCE_PATHS: Json = {
  '/api/performance': {
    get: op(
      "Performance against standards from actual arrivals: per standard target and window (today since local midnight in the scenario's time zone, the last 24 hours, the current shift) the share of incidents whose nth unit arrived within the target time, the median and the 90th percentile response time (seconds from call to arrival, nearest rank). An incident whose nth unit has not arrived counts as not within once the target time has passed (`overdue`). The COP pushes the same report. See docs/performance.md.",
      { responses: { '200': json(ref('PerformanceReport')), ...errors(400, 401, 503) } },
    ),
  },
};

const alertFields: Record<string, Json> = {
  id: { type: 'string', description: 'AL-1, AL-2, ...' },
  kind: { type: 'string', enum: [...ALERT_KINDS] },
  cause: { type: 'string', description: 'What caused it; an alert fires once per cause.' },
  incidentId: { type: 'string', description: '"" = none (cover).' },
  resourceId: { type: 'string', description: '"" = none.' },
  agencies: { type: 'array', items: agency, description: 'Agencies it is for, as when raised.' },
  priority: { type: 'integer', description: "The incident's priority, 0 without one." },
  text: { type: 'string' },
  raisedAtMs: { type: 'number' },
  clearedAtMs: { type: 'number', description: '0 = active; else when its cause ended.' },
  eventSeq: { type: 'integer', description: "The raise's event seq." },
  acknowledged: { type: 'boolean', description: 'By the caller (per user).' },
  acknowledgedAtMs: { type: 'number', description: 'When the caller acknowledged it, 0 = not.' },
};

GLANCE_PATHS['/api/alerts'] = {
  get: op(
    "Alerts the caller may see (an incident's alert: whoever sees the incident; cover: its agency; the duty officer and wall: all), oldest first, each with the caller's own acknowledgement. `status=active` (default) or `all` (cleared ones too), at most 500. The COP pushes each raise and clear. See docs/alerts.md.",
    {
      parameters: [{ name: 'status', in: 'query', schema: { type: 'string', enum: ['active', 'all'] } }],
      responses: {
        '200': json(
          obj({ seq: { type: 'integer' }, alerts: { type: 'array', items: ref('Alert') } }, ['seq', 'alerts']),
        ),
        ...errors(400, 401),
      },
    },
  ),
};
GLANCE_PATHS['/api/alerts/{id}/ack'] = {
  post: op(
    "Acknowledge an alert for the signed-in user (per user; again is a no-op). Recorded as an `alert.acknowledged` event: in the incident's audit timeline. The wall viewer may not (403); an alert the caller may not see is 404.",
    {
      parameters: [idParam('id', 'Alert id, e.g. AL-1')],
      responses: { '200': json(obj({ alert: ref('Alert') }, ['alert'])), ...errors(400, 401, 403, 404) },
    },
  ),
};

export const GLANCE_SCHEMAS: Record<string, Json> = {
  Alert: obj(alertFields, Object.keys(alertFields)),
  PerformanceReport: obj(
    {
      computedAtMs: { type: 'number', description: 'The time the figures are for (epoch ms).' },
      eventSeq: { type: 'integer', description: "The event log's seq the figures reflect." },
      timezone: {
        type: 'string',
        description: "The scenario's IANA zone: today and shifts are local wall time there.",
      },
      windows: {
        type: 'array',
        items: obj(
          {
            id: { type: 'string', enum: [...PERFORMANCE_WINDOWS] },
            label: { type: 'string', description: '"Today", "Last 24 hours" or the shift\'s name.' },
            fromMs: { type: 'number', description: 'Incidents called in [fromMs, toMs] are counted.' },
            toMs: { type: 'number' },
          },
          ['id', 'label', 'fromMs', 'toMs'],
        ),
      },
      figures: { type: 'array', items: ref('PerformanceFigure') },
    },
    ['computedAtMs', 'eventSeq', 'timezone', 'windows', 'figures'],
  ),
  PerformanceFigure: obj(
    {
      standardId: { type: 'string' },
      standardName: { type: 'string' },
      agency: { type: 'string' },
      capability: { type: 'string', description: 'The capability whose arrivals count (e.g. pump).' },
      nth: { type: 'integer', minimum: 1, description: '1 = first unit to arrive, 2 = second, ...' },
      withinS: { type: 'number' },
      targetShare: { type: 'number', description: 'The share the standard asks for, 0..1.' },
      window: { type: 'string', enum: [...PERFORMANCE_WINDOWS] },
      counted: { type: 'integer', description: 'nth unit arrived, or the target time passed without it.' },
      within: { type: 'integer' },
      overdue: { type: 'integer', description: 'Counted, not within: not arrived and the target time passed.' },
      pending: { type: 'integer', description: 'Not counted yet: not arrived, target time not yet passed.' },
      share: { ...nullableNumber, description: 'within / counted; null when nothing is counted.' },
      medianS: { ...nullableNumber, description: 'Null when none, or when the median is an overdue incident.' },
      p90S: nullableNumber,
      belowTarget: { type: 'boolean', description: 'share < targetShare: the target is being missed.' },
    },
    [
      'standardId',
      'standardName',
      'agency',
      'capability',
      'nth',
      'withinS',
      'targetShare',
      'window',
      'counted',
      'within',
      'overdue',
      'pending',
      'share',
      'medianS',
      'p90S',
      'belowTarget',
    ],
  ),
};
