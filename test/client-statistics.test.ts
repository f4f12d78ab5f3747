/**
 * The statistics screen's pure parts (client/components/jcr-statistics/): the range sent (the
 * last day shown is inclusive, `to` is the next day), the answer checked before use, and the
 * plots built from a small literal report: their x values, series and data, exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { StatisticsReport } from '../proto/statistics.ts';
import { statisticsPlots } from '../client/components/jcr-statistics/plots.ts';
import { parseStatistics } from '../client/components/jcr-statistics/parse-statistics.ts';
import { nextDate, statisticsQuery } from '../client/components/jcr-statistics/statistics-controller.ts';

const counts = (total: number, fire = 0, police = 0, ambulance = 0) => ({ total, fire, police, ambulance });
const REPORT: StatisticsReport = {
  fromMs: 0,
  toMs: 172_800_000,
  asOfMs: 172_800_000,
  eventSeq: 9,
  timezone: 'UTC',
  days: [
    { date: '1970-01-01', fromMs: 0, toMs: 86_400_000 },
    { date: '1970-01-02', fromMs: 86_400_000, toMs: 172_800_000 },
  ],
  response: [
    {
      standardId: 's',
      standardName: 'Cat 1',
      agency: 'ambulance',
      capability: 'paramedic',
      nth: 1,
      withinS: 60,
      targetShare: 0.75,
      minutes: [0, 1, 2],
      days: [
        {
          date: '1970-01-01',
          counted: 1,
          within: 1,
          overdue: 0,
          pending: 0,
          share: 1,
          medianS: 30,
          p90S: 30,
          cumulative: [0, 1, 1],
        },
        {
          date: '1970-01-02',
          counted: 0,
          within: 0,
          overdue: 0,
          pending: 0,
          share: null,
          medianS: null,
          p90S: null,
          cumulative: [null, null, null],
        },
      ],
      total: {
        date: 'all',
        counted: 1,
        within: 1,
        overdue: 0,
        pending: 0,
        share: 1,
        medianS: 30,
        p90S: 30,
        cumulative: [0, 1, 1],
      },
    },
  ],
  incidents: {
    total: 1,
    byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, ...(hour === 3 ? counts(1, 0, 0, 1) : counts(0)) })),
    byWeekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((weekday) => ({
      weekday,
      ...(weekday === 'Thu' ? counts(1, 0, 0, 1) : counts(0)),
    })),
  },
  utilisation: {
    spanMs: 172_800_000,
    resources: [],
    stations: [
      { stationId: 'A', stationName: 'Alpha', resources: 2, committedMs: 3_600_000, share: 3_600_000 / 345_600_000 },
    ],
  },
  requests: {
    rows: [
      {
        incidentId: 'I',
        requestId: 'I-R1',
        fromAgency: 'ambulance',
        toAgency: 'fire',
        requestedAtMs: 1000,
        answeredAtMs: 121_000,
        status: 'accepted',
        answerS: 120,
      },
      {
        incidentId: 'I',
        requestId: 'I-R2',
        fromAgency: 'ambulance',
        toAgency: 'police',
        requestedAtMs: 2000,
        answeredAtMs: null,
        status: 'pending',
        answerS: null,
      },
    ],
    pairs: [],
  },
  overrides: { decisions: 0, overridden: 0, rows: [], reasons: [] },
};

test('the range sent: the last day shown is inclusive, an empty field is the server default', () => {
  assert.is(nextDate('2026-02-28'), '2026-03-01');
  assert.is(nextDate('2026-12-31'), '2027-01-01');
  assert.is(statisticsQuery({ from: '2026-07-14', to: '2026-07-15' }), '?from=2026-07-14&to=2026-07-16');
  assert.is(statisticsQuery({ from: '', to: '' }), '');
});

test('the answer is checked before the screen reads it', () => {
  assert.is(parseStatistics(REPORT), REPORT);
  assert.is(parseStatistics(null), null);
  assert.is(parseStatistics({ ...REPORT, response: 'x' }), null);
  assert.is(parseStatistics({ ...REPORT, incidents: { ...REPORT.incidents, byHour: [] } }), null);
  assert.is(parseStatistics({ ...REPORT, response: [{ ...REPORT.response[0], minutes: null }] }), null);
});

test('the plots: a line a day, the range and the target; counts, utilisation and requests', () => {
  const p = statisticsPlots(REPORT);
  assert.is(p.response.length, 1);
  const r = p.response[0]!;
  assert.is(r.title, 'Cat 1 — unit 1 within 1 min');
  assert.equal(
    r.opts.series.map((s) => s.label),
    ['minutes', '1970-01-01', '1970-01-02', 'whole range', 'target 75%'],
  );
  assert.equal(r.data, [
    [0, 1, 2],
    [0, 1, 1],
    [null, null, null],
    [0, 1, 1],
    [0.75, 0.75, 0.75],
  ]);
  assert.equal(p.byHour.data.length, 5);
  assert.equal(p.byHour.data[1]?.[3], 1);
  assert.equal(p.byWeekday.data, [
    [0, 1, 2, 3, 4, 5, 6],
    [0, 0, 0, 1, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 1, 0, 0, 0],
  ]);
  assert.equal(p.utilisation.data, [[0], [3_600_000 / 345_600_000]]);
  // minutes to answer, by addressee: fire answered in 2 min, police still pending (no point)
  assert.equal(p.requests.data, [
    [1, 2],
    [2, null],
    [null, null],
    [null, null],
  ]);
});

test.run();
