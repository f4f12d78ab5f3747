/**
 * Performance against standards (issue 17 item 2): the time zone arithmetic, and GET
 * /api/performance on a small literal event log against figures computed by hand, including an
 * incident whose second appliance has not arrived after its target time, one still inside it, one
 * stood down early, and the midnight boundary in Europe/London on a summer (BST) date. The server
 * rebuilds the figures from the log at start, then an arrival changes them and the COP pushes
 * the new report.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PerformanceFigureMsg, PerformanceReport } from '../proto/wire.ts';
import { fakeClock } from '../server/core/clock.ts';
import type { NewEvent } from '../server/core/events.ts';
import { UNFILTERED } from '../server/core/cop/frames.ts';
import { performanceWindows } from '../server/core/performance/figures.ts';
import { currentShift, localTime, startOfLocalDay, zonedInstant } from '../server/core/performance/zone.ts';
import { scenarioProblems } from '../server/core/scenario/validate.ts';
import { Store } from '../server/shell/store/store.ts';
import { startServer } from '../server/shell/server.ts';
import { decodeServerFrame } from '../client/cop/codec.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { created, status } from './support/log-events.ts';
import { manualTimer } from './support/timers.ts';
import { api, tokenFor } from './support/server.ts';

const Z = (iso: string) => Date.parse(iso);

test('local midnight and wall times in Europe/London, summer and winter', () => {
  // 00:30 BST on 15 July is 23:30 UTC on the 14th: the local day began at 23:00 UTC.
  assert.is(startOfLocalDay('Europe/London', Z('2026-07-14T23:30:00Z')), Z('2026-07-14T23:00:00Z'));
  assert.is(startOfLocalDay('Europe/London', Z('2026-07-14T22:59:59Z')), Z('2026-07-13T23:00:00Z'));
  assert.is(startOfLocalDay('Europe/London', Z('2026-01-15T00:30:00Z')), Z('2026-01-15T00:00:00Z'));
  // The clocks go forward at 01:00 UTC on 29 March 2026: 07:00 local is 06:00 UTC that day.
  assert.is(zonedInstant('Europe/London', 2026, 3, 29, 7, 0), Z('2026-03-29T06:00:00Z'));
  assert.is(zonedInstant('Europe/London', 2026, 3, 28, 7, 0), Z('2026-03-28T07:00:00Z'));
  assert.is(startOfLocalDay('America/New_York', Z('2026-07-15T03:00:00Z')), Z('2026-07-14T04:00:00Z'));
  assert.equal(localTime('Europe/London', Z('2026-07-15T08:00:00Z')), {
    year: 2026,
    month: 7,
    day: 15,
    hour: 9,
    minute: 0,
    second: 0,
    weekday: 3,
  });
});

test("the current shift: the latest start at or before now, else yesterday's last", () => {
  const starts = [7 * 60, 19 * 60];
  // 09:00 BST: the day shift from 07:00 BST (06:00 UTC).
  assert.equal(currentShift('Europe/London', starts, Z('2026-07-15T08:00:00Z')), {
    index: 0,
    fromMs: Z('2026-07-15T06:00:00Z'),
  });
  // 03:00 BST on the 15th: the night shift from 19:00 BST on the 14th.
  assert.equal(currentShift('Europe/London', starts, Z('2026-07-15T02:00:00Z')), {
    index: 1,
    fromMs: Z('2026-07-14T18:00:00Z'),
  });
  // 1 March 00:30 (winter): yesterday is 28 February.
  assert.equal(currentShift('Europe/London', starts, Z('2026-03-01T00:30:00Z')), {
    index: 1,
    fromMs: Z('2026-02-28T19:00:00Z'),
  });
  const s = {
    ...miniScenario(),
    shifts: [
      { id: 'late', name: 'Late watch', start: '18:00' },
      { id: 'early', name: 'Early watch', start: '08:00' },
    ],
  };
  const w = performanceWindows(s, Z('2026-07-15T08:00:00Z'));
  assert.equal(w[2], {
    id: 'shift',
    label: 'Early watch',
    fromMs: Z('2026-07-15T07:00:00Z'),
    toMs: Z('2026-07-15T08:00:00Z'),
  });
});

test('shifts in the scenario are checked: HH:MM, distinct starts, unique ids', () => {
  const bad = {
    ...miniScenario(),
    shifts: [
      { id: 'a', name: 'A', start: '7:00' },
      { id: 'a', name: 'B', start: '19:00' },
      { id: 'c', name: 'C', start: '19:00' },
    ],
  };
  assert.equal(scenarioProblems(bad), [
    { path: 'shifts[0].start', reason: 'expected a 24-hour time "HH:MM", got "7:00"' },
    { path: 'shifts[1].id', reason: 'duplicate id "a" (first used at shifts[0])' },
    { path: 'shifts[2].start', reason: 'another shift starts at 19:00 (shifts[1])' },
  ]);
  assert.equal(scenarioProblems({ ...miniScenario(), shifts: [{ id: 'd', name: 'D', start: '06:30' }] }), []);
});

// ---------------------------------------------------------------------------------------------
// The literal log. Mini scenario: dwelling fires are measured against fire-appliances (pump 1st
// within 600 s, 2nd within 780 s, each on 90%), cardiac arrests against ambulance-cat1 (paramedic
// within 480 s on 75%). Now is 09:00 BST on Wednesday 15 July 2026 (08:00 UTC); today began at
// 23:00 UTC on the 14th; the day shift at 07:00 BST (06:00 UTC).

const at = (hhmm: string, day = 15) => Z(`2026-07-${day}T${hhmm}:00Z`);
const LOG: NewEvent[] = [
  // INC-1: 23:50 BST on the 14th, before local midnight: in the last 24 hours, not today.
  created('INC-1', 'dwelling-fire', at('22:50', 14)),
  status('HAT1', 3, at('22:51', 14), 'INC-1'),
  status('HAT2', 3, at('22:51', 14), 'INC-1'),
  status('HAT1', 4, at('22:57', 14), 'INC-1'), // 1st: 420 s
  status('HAT2', 4, at('23:05', 14), 'INC-1'), // 2nd: 900 s, late
  status('HAT1', 5, at('23:06', 14)),
  status('HAT2', 5, at('23:06', 14)),
  // INC-2: 00:10 BST on the 15th, just after local midnight: today.
  created('INC-2', 'dwelling-fire', at('23:10', 14)),
  status('WGC1', 3, at('23:11', 14), 'INC-2'),
  status('HAT1', 3, at('23:11', 14), 'INC-2'),
  status('WGC1', 4, at('23:15', 14), 'INC-2'), // 1st: 300 s
  status('HAT1', 4, at('23:22', 14), 'INC-2'), // 2nd: 720 s
  status('WGC1', 5, at('23:40', 14)),
  status('HAT1', 5, at('23:40', 14)),
  // INC-3: 07:30 BST, in the day shift; the second appliance never arrives (overdue at 07:43).
  created('INC-3', 'dwelling-fire', at('06:30')),
  status('HAT1', 3, at('06:31'), 'INC-3'),
  status('HAT1', 4, at('06:39'), 'INC-3'), // 1st: 540 s
  // INC-4: 08:00 BST, stood down and closed after five minutes with nobody there: not counted.
  created('INC-4', 'dwelling-fire', at('07:00')),
  status('WGC1', 3, at('07:01'), 'INC-4'),
  status('WGC1', 5, at('07:04'), 'INC-4'),
  {
    at: at('07:05'),
    type: 'incident.closed',
    origin: 'operator',
    actor: 'test',
    data: { incidentId: 'INC-4', reason: 'false alarm' },
  },
  // INC-5: 08:40 BST cardiac arrest, the ambulance 600 s later: not within 480 s.
  created('INC-5', 'cardiac-arrest', at('07:40')),
  status('AMB1', 3, at('07:41'), 'INC-5'),
  status('AMB1', 4, at('07:50'), 'INC-5'),
  // INC-6: 08:55 BST, five minutes ago, HAT2 on its way: pending for both targets.
  created('INC-6', 'dwelling-fire', at('07:55')),
  status('HAT2', 3, at('07:56'), 'INC-6'),
];

const NOW = at('08:00');

function fig(
  standardId: string,
  nth: number,
  window: string,
  f: Pick<PerformanceFigureMsg, 'counted' | 'within' | 'overdue' | 'pending' | 'share' | 'medianS' | 'p90S'>,
): PerformanceFigureMsg {
  const fire = standardId === 'fire-appliances';
  const withinS = fire ? (nth === 1 ? 600 : 780) : 480;
  const targetShare = fire ? 0.9 : 0.75;
  return {
    standardId,
    standardName: fire ? 'First appliance 10 min, second 13 min' : 'Category 1: 8 min on 75%',
    agency: fire ? 'fire' : 'ambulance',
    capability: fire ? 'pump' : 'paramedic',
    nth,
    withinS,
    targetShare,
    window,
    ...f,
    belowTarget: f.share !== null && f.share < targetShare,
  };
}

const WINDOWS = [
  { id: 'today', label: 'Today', fromMs: at('23:00', 14), toMs: NOW },
  { id: 'last24h', label: 'Last 24 hours', fromMs: at('08:00', 14), toMs: NOW },
  { id: 'shift', label: 'Day shift', fromMs: at('06:00'), toMs: NOW },
];

// By hand. fire 1st (600 s): today INC-2 300, INC-3 540, INC-6 pending; the last 24 hours add
// INC-1 420; the shift has INC-3 only. fire 2nd (780 s): today INC-2 720 within, INC-3 overdue;
// the last 24 hours add INC-1 900 (late); the shift has INC-3, overdue. Median and 90th
// percentile by nearest rank, overdue ranked last (null when a percentile lands on it).
const EXPECTED_FIGURES: PerformanceFigureMsg[] = [
  fig('fire-appliances', 1, 'today', {
    counted: 2,
    within: 2,
    overdue: 0,
    pending: 1,
    share: 1,
    medianS: 300,
    p90S: 540,
  }),
  fig('fire-appliances', 1, 'last24h', {
    counted: 3,
    within: 3,
    overdue: 0,
    pending: 1,
    share: 1,
    medianS: 420,
    p90S: 540,
  }),
  fig('fire-appliances', 1, 'shift', {
    counted: 1,
    within: 1,
    overdue: 0,
    pending: 1,
    share: 1,
    medianS: 540,
    p90S: 540,
  }),
  fig('fire-appliances', 2, 'today', {
    counted: 2,
    within: 1,
    overdue: 1,
    pending: 1,
    share: 0.5,
    medianS: 720,
    p90S: null,
  }),
  fig('fire-appliances', 2, 'last24h', {
    counted: 3,
    within: 1,
    overdue: 1,
    pending: 1,
    share: 1 / 3,
    medianS: 900,
    p90S: null,
  }),
  fig('fire-appliances', 2, 'shift', {
    counted: 1,
    within: 0,
    overdue: 1,
    pending: 1,
    share: 0,
    medianS: null,
    p90S: null,
  }),
  fig('ambulance-cat1', 1, 'today', {
    counted: 1,
    within: 0,
    overdue: 0,
    pending: 0,
    share: 0,
    medianS: 600,
    p90S: 600,
  }),
  fig('ambulance-cat1', 1, 'last24h', {
    counted: 1,
    within: 0,
    overdue: 0,
    pending: 0,
    share: 0,
    medianS: 600,
    p90S: 600,
  }),
  fig('ambulance-cat1', 1, 'shift', {
    counted: 1,
    within: 0,
    overdue: 0,
    pending: 0,
    share: 0,
    medianS: 600,
    p90S: 600,
  }),
];

test('GET /api/performance equals the figures computed by hand; an arrival changes them on the COP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-performance-'));
  const db = join(dir, 'log.sqlite');
  const store = Store.open(db);
  store.append(LOG);
  store.close();
  const clock = fakeClock(NOW);
  const timers = manualTimer();
  const server = await startServer({ scenario: miniScenario(), db, port: 0, clock: clock.now, log: 'silent', timers });
  try {
    const token = await tokenFor(server, 'duty-officer');
    const r = await api(server, 'GET', '/api/performance', { token });
    assert.is(r.status, 200);
    const expected: PerformanceReport = {
      computedAtMs: NOW,
      eventSeq: LOG.length,
      timezone: 'Europe/London',
      windows: WINDOWS,
      figures: EXPECTED_FIGURES,
    };
    assert.equal(r.body, expected);
    // The COP snapshot carries the same report.

    // A screen on the COP (a fake socket on the hub): its snapshot carries the report.
    const frames: Uint8Array[] = [];
    const id = server.cop.hub.connect(
      { bufferedAmount: 0, send: (f) => void frames.push(f), close: () => {}, terminate: () => {}, ping: () => {} },
      { id: 'wall', via: 'test', incidentScope: null },
    );
    server.cop.hub.control(id, { type: 'subscribe', lastSeq: 0, resumeEpoch: '', filter: UNFILTERED });
    server.cop.hub.tick();
    assert.equal(decodeServerFrame(frames.pop()!).snapshot?.performance, expected);

    // 08:02 UTC: HAT2 arrives at INC-6, 420 s after the call; today's 1st-appliance figures move,
    // and the next tick carries the arrival, then the new report.
    clock.set(at('08:02'));
    const arrived = await api(server, 'POST', '/api/incidents/INC-6/arrived', { token, body: { resourceId: 'HAT2' } });
    assert.is(arrived.status, 200, JSON.stringify(arrived.body));
    server.cop.hub.tick();
    const delta = decodeServerFrame(frames.pop()!).delta;
    const kinds = delta?.changes.map((c) => Object.keys(c).filter((k) => c[k as keyof typeof c] != null)[0]);
    assert.equal(kinds, ['status', 'incident', 'performance']);
    const pushed = delta?.changes[2]?.performance;
    const after = (await api(server, 'GET', '/api/performance', { token })).body as PerformanceReport;
    assert.equal(pushed, after);
    assert.equal(
      after.figures.find((f) => f.nth === 1 && f.window === 'today' && f.standardId === 'fire-appliances'),
      fig('fire-appliances', 1, 'today', {
        counted: 3,
        within: 3,
        overdue: 0,
        pending: 0,
        share: 1,
        medianS: 420,
        p90S: 540,
      }),
    );

    // 08:10 UTC: INC-6's second appliance is now 900 s overdue (780 s passed at 08:08): time
    // alone moved the figures, and the refresh timer pushes them.
    clock.set(at('08:10'));
    timers.tick();
    server.cop.hub.tick();
    const late = decodeServerFrame(frames.pop()!).delta?.changes[0]?.performance;
    assert.equal(
      late?.figures.find((f) => f.nth === 2 && f.window === 'today' && f.standardId === 'fire-appliances'),
      fig('fire-appliances', 2, 'today', {
        counted: 3,
        within: 1,
        overdue: 2,
        pending: 0,
        share: 1 / 3,
        medianS: null,
        p90S: null,
      }),
    );
    // Nothing changed since: the timer pushes nothing more.
    timers.tick();
    server.cop.hub.tick();
    assert.is(frames.length, 0);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
