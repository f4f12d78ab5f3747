/**
 * A standby whose log consumer goes quiet while the log moves on (seen in CI after a NATS node
 * was killed: a standby stuck at stream seq 65 for a minute) opens a new consumer after the last
 * message it applied. Fake log and engine; the watchdog's real 5 s quiet period elapses.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { JcrEvent } from '../server/core/events.ts';
import { Follower } from '../server/shell/cluster/follower.ts';
import { encodeBatch, type ClusterLog } from '../server/shell/cluster/log.ts';
import type { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';

interface Msg {
  seq: number;
  data: Uint8Array;
}
const msg = (seq: number): Msg => ({
  seq,
  data: new TextEncoder().encode(encodeBatch([{ seq, type: 'note', origin: 'test', data: {} } as unknown as JcrEvent])),
});

/** An iterator that yields `first` then waits, silent, until stopped. */
function quietAfter(first: Msg[]) {
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  return {
    stop: () => stop(),
    async *[Symbol.asyncIterator]() {
      yield* first;
      await stopped;
    },
  };
}

test('a consumer quiet while the head is ahead is opened again after the last applied message', async () => {
  const starts: number[] = [];
  const consumers = [quietAfter([msg(1), msg(2)]), quietAfter([msg(3), msg(4)])];
  const log = {
    stream: 'jcr_t_events',
    js: {
      consumers: {
        get: async (_s: string, o: { opt_start_seq: number }) => {
          starts.push(o.opt_start_seq);
          const c = consumers[starts.length - 1]!;
          return { consume: () => c };
        },
      },
    },
    lastStreamSeq: async () => 4,
  } as unknown as ClusterLog;
  const followed: number[] = [];
  const engine = {
    follow: (events: JcrEvent[]) => followed.push(...events.map((e) => e.seq)),
    store: { setMeta: () => {} },
  } as unknown as Engine;
  const f = new Follower(log, engine, createLogger('silent'), 0);
  await f.start();
  assert.ok(await f.caughtUp(2, 2000), 'the first consumer delivers 1 and 2');
  assert.ok(await f.caughtUp(4, 15000), `reopened and caught up (at ${f.streamSeq}; starts ${starts.join(',')})`);
  await f.stop();
  assert.equal(starts, [1, 3]);
  assert.equal(followed, [1, 2, 3, 4]);
});

test('a quiet consumer at the head is left alone', async () => {
  const starts: number[] = [];
  const c = quietAfter([msg(1)]);
  const log = {
    stream: 'jcr_t_events',
    js: {
      consumers: {
        get: async (_s: string, o: { opt_start_seq: number }) => (starts.push(o.opt_start_seq), { consume: () => c }),
      },
    },
    lastStreamSeq: async () => 1,
  } as unknown as ClusterLog;
  const engine = { follow: () => {}, store: { setMeta: () => {} } } as unknown as Engine;
  const f = new Follower(log, engine, createLogger('silent'), 0);
  await f.start();
  await new Promise((r) => setTimeout(r, 8000));
  await f.stop();
  assert.equal(starts, [1]);
  assert.is(f.streamSeq, 1);
});

test.run();
