/**
 * Performance against standards on the screens (issue 17 items 1 and 5): the COP's report reaches
 * the store (snapshot and change) through the real feed and codec; the standards panel's rows and
 * the KPI strip's count from a literal report; shares to one decimal and units named per agency.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Api } from '../client/state/api.ts';
import { CopFeed, type CopSocketLike } from '../client/state/cop-feed.ts';
import { ClientStore } from '../client/state/store.ts';
import { standardsRows } from '../client/components/jcr-standards-panel/standards-model.ts';
import { todayTargets } from '../client/components/jcr-kpi-strip/jcr-kpi-strip.ts';
import { formatMinutes, formatShare1, nthUnit } from '../client/format-standards.ts';
import type { CopServerMsg, PerformanceFigureMsg, PerformanceReport } from '../proto/wire.ts';
import { encodeServer } from '../server/shell/cop/codec.ts';

const fig = (
  standardId: string,
  agency: string,
  nth: number,
  window: string,
  f: Partial<PerformanceFigureMsg>,
): PerformanceFigureMsg => ({
  standardId,
  standardName: standardId === 'fire-appliances' ? 'First appliance 10 min, second 13 min' : 'Category 1',
  agency,
  capability: agency === 'fire' ? 'pump' : 'paramedic',
  nth,
  withinS: nth === 1 ? 600 : 780,
  targetShare: 0.9,
  window,
  counted: 0,
  within: 0,
  overdue: 0,
  pending: 0,
  share: null,
  medianS: null,
  p90S: null,
  belowTarget: false,
  ...f,
});

const REPORT: PerformanceReport = {
  computedAtMs: 5000,
  eventSeq: 12,
  timezone: 'Europe/London',
  windows: [
    { id: 'today', label: 'Today', fromMs: 0, toMs: 5000 },
    { id: 'last24h', label: 'Last 24 hours', fromMs: 0, toMs: 5000 },
    { id: 'shift', label: 'Day shift', fromMs: 0, toMs: 5000 },
  ],
  figures: [
    fig('fire-appliances', 'fire', 1, 'shift', { counted: 2, within: 2, share: 1, medianS: 300, p90S: 420 }),
    fig('fire-appliances', 'fire', 1, 'today', {
      counted: 8,
      within: 7,
      overdue: 1,
      share: 0.875,
      medianS: 370,
      p90S: 580,
      belowTarget: true,
    }),
    fig('fire-appliances', 'fire', 1, 'last24h', { counted: 8, within: 7, share: 0.875, belowTarget: true }),
    fig('fire-appliances', 'fire', 2, 'today', { counted: 4, within: 4, share: 1, medianS: 600, p90S: 700 }),
    fig('fire-appliances', 'fire', 2, 'last24h', { pending: 1 }),
    fig('fire-appliances', 'fire', 2, 'shift', {}),
    fig('ambulance-cat1', 'ambulance', 1, 'today', { counted: 3, within: 3, share: 1 }),
  ],
};

test('formatters: one decimal, units as each agency names them, minutes', () => {
  assert.equal(
    [formatShare1(0.9945), formatShare1(0.9896), formatShare1(1), formatShare1(0)],
    ['99.5%', '99.0%', '100.0%', '0.0%'],
  );
  assert.equal(
    [nthUnit('fire', 1), nthUnit('fire', 2), nthUnit('ambulance', 1), nthUnit('police', 3), nthUnit('coastguard', 1)],
    ['1st appliance', '2nd appliance', '1st ambulance', '3rd police unit', '1st unit'],
  );
  assert.equal([formatMinutes(600), formatMinutes(450), formatMinutes(30)], ['10 min', '7 min 30 s', '30 s']);
});

test('standards rows: one per target, cells in window order, below target marked', () => {
  const { windows, rows } = standardsRows(REPORT);
  assert.equal(
    windows.map((w) => w.label),
    ['Today', 'Last 24 hours', 'Day shift'],
  );
  assert.equal(
    rows.map((r) => [r.key, r.target]),
    [
      ['fire-appliances#1', '1st appliance within 10 min on 90.0%'],
      ['fire-appliances#2', '2nd appliance within 13 min on 90.0%'],
      ['ambulance-cat1#1', '1st ambulance within 10 min on 90.0%'],
    ],
  );
  assert.equal(rows[0]?.cells, [
    {
      window: 'today',
      share: '87.5%',
      counts: '7 of 8, 1 overdue',
      times: 'median 6:10 · 90% 9:40',
      belowTarget: true,
    },
    { window: 'last24h', share: '87.5%', counts: '7 of 8', times: '', belowTarget: true },
    { window: 'shift', share: '100.0%', counts: '2 of 2', times: 'median 5:00 · 90% 7:00', belowTarget: false },
  ]);
  assert.equal(rows[1]?.cells[1], { window: 'last24h', share: '—', counts: 'none yet', times: '', belowTarget: false });
  assert.equal(standardsRows(null), { windows: [], rows: [] });
});

test("KPI: today's targets met and below, none before any is counted", () => {
  assert.equal(todayTargets(REPORT), { met: 2, below: 1, total: 3 });
  assert.is(todayTargets(null), null);
  assert.is(todayTargets({ ...REPORT, figures: [fig('fire-appliances', 'fire', 1, 'today', { pending: 2 })] }), null);
});

test('the COP feed puts the snapshot report and a performance change into the store', () => {
  const never = () => undefined;
  const store = new ClientStore({
    timers: { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never },
  });
  let ws: (CopSocketLike & { push(m: CopServerMsg): void }) | null = null;
  const feed = new CopFeed(store, new Api(async () => new Response('{}', { status: 401 })), {
    url: 'ws://h/ws/cop',
    openSocket: () => {
      const s = {
        binaryType: 'blob' as BinaryType,
        readyState: 1,
        onopen: null,
        onmessage: null as ((ev: MessageEvent) => void) | null,
        onclose: null,
        onerror: null,
        send() {},
        close() {},
        push(m: CopServerMsg) {
          this.onmessage?.({ data: new Uint8Array(encodeServer(m)).buffer } as MessageEvent);
        },
      };
      ws = s;
      return s;
    },
    now: () => 1000,
    timers: { setTimeout: () => undefined, clearTimeout: never, setInterval: never, clearInterval: never },
  });
  feed.start();
  const sock = ws as unknown as { push(m: CopServerMsg): void };
  sock.push({
    snapshot: {
      seq: 0,
      epoch: 'e1',
      eventSeq: 7,
      serverTimeMs: 1000,
      reason: 1,
      filter: { agencies: [], bounds: null },
      resources: [],
      incidents: [],
      cover: null,
      performance: { ...REPORT, figures: REPORT.figures.slice(0, 1) },
      alerts: [],
    },
  });
  assert.is(store.performance?.figures.length, 1);
  assert.is(store.performance?.figures[0]?.share, 1);
  sock.push({
    delta: {
      seq: 1,
      serverTimeMs: 1001,
      changes: [{ performance: REPORT }],
      positions: null,
      enter: [],
      leave: [],
    },
  });
  assert.is(store.performance?.figures.length, 7);
  assert.is(store.performance?.eventSeq, 12);
  assert.equal(todayTargets(store.performance), { met: 2, below: 1, total: 3 });
  feed.stop();
});

test.run();
