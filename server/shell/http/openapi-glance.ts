/**
 * The OpenAPI paths and schemas of "the room at a glance" (issue 17): performance against
 * standards, alerts and statistics. The shapes are the shared wire types of proto/wire.ts
 * (PerformanceReport, ...), which the COP carries too.
 */
import { PERFORMANCE_WINDOWS } from '../../../proto/wire.ts';
import { type Json, errors, json, obj, op, ref } from './openapi-parts.ts';

const nullableNumber: Json = { type: ['number', 'null'] };

export const GLANCE_PATHS: Json = {
  '/api/performance': {
    get: op(
      "Performance against standards from actual arrivals: per standard target and window (today since local midnight in the scenario's time zone, the last 24 hours, the current shift) the share of incidents whose nth unit arrived within the target time, the median and the 90th percentile response time (seconds from call to arrival, nearest rank). An incident whose nth unit has not arrived counts as not within once the target time has passed (`overdue`). The COP pushes the same report. See docs/performance.md.",
      { responses: { '200': json(ref('PerformanceReport')), ...errors(400, 401, 503) } },
    ),
  },
};

export const GLANCE_SCHEMAS: Record<string, Json> = {
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
