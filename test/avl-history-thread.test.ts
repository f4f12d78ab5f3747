import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fakeClock, type Clock } from '../server/core/clock.ts';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { ThreadedHistoryWriter, type ThreadedHistoryOptions } from '../server/shell/avl/history-thread.ts';
import { manualTimer, type ManualTimer } from './support/timers.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN, report, T0 } from './support/avl.ts';

/**
 * The position-history writer thread (server/shell/avl/history-thread.ts) on real database files
 * in a temp directory: the rows it writes, the hand-off that bounds what a crash can lose (checked
 * with a real SIGKILL), retention with the injected clock, and the in-process fallback.
 */
const T = 1_767_258_000_000;
const ROWS = 500;
const BATCHES = 6;

/** Run `body` with a database file path in a fresh temp directory, removed afterwards whatever happens. */
async function inTempDir(body: (paths: { dir: string; file: string }) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-history-'));
  try {
    await body({ dir, file: join(dir, 'jcr.sqlite') });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Rig {
  h: ThreadedHistoryWriter;
  store: Store;
  timer: ManualTimer;
  file: string;
}

/**
 * A writer thread on a fresh database file (a manual timer; tickMs 250 and an hour's retention
 * unless given; `writerFile` points the thread elsewhere), ready before `body` runs, closed after.
 */
async function withWriter(
  opts: Partial<ThreadedHistoryOptions> & { maxPending: number; clock?: Clock; writerFile?: (dir: string) => string },
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  await inTempDir(async ({ dir, file }) => {
    const store = Store.open(file);
    const timer = manualTimer();
    const { clock = () => T, writerFile, ...history } = opts;
    const h = new ThreadedHistoryWriter(
      store.db,
      clock,
      { tickMs: 250, retentionMs: 3_600_000, ...history, file: writerFile ? writerFile(dir) : file },
      timer,
    );
    try {
      await h.ready;
      await body({ h, store, timer, file });
    } finally {
      h.close();
      store.close();
    }
  });
}

const rep = (i: number): AvlReportIn => ({
  resourceId: `R${i}`,
  lat: 51 + i / 1000,
  lon: -0.5 + i / 1000,
  speedMps: i,
  headingDeg: 180,
  fixTimeMs: T - 1000 + i,
  accuracyM: 4,
  status: i % 7,
});

test('the writer thread writes every field of every row, with strings added across hand-offs', () =>
  withWriter({ maxPending: 10_000 }, async ({ h, store, timer }) => {
    for (let i = 0; i < 130; i++) h.push(rep(i), `R${i}`, i % 2 === 0, i < 65 ? 'feed-a' : 'feed-b', T);
    assert.is(h.pending, 130);
    timer.tick(125); // hand-off every tickMs/2
    for (let i = 130; i < 135; i++) h.push(rep(i), `R${i}`, true, 'feed-c', T + 125);
    h.sync();
    assert.equal([h.pending, h.written, h.flushes, h.dropped, h.inProcess], [0, 135, 2, 0, false]);
    const rows = store.db.prepare('SELECT * FROM positions ORDER BY id').all() as Array<Record<string, unknown>>;
    assert.is(rows.length, 135);
    assert.equal(rows[0], {
      id: 1,
      received_at: T,
      resource_id: 'R0',
      fix_time: T - 1000,
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
      received_at: T,
      resource_id: 'R129',
      fix_time: T - 871,
      lat: 51.129,
      lon: -0.371,
      speed_mps: 129,
      heading_deg: 180,
      accuracy_m: 4,
      status: 3,
      live: 0,
      feed: 'feed-b',
    });
    assert.equal(rows[134], {
      id: 135,
      received_at: T + 125,
      resource_id: 'R134',
      fix_time: T - 866,
      lat: 51.134,
      lon: -0.366,
      speed_mps: 134,
      heading_deg: 180,
      accuracy_m: 4,
      status: 1,
      live: 1,
      feed: 'feed-c',
    });
    for (let i = 0; i < 135; i++) assert.is(rows[i]?.resource_id, `R${i}`);
  }));

test('a hand-off never waits for the previous batch: another connection sees whole batches; sync commits all', () =>
  withWriter({ maxPending: 10_000 }, async ({ h, timer, file }) => {
    const other = new Database(file, { readonly: true });
    try {
      const count = () => (other.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n;
      for (let b = 0; b < 5; b++) {
        for (let i = 0; i < 100; i++) h.push(rep(i), `R${i}`, true, 'f', T);
        timer.tick();
        // A tick hands off only when the previous batch is committed (issue 15 item 10: the event
        // loop never waits); what is committed is whole batches, never more than was pushed.
        assert.is(count() % 100, 0, `after tick ${b + 1}: ${count()} rows`);
        assert.ok(count() <= (b + 1) * 100);
      }
      h.sync();
      assert.is(count(), 500);
    } finally {
      other.close();
    }
  }));

test('a full buffer (maxPending/2 rows) is handed off at once, without waiting for the tick', () =>
  withWriter({ maxPending: 100 }, async ({ h, store }) => {
    for (let i = 0; i < 120; i++) h.push(rep(i), `R${i}`, true, 'f', T);
    assert.is(h.pending <= 100, true, `at most maxPending rows are uncommitted (${h.pending})`);
    h.sync();
    assert.equal([h.written, h.flushes], [120, 3]); // 50 + 50 handed off when full, 20 by sync
    assert.equal(store.db.prepare('SELECT MIN(id) AS a, MAX(id) AS b, COUNT(*) AS n FROM positions').get(), {
      a: 1,
      b: 120,
      n: 120,
    });
  }));

test('retention on the thread prunes by the injected clock, in bounded steps', () => {
  const clock = fakeClock(T);
  return withWriter({ retentionMs: 60_000, maxPending: 100_000, clock: clock.now }, async ({ h, store }) => {
    const r = rep(1);
    for (let i = 0; i < 1500; i++) h.push(r, 'R', true, 'f', clock.now());
    h.sync();
    clock.advance(60_001); // the first 1500 rows are now older than 60 s
    for (let i = 0; i < 10; i++) h.push(r, 'R', true, 'f', clock.now());
    h.sync();
    assert.equal([h.written, h.pruned], [1510, 1000], 'one bounded step of max(1000, 2 × 10)');
    h.sync();
    assert.is(h.pruned, 1500, 'the rest at the next hand-off');
    assert.equal(store.db.prepare('SELECT COUNT(*) AS n, MIN(received_at) AS t FROM positions').get(), {
      n: 10,
      t: T + 60_001,
    });
  });
});

test('if the writer thread cannot open the database, history is written in-process and the failure reported', () => {
  const errors: string[] = [];
  const onError = (e: unknown) => errors.push(e instanceof Error ? e.message : String(e));
  return withWriter(
    { maxPending: 1_000, writerFile: (dir) => join(dir, 'no-such-dir', 'x.sqlite'), onError },
    async ({ h, store, timer }) => {
      assert.is(h.inProcess, true);
      assert.is(errors.length, 1);
      for (let i = 0; i < 3; i++) h.push(rep(i), `R${i}`, true, 'f', T);
      timer.tick();
      assert.equal([h.written, h.pending, h.dropped], [3, 0, 0]);
      assert.equal(store.db.prepare('SELECT resource_id AS id FROM positions ORDER BY id').all(), [
        { id: 'R0' },
        { id: 'R1' },
        { id: 'R2' },
      ]);
    },
  );
});

test('SIGKILL loses at most the last tick: every batch handed off before the last is on disk, each batch whole or absent', () =>
  inTempDir(async ({ file }) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/support/history-crash-child.ts', file, String(ROWS), String(BATCHES)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<string | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('buffered\n')) resolve();
      });
      child.on('exit', () => reject(new Error(`child exited early: ${out}`)));
    });
    child.kill('SIGKILL');
    assert.is(await exited, 'SIGKILL');
    const db = new Database(file);
    const rows = db
      .prepare(
        'SELECT resource_id AS id, COUNT(*) AS n, MIN(fix_time) AS lo, MAX(fix_time) AS hi FROM positions GROUP BY resource_id ORDER BY resource_id',
      )
      .all() as Array<{ id: string; n: number; lo: number; hi: number }>;
    db.close();
    const whole = (b: number) => ({ id: `B${b}`, n: ROWS, lo: b * 1000, hi: b * 1000 + ROWS - 1 });
    const before = Array.from({ length: BATCHES - 1 }, (_, i) => whole(i + 1));
    // The last batch handed off may have been committed or not; the batch still in the buffer (the
    // last tick) is lost; nothing is ever half written.
    const withLast = [...before, whole(BATCHES)];
    assert.ok(
      JSON.stringify(rows) === JSON.stringify(before) || JSON.stringify(rows) === JSON.stringify(withLast),
      JSON.stringify(rows),
    );
  }));

test('a server on a database file writes AVL history through the thread; close() commits the pending rows', () =>
  inTempDir(async ({ file }) => {
    const timer = manualTimer();
    const server = await startServer({
      scenario: miniScenario(),
      db: file,
      port: 0,
      clock: () => T0,
      log: createLogger('silent'),
      timers: timer,
      avl: { token: DEV_TOKEN },
    });
    try {
      assert.ok(server.avl.history instanceof ThreadedHistoryWriter);
      const c = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
      const ack = await c.send(1, [
        report('HAT1', 51.77, -0.22, T0 - 2000),
        report('HAT1', 51.7701, -0.2201, T0 - 1000),
        report('HAT1', 51.77, -0.22, T0 - 3000),
      ]);
      assert.equal([ack.accepted, ack.rejected.map((r) => r.code)], [2, ['JCR_AVL_OUT_OF_ORDER']]);
      c.close();
    } finally {
      await server.close();
    }
    const db = new Database(file, { readonly: true });
    assert.equal(db.prepare('SELECT resource_id AS id, fix_time AS t, live, feed FROM positions ORDER BY id').all(), [
      { id: 'HAT1', t: T0 - 2000, live: 1, feed: 'dev' },
      { id: 'HAT1', t: T0 - 1000, live: 1, feed: 'dev' },
      { id: 'HAT1', t: T0 - 3000, live: 0, feed: 'dev' },
    ]);
    db.close();
  }));

test.run();
