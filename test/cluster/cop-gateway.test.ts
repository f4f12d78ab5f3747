/**
 * COP gateways (issue #21 item 3): a screen on a gateway watches the room through a failover.
 * It sees the old leader's incident and AVL fix, the leader is SIGKILLed, the standby leads, and
 * the new leader's incident and fix reach the same connection as the next COP seqs: one snapshot
 * at the start, then deltas each one after the last (CopPicture: no 'gap', nothing 'stale', which
 * a repeated or skipped frame would be), and the picture's event seq is the log's last. A screen
 * that drops and comes back to the gateway resumes from its seq with a catch-up delta, not a
 * snapshot; on another gateway (another epoch) it gets a whole new snapshot with everything.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from '../../server/shell/cluster/options.ts';
import { startCopGateway, type RunningCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { connect, report } from '../support/avl.ts';
import { CopScreen } from '../support/cop-screen.ts';
import {
  AVL_TOKEN,
  SCENARIO,
  clusterEvents,
  freePort,
  login,
  seedUser,
  sleep,
  startInstance,
  startNats,
  waitRole,
} from '../support/cluster.ts';

const ROOM = 'copgw';
const COP_TOKEN = 'cluster-cop-gateway-token-0123456789';

async function createIncident(url: string, token: string): Promise<string> {
  const res = await fetch(`${url}/api/incidents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 }),
  });
  const body = (await res.json()) as { id?: string; incident?: { id: string } };
  assert.is(res.status, 201, JSON.stringify(body));
  return (body.id ?? body.incident?.id) as string;
}

async function fix(url: string, id: string, lat: number): Promise<void> {
  const feed = await connect(`${url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
  const ack = await feed.send(1, [report(id, lat, -0.12, Date.now() - 1000)]);
  assert.equal([ack.accepted, ack.rejected.length], [1, 0]);
  feed.close();
}

test('a screen on a COP gateway sees through a failover with no gap and resumes on reconnect', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-copgw-'));
  const { url: nats, nats: natsProc } = await startNats(join(dir, 'nats'));
  const dbs = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
  for (const db of dbs) await seedUser(db);
  const a = await startInstance('a', {
    db: dbs[0] as string,
    port: await freePort(),
    nats,
    room: ROOM,
    standby: false,
  });
  const b = await startInstance('b', { db: dbs[1] as string, port: await freePort(), nats, room: ROOM, standby: true });
  const gateways: RunningCopGateway[] = [];
  try {
    await waitRole(a.url, 'leader', 10_000);
    const aToken = await login(a.url);
    const first = await createIncident(a.url, aToken); // before the gateways start: in their replay
    const cluster = clusterConfig({ nats, room: ROOM }, {});
    assert.ok(cluster);
    const log = createLogger('silent');
    for (let i = 0; i < 2; i++)
      gateways.push(
        await startCopGateway({
          cluster,
          scenario: loadScenario(SCENARIO),
          port: 0,
          host: '127.0.0.1',
          log,
          token: COP_TOKEN,
        }),
      );
    const [g1, g2] = gateways as [RunningCopGateway, RunningCopGateway];
    const screen = new CopScreen();
    await screen.open(g1.url, COP_TOKEN);
    await screen.until('the snapshot', () => screen.picture.synced);
    assert.ok(screen.picture.incidents.has(first), 'the snapshot has the incident opened before the gateway');

    const second = await createIncident(a.url, aToken);
    await fix(a.url, 'R1', 51.62);
    await screen.until("the leader's changes", () => screen.picture.incidents.has(second));
    await screen.until("the leader's fix", () => screen.picture.resources.get('R1')?.lat === 51.62);

    a.proc.kill('SIGKILL');
    await waitRole(b.url, 'leader', 5000);
    const bToken = await login(b.url);
    const third = await createIncident(b.url, bToken);
    await fix(b.url, 'R2', 51.625);
    await screen.until("the new leader's incident", () => screen.picture.incidents.has(third));
    await screen.until("the new leader's fix", () => screen.picture.resources.get('R2')?.lat === 51.625);
    const events = await clusterEvents(nats, ROOM);
    await screen.until('the log head on its gateway', () => g1.engine.room.lastSeq === events.length);
    assert.equal(
      [...g1.engine.room.incidents.all()]
        .filter((i) => i.status !== 'closed')
        .map((i) => i.id)
        .sort(),
      [...screen.picture.incidents.keys()].sort(),
      "the screen's incidents are the replica's",
    );
    screen.assertNoGap('through the failover');

    // Dropped and back on the same gateway: a catch-up from its seq, not a snapshot.
    await screen.close();
    const fourth = await createIncident(b.url, bToken);
    await sleep(50);
    const back = new CopScreen(screen.picture);
    await back.open(g1.url, COP_TOKEN);
    await back.until('the incident opened while away', () => back.picture.incidents.has(fourth));
    assert.is(back.results[0], 'delta', `resumed: ${JSON.stringify(back.results)}`);
    assert.not.ok(back.results.includes('gap') || back.results.includes('snapshot'));
    await back.close();

    // Another gateway is another epoch: a whole snapshot, with everything.
    const moved = new CopScreen(back.picture);
    await moved.open(g2.url, COP_TOKEN);
    await moved.until('the snapshot', () => moved.results.length > 0);
    assert.is(moved.results[0], 'snapshot');
    assert.equal(
      [first, second, third, fourth].map((id) => moved.picture.incidents.has(id)),
      [true, true, true, true],
    );
    assert.is(moved.picture.resources.get('R2')?.lat, 51.625);
    await moved.close();
  } finally {
    for (const g of gateways) await g.close();
    for (const p of [a, b, natsProc]) p.proc.kill('SIGKILL');
    await Promise.all([a.exited, b.exited, natsProc.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
