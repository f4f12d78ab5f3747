/**
 * MAIT in cluster mode, the parts a test can reach without NATS (test/cluster/mait.test.ts runs
 * the whole against a real nats-server): a partner's message is answered only once the cluster
 * log has it; a clustered inbox holds nothing outside the log (out of order is refused with a
 * retryable code); a standby's outbox is filled by the batches it follows, marked by their
 * `mait.delivered`, never sent from; and cutting the cache back drops what the cut events made.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MaitMessage } from '../proto/mait.ts';
import { fakeClock } from '../server/core/clock.ts';
import { isJcrError, JcrError } from '../server/core/errors.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { META_STREAM, META_STREAM_SEQ, reconcileCache } from '../server/shell/cluster/cache.ts';
import type { ClusterLog } from '../server/shell/cluster/log.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { buildMait, parseMait } from '../server/shell/mait/codec.ts';
import { MaitService } from '../server/shell/mait/service.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { bedsMessage, partnersOf, postMait, serverPair } from './support/mait-servers.ts';
import { manualTimer } from './support/timers.ts';

const T0 = Date.UTC(2026, 11, 2, 20, 0, 0);
const log = createLogger('silent');

/** A room 'herts' with beds as its partner, as a cluster instance has it; `sent` counts attempts. */
function clusteredRoom() {
  const clock = fakeClock(T0);
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now, { maitRoomId: 'herts' });
  const sent: string[] = [];
  const mait = new MaitService({
    engine,
    clock: clock.now,
    timers: manualTimer(),
    log,
    partners: partnersOf('herts'),
    encode: buildMait,
    transport: async (row) => {
      sent.push(row.messageId);
      return { ok: true };
    },
    clustered: true,
  });
  return { engine, mait, sent };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'taken';
  } catch (e) {
    return isJcrError(e) ? e.code : String(e);
  }
}

test('a partner message is answered only once the cluster log has it', async () => {
  const pair = await serverPair();
  try {
    // The instance commits locally, then is deposed before the cluster log takes the batch.
    pair.herts.engine.setReplication({
      leads: () => true,
      appended: () => {},
      pending: () => Promise.reject(new JcrError('JCR_NOT_LEADER', 'deposed before the log took it')),
    });
    const r = await postMait(pair.herts, bedsMessage(1), { now: pair.clock.now() });
    assert.equal(r, { status: 503, code: 'JCR_NOT_LEADER', outcome: undefined });
  } finally {
    await pair.close();
  }
});

test('a clustered inbox holds nothing: out of order is refused to be sent again, in order applied', async () => {
  const { engine, mait } = clusteredRoom();
  const m = (seq: number) => parseMait(bedsMessage(seq));
  assert.is(await refusal(mait.inbox.receiveOrWait('beds', m(2))), 'JCR_MAIT_OUT_OF_ORDER');
  assert.is(mait.held.count(), 0);
  assert.is(await mait.inbox.receiveOrWait('beds', m(1)), 'applied');
  assert.is(await mait.inbox.receiveOrWait('beds', m(2)), 'applied');
  assert.is(await mait.inbox.receiveOrWait('beds', m(1)), 'duplicate');
  assert.is(mait.held.count(), 0);
  const got = [...engine.store.events(0)].flatMap((e) => (e.type === 'mait.received' ? [e.data.message.seq] : []));
  assert.equal(got, [1, 2]);
});

test("a standby's outbox follows the log, sends nothing, and loses what a cut takes", async () => {
  const { engine, mait, sent } = clusteredRoom();
  engine.setReplication({ leads: () => false, appended: () => {}, pending: () => null });
  const ours = (seq: number): MaitMessage => ({
    ...parseMait(bedsMessage(seq)),
    messageId: `herts:herts:INC-1:${seq}`,
    from: 'herts',
    to: 'beds',
    incident: { room: 'herts', id: 'INC-1' },
  });
  const queued = (seq: number): JcrEvent => ({
    seq,
    at: T0 + seq,
    type: 'mait.queued',
    origin: 'operator',
    actor: 'duty',
    data: { partnerId: 'beds', message: ours(seq) },
  });
  const e1 = queued(1);
  engine.follow([e1, queued(2)]);
  engine.follow([
    {
      seq: 3,
      at: T0 + 3,
      type: 'mait.delivered',
      origin: 'system',
      actor: 'mait-courier',
      data: { partnerId: 'beds', messageId: 'herts:herts:INC-1:1' },
    },
  ]);
  const rows = () => mait.outbox.all('beds').map((r) => ({ id: r.messageId, deliveredAt: r.deliveredAt }));
  assert.equal(rows(), [
    { id: 'herts:herts:INC-1:1', deliveredAt: T0 + 3 },
    { id: 'herts:herts:INC-1:2', deliveredAt: null },
  ]);
  await mait.courier.settled();
  assert.equal(sent, []);

  // The cluster log holds only its first message (e1): the cache is cut back to it.
  engine.store.setMeta(META_STREAM, 'jcr_test_events');
  engine.store.setMeta(META_STREAM_SEQ, '1');
  const clusterLog = { stream: 'jcr_test_events', batchAt: async () => [e1] } as unknown as ClusterLog;
  assert.is(await reconcileCache(engine.store, clusterLog, log), 1);
  assert.equal(rows(), [{ id: 'herts:herts:INC-1:1', deliveredAt: null }]);
});

test('dead letters follow the log: a standby holds them, a revival and a cut undo them', async () => {
  const { engine, mait, sent } = clusteredRoom();
  engine.setReplication({ leads: () => false, appended: () => {}, pending: () => null });
  const id = (seq: number) => `herts:herts:INC-1:${seq}`;
  const events: JcrEvent[] = [1, 2].map((seq) => ({
    seq,
    at: T0 + seq,
    type: 'mait.queued',
    origin: 'operator',
    actor: 'duty',
    data: {
      partnerId: 'beds',
      message: {
        ...parseMait(bedsMessage(seq)),
        messageId: id(seq),
        from: 'herts',
        to: 'beds',
        incident: { room: 'herts', id: 'INC-1' },
      },
    },
  }));
  const system = { origin: 'system', actor: 'mait-courier' } as const;
  const refused = { partnerId: 'beds', messageId: id(1), refusals: 5, error: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE' };
  events.push(
    { seq: 3, at: T0 + 3, type: 'mait.deadLettered', ...system, data: refused },
    {
      seq: 4,
      at: T0 + 4,
      type: 'mait.revived',
      origin: 'operator',
      actor: 'dora',
      data: { partnerId: 'beds', messageId: id(1) },
    },
    { seq: 5, at: T0 + 5, type: 'mait.deadLettered', ...system, data: refused },
  );
  const dead = () =>
    mait
      .deadLetters()
      .map((d) => ({ id: d.messageId, refusals: d.refusals, error: d.lastError, at: d.deadAt, blocked: d.blocked }));
  const held = { id: id(1), refusals: 5, error: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE', blocked: 1 };
  engine.follow(events.slice(0, 3));
  assert.equal(dead(), [{ ...held, at: T0 + 3 }], "the leader's dead letter, on the standby");
  assert.is(mait.outbox.head('beds'), undefined, 'its thread waits behind it');
  engine.follow([events[3]!]);
  assert.equal(dead(), [], 'revived');
  engine.follow([events[4]!]);
  assert.equal(dead(), [{ ...held, at: T0 + 5 }]);
  await mait.courier.settled();
  assert.equal(sent, []);

  // The cluster log ends at the revival: the cut dead letter is gone, its refusals forgotten.
  const cutTo = async (seq: number) => {
    engine.store.setMeta(META_STREAM, 'jcr_test_events');
    engine.store.setMeta(META_STREAM_SEQ, String(seq));
    const clusterLog = { stream: 'jcr_test_events', batchAt: async () => [events[seq - 1]] } as unknown as ClusterLog;
    assert.is(await reconcileCache(engine.store, clusterLog, log), seq);
  };
  await cutTo(4);
  assert.equal(dead(), []);
  assert.equal(
    mait.outbox.all('beds').map((r) => [r.messageId, r.refusals, r.deadAt]),
    [
      [id(1), 0, null],
      [id(2), 0, null],
    ],
  );
  // It ends at the first dead letter: the cut revival makes it dead again.
  await cutTo(3);
  assert.equal(dead(), [{ ...held, at: T0 + 3 }]);
});

test.run();
