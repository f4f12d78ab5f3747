/**
 * COP gateways (issue #21 item 3): one COP numbering for the room. A screen on a gateway watches
 * the room through a failover: it sees the old leader's incident and AVL fix, the leader is
 * SIGKILLed, the standby leads, and the new leader's incident and fix reach the same connection
 * as the next COP seqs: one snapshot at the start, then deltas each one after the last
 * (CopPicture: no 'gap', nothing 'stale', which a repeated or skipped frame would be), and the
 * picture's event seq is the log's last. A screen that drops resumes from its seq with a catch-up
 * delta, not a snapshot: on the same gateway, on another gateway after its own gateway is gone,
 * and on the new leader itself, since every one numbers the leader's records the same way
 * (server/shell/cluster/cop-stream.ts). And a gateway's snapshot is the leader's, field by field,
 * snapped road points included. A screen's agency and viewport filters hold the same resources
 * through a gateway as on the leader, at its snapshot and as resources enter and leave its view.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { clusterConfig } from '../../server/shell/cluster/options.ts';
import { startCopGateway, type RunningCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { connect, report } from '../support/avl.ts';
import { CopScreen } from '../support/cop-screen.ts';
import { AVL_TOKEN, SCENARIO, clusterEvents, login, sleep, waitRole } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

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

async function fix(url: string, id: string, lat: number, lon = -0.12): Promise<void> {
  const feed = await connect(`${url.replace('http', 'ws')}/ws/avl`, AVL_TOKEN);
  const ack = await feed.send(1, [report(id, lat, lon, Date.now() - 1000)]);
  assert.equal([ack.accepted, ack.rejected.length], [1, 0]);
  feed.close();
}

/** A screen that resumed: its first frame a delta, and no snapshot or gap at all. */
async function resumed(screen: CopScreen, what: string, sees: () => boolean): Promise<void> {
  await screen.until(what, sees);
  assert.is(screen.results[0], 'delta', `${what}: resumed, ${JSON.stringify(screen.results)}`);
  assert.not.ok(screen.results.includes('gap') || screen.results.includes('snapshot'), what);
}

test('a screen resumes on any COP gateway or instance without a gap, through a failover', async () => {
  const room = await startClusterRoom({ room: 'copgw', instances: 2, args: ['--cop-token', COP_TOKEN] });
  const gateways: RunningCopGateway[] = [];
  try {
    const [a, b] = room.instances as [(typeof room.instances)[0], (typeof room.instances)[0]];
    const aToken = await login(a.url);
    const first = await createIncident(a.url, aToken); // before the gateways start: in their replay
    const cluster = clusterConfig({ nats: room.nats, room: room.room }, {});
    assert.ok(cluster);
    const log = createLogger('silent');
    const scenario = loadScenario(SCENARIO);
    for (let i = 0; i < 2; i++)
      gateways.push(
        await startCopGateway({
          cluster,
          scenario,
          scenarioFile: SCENARIO,
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
    const events = await clusterEvents(room.nats, room.room);
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
    await resumed(back, 'the incident opened while away', () => back.picture.incidents.has(fourth));
    await back.close();

    // Its gateway gone: the same token on the other gateway is a catch-up too, seqs continuing.
    const lastOnG1 = back.picture.seq;
    await g1.close();
    gateways.shift();
    const fifth = await createIncident(b.url, bToken);
    const moved = new CopScreen(back.picture);
    await moved.open(g2.url, COP_TOKEN);
    await resumed(moved, 'the incident opened while its gateway went', () => moved.picture.incidents.has(fifth));
    assert.is(moved.seqs[0] !== undefined && moved.seqs.length > 0, true);
    assert.ok(moved.picture.seq > lastOnG1, 'numbered on from where the first gateway left it');
    await moved.close();

    // And on the new leader itself.
    const sixth = await createIncident(b.url, bToken);
    const direct = new CopScreen(moved.picture);
    await direct.open(b.url, COP_TOKEN);
    await resumed(direct, "the leader's incident, on the leader", () => direct.picture.incidents.has(sixth));
    await direct.close();
    assert.equal(
      [first, second, third, fourth, fifth, sixth].map((id) => direct.picture.incidents.has(id)),
      [true, true, true, true, true, true],
    );

    // A fresh snapshot from the gateway is the leader's, field by field (once both are at one seq).
    let pair: [CopScreen, CopScreen] | null = null;
    for (let i = 0; i < 20 && pair === null; i++) {
      const [x, y] = [new CopScreen(), new CopScreen()];
      await Promise.all([x.open(g2.url, COP_TOKEN), y.open(b.url, COP_TOKEN)]);
      await x.until('a snapshot', () => x.snapshots.length > 0);
      await y.until('a snapshot', () => y.snapshots.length > 0);
      await Promise.all([x.close(), y.close()]);
      if (x.snapshots[0]?.seq === y.snapshots[0]?.seq) pair = [x, y];
      else await sleep(100);
    }
    assert.ok(pair, 'the gateway and the leader reached one seq');
    const [viaGateway, viaLeader] = pair.map((s) => ({ ...s.snapshots[0], serverTimeMs: 0 }));
    const snapped = (viaLeader?.incidents ?? []).map((inc) => inc.location?.snapped !== null);
    assert.equal(snapped, [true, true, true, true, true, true], 'the leader snaps every incident to the road');
    assert.equal(viaGateway, viaLeader, "the gateway's snapshot is the leader's");
  } finally {
    for (const g of gateways) await g.close();
    await room.close();
  }
});

/** A screen's resources as a gateway and the leader must agree on them (refs are each hub's own). */
const held = (screen: CopScreen) =>
  [...screen.picture.resources.values()]
    .map((r) => ({ id: r.id, agency: r.agency, status: r.status, lat: r.lat, lon: r.lon, fixTimeMs: r.fixTimeMs }))
    .sort((x, y) => x.id.localeCompare(y.id));
const ids = (screen: CopScreen) => held(screen).map((r) => r.id);

test('a filtered screen on a COP gateway holds exactly the resources it holds on the leader', async () => {
  const room = await startClusterRoom({ room: 'copfilter', instances: 1, args: ['--cop-token', COP_TOKEN] });
  let gateway: RunningCopGateway | undefined;
  const screens: CopScreen[] = [];
  try {
    const leader = room.instances[0] as (typeof room.instances)[0];
    const cluster = clusterConfig({ nats: room.nats, room: room.room }, {});
    assert.ok(cluster);
    const g = await startCopGateway({
      cluster,
      scenario: loadScenario(SCENARIO),
      scenarioFile: SCENARIO,
      port: 0,
      host: '127.0.0.1',
      log: createLogger('silent'),
      token: COP_TOKEN,
    });
    gateway = g;
    // Wood Green (R0, R1, R6) and Palmers Green (R4, R5) in view; Friern Barnet (R2, R3, R7) out.
    const view = { south: 51.595, west: -0.13, north: 51.63, east: -0.1 };
    const filters = {
      fire: { agencies: ['fire'], bounds: null },
      view: { agencies: [], bounds: view },
      'fire in view': { agencies: ['fire'], bounds: view },
    };
    const pairs = Object.entries(filters).map(([name, filter]) => {
      const [viaGateway, direct] = [new CopScreen(), new CopScreen()];
      viaGateway.picture.filter = { ...filter };
      direct.picture.filter = { ...filter };
      screens.push(viaGateway, direct);
      return { name, viaGateway, direct };
    });
    for (const p of pairs) {
      await p.viaGateway.open(g.url, COP_TOKEN);
      await p.direct.open(leader.url, COP_TOKEN);
    }
    const expect = async (want: Record<string, string[]>, when: string) => {
      for (const p of pairs) {
        const sees = (s: CopScreen) => s.picture.synced && ids(s).join() === (want[p.name] as string[]).join();
        await p.viaGateway.until(`${p.name} ${when} through the gateway: ${want[p.name]}`, () => sees(p.viaGateway));
        await p.direct.until(`${p.name} ${when} on the leader: ${want[p.name]}`, () => sees(p.direct));
        assert.equal(held(p.viaGateway), held(p.direct), `${p.name} ${when}: the same resources, field by field`);
      }
    };
    await expect(
      { fire: ['R0', 'R1', 'R2', 'R3'], view: ['R0', 'R1', 'R4', 'R5', 'R6'], 'fire in view': ['R0', 'R1'] },
      'at first',
    );
    // R2 drives into view, R0 out of it: an enter and a leave for the viewport's screens.
    await fix(leader.url, 'R2', 51.61);
    await fix(leader.url, 'R0', 51.615, -0.15);
    await expect(
      { fire: ['R0', 'R1', 'R2', 'R3'], view: ['R1', 'R2', 'R4', 'R5', 'R6'], 'fire in view': ['R1', 'R2'] },
      'after R2 came into view and R0 left it',
    );
    for (const s of screens) assert.not.ok(s.results.includes('gap'), 'no gap on any screen');
  } finally {
    for (const s of screens) if (s.ws?.readyState === s.ws?.OPEN) await s.close();
    await gateway?.close();
    await room.close();
  }
});

test.run();
