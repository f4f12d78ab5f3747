import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { HistoryWriter, ROWS_PER_INSERT, type MarkedRows } from '../server/shell/avl/history.ts';
import { META_POSITIONS_SEQ } from '../server/shell/avl/history-rows.ts';
import { manualTimer } from './support/timers.ts';
import { Store } from '../server/shell/store/store.ts';

test('HistoryWriter writes 64-row chunks and the tail, every field, in one flush per tick', () => {
  const store = Store.open(':memory:');
  const clock = fakeClock(1_767_258_000_000);
  const timer = manualTimer();
  const h = new HistoryWriter(store.db, clock.now, { tickMs: 250, retentionMs: 3_600_000, maxPending: 10_000 }, timer);
  const n = 2 * ROWS_PER_INSERT + 2;
  for (let i = 0; i < n; i++) {
    const r: AvlReportIn = {
      resourceId: `R${i}`,
      lat: 51 + i / 1000,
      lon: -0.5 + i / 1000,
      speedMps: i,
      headingDeg: 180,
      fixTimeMs: 1_767_257_000_000 + i,
      accuracyM: 4,
      status: i % 7,
    };
    h.push(r, r.resourceId, i % 2 === 0, i < 65 ? 'feed-a' : 'feed-b', 1_767_258_000_000);
  }
  assert.is(h.pending, n);
  timer.tick(250);
  assert.equal([h.pending, h.written, h.flushes], [0, n, 1]);
  const rows = store.db.prepare('SELECT * FROM positions ORDER BY id').all() as Array<Record<string, unknown>>;
  assert.is(rows.length, n);
  assert.equal(rows[0], {
    id: 1,
    received_at: 1_767_258_000_000,
    resource_id: 'R0',
    fix_time: 1_767_257_000_000,
    lat: 51,
    lon: -0.5,
    speed_mps: 0,
    heading_deg: 180,
    accuracy_m: 4,
    status: 0,
    live: 1,
    feed: 'feed-a',
  });
  assert.equal(rows[129], {
    id: 130,
    received_at: 1_767_258_000_000,
    resource_id: 'R129',
    fix_time: 1_767_257_000_129,
    lat: 51.129,
    lon: -0.371,
    speed_mps: 129,
    heading_deg: 180,
    accuracy_m: 4,
    status: 3,
    live: 0,
    feed: 'feed-b',
  });
  for (let i = 0; i < n; i++) assert.is(rows[i]?.resource_id, `R${i}`);
  h.close();
  assert.is(timer.active, 0, 'close stops the tick');
  store.close();
});

test('retention prunes the oldest rows in bounded steps of max(1000, 2 × rows written) per flush', () => {
  const store = Store.open(':memory:');
  const clock = fakeClock(1_767_258_000_000);
  const timer = manualTimer();
  const h = new HistoryWriter(store.db, clock.now, { tickMs: 250, retentionMs: 60_000, maxPending: 100_000 }, timer);
  const r: AvlReportIn = {
    resourceId: 'R',
    lat: 51,
    lon: 0.1,
    speedMps: 0,
    headingDeg: 0,
    fixTimeMs: 1,
    accuracyM: 0,
    status: 0,
  };
  for (let i = 0; i < 1500; i++) h.push(r, 'R', true, 'f', clock.now());
  timer.tick();
  clock.advance(30_000);
  for (let i = 0; i < 10; i++) h.push(r, 'R', true, 'f', clock.now());
  timer.tick();
  assert.equal([h.written, h.pruned], [1510, 0], 'nothing is old yet');
  clock.advance(30_001); // the first 1500 rows are now older than 60 s, the last 10 are not
  for (let i = 0; i < 10; i++) h.push(r, 'R', true, 'f', clock.now());
  timer.tick();
  assert.is(h.pruned, 1000, 'one bounded step');
  timer.tick();
  assert.is(h.pruned, 1500, 'the rest at the next tick');
  timer.tick();
  assert.is(h.pruned, 1500);
  assert.equal(store.db.prepare('SELECT COUNT(*) AS n, MIN(received_at) AS t FROM positions').get(), {
    n: 20,
    t: 1_767_258_030_000,
  });
  h.close();
  store.close();
});

test('with no onError, a failing flush throws, its rows counted dropped and no longer pending', () => {
  const store = Store.open(':memory:');
  const timer = manualTimer();
  const h = new HistoryWriter(
    store.db,
    () => 1_767_258_000_000,
    { tickMs: 250, retentionMs: 3_600_000, maxPending: 100 },
    timer,
  );
  const r: AvlReportIn = {
    resourceId: 'R',
    lat: 51,
    lon: 0.1,
    speedMps: 0,
    headingDeg: 0,
    fixTimeMs: 1,
    accuracyM: 0,
    status: 0,
  };
  store.db.exec('ALTER TABLE positions RENAME TO positions_away');
  h.push(r, 'R', true, 'f', 1);
  assert.throws(() => h.flush(), /no such table: positions/);
  assert.equal([h.dropped, h.pending, h.written, h.flushes], [1, 0, 0, 0]);
  store.db.exec('ALTER TABLE positions_away RENAME TO positions');
  h.close();
  store.close();
});

test("a failing flush drops that tick's rows, reports them and keeps working", () => {
  const store = Store.open(':memory:');
  const timer = manualTimer();
  const errors: number[] = [];
  const h = new HistoryWriter(
    store.db,
    () => 1_767_258_000_000,
    { tickMs: 250, retentionMs: 3_600_000, maxPending: 100, onError: (_e, n) => errors.push(n) },
    timer,
  );
  const r: AvlReportIn = {
    resourceId: 'R',
    lat: 51,
    lon: 0.1,
    speedMps: 0,
    headingDeg: 0,
    fixTimeMs: 1,
    accuracyM: 0,
    status: 0,
  };
  store.db.exec('ALTER TABLE positions RENAME TO positions_away');
  h.push(r, 'R', true, 'f', 1);
  h.push(r, 'R', true, 'f', 1);
  timer.tick();
  assert.equal([errors, h.dropped, h.pending, h.written], [[2], 2, 0, 0]);
  store.db.exec('ALTER TABLE positions_away RENAME TO positions');
  h.push(r, 'R', true, 'f', 1);
  timer.tick();
  assert.equal([h.written, h.dropped], [1, 2]);
  h.close();
  store.close();
});

test('after the database is closed, late rows are counted dropped and never pile up past the buffer', () => {
  const store = Store.open(':memory:');
  const clock = fakeClock(1_767_258_000_000);
  const timer = manualTimer();
  const h = new HistoryWriter(store.db, clock.now, { tickMs: 250, retentionMs: 3_600_000, maxPending: 4 }, timer);
  store.close();
  const r: AvlReportIn = {
    resourceId: 'R',
    lat: 51,
    lon: 0.1,
    speedMps: 0,
    headingDeg: 0,
    fixTimeMs: 1,
    accuracyM: 0,
    status: 0,
  };
  for (let i = 0; i < 10; i++) h.push(r, 'R', true, 'f', clock.now());
  // pushes 4 and 8 filled the buffer and flushed (dropping 4 each); 2 remain pending
  assert.equal([h.pending, h.dropped, h.written], [2, 8, 0]);
  timer.tick(250);
  assert.equal([h.pending, h.dropped, h.written], [0, 10, 0]);
  h.close();
});

test("cluster mode: a message's rows are committed whole, with its stream sequence as the mark", () => {
  const store = Store.open(':memory:');
  const timer = manualTimer();
  const h = new HistoryWriter(
    store.db,
    () => 1_767_258_000_000,
    { tickMs: 250, retentionMs: 3_600_000, maxPending: 5 },
    timer,
  );
  const message = (id: string, historyOnly: number[]): MarkedRows => ({
    reports: [0, 1, 2].map((k) => ({
      resourceId: id,
      lat: 51 + k / 1000,
      lon: -0.5,
      speedMps: 1,
      headingDeg: 2,
      fixTimeMs: 1_767_257_000_000 + k,
      accuracyM: 3,
      status: 0,
    })),
    historyOnly,
    feedId: 'dev',
    receivedAt: 1_767_258_000_000,
  });
  const seen = () => [
    (
      store.db.prepare('SELECT resource_id, live FROM positions ORDER BY id').all() as Array<{
        resource_id: string;
        live: number;
      }>
    ).map((r) => `${r.resource_id}:${r.live}`),
    store.getMeta(META_POSITIONS_SEQ),
  ];
  h.pushMarked(7, message('R0', []));
  assert.equal(seen(), [[], undefined], 'buffered until the tick');
  // Three more would pass maxPending (5): message 7 is written first, whole, with its mark.
  h.pushMarked(8, message('R1', [1]));
  assert.equal(seen(), [['R0:1', 'R0:1', 'R0:1'], '7']);
  timer.tick(250);
  assert.equal(seen(), [['R0:1', 'R0:1', 'R0:1', 'R1:1', 'R1:0', 'R1:1'], '8']);
  h.push(message('R2', []).reports[0] as AvlReportIn, 'R2', true, 'dev', 1_767_258_000_000);
  timer.tick(250);
  assert.is(store.getMeta(META_POSITIONS_SEQ), '8', 'rows without a message leave the mark');
  h.close();
});

test.run();
