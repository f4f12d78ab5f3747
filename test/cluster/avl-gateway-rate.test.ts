/**
 * A feed through an AVL gateway gets the same JCR_RATE_LIMITED as directly from the leader
 * (issue #21): the feed's token bucket (`--feed-reports-per-s`, `--feed-burst-reports`) lives on
 * the leader and is charged the whole batch as the feed sent it, reports the gateway refused by
 * the stateless rules included, and a batch refused whole is refused whole through the gateway.
 * Before, the gateway relayed only the reports that passed its rules and never relayed a batch
 * of none, so a gateway feed got more through than the same feed direct.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startAvlGateway, type RunningGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { FeedRegistry } from '../../server/shell/avl/feeds.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { Store } from '../../server/shell/store/store.ts';
import { connect, report } from '../support/avl.ts';
import { SCENARIO } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

test('a feed through an AVL gateway is rate limited exactly as the same kind of feed direct', async () => {
  // A burst of 5 reports and (next to) no refill: the test's own pace cannot change the answers.
  const tokens: string[] = [];
  const room = await startClusterRoom({
    room: 'rate',
    instances: 1,
    args: ['--feed-reports-per-s', '0.001', '--feed-burst-reports', '5'],
    prepare: (db) => {
      const store = Store.open(db);
      const feeds = new FeedRegistry(store.db, Date.now);
      tokens.push(feeds.add('direct', null), feeds.add('gateway', null));
      store.close();
    },
  });
  let gateway: RunningGateway | undefined;
  try {
    const leader = room.instances[0];
    if (!leader) throw new Error('no leader');
    const log = createLogger('silent');
    gateway = await startAvlGateway({
      servers: [room.nats],
      room: room.room,
      scenario: loadScenario(SCENARIO),
      port: 0,
      host: '127.0.0.1',
      log,
    });
    const now = Date.now();
    // Six reports: four good fixes, two the stateless rules refuse (the gateway's own share).
    const six = (id: string) => [
      report(id, 51.6005, -0.111, now - 9000),
      report(id, 95, 0, now - 8500),
      report(id, 51.6005, -0.111, now - 8000),
      report(id, 51.6005, -0.111, now - 7000),
      report(id, 95, 0, now - 6500),
      report(id, 51.6005, -0.111, now - 6000),
    ];
    const codes = (ack: { accepted: number; rejected: Array<{ index: number; code: string }> }) => [
      ack.accepted,
      ...ack.rejected.map((r) => `${r.index}:${r.code}`),
    ];
    const limited = (n: number) => [0, ...Array.from({ length: n }, (_, i) => `${i}:JCR_RATE_LIMITED`)];
    const run = async (url: string, token: string, id: string) => {
      const feed = await connect(`${url.replace('http', 'ws')}/ws/avl`, token);
      const out = [
        codes(await feed.send(1, six(id))), // 6 > the burst of 5: refused whole
        codes(await feed.send(2, six(id).slice(0, 5))), // 5: taken, the bucket now empty
        codes(await feed.send(3, [report(id, 95, 0, now - 1000)])), // even a batch of one bad report costs 1
        codes(await feed.send(4, [report(id, 51.6005, -0.111, now - 500)])),
      ];
      feed.close();
      return out;
    };
    const want = [limited(6), [3, '1:JCR_AVL_BAD_COORDINATES', '4:JCR_AVL_BAD_COORDINATES'], limited(1), limited(1)];
    assert.equal(await run(leader.url, tokens[0] as string, 'R0'), want, 'direct to the leader');
    assert.equal(await run(gateway.url, tokens[1] as string, 'R1'), want, 'through the gateway');
  } finally {
    await gateway?.close();
    await room.close();
  }
});

test.run();
