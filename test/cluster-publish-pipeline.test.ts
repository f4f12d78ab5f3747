/**
 * What the confirmed publish pipeline (server/shell/cluster/publish-pipeline.ts) tells a waiter
 * when its leader stops, for both its writers, on a JetStream that answers at once: the waiter
 * waits on everything published before it, so a message of that confirmed since it began counts
 * as sent: JCR_OUTCOME_UNKNOWN, never "nothing changed" (docs/cluster.md § How a change is
 * acknowledged). A waiter with its request's record (server/shell/own-changes.ts) is answered
 * by its own messages: sent (confirmed here) is unknown, never sent is JCR_NOT_LEADER, whatever
 * else it waited on; one appended outside any record counts as its own. The other answers are
 * checked against a real nats-server in test/cluster/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isJcrError } from '../server/core/errors.ts';
import type { JcrEvent } from '../server/core/events.ts';
import type { MarkedRows } from '../server/shell/avl/history.ts';
import { Appender, testHoldType } from '../server/shell/cluster/appender.ts';
import type { ClusterLog } from '../server/shell/cluster/log.ts';
import { PositionPublisher } from '../server/shell/cluster/positions.ts';
import { createLogger } from '../server/shell/log.ts';
import { OwnChanges } from '../server/shell/own-changes.ts';
import { report } from './support/avl.ts';

const log = createLogger('silent');

/** A JetStream that takes every message at once, and a gate that opens once, then closes when told. */
function world(subject: 'subject' | 'positionsSubject') {
  let seq = 0;
  const js = { publish: async () => ({ stream: 's', seq: ++seq, duplicate: false }) };
  let close: (e: Error) => void = () => {};
  const closed = new Promise<void>((_, reject) => (close = reject));
  let calls = 0;
  const gate = () => (calls++ === 0 ? Promise.resolve() : closed);
  const clusterLog = { js, [subject]: `jcr.t.${subject}` } as unknown as ClusterLog;
  const deposed: string[] = [];
  const leading = { term: 'a@1', gate, attemptMs: 1000, onDeposed: (r: string) => void deposed.push(r) };
  return { clusterLog, leading, close, deposed, sent: () => seq };
}

const code = (p: Promise<void> | null) =>
  (p as Promise<void>).then(
    () => 'acknowledged',
    (e: unknown) => (isJcrError(e) ? e.code : String(e)),
  );

const settle = () => new Promise((r) => setImmediate(r));

const batch = (k: number): MarkedRows => ({
  reports: [report('R1', 51.6, -0.11, 1_000 + k)],
  historyOnly: [],
  feedId: 'dev',
  receivedAt: 2_000,
});

test('positions: a waiter whose first message was confirmed and whose second was never sent is outcome-unknown', async () => {
  const w = world('positionsSubject');
  const p = new PositionPublisher(w.clusterLog, log, w.leading);
  p.append(batch(1));
  p.append(batch(2));
  const waited = code(p.pending());
  await settle();
  assert.is(w.sent(), 1, 'the first message confirmed, the second at the gate');
  w.close(new Error('the lease lapsed'));
  assert.is(await waited, 'JCR_OUTCOME_UNKNOWN');
  assert.equal(w.deposed, ['may no longer lead: Error: the lease lapsed']);
});

const event = (seq: number): JcrEvent =>
  ({ seq, at: seq, type: 'operator.note', origin: 'operator', actor: 'duty', data: { text: 'x' } }) as JcrEvent;

test('events: a waiter whose first message was confirmed and whose second was never sent is outcome-unknown', async () => {
  const w = world('subject');
  const taken: number[] = [];
  const a = new Appender(w.clusterLog, log, w.leading, 0, 0, (s) => taken.push(s));
  a.append([event(1)]);
  a.append([event(2)]);
  const waited = code(a.pending());
  await settle();
  assert.equal(taken, [1], 'the first message confirmed, the second at the gate');
  w.close(new Error('the lease lapsed'));
  assert.is(await waited, 'JCR_OUTCOME_UNKNOWN');
  assert.equal(w.deposed, ['may no longer lead: Error: the lease lapsed']);
});

test('a waiter that began after the confirmed message, on one never sent, is not-leader', async () => {
  const w = world('positionsSubject');
  const p = new PositionPublisher(w.clusterLog, log, w.leading);
  p.append(batch(1));
  await settle();
  p.append(batch(2));
  const waited = code(p.pending());
  w.close(new Error('the lease lapsed'));
  assert.is(await waited, 'JCR_NOT_LEADER');
});

/** Both writers, each appending one change (the n-th) the way a request's work does. */
const writers = {
  events: (w: ReturnType<typeof world>) => {
    const a = new Appender(w.clusterLog, log, w.leading, 0, 0, () => {});
    return { change: (n: number) => a.append([event(n)]), pending: (own?: OwnChanges) => a.pending(own) };
  },
  positions: (w: ReturnType<typeof world>) => {
    const p = new PositionPublisher(w.clusterLog, log, w.leading);
    return { change: (n: number) => p.append(batch(n)), pending: (own?: OwnChanges) => p.pending(own) };
  },
};

for (const [name, make] of Object.entries(writers)) {
  const subject = name === 'events' ? 'subject' : 'positionsSubject';

  test(`${name}: two requests when the leader stops: the one whose change was sent is unknown, the one never sent not-leader`, async () => {
    const w = world(subject);
    const writer = make(w);
    const first = new OwnChanges();
    const second = new OwnChanges();
    first.run(() => writer.change(1));
    second.run(() => writer.change(2));
    // Both wait on both changes (an answer may show the other's).
    const answers = [code(writer.pending(first)), code(writer.pending(second))];
    await settle();
    assert.is(w.sent(), 1, "the first request's change confirmed, the second's at the gate");
    w.close(new Error('the lease lapsed'));
    assert.equal(await Promise.all(answers), ['JCR_OUTCOME_UNKNOWN', 'JCR_NOT_LEADER']);
  });

  test(`${name}: a change made outside any request, sent, counts as each waiting request's own`, async () => {
    const w = world(subject);
    const writer = make(w);
    const request = new OwnChanges();
    writer.change(1); // no request's: a timer's reaction, or work whose record was lost
    request.run(() => writer.change(2));
    const answer = code(writer.pending(request));
    await settle();
    w.close(new Error('the lease lapsed'));
    assert.is(await answer, 'JCR_OUTCOME_UNKNOWN');
  });
}

test('the append-holding test hook needs NODE_ENV=test as well: a stray variable on a live room is ignored', () => {
  assert.is(testHoldType({ JCR_TEST_HOLD_APPEND: 'mait.queued' }), undefined);
  assert.is(testHoldType({ JCR_TEST_HOLD_APPEND: 'mait.queued', NODE_ENV: 'production' }), undefined);
  assert.is(testHoldType({ JCR_TEST_HOLD_APPEND: 'mait.queued', NODE_ENV: 'test' }), 'mait.queued');
  assert.is(testHoldType({ NODE_ENV: 'test' }), undefined);
});

test.run();
