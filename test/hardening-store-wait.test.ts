/**
 * Issue 15 item 10: the event loop never waits on the database, operator changes included. With
 * another connection holding the log's write lock, a status change waits in line off the event
 * loop (server/shell/store/busy-queue.ts): /api/health answers before the lock goes, the change is
 * acknowledged only once it is durable, changes land in the order asked, nothing overtakes them,
 * and a change that waits too long fails with JCR_STORE_BUSY, nothing written.
 */
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isJcrError } from '../server/core/errors.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor, type JsonResponse } from './support/server.ts';
import { lockableServer } from './support/locked-db.ts';
import type { ManualTimer } from './support/timers.ts';

interface World {
  server: RunningServer;
  timer: ManualTimer;
  lock: Database.Database;
  token: string;
  done(): Promise<void>;
}

async function world(): Promise<World> {
  const w = await lockableServer();
  const token = await tokenFor(w.server, 'fire-dispatcher', 'fd');
  return { ...w, token, done: w.close };
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** A status change, and a flag that says whether its answer has come. */
function change(w: World, resourceId: string, status: string) {
  const out = { settled: false, answer: null as Promise<JsonResponse> | null };
  out.answer = api(w.server, 'POST', `/api/resources/${resourceId}/status`, { token: w.token, body: { status } });
  const settle = () => {
    out.settled = true;
  };
  out.answer.then(settle, settle);
  return out;
}

/** Event-loop turns until `n` changes wait for the log (or the first answer comes). */
async function untilWaiting(w: World, n: number, answers: Array<{ settled: boolean }>): Promise<void> {
  for (let i = 0; i < 20_000 && w.server.engine.waiting !== n && !answers.some((a) => a.settled); i++) await turn();
}

/** The event log as another connection reads it: seq, type, origin, actor and the status set. */
const logRows = (w: World) =>
  (
    w.lock.prepare('SELECT seq, type, origin, actor, data FROM events ORDER BY seq').all() as Array<{
      seq: number;
      type: string;
      origin: string;
      actor: string;
      data: string;
    }>
  ).map(({ data, ...r }) => ({ ...r, status: (JSON.parse(data) as { status: number }).status }));

test('item 10: a status change under an external write lock waits off the event loop; health answers before the lock goes', async () => {
  const w = await world();
  try {
    w.lock.exec('BEGIN IMMEDIATE');
    const c = change(w, 'HAT1', 'UNAVAILABLE');
    await untilWaiting(w, 1, [c]);
    // The change reached the server and waits in line: not answered, the event loop free.
    assert.equal([w.server.engine.waiting, c.settled], [1, false]);
    const health = await fetch(`${w.server.url}/api/health`);
    assert.equal([health.status, ((await health.json()) as { lastSeq: number }).lastSeq], [200, 0]);
    await turn();
    assert.is(c.settled, false, 'no answer while the lock is held');
    // A retry under the lock: still waiting, nothing written or applied.
    w.timer.fire();
    await turn();
    assert.equal([w.server.engine.waiting, c.settled, w.lock.inTransaction], [1, false, true]);
    assert.is(w.server.engine.room.fleet.require('HAT1').status, ResourceStatus.AVAILABLE_AT_STATION);
    // The lock goes; the next retry lands the change, and only then is it acknowledged.
    w.lock.exec('ROLLBACK');
    w.timer.fire();
    const res = await c.answer!;
    const body = res.body as { seq: number; resource: { status: string } };
    assert.equal([res.status, body.seq, body.resource.status], [200, 1, 'UNAVAILABLE']);
    assert.equal(logRows(w), [
      { seq: 1, type: 'resource.status', origin: 'operator', actor: 'fd', status: ResourceStatus.UNAVAILABLE },
    ]);
    assert.equal(
      [w.server.engine.waiting, w.server.engine.room.fleet.require('HAT1').status],
      [0, ResourceStatus.UNAVAILABLE],
    );
  } finally {
    await w.done();
  }
});

test('item 10: waiting changes land in the order asked, and nothing overtakes them', async () => {
  const w = await world();
  try {
    w.lock.exec('BEGIN IMMEDIATE');
    const first = change(w, 'HAT1', 'UNAVAILABLE');
    await untilWaiting(w, 1, [first]);
    const second = change(w, 'HAT1', 'AVAILABLE_MOBILE');
    await untilWaiting(w, 2, [first, second]);
    assert.equal([w.server.engine.waiting, first.settled, second.settled], [2, false, false]);
    w.lock.exec('ROLLBACK');
    // The log is free but two changes wait for their retry: a change now would overtake them.
    let err: unknown = null;
    try {
      w.server.engine.execute(
        { type: 'resource.setStatus', resourceId: 'HAT2', status: ResourceStatus.UNAVAILABLE },
        { origin: 'avl', actor: 'feed' },
      );
    } catch (e) {
      err = e;
    }
    assert.is(isJcrError(err) ? err.code : String(err), 'JCR_STORE_BUSY');
    w.timer.fire();
    const [a, b] = await Promise.all([first.answer!, second.answer!]);
    assert.equal([a.status, b.status], [200, 200]);
    assert.equal(
      logRows(w).map((r) => [r.seq, r.actor, r.status]),
      [
        [1, 'fd', ResourceStatus.UNAVAILABLE],
        [2, 'fd', ResourceStatus.AVAILABLE_MOBILE],
      ],
    );
    assert.is(w.server.engine.room.fleet.require('HAT1').status, ResourceStatus.AVAILABLE_MOBILE);
  } finally {
    await w.done();
  }
});

test('item 10: a change the lock holds past the wait limit fails with JCR_STORE_BUSY, nothing written', async () => {
  const w = await world();
  try {
    w.lock.exec('BEGIN IMMEDIATE');
    const c = change(w, 'HAT1', 'UNAVAILABLE');
    await untilWaiting(w, 1, [c]);
    // Retries 5, 10, 20 … 250 ms apart: 25 of them make the 5 s limit.
    let retries = 0;
    while (!c.settled && retries < 100) {
      w.timer.fire();
      retries++;
      await turn();
      await turn();
    }
    const res = await c.answer!;
    assert.equal([res.status, errorCode(res.body), retries], [503, 'JCR_STORE_BUSY', 25]);
    assert.equal([w.server.engine.waiting, w.server.engine.room.lastSeq], [0, 0]);
    w.lock.exec('ROLLBACK');
    assert.equal(logRows(w), []);
    assert.is(w.server.engine.room.fleet.require('HAT1').status, ResourceStatus.AVAILABLE_AT_STATION);
  } finally {
    await w.done();
  }
});

test.run();
