/**
 * Acknowledged AVL positions survive the leader (issue #21): a fix that changes no status is not
 * an event, yet its ack goes out only once the positions stream (jcr_<room>_positions) has it
 * (server/shell/cluster/positions.ts). Position-only reports, direct to the leader and through
 * an AVL gateway, are acked; the leader is SIGKILLed right after the last ack. Every acked
 * report (and the out-of-order one kept in history only) is in the stream once, one message per
 * batch, and in the new leader's position history once; the killed instance, restarted as a
 * standby, refills its own history from the stream and holds each once too.
 */
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startAvlGateway, type RunningGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { connect, report } from '../support/avl.ts';
import {
  AVL_TOKEN,
  SCENARIO,
  clusterPositions,
  positionHistory,
  sleep,
  waitRole,
  type Instance,
  type StoredPosition,
} from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

const ROOM = 'pos';

/** The last positions message an instance's history holds (meta cluster.positionsSeq). */
function mark(db: string): number {
  const d = new Database(db, { readonly: true });
  try {
    const row = d.prepare("SELECT value FROM meta WHERE key = 'cluster.positionsSeq'").get() as
      { value: string } | undefined;
    return Number(row?.value ?? 0);
  } finally {
    d.close();
  }
}

async function untilMark(db: string, seq: number): Promise<void> {
  for (let i = 0; i < 400 && mark(db) < seq; i++) await sleep(50);
  assert.is(mark(db), seq, `history of ${db} holds the stream up to ${seq}`);
}

const row = (p: StoredPosition) => [p.resourceId, p.lat, p.lon, p.fixTimeMs, p.live, p.feed];

test('every acknowledged position-only report is in the positions stream and the new leader history once', async () => {
  const room = await startClusterRoom({ room: ROOM, instances: 2 });
  let gateway: RunningGateway | undefined;
  try {
    const [a, b] = room.instances as [Instance, Instance];
    gateway = await startAvlGateway({
      servers: [room.nats],
      room: ROOM,
      scenario: loadScenario(SCENARIO),
      port: 0,
      host: '127.0.0.1',
      log: createLogger('silent'),
    });
    const t = Date.now() - 60_000;
    const direct = await connect(`${a.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    const relayed = await connect(`${gateway.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    // Two batches in flight on each connection: their publishes are not awaited one by one.
    const acks = await Promise.all([
      direct.send(1, [report('R0', 51.6001, -0.1101, t), report('R1', 51.6011, -0.1111, t)]),
      direct.send(2, [
        report('R0', 51.6002, -0.1101, t + 1000),
        report('R0', 51.6003, -0.1101, t + 500), // out of order: kept in history only
      ]),
    ]);
    acks.push(
      ...(await Promise.all([
        relayed.send(1, [report('R2', 51.6021, -0.1121, t), report('R3', 51.6031, -0.1131, t)]),
        relayed.send(2, [report('R2', 51.6022, -0.1121, t + 1000)]),
      ])),
    );
    a.proc.kill('SIGKILL');
    assert.equal(
      acks.map((k) => [k.accepted, ...k.rejected.map((r) => `${r.index}:${r.code}`)]),
      [[2], [1, '1:JCR_AVL_OUT_OF_ORDER'], [2], [1]],
    );
    await a.exited;
    direct.close();
    relayed.close();
    await waitRole(b.url, 'leader', 10_000);

    const want = [
      ['R0', 51.6001, -0.1101, t, true, 'dev'],
      ['R1', 51.6011, -0.1111, t, true, 'dev'],
      ['R0', 51.6002, -0.1101, t + 1000, true, 'dev'],
      ['R0', 51.6003, -0.1101, t + 500, false, 'dev'],
      ['R2', 51.6021, -0.1121, t, true, 'dev'],
      ['R3', 51.6031, -0.1131, t, true, 'dev'],
      ['R2', 51.6022, -0.1121, t + 1000, true, 'dev'],
    ];
    const stream = await clusterPositions(room.nats, ROOM);
    assert.equal(
      stream.map((m) => [m.streamSeq, m.positions.length]),
      [
        [1, 2],
        [2, 2],
        [3, 2],
        [4, 1],
      ],
      'one message per batch',
    );
    assert.equal(
      stream.flatMap((m) => m.positions.map(row)),
      want,
      'the positions stream holds each acked report once',
    );
    assert.equal(
      stream[0]?.positions[0],
      {
        resourceId: 'R0',
        lat: 51.6001,
        lon: -0.1101,
        fixTimeMs: t,
        speedMps: 10,
        headingDeg: 90,
        accuracyM: 5,
        status: 0,
        live: true,
        feed: 'dev',
      },
      'every field crosses',
    );

    await untilMark(b.db, 4);
    assert.equal(positionHistory(b.db).map(row), want, "the new leader's history holds each once");

    // The killed instance, restarted, follows the stream from its own history's mark.
    const again = await room.restart(0, true);
    await waitRole(again.url, 'standby', 20_000);
    await untilMark(again.db, 4);
    assert.equal(positionHistory(again.db).map(row), want, "the restarted instance's history holds each once");
  } finally {
    await gateway?.close();
    await room.close();
  }
});

test.run();
