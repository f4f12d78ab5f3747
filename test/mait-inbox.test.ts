/**
 * Issue 18, the partners' door over HTTP (two servers on port 0): a message is acknowledged once
 * it is durable in our inbox, not once the event log has taken it, so a busy store does not bounce
 * partner traffic; the inbox applies it later through the engine, in sequence, once. And a
 * partner's ResourcePosition messages are rate limited per partner with JCR_MAIT_POSITION_RATE.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MaitMessage } from '../proto/mait.ts';
import { buildMait } from '../server/shell/mait/codec.ts';
import { MAIT_POSITION_BURST, MAIT_POSITION_PER_S } from '../server/shell/mait/inbox.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { bedsMessage, partnersOf, postMait, serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, tokenFor, type JsonResponse } from './support/server.ts';

let pairs: ServerPair[] = [];
const dirs: string[] = [];
test.after.each(async () => {
  for (const p of pairs) await p.close();
  pairs = [];
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const turn = () => new Promise<void>((r) => setImmediate(r));

function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-mait-inbox-'));
  dirs.push(dir);
  return join(dir, 'herts.sqlite');
}

/** A ResourcePosition from beds about its incident B-7, number `seq` of that thread. */
function position(seq: number): string {
  const m: MaitMessage = {
    kind: 'ResourcePosition',
    messageId: `beds:beds:B-7:${seq}`,
    from: 'beds',
    to: 'herts',
    incident: { room: 'beds', id: 'B-7' },
    seq,
    sentAt: Date.UTC(2026, 11, 2, 20, 0, 0),
    resourceId: 'BEDS-P1',
    callsign: 'Bravo 1',
    lat: 51.9,
    lon: -0.3,
    fixAt: Date.UTC(2026, 11, 2, 20, 0, 0),
    status: 'MOBILISED',
    agency: 'fire',
  };
  return buildMait(m);
}

/** A request and whether its answer has come. */
function pending<T>(p: Promise<T>): { settled: boolean; answer: Promise<T> } {
  const out = { settled: false, answer: p };
  p.then(
    () => (out.settled = true),
    () => (out.settled = true),
  );
  return out;
}

/** seq and message kind of every mait.received, read by another connection. */
function receivedRows(db: Database.Database): string[] {
  return (
    db.prepare("SELECT type, data FROM events WHERE type LIKE 'mait.%' OR type = 'resource.status'").all() as Array<{
      type: string;
      data: string;
    }>
  ).map((r) => {
    const m = (JSON.parse(r.data) as { message?: MaitMessage }).message;
    return m ? `${r.type} ${m.kind}#${m.seq}` : r.type;
  });
}

test('ResourcePosition is rate limited per partner: JCR_MAIT_POSITION_RATE, nothing kept', async () => {
  const pair = await serverPair();
  pairs.push(pair);
  const { herts, clock } = pair;
  assert.equal([MAIT_POSITION_BURST, MAIT_POSITION_PER_S], [100, 20]);
  const answers: string[] = [];
  for (let seq = 1; seq <= 100; seq++) {
    const r = await postMait(herts, position(seq), { now: clock.now() });
    answers.push(`${r.status} ${r.outcome}`);
  }
  assert.equal(new Set(answers), new Set(['200 applied']));
  const before = herts.engine.room.lastSeq;
  const over = await postMait(herts, position(101), { now: clock.now() });
  assert.equal([over.status, over.code], [429, 'JCR_MAIT_POSITION_RATE']);
  assert.equal([herts.engine.room.lastSeq, herts.mait!.held.count()], [before, 0]);
  // Only positions are limited: message 101 as an Update is taken.
  const update = await postMait(herts, bedsMessage(101), { now: clock.now() });
  assert.equal([update.status, update.outcome], [200, 'applied']);
  // A second later, 20 more positions.
  clock.advance(1_000);
  const later: number[] = [];
  for (let seq = 102; seq <= 122; seq++)
    later.push((await postMait(herts, position(seq), { now: clock.now() })).status);
  assert.equal(later, [...Array(20).fill(200), 429]);
  assert.is(herts.engine.room.transfers.expectedSeq('beds', { room: 'beds', id: 'B-7' }), 122);
});

test('a busy store: messages are acknowledged once durable in the inbox, applied later in order', async () => {
  const db = tempDb();
  const pair = await serverPair({ hertsDb: db });
  pairs.push(pair);
  const { herts, clock, timers } = pair;
  const token = await tokenFor(herts, 'fire-dispatcher', 'fd');
  const lock = new Database(db);
  try {
    // Another connection held the write lock: an operator's change waits in the engine's line for
    // its retry, and until then the log is closed to new changes, though the lock is gone.
    lock.exec('BEGIN IMMEDIATE');
    const change = pending(
      api(herts, 'POST', '/api/resources/HAT1/status', { token, body: { status: 'UNAVAILABLE' } }),
    );
    for (let i = 0; i < 20_000 && herts.engine.waiting !== 1; i++) await turn();
    assert.equal([herts.engine.waiting, change.settled], [1, false]);
    lock.exec('ROLLBACK');
    // Partner messages are taken at once all the same: durable in the inbox (another connection
    // reads them) before the answer, not yet applied. (Applied at once, this was 503 JCR_STORE_BUSY.)
    const got1 = await postMait(herts, bedsMessage(1), { now: clock.now() });
    assert.equal([got1.status, got1.outcome], [202, 'queued']);
    assert.equal(lock.prepare('SELECT message_id FROM mait_inbox_held').all(), [{ message_id: 'beds:beds:B-7:1' }]);
    const got2 = await postMait(herts, bedsMessage(2), { now: clock.now() });
    assert.equal([got2.status, got2.outcome], [202, 'queued']);
    assert.equal(lock.prepare('SELECT message_id FROM mait_inbox_held ORDER BY seq').all(), [
      { message_id: 'beds:beds:B-7:1' },
      { message_id: 'beds:beds:B-7:2' },
    ]);
    assert.equal(receivedRows(lock), []);
    // The engine's line moves: the operator's change first, then the partner's messages, in order.
    timers.fire();
    const res = (await change.answer) as JsonResponse;
    assert.is(res.status, 200);
    for (let i = 0; i < 200 && herts.mait!.held.count() > 0; i++) await turn();
    assert.equal(receivedRows(lock), [
      'resource.status',
      'mait.received Create#1',
      'mait.queued Acknowledge#1',
      'mait.received Update#2',
    ]);
    assert.is(herts.mait!.held.count(), 0);
    // The same message again is a duplicate: nothing more.
    const again = await postMait(herts, bedsMessage(2), { now: clock.now() });
    assert.equal([again.status, again.outcome], [200, 'duplicate']);
    assert.is(receivedRows(lock).length, 4);
    // With the lock held, a message cannot be made durable: its answer waits (off the event loop,
    // health answers meanwhile) until it is, and it is not refused.
    lock.exec('BEGIN IMMEDIATE');
    const third = pending(postMait(herts, bedsMessage(3), { now: clock.now() }));
    for (let i = 0; i < 200; i++) await turn();
    assert.is(third.settled, false);
    assert.is((await fetch(`${herts.url}/api/health`)).status, 200);
    lock.exec('ROLLBACK');
    timers.fire();
    const got3 = await third.answer;
    assert.equal([got3.status, got3.outcome], [200, 'applied']);
    assert.is(receivedRows(lock).at(-1), 'mait.received Update#3');
  } finally {
    lock.close();
  }
});

test('acknowledged but not yet applied when the server stops: applied at the next start', async () => {
  const db = tempDb();
  const pair = await serverPair({ hertsDb: db });
  pairs.push(pair);
  const { herts, clock, timers } = pair;
  const token = await tokenFor(herts, 'fire-dispatcher', 'fd');
  const lock = new Database(db);
  lock.exec('BEGIN IMMEDIATE');
  const change = pending(api(herts, 'POST', '/api/resources/HAT1/status', { token, body: { status: 'UNAVAILABLE' } }));
  for (let i = 0; i < 20_000 && herts.engine.waiting !== 1; i++) await turn();
  lock.exec('ROLLBACK');
  lock.close();
  const got = await postMait(herts, bedsMessage(1), { now: clock.now() });
  assert.equal([got.status, got.outcome], [202, 'queued']);
  // Stopped before the line moved: the operator's change is refused unacknowledged, the
  // partner's message is kept, acknowledged.
  await herts.close();
  assert.is(
    await change.answer.then(
      (r) => String(r.status),
      () => 'no answer',
    ),
    'no answer',
  );
  const again = await startServer({
    scenario: miniScenario(),
    db,
    port: 0,
    clock: clock.now,
    timers,
    log: 'silent',
    mait: { partners: partnersOf('herts') },
  });
  try {
    assert.equal(
      [...again.engine.store.events(0)].map((e) => (e.type === 'mait.received' ? `${e.data.message.seq}` : e.type)),
      ['1', 'mait.queued'],
    );
    assert.is(again.mait!.held.count(), 0);
    assert.is([...again.engine.room.transfers.all()][0]?.status, 'pending');
  } finally {
    await again.close();
  }
});

test.run();
