/**
 * AVL position replication (issue #21): fixes are not events, yet the standby keeps the fleet's
 * live positions (stream jcr_<room>_positions and bucket jcr_<room>_live, server/shell/cluster/
 * positions.ts and live.ts). A fix that changes no
 * status reaches the standby's fleet; after the leader is SIGKILLed the new leader has it at
 * once, so its map shows it and its stateful AVL rules judge against it: the same fix again is a
 * duplicate, and a fix 4 km away one second later is an impossible speed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect, report } from '../support/avl.ts';
import { AVL_TOKEN, login, sleep, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

async function resource(url: string, token: string, id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/api/resources/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as Record<string, unknown>;
}

const where = (r: Record<string, unknown>) => [r.status, r.lat, r.lon, r.fixTimeMs, r.speedMps, r.accuracyM];

test('the standby keeps live positions: after failover the leader has them at once', async () => {
  const room = await startClusterRoom({ room: 'live', instances: 2 });
  try {
    const [a, b] = room.instances as [Instance, Instance];
    const fixAt = Date.now() - 2000;
    const feed = await connect(`${a.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    // Position only (status 0): no event; the positions stream and the live bucket carry it to the standby.
    const ack = await feed.send(1, [report('R0', 51.61, -0.12, fixAt, { speedMps: 7, accuracyM: 4 })]);
    assert.equal([ack.accepted, ack.rejected.length], [1, 0]);
    feed.close();
    const want = ['AVAILABLE_AT_STATION', 51.61, -0.12, fixAt, 7, 4];
    const bToken = await login(b.url);
    let onStandby = await resource(b.url, bToken, 'R0');
    for (let i = 0; i < 200 && onStandby.fixTimeMs !== fixAt; i++) {
      await sleep(25);
      onStandby = await resource(b.url, bToken, 'R0');
    }
    assert.equal(where(onStandby), want, 'the standby has the fix');

    a.proc.kill('SIGKILL');
    await waitRole(b.url, 'leader', 5000);
    assert.equal(where(await resource(b.url, bToken, 'R0')), want, 'the new leader has it at once');
    const again = await connect(`${b.url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
    const judged = await again.send(1, [
      report('R0', 51.61, -0.12, fixAt),
      report('R0', 51.646, -0.12, fixAt + 1000), // 4 km in one second
    ]);
    assert.equal(
      [judged.accepted, ...judged.rejected.map((r) => `${r.index}:${r.code}`)],
      [0, '0:JCR_AVL_DUPLICATE', '1:JCR_AVL_IMPOSSIBLE_SPEED'],
    );
    again.close();
  } finally {
    await room.close();
  }
});

test.run();
