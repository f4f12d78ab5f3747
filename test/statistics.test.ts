/**
 * Statistics (issue 17 item 4): GET /api/statistics on a small literal event log against answers
 * computed by hand: response-time distributions day by day across local midnight in
 * Europe/London on a summer (BST) date, incidents by local hour and weekday, utilisation clipped
 * to the range, joint requests and their answer times, overrides and their reasons, the rows a
 * dispatcher's agency may see, the exact CSV of two tables, and the query's refusals.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ResponseDay, StatisticsReport } from '../proto/statistics.ts';
import { fakeClock } from '../server/core/clock.ts';
import type { NewEvent } from '../server/core/events.ts';
import { statisticsDays } from '../server/core/statistics/report.ts';
import { Store } from '../server/shell/store/store.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { created, status } from './support/log-events.ts';
import { manualTimer } from './support/timers.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

const Z = (iso: string) => Date.parse(iso);
/** UTC wall time on July `day` 2026 (BST is UTC+1: local midnight is 23:00 UTC the day before). */
const at = (hhmm: string, day: number) => Z(`2026-07-${day}T${hhmm}:00Z`);

function decision(
  incidentId: string,
  t: number,
  proposed: string[],
  chosen: string[],
  reason: string | null,
): NewEvent {
  return {
    at: t,
    type: 'incident.decision',
    origin: 'operator',
    actor: 'fd1',
    data: {
      incidentId,
      decision: reason === null ? 'accepted' : 'overridden',
      proposed,
      chosen,
      reason,
      recommendationSeq: null,
      actingAgency: incidentId === 'INC-3' ? 'ambulance' : 'fire',
    },
  };
}
function asked(
  incidentId: string,
  requestId: string,
  from: 'fire' | 'ambulance',
  to: 'fire' | 'police',
  t: number,
): NewEvent {
  return {
    at: t,
    type: 'incident.assistanceRequested',
    origin: 'operator',
    actor: 'test',
    data: { incidentId, requestId, fromAgency: from, toAgency: to, note: '' },
  };
}

// Range: from=2026-07-14 to=2026-07-16, local dates: 23:00 UTC on the 13th to 23:00 UTC on the
// 15th. Now is 08:00 UTC on the 16th, so the figures are as of the range's end.
const LOG: NewEvent[] = [
  // INC-0, 23:30 BST on the 13th: before the range. HAT2 committed 22:31-23:30 UTC: 30 min inside.
  created('INC-0', 'dwelling-fire', at('22:30', 13)),
  status('HAT2', 3, at('22:31', 13), 'INC-0'),
  status('HAT2', 5, at('23:30', 13)),
  // INC-1, 23:50 BST Tuesday the 14th. The dispatcher overrode HAT2 with WGC1. HAT1 arrives
  // 420 s after the call, WGC1 900 s (the 2nd appliance late). Fire asks police, who decline.
  created('INC-1', 'dwelling-fire', at('22:50', 14)),
  decision('INC-1', at('22:51', 14), ['HAT1', 'HAT2'], ['HAT1', 'WGC1'], 'HAT2 crew at training, "drill"'),
  status('HAT1', 3, at('22:51', 14), 'INC-1'),
  status('WGC1', 3, at('22:51', 14), 'INC-1'),
  asked('INC-1', 'INC-1-R1', 'fire', 'police', at('22:55', 14)),
  status('HAT1', 4, at('22:57', 14), 'INC-1'),
  {
    at: at('23:01', 14),
    type: 'incident.assistanceDeclined',
    origin: 'operator',
    actor: 'pd1',
    data: { incidentId: 'INC-1', requestId: 'INC-1-R1', agency: 'police', text: 'no units' },
  },
  status('WGC1', 4, at('23:05', 14), 'INC-1'),
  status('HAT1', 5, at('23:30', 14)),
  status('WGC1', 5, at('23:30', 14)),
  // INC-2, 00:10 BST Wednesday the 15th (the same UTC day as INC-1, the next local day). HAT2
  // arrives after 540 s; no 2nd appliance ever comes (overdue); closed at 02:00 BST.
  created('INC-2', 'dwelling-fire', at('23:10', 14)),
  decision('INC-2', at('23:11', 14), ['HAT2'], ['HAT2'], null),
  status('HAT2', 3, at('23:11', 14), 'INC-2'),
  status('HAT2', 4, at('23:19', 14), 'INC-2'),
  status('HAT2', 5, at('00:40', 15)),
  {
    at: at('01:00', 15),
    type: 'incident.closed',
    origin: 'operator',
    actor: 'test',
    data: { incidentId: 'INC-2', reason: 'out' },
  },
  // INC-3, 13:00 BST on the 15th, cardiac arrest: AMB1 arrives after 360 s. The ambulance desk
  // asks fire (accepted after 120 s with HAT1 instead of WGC1) and police (advice after 420 s).
  created('INC-3', 'cardiac-arrest', at('12:00', 15)),
  decision('INC-3', at('12:01', 15), ['AMB1'], ['AMB1'], null),
  status('AMB1', 3, at('12:01', 15), 'INC-3'),
  asked('INC-3', 'INC-3-R1', 'ambulance', 'fire', at('12:02', 15)),
  asked('INC-3', 'INC-3-R2', 'ambulance', 'police', at('12:03', 15)),
  {
    at: at('12:04', 15),
    type: 'incident.assistanceAccepted',
    origin: 'operator',
    actor: 'fd1',
    data: {
      incidentId: 'INC-3',
      requestId: 'INC-3-R1',
      agency: 'fire',
      suggested: ['WGC1'],
      chosen: ['HAT1'],
      reason: '=WGC1 low on water',
    },
  },
  status('HAT1', 3, at('12:04', 15), 'INC-3'),
  status('AMB1', 4, at('12:06', 15), 'INC-3'),
  {
    at: at('12:10', 15),
    type: 'incident.assistanceAdvised',
    origin: 'operator',
    actor: 'pd1',
    data: { incidentId: 'INC-3', requestId: 'INC-3-R2', agency: 'police', text: 'hear and treat' },
  },
  status('HAT1', 4, at('12:12', 15), 'INC-3'),
  status('HAT1', 5, at('12:30', 15)),
  status('AMB1', 5, at('12:40', 15)),
  // After the range: a call on the 16th is not counted.
  created('INC-4', 'dwelling-fire', at('06:00', 16)),
];

const FROM = at('23:00', 13);
const TO = at('23:00', 15);
const NOW = at('08:00', 16);
const SPAN = TO - FROM; // 48 h
const MIN = 60_000;

/** A cumulative curve over minutes 0..last: 0 before `steps` (minute → share from then on). */
function curve(last: number, steps: Array<[number, number]>): number[] {
  return Array.from({ length: last + 1 }, (_, m) => steps.filter(([from]) => m >= from).reduce((_, [, s]) => s, 0));
}
function rday(date: string, d: Omit<ResponseDay, 'date'>): ResponseDay {
  return { date, ...d };
}
const none = (last: number) => Array.from({ length: last + 1 }, () => null);
const counts = (total: number, fire = 0, police = 0, ambulance = 0) => ({ total, fire, police, ambulance });

// By hand. Fire 1st (600 s): Tue INC-1 420 (7 min), Wed INC-2 540 (9 min); the curves run to
// max(2 × 10 min, slowest 9 min) = 20. Fire 2nd (780 s): Tue INC-1 900 (15 min, late), Wed INC-2
// overdue (never reaches); curves to max(26, 15) = 26. Cat 1 (480 s): Wed INC-3 360 (6 min);
// curves to max(16, 6) = 16. Nearest-rank percentiles, an overdue rank is null.
const FIRE = {
  standardId: 'fire-appliances',
  standardName: 'First appliance 10 min, second 13 min',
  agency: 'fire',
  capability: 'pump',
} as const;
const EXPECTED: StatisticsReport = {
  fromMs: FROM,
  toMs: TO,
  asOfMs: TO,
  eventSeq: LOG.length - 1, // INC-4, after the range's end, is not read
  timezone: 'Europe/London',
  days: [
    { date: '2026-07-14', fromMs: FROM, toMs: at('23:00', 14) },
    { date: '2026-07-15', fromMs: at('23:00', 14), toMs: TO },
  ],
  response: [
    {
      ...FIRE,
      nth: 1,
      withinS: 600,
      targetShare: 0.9,
      minutes: Array.from({ length: 21 }, (_, m) => m),
      days: [
        rday('2026-07-14', {
          counted: 1,
          within: 1,
          overdue: 0,
          pending: 0,
          share: 1,
          medianS: 420,
          p90S: 420,
          cumulative: curve(20, [[7, 1]]),
        }),
        rday('2026-07-15', {
          counted: 1,
          within: 1,
          overdue: 0,
          pending: 0,
          share: 1,
          medianS: 540,
          p90S: 540,
          cumulative: curve(20, [[9, 1]]),
        }),
      ],
      total: rday('all', {
        counted: 2,
        within: 2,
        overdue: 0,
        pending: 0,
        share: 1,
        medianS: 420,
        p90S: 540,
        cumulative: curve(20, [
          [7, 0.5],
          [9, 1],
        ]),
      }),
    },
    {
      ...FIRE,
      nth: 2,
      withinS: 780,
      targetShare: 0.9,
      minutes: Array.from({ length: 27 }, (_, m) => m),
      days: [
        rday('2026-07-14', {
          counted: 1,
          within: 0,
          overdue: 0,
          pending: 0,
          share: 0,
          medianS: 900,
          p90S: 900,
          cumulative: curve(26, [[15, 1]]),
        }),
        rday('2026-07-15', {
          counted: 1,
          within: 0,
          overdue: 1,
          pending: 0,
          share: 0,
          medianS: null,
          p90S: null,
          cumulative: curve(26, []),
        }),
      ],
      total: rday('all', {
        counted: 2,
        within: 0,
        overdue: 1,
        pending: 0,
        share: 0,
        medianS: 900,
        p90S: null,
        cumulative: curve(26, [[15, 0.5]]),
      }),
    },
    {
      standardId: 'ambulance-cat1',
      standardName: 'Category 1: 8 min on 75%',
      agency: 'ambulance',
      capability: 'paramedic',
      nth: 1,
      withinS: 480,
      targetShare: 0.75,
      minutes: Array.from({ length: 17 }, (_, m) => m),
      days: [
        rday('2026-07-14', {
          counted: 0,
          within: 0,
          overdue: 0,
          pending: 0,
          share: null,
          medianS: null,
          p90S: null,
          cumulative: none(16),
        }),
        rday('2026-07-15', {
          counted: 1,
          within: 1,
          overdue: 0,
          pending: 0,
          share: 1,
          medianS: 360,
          p90S: 360,
          cumulative: curve(16, [[6, 1]]),
        }),
      ],
      total: rday('all', {
        counted: 1,
        within: 1,
        overdue: 0,
        pending: 0,
        share: 1,
        medianS: 360,
        p90S: 360,
        cumulative: curve(16, [[6, 1]]),
      }),
    },
  ],
  incidents: {
    total: 3,
    // INC-1 23:50 BST, INC-2 00:10 BST, INC-3 13:00 BST.
    byHour: Array.from({ length: 24 }, (_, hour) => ({
      hour,
      ...(hour === 23 || hour === 0 ? counts(1, 1) : hour === 13 ? counts(1, 0, 0, 1) : counts(0)),
    })),
    byWeekday: [
      { weekday: 'Mon', ...counts(0) },
      { weekday: 'Tue', ...counts(1, 1) },
      { weekday: 'Wed', ...counts(2, 1, 0, 1) },
      { weekday: 'Thu', ...counts(0) },
      { weekday: 'Fri', ...counts(0) },
      { weekday: 'Sat', ...counts(0) },
      { weekday: 'Sun', ...counts(0) },
    ],
  },
  utilisation: {
    spanMs: SPAN,
    // HAT1: INC-1 22:51-23:30 (39 min) + INC-3 12:04-12:30 (26 min); HAT2: INC-0's last 30 min
    // + INC-2 23:11-00:40 (89 min); WGC1 INC-1 39 min; AMB1 INC-3 12:01-12:40 (39 min).
    resources: [
      {
        resourceId: 'HAT1',
        callSign: 'HT-P1',
        agency: 'fire',
        stationId: 'F-HAT',
        committedMs: 65 * MIN,
        share: (65 * MIN) / SPAN,
        commitments: 2,
      },
      {
        resourceId: 'HAT2',
        callSign: 'HT-P2',
        agency: 'fire',
        stationId: 'F-HAT',
        committedMs: 119 * MIN,
        share: (119 * MIN) / SPAN,
        commitments: 1,
      },
      {
        resourceId: 'WGC1',
        callSign: 'WG-P1',
        agency: 'fire',
        stationId: 'F-WGC',
        committedMs: 39 * MIN,
        share: (39 * MIN) / SPAN,
        commitments: 1,
      },
      {
        resourceId: 'PC1',
        callSign: 'HT-IRV1',
        agency: 'police',
        stationId: 'P-HAT',
        committedMs: 0,
        share: 0,
        commitments: 0,
      },
      {
        resourceId: 'DRONE1',
        callSign: 'HT-DR1',
        agency: 'fire',
        stationId: 'F-WGC',
        committedMs: 0,
        share: 0,
        commitments: 0,
      },
      {
        resourceId: 'AMB1',
        callSign: 'EE-A1',
        agency: 'ambulance',
        stationId: 'F-HAT',
        committedMs: 39 * MIN,
        share: (39 * MIN) / SPAN,
        commitments: 1,
      },
    ],
    stations: [
      {
        stationId: 'F-HAT',
        stationName: 'Hatfield',
        resources: 3,
        committedMs: 223 * MIN,
        share: (223 * MIN) / (3 * SPAN),
      },
      {
        stationId: 'F-WGC',
        stationName: 'Welwyn Garden City',
        resources: 2,
        committedMs: 39 * MIN,
        share: (39 * MIN) / (2 * SPAN),
      },
      { stationId: 'P-HAT', stationName: 'Hatfield police', resources: 1, committedMs: 0, share: 0 },
    ],
  },
  requests: {
    rows: [
      {
        incidentId: 'INC-1',
        requestId: 'INC-1-R1',
        fromAgency: 'fire',
        toAgency: 'police',
        requestedAtMs: at('22:55', 14),
        answeredAtMs: at('23:01', 14),
        status: 'declined',
        answerS: 360,
      },
      {
        incidentId: 'INC-3',
        requestId: 'INC-3-R1',
        fromAgency: 'ambulance',
        toAgency: 'fire',
        requestedAtMs: at('12:02', 15),
        answeredAtMs: at('12:04', 15),
        status: 'accepted',
        answerS: 120,
      },
      {
        incidentId: 'INC-3',
        requestId: 'INC-3-R2',
        fromAgency: 'ambulance',
        toAgency: 'police',
        requestedAtMs: at('12:03', 15),
        answeredAtMs: at('12:10', 15),
        status: 'advised',
        answerS: 420,
      },
    ],
    pairs: [
      {
        fromAgency: 'fire',
        toAgency: 'police',
        count: 1,
        accepted: 0,
        declined: 1,
        advised: 0,
        pending: 0,
        medianAnswerS: 360,
        p90AnswerS: 360,
        maxAnswerS: 360,
      },
      {
        fromAgency: 'ambulance',
        toAgency: 'fire',
        count: 1,
        accepted: 1,
        declined: 0,
        advised: 0,
        pending: 0,
        medianAnswerS: 120,
        p90AnswerS: 120,
        maxAnswerS: 120,
      },
      {
        fromAgency: 'ambulance',
        toAgency: 'police',
        count: 1,
        accepted: 0,
        declined: 0,
        advised: 1,
        pending: 0,
        medianAnswerS: 420,
        p90AnswerS: 420,
        maxAnswerS: 420,
      },
    ],
  },
  overrides: {
    decisions: 3,
    overridden: 1,
    rows: [
      {
        atMs: at('22:51', 14),
        incidentId: 'INC-1',
        kind: 'mobilise',
        agency: 'fire',
        actor: 'fd1',
        proposed: ['HAT1', 'HAT2'],
        chosen: ['HAT1', 'WGC1'],
        reason: 'HAT2 crew at training, "drill"',
      },
      {
        atMs: at('12:04', 15),
        incidentId: 'INC-3',
        kind: 'request',
        agency: 'fire',
        actor: 'fd1',
        proposed: ['WGC1'],
        chosen: ['HAT1'],
        reason: '=WGC1 low on water',
      },
    ],
    reasons: [
      { reason: '=WGC1 low on water', count: 1 },
      { reason: 'HAT2 crew at training, "drill"', count: 1 },
    ],
  },
};

let server: RunningServer;
let dir: string;
test.before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jcr-statistics-'));
  const db = join(dir, 'log.sqlite');
  const store = Store.open(db);
  store.append(LOG);
  store.close();
  const clock = fakeClock(NOW);
  server = await startServer({
    scenario: miniScenario(),
    db,
    port: 0,
    clock: clock.now,
    log: 'silent',
    timers: manualTimer(),
  });
});
test.after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('local days across the spring change: 23 hours on 29 March 2026', () => {
  assert.equal(statisticsDays('Europe/London', Z('2026-03-28T12:00:00Z'), Z('2026-03-30T00:00:00Z')), [
    { date: '2026-03-28', fromMs: Z('2026-03-28T12:00:00Z'), toMs: Z('2026-03-29T00:00:00Z') },
    { date: '2026-03-29', fromMs: Z('2026-03-29T00:00:00Z'), toMs: Z('2026-03-29T23:00:00Z') },
    { date: '2026-03-30', fromMs: Z('2026-03-29T23:00:00Z'), toMs: Z('2026-03-30T00:00:00Z') },
  ]);
});

test('GET /api/statistics equals the report computed by hand from the literal log', async () => {
  const token = await tokenFor(server, 'duty-officer');
  const r = await api(server, 'GET', '/api/statistics?from=2026-07-14&to=2026-07-16', { token });
  assert.is(r.status, 200);
  assert.equal(r.body, EXPECTED);
  // The same range as instants with zones.
  const q = '/api/statistics?from=2026-07-14T00:00:00%2B01:00&to=2026-07-15T23:00:00Z';
  assert.equal((await api(server, 'GET', q, { token })).body, EXPECTED);
});

test("a dispatcher's report: the same counts, the request and override rows of its agency's incidents", async () => {
  const token = await tokenFor(server, 'police-dispatcher', 'pd1');
  const r = await api(server, 'GET', '/api/statistics?from=2026-07-14&to=2026-07-16', { token });
  assert.is(r.status, 200);
  const body = r.body as StatisticsReport;
  assert.equal(body.response, EXPECTED.response);
  assert.equal(body.utilisation, EXPECTED.utilisation);
  // Police were asked on INC-1 and INC-3 and answered both; they see neither incident now, nor
  // the fire and ambulance decisions on them.
  assert.equal(
    body.requests.rows.map((q) => q.requestId),
    ['INC-1-R1', 'INC-3-R2'],
  );
  assert.equal(body.overrides, { decisions: 0, overridden: 0, rows: [], reasons: [] });
});

test('each table downloads as exact CSV', async () => {
  const token = await tokenFor(server, 'duty-officer');
  const r = await fetch(`${server.url}/api/statistics?from=2026-07-14&to=2026-07-16&format=csv&table=overrides`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.is(r.status, 200);
  assert.is(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.is(r.headers.get('content-disposition'), 'attachment; filename="statistics-overrides.csv"');
  assert.is(
    await r.text(),
    'at,incident,kind,agency,actor,proposed,chosen,reason\r\n' +
      '2026-07-14T22:51:00.000Z,INC-1,mobilise,fire,fd1,HAT1 HAT2,HAT1 WGC1,"HAT2 crew at training, ""drill"""\r\n' +
      "2026-07-15T12:04:00.000Z,INC-3,request,fire,fd1,WGC1,HAT1,'=WGC1 low on water\r\n",
  );
  const u = await fetch(
    `${server.url}/api/statistics?from=2026-07-14&to=2026-07-16&format=csv&table=utilisation-stations`,
    {
      headers: { authorization: `Bearer ${token}` },
    },
  );
  assert.is(
    await u.text(),
    'station,name,resources,committedS,share\r\n' +
      'F-HAT,Hatfield,3,13380,0.0258\r\n' +
      'F-WGC,Welwyn Garden City,2,2340,0.0068\r\n' +
      'P-HAT,Hatfield police,1,0,0\r\n',
  );
});

test('a bad query is refused with a stable code naming the parameter; the server stays up', async () => {
  const token = await tokenFor(server, 'duty-officer');
  const cases: Array<[string, string, string]> = [
    ['from=2026-02-31&to=2026-03-02', 'JCR_STATISTICS_RANGE', 'from'],
    ['from=yesterday', 'JCR_STATISTICS_RANGE', 'from'],
    ['from=2026-07-14T00:00:00&to=2026-07-15', 'JCR_STATISTICS_RANGE', 'from'], // no zone
    ['from=2026-07-15&to=2026-07-14', 'JCR_STATISTICS_RANGE', 'from'],
    ['from=2026-07-17&to=2026-07-18', 'JCR_STATISTICS_RANGE', 'from'], // in the future
    ['from=2026-06-01&to=2026-07-16', 'JCR_STATISTICS_RANGE', 'to'], // 45 days
    ['from=2026-07-14&from=2026-07-15', 'JCR_STATISTICS_RANGE', 'from'], // repeated: not one string
    ['format=xml', 'JCR_VALIDATION', 'format'],
    ['format=csv&table=everything', 'JCR_VALIDATION', 'table'],
    ['table=overrides', 'JCR_VALIDATION', 'table'],
    ['since=2026-07-14', 'JCR_VALIDATION', 'since'],
  ];
  for (const [q, code, path] of cases) {
    const r = await api(server, 'GET', `/api/statistics?${q}`, { token });
    assert.is(r.status, 400, q);
    assert.is(errorCode(r.body), code, q);
    assert.is((r.body as { error: { path?: string } }).error.path, path, q);
  }
  // Defaults: to = now, from = local midnight six days before (Friday 10 July, BST).
  const d = await api(server, 'GET', '/api/statistics', { token });
  assert.is(d.status, 200);
  const body = d.body as StatisticsReport;
  assert.equal([body.fromMs, body.toMs, body.asOfMs, body.days.length], [Z('2026-07-09T23:00:00Z'), NOW, NOW, 7]);
  assert.is((await api(server, 'GET', '/api/statistics')).status, 401);
});

test.run();
