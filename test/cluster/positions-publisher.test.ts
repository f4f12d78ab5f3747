/**
 * The leader's publisher of AVL positions (server/shell/cluster/positions.ts) against a real
 * JetStream: what an AVL ack waits on in cluster mode.
 * - Batches published without waiting for one another are all confirmed, each once, in order.
 * - A publish whose answer was lost is sent again and lands once (its message id).
 * - A publish JetStream refuses is never confirmed: what waits is refused, the leader deposed,
 *   and nothing more is taken.
 * - So is one the client refuses every time (over the server's max_payload): not sent for ever.
 * - A closed gate (the lease lost) publishes nothing and confirms nothing.
 * - A leader that stops with batches waiting says whether they may be stored: a message sent,
 *   its answer lost, JCR_OUTCOME_UNKNOWN; one never sent (or refused), JCR_NOT_LEADER.
 * - On a NATS node with less storage than the stream's 8 GiB byte limit (JetStream reserves it),
 *   the positions stream is made with a limit that fits rather than failing the start.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import type { MarkedRows } from '../../server/shell/avl/history.ts';
import { ClusterLog } from '../../server/shell/cluster/log.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { PositionPublisher } from '../../server/shell/cluster/positions.ts';
import { createLogger } from '../../server/shell/log.ts';
import { report } from '../support/avl.ts';
import { clusterPositions, freePort, natsServerBinary, sleep } from '../support/cluster.ts';
import { answersLost, fileNats, lease, settled } from '../support/cluster-log.ts';

const log = createLogger('silent');
const { url: natsUrl, open, dir } = fileNats(test, 'positions');

const T = 1_767_258_000_000;
const batch = (id: string, k: number): MarkedRows => ({
  reports: [report(id, 51.6 + k / 1000, -0.11, T + k * 1000)],
  historyOnly: [],
  feedId: 'dev',
  receivedAt: T + k * 1000 + 5,
});

function publisher(clusterLog: Pick<ClusterLog, 'js' | 'positionsSubject'>, gate = () => Promise.resolve()) {
  const deposed: string[] = [];
  const leading = { term: 'a@1', gate, attemptMs: 1000, onDeposed: (r: string) => void deposed.push(r) };
  const p = new PositionPublisher(clusterLog as ClusterLog, log, leading);
  return { p, deposed };
}

const stored = async (room: string) =>
  (await clusterPositions(await natsUrl(), room)).map((m) => [
    m.streamSeq,
    ...m.positions.map((p) => `${p.resourceId}@${p.fixTimeMs - T}`),
  ]);

test('batches published without waiting are all confirmed, each once, in order', async () => {
  const c = await open('pos-pipe');
  try {
    const { p, deposed } = publisher(c);
    for (let k = 0; k < 5; k++) p.append(batch(`R${k % 3}`, k));
    assert.is(p.room, 50_000 - 5, 'five reports wait for JetStream');
    await p.pending();
    assert.is(p.pending(), null, 'nothing waits once confirmed');
    assert.is(p.room, 50_000);
    assert.equal(deposed, []);
    assert.equal(await stored('pos-pipe'), [
      [1, 'R0@0'],
      [2, 'R1@1000'],
      [3, 'R2@2000'],
      [4, 'R0@3000'],
      [5, 'R1@4000'],
    ]);
  } finally {
    await c.close();
  }
});

test('a publish whose answer was lost is sent again and lands once', async () => {
  const c = await open('pos-retry');
  try {
    let calls = 0;
    // The first answer is lost after JetStream stored the message, as when a connection moves.
    const js = answersLost(c.js, (call) => {
      calls = call;
      return call === 1;
    });
    const { p, deposed } = publisher({ js, positionsSubject: c.positionsSubject });
    p.append(batch('R0', 0));
    p.append(batch('R1', 1));
    await p.pending();
    assert.equal(deposed, []);
    assert.is(calls, 3, 'the first message was sent twice');
    assert.equal(await stored('pos-retry'), [
      [1, 'R0@0'],
      [2, 'R1@1000'],
    ]);
  } finally {
    await c.close();
  }
});

test('a publish JetStream refuses is never confirmed and deposes the leader', async () => {
  // A stream that refuses every message this size: JetStream answers with an error.
  const nc = await connect({ servers: await natsUrl() });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({
    name: 'jcr_pos-refused_positions',
    subjects: ['jcr.pos-refused.positions'],
    max_msg_size: 16,
  });
  await nc.close();
  const c = await open('pos-refused');
  try {
    const { p, deposed } = publisher(c);
    p.append(batch('R0', 0));
    assert.is(await settled(p.pending()), 'JCR_NOT_LEADER', 'refused, not confirmed, known not stored');
    assert.is(deposed.length, 1);
    assert.match(deposed[0] as string, /positions publish refused/);
    assert.throws(() => p.append(batch('R1', 1)), /no longer leads/);
    assert.equal(await stored('pos-refused'), []);
  } finally {
    await c.close();
  }
});

test("a message over the server's max_payload deposes the leader rather than being sent for ever", async () => {
  const c = await open('pos-large');
  const { p, deposed } = publisher(c);
  try {
    // 40,000 reports: over 1 MB encoded, more than nats-server's default max_payload.
    const reports = Array.from({ length: 40_000 }, (_, k) => report(`R${k % 3}`, 51.6, -0.11, T + k));
    p.append({ reports, historyOnly: [], feedId: 'dev', receivedAt: T });
    const waited = await Promise.race([
      p.pending()?.then(
        () => 'confirmed',
        () => 'refused',
      ),
      new Promise((r) => setTimeout(() => r('still waiting'), 10_000)),
    ]);
    assert.is(waited, 'refused');
    assert.is(deposed.length, 1);
    assert.match(deposed[0] as string, /positions publish refused: .*max_payload/);
    assert.equal(await stored('pos-large'), []);
  } finally {
    p.fail('the test is over'); // before the fix, it would be sent for ever
    await c.close();
  }
});

test('a closed gate publishes nothing and confirms nothing', async () => {
  const c = await open('pos-gate');
  try {
    const { p, deposed } = publisher(c, () => Promise.reject(new Error('the lease is lost')));
    p.append(batch('R0', 0));
    const waited = await p.pending()?.then(
      () => 'confirmed',
      () => 'refused',
    );
    assert.is(waited, 'refused');
    assert.equal(deposed, ['may no longer lead: Error: the lease is lost']);
    assert.equal(await stored('pos-gate'), []);
  } finally {
    await c.close();
  }
});

test('a batch sent whose answer was lost, then the lease lost, is outcome-unknown; one never sent is not-leader', async () => {
  const c = await open('pos-outcome');
  try {
    const { gate, lapse } = lease();
    let lose = false;
    // The lease lapses while the answer is lost.
    const js = answersLost(c.js, () => lose && (lapse(), true));

    const sent = publisher({ js, positionsSubject: c.positionsSubject }, gate);
    sent.p.append(batch('R0', 0));
    await sent.p.pending();
    lose = true;
    sent.p.append(batch('R1', 1));
    assert.is(await settled(sent.p.pending()), 'JCR_OUTCOME_UNKNOWN');
    assert.is(await settled(sent.p.pending()), 'JCR_OUTCOME_UNKNOWN', 'asked again after the fail');
    assert.equal(sent.deposed, ['may no longer lead: Error: the lease lapsed']);
    assert.equal(await stored('pos-outcome'), [
      [1, 'R0@0'],
      [2, 'R1@1000'],
    ]);

    // The gate closed before its first send: nothing of it can be stored.
    const unsent = publisher({ js, positionsSubject: c.positionsSubject }, gate);
    unsent.p.append(batch('R2', 2));
    assert.is(await settled(unsent.p.pending()), 'JCR_NOT_LEADER');
    assert.is((await stored('pos-outcome')).length, 2);
  } finally {
    await c.close();
  }
});

test('on a node with little storage the positions stream gets a byte limit that fits', async () => {
  const port = await freePort();
  const conf = join(dir, 'small.conf');
  writeFileSync(conf, `port: ${port}\njetstream { store_dir: "${join(dir, 'small')}", max_file_store: 1536MB }\n`);
  const proc = spawn(natsServerBinary(), ['-a', '127.0.0.1', '-c', conf], { stdio: 'ignore' });
  const exited = new Promise((r) => proc.once('exit', r));
  try {
    const url = `nats://127.0.0.1:${port}`;
    let c: ClusterLog | undefined;
    for (let i = 0; i < 100 && !c; i++) {
      c = await ClusterLog.open(clusterConfig({ nats: url, room: 'small' }, {}) as ClusterOptions, log).catch(
        async (e: Error) => {
          if (!/cannot reach NATS/.test(e.message)) throw e;
          await sleep(50);
          return undefined;
        },
      );
    }
    try {
      const info = await c?.jsm.streams.info('jcr_small_positions');
      assert.is(info?.config.max_bytes, 1024 ** 3, '8 GiB halved until it fits in 1.5 GiB');
    } finally {
      await c?.close();
    }
  } finally {
    proc.kill('SIGKILL');
    await exited;
  }
});

test.run();
