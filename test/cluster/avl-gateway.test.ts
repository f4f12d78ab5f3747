/**
 * AVL gateways (issue #21 item 3): two gateways in front of a clustered leader. A feed gets the
 * same per-report codes through either gateway as directly from the leader (stateless ones from
 * the gateway, stateful ones relayed from the leader), its status change is in the cluster log
 * before its ack, a bad token is refused at the upgrade, and with no leader the socket closes
 * with JCR_NOT_LEADER (1013) so the feed reconnects elsewhere.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import { startAvlGateway, type RunningGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { connect, refusedUpgrade, report, type AvlClient } from '../support/avl.ts';
import { AVL_TOKEN, SCENARIO, clusterEvents, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

const ROOM = 'gw';

test('two AVL gateways relay to the leader with the same per-report codes as a direct feed', async () => {
  const room = await startClusterRoom({ room: ROOM, instances: 1 });
  const leader = room.instances[0] as Instance;
  const nats = room.nats;
  const gateways: RunningGateway[] = [];
  try {
    const scenario = loadScenario(SCENARIO);
    const log = createLogger('silent');
    for (let i = 0; i < 2; i++)
      gateways.push(await startAvlGateway({ servers: [nats], room: ROOM, scenario, port: 0, host: '127.0.0.1', log }));
    const now = Date.now();
    // Per resource: one fix accepted, then one of every kind of refusal.
    const batch = (id: string) => [
      report(id, 51.6005, -0.111, now - 5000, { status: ResourceStatus.MOBILISED }),
      report(id, 95, 0, now - 4000), // JCR_AVL_BAD_COORDINATES (stateless: the gateway)
      report(id, 51.6005, -0.111, now + 3_600_000), // JCR_AVL_FUTURE_FIX (stateless)
      report(id, 51.6005, -0.111, now - 5000), // JCR_AVL_DUPLICATE (stateful: the leader)
      report(id, 51.6005, -0.111, now - 6000), // JCR_AVL_OUT_OF_ORDER (stateful)
      report(id, 51.7, -0.111, now - 4500), // JCR_AVL_IMPOSSIBLE_SPEED (stateful)
      report('NOPE', 51.6005, -0.111, now - 4000), // JCR_AVL_UNKNOWN_RESOURCE
    ];
    // A refusal of the whole batch closes the socket: name its code rather than time out.
    const sendNamed = (feed: AvlClient, reports: ReturnType<typeof batch>) =>
      feed.send(1, reports).catch(async (e: Error) => {
        const c = await feed.closed;
        throw new Error(`${e.message}: closed ${c.code} ${c.reason}\n${leader.output().slice(-1500)}`);
      });
    const codes = (ack: { accepted: number; rejected: Array<{ index: number; code: string }> }) => [
      ack.accepted,
      ...ack.rejected.map((r) => `${r.index}:${r.code}`),
    ];
    const want = [
      1,
      '1:JCR_AVL_BAD_COORDINATES',
      '2:JCR_AVL_FUTURE_FIX',
      '3:JCR_AVL_DUPLICATE',
      '4:JCR_AVL_OUT_OF_ORDER',
      '5:JCR_AVL_IMPOSSIBLE_SPEED',
      '6:JCR_AVL_UNKNOWN_RESOURCE',
    ];
    const direct = await connect(`${leader.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    assert.equal(codes(await sendNamed(direct, batch('R0'))), want, 'direct to the leader');
    direct.close();
    for (const [i, g] of gateways.entries()) {
      const feed = await connect(`${g.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
      assert.equal(codes(await sendNamed(feed, batch(`R${i + 1}`))), want, `through gateway ${i}`);
      feed.close();
    }
    const log1 = await clusterEvents(nats, ROOM);
    assert.equal(
      log1.map((e) => [e.type, (e.data as { resourceId: string }).resourceId, e.origin]),
      [
        ['resource.status', 'R0', 'avl'],
        ['resource.status', 'R1', 'avl'],
        ['resource.status', 'R2', 'avl'],
      ],
    );
    const bad = await refusedUpgrade(`${gateways[0]?.url.replace('http', 'ws')}/ws/avl`, {
      authorization: 'Bearer not-a-feed-token',
    });
    assert.is(bad.status, 401);

    // No leader: the batch is refused whole and the socket closes with 1013 (try again later).
    const feed = await connect(`${gateways[1]?.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    leader.proc.kill('SIGKILL');
    await leader.exited;
    const sent = feed.send(2, [report('R3', 51.6005, -0.111, Date.now() - 1000)]).catch((e: Error) => e.message);
    assert.is(await sent, 'closed before ack 2');
    const closed = await feed.closed;
    assert.equal([closed.code, closed.reason], [1013, 'JCR_NOT_LEADER']);
  } finally {
    for (const g of gateways) await g.close();
    await room.close();
  }
});

test.run();
