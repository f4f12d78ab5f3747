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
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JcrEvent } from '../../server/core/events.ts';
import { Appender } from '../../server/shell/cluster/appender.ts';
import { ClusterLog } from '../../server/shell/cluster/log.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { createLogger } from '../../server/shell/log.ts';
import { clusterEvents, startNats, type Proc } from '../support/cluster.ts';

const log = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'jcr-appender-'));
/** One nats-server for the file, started by the first test (without it, each test says so and fails). */
let nats: Promise<{ url: string; nats: Proc }> | undefined;
const natsUrl = async () => (await (nats ??= startNats(join(dir, 'nats')))).url;

test.after(async () => {
  const n = await nats?.catch(() => undefined);
  n?.nats.proc.kill('SIGKILL');
  await n?.nats.exited;
  rmSync(dir, { recursive: true, force: true });
});

const open = async (room: string) =>
  ClusterLog.open(clusterConfig({ nats: await natsUrl(), room }, {}) as ClusterOptions, log);

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
  const appender = new Appender(
    clusterLog as ClusterLog,
    log,
    term,
    streamSeq,
    streamSeq,
    gate,
    1000,
    (seq) => taken.push(seq),
    (reason) => deposed.push(reason),
  );
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
    const js = {
      publish: async (...args: Parameters<ClusterLog['js']['publish']>) => {
        const ack = await c.js.publish(...args);
        if (++calls === 1) throw new Error('TIMEOUT');
        return ack;
      },
    } as unknown as ClusterLog['js'];
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

test.run();
