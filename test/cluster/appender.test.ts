/**
 * The leader's writer to the cluster log (server/shell/cluster/appender.ts) against a real
 * JetStream: the guarantees split-brain safety rests on whatever the lease decides.
 * - Two writers on one stream (a deposed leader and the new one): the one whose expected last
 *   sequence is stale is refused by JetStream, told it is deposed, and its change never
 *   acknowledged; the log has no fork.
 * - An append whose answer was lost is sent again and lands once (its message id; nats-server
 *   checks the id before the expected last sequence), and the next goes on after it.
 * - One that never landed, sent again after another leader appended, is refused.
 * - A closed gate (the lease lost) publishes nothing.
 * - A leader that stops with a change waiting says whether the change may be in the log: sent,
 *   its answer lost, JCR_OUTCOME_UNKNOWN (it is there: a resend would make it twice); never
 *   sent, JCR_NOT_LEADER (it is not: resend it).
 * - A change too large for one message (NATS's max_payload) is refused before it is written or
 *   applied (JCR_CHANGE_TOO_LARGE), and the leader goes on: the next change lands right after.
 *   One the log can never take that got past that check steps the leader down rather than being
 *   sent for ever while the lease holds (the log wedged behind it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../../server/core/clock.ts';
import { ERRORS, isJcrError } from '../../server/core/errors.ts';
import type { JcrEvent, NewEvent } from '../../server/core/events.ts';
import { Appender } from '../../server/shell/cluster/appender.ts';
import { ClusterLog } from '../../server/shell/cluster/log.ts';
import { ClusterNode } from '../../server/shell/cluster/node.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { Engine } from '../../server/shell/engine.ts';
import { createLogger } from '../../server/shell/log.ts';
import { Store } from '../../server/shell/store/store.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { clusterEvents, sleep } from '../support/cluster.ts';
import { answersLost, fileNats, lease, settled } from '../support/cluster-log.ts';

const log = createLogger('silent');
const { url: natsUrl, open } = fileNats(test, 'appender');

const event = (seq: number, resourceId: string): JcrEvent =>
  ({
    seq,
    at: 1_000 + seq,
    type: 'resource.status',
    origin: 'operator',
    actor: 'duty',
    data: { resourceId, status: 2 },
  }) as unknown as JcrEvent;

/** A leader's appender on `clusterLog`, its log position as given, with what it was told. */
function writer(
  clusterLog: Pick<ClusterLog, 'js' | 'subject'>,
  term: string,
  streamSeq: number,
  gate: () => Promise<void> = () => Promise.resolve(),
) {
  const taken: number[] = [];
  const deposed: string[] = [];
  const leading = { term, gate, attemptMs: 1000, onDeposed: (reason: string) => void deposed.push(reason) };
  const appender = new Appender(clusterLog as ClusterLog, log, leading, streamSeq, streamSeq, (seq) => taken.push(seq));
  return { appender, taken, deposed };
}

const summary = (events: JcrEvent[]) => events.map((e) => [e.seq, (e.data as { resourceId: string }).resourceId]);

test('a deposed leader appending on a stale sequence is refused: no fork, never acknowledged', async () => {
  const a = await open('appender-fork');
  const b = await open('appender-fork');
  try {
    // Both lead from an empty log; the new leader (b) appends first.
    const old = writer(a, 'a@1', 0);
    const next = writer(b, 'b@2', 0);
    next.appender.append([event(1, 'R1')]);
    await next.appender.pending();
    assert.equal(next.taken, [1]);

    old.appender.append([event(1, 'R9')]);
    const err = await (old.appender.pending() as Promise<void>).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error, 'the stale append was acknowledged');
    assert.equal(old.taken, []);
    assert.is(old.deposed.length, 1);
    assert.match(old.deposed[0] as string, /append refused by the cluster log/);
    assert.equal(summary(await clusterEvents(await natsUrl(), 'appender-fork')), [[1, 'R1']]);
    // The new leader goes on after its own message.
    next.appender.append([event(2, 'R2')]);
    await next.appender.pending();
    assert.equal(next.taken, [1, 2]);
    assert.equal(next.deposed, []);
  } finally {
    await a.nc.close();
    await b.nc.close();
  }
});

test('an append whose answer was lost is sent again and lands once', async () => {
  const c = await open('appender-retry');
  try {
    // The first answer is lost after JetStream took the message (the connection moved, say).
    let calls = 0;
    const js = answersLost(c.js, (call) => {
      calls = call;
      return call === 1;
    });
    const w = writer({ js, subject: c.subject }, 'c@1', 0);
    w.appender.append([event(1, 'R1'), event(2, 'R2')]);
    await w.appender.pending();
    assert.is(calls, 2, 'sent again once');
    assert.equal(w.taken, [1]);
    w.appender.append([event(3, 'R3')]);
    await w.appender.pending();
    assert.equal(w.taken, [1, 2]);
    assert.equal(w.deposed, []);
    assert.equal(summary(await clusterEvents(await natsUrl(), 'appender-retry')), [
      [1, 'R1'],
      [2, 'R2'],
      [3, 'R3'],
    ]);
  } finally {
    await c.nc.close();
  }
});

test('an unanswered append that never landed is refused when sent again after another leader appended', async () => {
  const a = await open('appender-late');
  const b = await open('appender-late');
  try {
    const next = writer(b, 'b@2', 0);
    let calls = 0;
    const js = {
      publish: async (...args: Parameters<ClusterLog['js']['publish']>) => {
        if (++calls === 1) {
          // Lost on the way; meanwhile the new leader appends.
          next.appender.append([event(1, 'R1')]);
          await next.appender.pending();
          throw new Error('TIMEOUT');
        }
        return a.js.publish(...args);
      },
    } as unknown as ClusterLog['js'];
    const old = writer({ js, subject: a.subject }, 'a@1', 0);
    old.appender.append([event(1, 'R9')]);
    const err = await (old.appender.pending() as Promise<void>).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error, 'the late append was acknowledged');
    assert.is(calls, 2);
    assert.match(old.deposed[0] as string, /append refused by the cluster log/);
    assert.equal(summary(await clusterEvents(await natsUrl(), 'appender-late')), [[1, 'R1']]);
  } finally {
    await a.nc.close();
    await b.nc.close();
  }
});

test('with the lease lost (the gate closed) nothing is published', async () => {
  const c = await open('appender-gate');
  try {
    const w = writer(c, 'c@1', 0, () => Promise.reject(new Error('the lease is lost')));
    w.appender.append([event(1, 'R1')]);
    const err = await (w.appender.pending() as Promise<void>).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof Error);
    assert.match(w.deposed[0] as string, /may no longer lead/);
    assert.equal(await clusterEvents(await natsUrl(), 'appender-gate'), []);
  } finally {
    await c.nc.close();
  }
});

test('a change sent whose answer was lost, then the lease lost, is outcome-unknown; one never sent is not-leader', async () => {
  const c = await open('appender-outcome');
  try {
    const { gate, lapse } = lease();
    let lose = false;
    // The lease lapses while the answer is lost.
    const js = answersLost(c.js, () => lose && (lapse(), true));

    // Sent, stored, its answer lost; the gate closes before it is sent again.
    const sent = writer({ js, subject: c.subject }, 'c@1', 0, gate);
    sent.appender.append([event(1, 'R1')]);
    await sent.appender.pending();
    lose = true;
    sent.appender.append([event(2, 'R2')]);
    assert.is(await settled(sent.appender.pending()), 'JCR_OUTCOME_UNKNOWN');
    assert.is(await settled(sent.appender.pending()), 'JCR_OUTCOME_UNKNOWN', 'asked again after the fail');
    assert.match(sent.deposed[0] as string, /may no longer lead/);
    assert.equal(summary(await clusterEvents(await natsUrl(), 'appender-outcome')), [
      [1, 'R1'],
      [2, 'R2'],
    ]);

    // Never sent: the gate closed before the first send.
    const unsent = writer({ js, subject: c.subject }, 'c@2', 2, gate);
    unsent.appender.append([event(3, 'R3')]);
    assert.is(await settled(unsent.appender.pending()), 'JCR_NOT_LEADER');
    assert.equal(unsent.taken, []);
    assert.is((await clusterEvents(await natsUrl(), 'appender-outcome')).length, 2, 'nothing of it in the log');
  } finally {
    await c.nc.close();
  }
});

/** An operator's note of 4,000 characters, the longest the room takes, as decided (no seq yet). */
const note = (i: number): NewEvent => ({
  at: 1_000 + i,
  type: 'operator.note',
  origin: 'operator',
  actor: 'duty',
  data: { text: `note ${i} `.padEnd(4000, 'x') },
});

/** 300 notes: about 1.2 MB of JSON, over nats-server's default max_payload (1 MB). */
const tooLarge = () => Array.from({ length: 300 }, (_, i) => note(i + 1));

/** How `p` settled within `ms`: a log wedged behind a message fails the test rather than hanging it. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => 'landed',
      (e: unknown) => `refused: ${String(e)}`,
    ),
    sleep(ms).then(() => 'still waiting'),
  ]);

test('a change too large for one log message is refused whole, and the next lands with the next seq', async () => {
  const room = 'appender-large';
  const clusterLog = await open(room);
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock().now);
  const opts = { ...(clusterConfig({ nats: await natsUrl(), room }, {}) as ClusterOptions), instanceId: 'large' };
  const node = new ClusterNode(clusterLog, engine, opts, log, 0);
  try {
    await node.start('http://127.0.0.1:9');
    for (let i = 0; i < 200 && !node.leads(); i++) await sleep(50);
    assert.ok(node.leads(), 'the instance leads');

    let refused: unknown = null;
    try {
      engine.commit(tooLarge());
    } catch (e) {
      refused = e;
    }
    assert.is(isJcrError(refused) ? refused.code : String(refused), 'JCR_CHANGE_TOO_LARGE');
    assert.equal([ERRORS.JCR_CHANGE_TOO_LARGE.status, ERRORS.JCR_CHANGE_TOO_LARGE.close], [413, 1009]);
    // Nothing of it was written or applied here: the log lacks nothing this instance holds.
    assert.equal([store.lastSeq(), engine.room.lastSeq], [0, 0]);

    const [next] = engine.commit([note(301)]);
    assert.is(next?.seq, 1);
    assert.is(await within(engine.whenReplicated() ?? Promise.resolve(), 10_000), 'landed');
    assert.equal(
      (await clusterEvents(await natsUrl(), room)).map((e) => [e.seq, e.type]),
      [[1, 'operator.note']],
    );
    assert.equal([node.status().role, node.status().streamSeq], ['leader', 1]);
    assert.ok(node.leads(), 'the instance still leads');
  } finally {
    await node.close();
    engine.close();
    store.close();
    await clusterLog.close();
  }
});

test("batches appended while one is in flight join only as far as the server's max_payload allows", async () => {
  const c = await open('appender-join');
  try {
    // The server this connection is on takes 4 KiB messages: two notes of 1,500 characters join, three do not.
    const small = { js: c.js, subject: c.subject, nc: { info: { max_payload: 4096 } } };
    const w = writer(small as unknown as ClusterLog, 'c@1', 0);
    const batch = (seq: number): JcrEvent[] => [{ ...note(seq), data: { text: 'x'.repeat(1500) }, seq } as JcrEvent];
    w.appender.append(batch(1)); // sent at once, alone
    for (const seq of [2, 3, 4]) w.appender.append(batch(seq)); // wait for it, then go joined
    assert.is(await within(w.appender.pending() as Promise<void>, 10_000), 'landed');
    assert.equal(w.taken, [1, 2, 3]);
    const sizes: number[] = [];
    for (const seq of w.taken)
      sizes.push(((await c.jsm.streams.getMessage(c.stream, { seq })) as { data: Uint8Array }).data.length);
    assert.equal(
      sizes.map((b) => b <= 4096 - 256 - 'c@1'.length),
      [true, true, true],
    );
    assert.equal(
      (await clusterEvents(await natsUrl(), 'appender-join')).map((e) => e.seq),
      [1, 2, 3, 4],
    );
  } finally {
    await c.nc.close();
  }
});

test('a message the log can never take steps the leader down rather than being sent for ever', async () => {
  const c = await open('appender-never');
  // Past the up-front check (the engine's): the client refuses it over max_payload every time.
  const w = writer(c, 'c@1', 0);
  try {
    w.appender.append(tooLarge().map((e, i) => ({ ...e, seq: i + 1 }) as JcrEvent));
    const outcome = await within(w.appender.pending() as Promise<void>, 10_000);
    assert.match(outcome, /^refused: /);
    assert.is(w.deposed.length, 1);
    assert.match(w.deposed[0] as string, /the cluster log cannot take message c@1:1/);
    assert.equal(w.taken, []);
    assert.equal(await clusterEvents(await natsUrl(), 'appender-never'), []);
  } finally {
    w.appender.fail('the test is over'); // before the fix, it would send for ever
    await c.nc.close();
  }
});

test.run();
