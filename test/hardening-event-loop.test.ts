/**
 * Issue 15 item 10: the event loop never waits on the database. With another process holding the
 * database's write lock, the position-history hand-off is put off instead of waited for, ingest
 * pushes back with JCR_AVL_BUSY once the buffers are full (nothing changes), and /api/health
 * answers. When the lock goes, every accepted row is written.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN, report, T0 } from './support/avl.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { manualTimer } from './support/timers.ts';

test('item 10: with the database write-locked elsewhere, ingest pushes back with JCR_AVL_BUSY and health answers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-locked-'));
  const file = join(dir, 'jcr.sqlite');
  const timer = manualTimer();
  const server = await startServer({
    scenario: miniScenario(),
    db: file,
    port: 0,
    clock: fakeClock(T0).now,
    log: createLogger('silent'),
    timers: timer,
    // Two buffers of two rows each.
    avl: { token: DEV_TOKEN, limits: { historyMaxPending: 4 } },
  });
  const lock = new Database(file);
  try {
    await server.avl.ready();
    const feed = server.avl.feeds.authenticate(DEV_TOKEN)!;
    const fix = (id: string, dt: number) => report(id, 51.8, -0.2, T0 - 60_000 + dt);
    lock.exec('BEGIN EXCLUSIVE');
    // Handed to the writer thread, which now waits for the lock (on its own thread).
    assert.is(server.avl.ingest([fix('HAT1', 0)], feed).accepted, 1);
    timer.tick();
    // The second buffer fills; the tick puts the hand-off off instead of waiting.
    assert.is(server.avl.ingest([fix('HAT2', 0), fix('WGC1', 0)], feed).accepted, 2);
    timer.tick();
    const busy = server.avl.ingest([fix('PC1', 0)], feed);
    assert.equal([busy.accepted, busy.rejected.map((r) => r.code)], [0, ['JCR_AVL_BUSY']]);
    assert.is(server.engine.room.fleet.require('PC1').fixTimeMs, 0, 'nothing changed');
    assert.is(server.avl.history.room, 0);
    const health = await fetch(`${server.url}/api/health`);
    assert.is(health.status, 200);
    // The lock goes: every accepted row reaches the table, and ingest takes reports again.
    lock.exec('ROLLBACK');
    server.avl.history.sync();
    assert.equal(lock.prepare('SELECT resource_id AS id FROM positions ORDER BY id').all(), [
      { id: 'HAT1' },
      { id: 'HAT2' },
      { id: 'WGC1' },
    ]);
    assert.is(server.avl.ingest([fix('PC1', 0)], feed).accepted, 1);
  } finally {
    lock.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('item 10: with the event log write-locked elsewhere, a batch with a status change is refused whole with JCR_STORE_BUSY', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-locked-'));
  const file = join(dir, 'jcr.sqlite');
  const server = await startServer({
    scenario: miniScenario(),
    db: file,
    port: 0,
    clock: fakeClock(T0).now,
    log: createLogger('silent'),
    timers: manualTimer(),
    avl: { token: DEV_TOKEN },
  });
  const lock = new Database(file);
  try {
    await server.avl.ready();
    const c = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
    lock.exec('BEGIN EXCLUSIVE');
    // HAT1 leaves its station (a durable status change) and HAT2 only moves: neither is applied.
    const ack = await c.send(1, [
      report('HAT1', 51.77, -0.22, T0 - 60_000, { status: ResourceStatus.AVAILABLE_MOBILE }),
      report('HAT2', 51.765, -0.225, T0 - 60_000),
    ]);
    // Both refused, the position-only one too (before: HAT2 was applied, HAT1 alone refused).
    assert.equal(
      [ack.accepted, ack.rejected.map((r) => [r.index, r.code])],
      [
        0,
        [
          [0, 'JCR_STORE_BUSY'],
          [1, 'JCR_STORE_BUSY'],
        ],
      ],
    );
    const fleet = server.engine.room.fleet;
    assert.equal(
      [fleet.require('HAT1').status, fleet.require('HAT1').fixTimeMs, fleet.require('HAT2').fixTimeMs],
      [ResourceStatus.AVAILABLE_AT_STATION, 0, 0],
    );
    // And /api/health answers while the lock is held.
    assert.is((await fetch(`${server.url}/api/health`)).status, 200);
    lock.exec('ROLLBACK');
    assert.is(server.engine.room.lastSeq, 0);
    // The connection stayed open: the batch resent after the lock goes is taken whole.
    const again = await c.send(2, [
      report('HAT1', 51.77, -0.22, T0 - 60_000, { status: ResourceStatus.AVAILABLE_MOBILE }),
      report('HAT2', 51.765, -0.225, T0 - 60_000),
    ]);
    assert.equal([again.accepted, again.rejected], [2, []]);
    assert.equal([fleet.require('HAT1').status, server.engine.room.lastSeq], [ResourceStatus.AVAILABLE_MOBILE, 1]);
    c.close();
  } finally {
    lock.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
