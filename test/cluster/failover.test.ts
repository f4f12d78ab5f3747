/**
 * Hot standby failover (issue #21): a primary and a standby on one JetStream log. Operators
 * change statuses, open incidents and order standby moves, and an AVL terminal reports status
 * changes through an AVL gateway, while the leader is SIGKILLed at a random moment. Each round: the standby leads within
 * 5 s; every acknowledged change is in the cluster log exactly once (its seq holds it, and the
 * log's seqs run 1..N with no repeat or gap); the killed instance, restarted, joins as a standby
 * and catches up to the same log. A screen on a COP gateway watches throughout: one snapshot, then
 * only deltas each one after the last, and its gateway holds every logged event. Rounds:
 * JCR_FAILOVER_ROUNDS (10).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { seededRandom } from '../../server/core/clock.ts';
import type { JcrEvent } from '../../server/core/events.ts';
import { decodeAck, encodeBatch } from '../../server/shell/avl/codec.ts';
import { ResourceStatus, type ResourceStatus as Status } from '../../server/core/fleet/status.ts';
import { startAvlGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { startCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { CopScreen } from '../support/cop-screen.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import {
  AVL_TOKEN,
  SCENARIO,
  cachedEvents,
  clusterEvents,
  login,
  sleep,
  waitRole,
  type Instance,
} from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

const ROUNDS = Number(process.env.JCR_FAILOVER_ROUNDS ?? 10);
const ROOM = 'failover';
const COP_TOKEN = 'failover-cop-token-0123456789';
/** The status cycle an AVL terminal reports: sent, arrived, leaving, home. */
const NEXT: Partial<Record<Status, Status>> = {
  [ResourceStatus.AVAILABLE_AT_STATION]: ResourceStatus.MOBILISED,
  [ResourceStatus.MOBILISED]: ResourceStatus.AT_SCENE,
  [ResourceStatus.AT_SCENE]: ResourceStatus.RETURNING,
  [ResourceStatus.RETURNING]: ResourceStatus.AVAILABLE_AT_STATION,
};

/** An acknowledged change: the seq the leader answered with (0: none, find it by key) and what the log must hold there. */
interface Acked {
  seq: number;
  type: string;
  key: string;
}

function keyOf(e: JcrEvent): string {
  const d = e.data as { resourceId?: string; incidentId?: string };
  return d.incidentId && e.type.startsWith('incident') ? d.incidentId : (d.resourceId ?? '');
}

/** Drive the leader until it dies: REST changes (with their seqs) and AVL status reports. */
async function load(
  leader: Instance,
  gateway: string,
  token: string,
  rnd: () => number,
  acked: Acked[],
  avlAcked: Status[],
) {
  let dead = false;
  const post = async (path: string, body: unknown): Promise<Record<string, unknown> | null> => {
    try {
      const res = await fetch(leader.url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 500) return null; // deposed or dying: not acknowledged
      assert.ok(res.status < 300, `${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    } catch {
      dead = true; // the leader died under us: this change stays unacknowledged
      return null;
    }
  };
  const rest = async () => {
    let status = rnd() < 0.5;
    while (!dead) {
      const id = `R${4 + Math.floor(rnd() * 4)}`;
      status = !status;
      const b = await post(`/api/resources/${id}/status`, { status: status ? 'MOBILISED' : 'AVAILABLE_AT_STATION' });
      if (b && (b.events as number) > 0) acked.push({ seq: b.seq as number, type: 'resource.status', key: id });
      const inc = await post('/api/incidents', { typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 });
      if (inc) {
        const id = (inc.id ?? (inc.incident as { id: string } | undefined)?.id) as string;
        acked.push({ seq: 0, type: 'incident.created', key: id }); // its answer has no seq: found by id
      }
      const move = await post('/api/cover/moves', { resourceId: 'R3', destinationId: 'F-WG' });
      if (move) acked.push({ seq: move.seq as number, type: 'cover.standbyOrdered', key: 'R3' });
      const cancel = await post('/api/cover/moves/R3/cancel', {});
      if (cancel)
        acked.push({
          seq: cancel.seq as number,
          type: 'cover.standbyEnded',
          key: 'R3',
        });
      await sleep(5 + rnd() * 20);
    }
  };
  const avl = async () => {
    const ws = new WebSocket(`${gateway.replace('http', 'ws')}/ws/avl?token=${AVL_TOKEN}`);
    const sent = new Map<number, Status>();
    ws.on('message', (data: Buffer) => {
      const ack = decodeAck(data);
      if (ack.rejected.length === 0 && sent.has(ack.seq)) avlAcked.push(sent.get(ack.seq) as Status);
    });
    const open = await new Promise<boolean>((r) => {
      ws.once('open', () => r(true));
      ws.once('error', () => r(false));
    });
    const res = await fetch(`${leader.url}/api/resources`, { headers: { authorization: `Bearer ${token}` } });
    const list = ((await res.json()) as { resources: Array<{ id: string; status: string }> }).resources;
    let status = ResourceStatus[list.find((r) => r.id === 'R0')?.status as keyof typeof ResourceStatus];
    let seq = 1;
    while (open && !dead && ws.readyState === WebSocket.OPEN) {
      status = NEXT[status] as Status;
      const s = seq++;
      sent.set(s, status);
      const report = { resourceId: 'R0', lat: 51.6005, lon: -0.111, speedMps: 0, headingDeg: 0, accuracyM: 5 };
      ws.send(encodeBatch({ seq: s, reports: [{ ...report, fixTimeMs: Date.now(), status }] }));
      await sleep(20 + rnd() * 30);
    }
    ws.terminate();
  };
  await Promise.all([rest(), avl(), leader.exited.then(() => (dead = true))]);
}

test(`${ROUNDS} rounds: SIGKILL the leader, the standby leads within 5 s, nothing acknowledged lost`, async () => {
  const room = await startClusterRoom({ room: ROOM, instances: 2 });
  const nats = room.nats;
  const rnd = seededRandom(20261202);
  const acked: Acked[] = [];
  const avlAcked: Status[] = [];
  let [leader, standby] = room.instances as [Instance, Instance];
  // The AVL terminal reports through a gateway, which relays to whichever instance leads.
  const gateway = await startAvlGateway({
    servers: [nats],
    room: ROOM,
    scenario: loadScenario(SCENARIO),
    port: 0,
    host: '127.0.0.1',
    log: createLogger('silent'),
  });
  // A screen watches the whole run through a COP gateway, which follows the log whoever leads.
  const copGateway = await startCopGateway({
    cluster: clusterConfig({ nats, room: ROOM }, {}) as ClusterOptions,
    scenario: loadScenario(SCENARIO),
    port: 0,
    host: '127.0.0.1',
    log: createLogger('silent'),
    token: COP_TOKEN,
  });
  const screen = new CopScreen();
  await screen.open(copGateway.url, COP_TOKEN);
  await screen.until('the snapshot', () => screen.picture.synced);
  const failovers: number[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const token = await login(leader.url);
      const killAfter = 300 + rnd() * 1200;
      setTimeout(() => leader.proc.kill('SIGKILL'), killAfter);
      const killedAt = Date.now() + killAfter;
      await load(leader, gateway.url, token, rnd, acked, avlAcked);
      await waitRole(standby.url, 'leader', 5000 - (Date.now() - killedAt));
      failovers.push(Date.now() - killedAt);
      const killed = leader.url === `http://127.0.0.1:${room.ports[0]}` ? 0 : 1;
      leader = standby;
      standby = await room.restart(killed, true);
      const events = await clusterEvents(nats, ROOM);
      await waitRole(standby.url, 'standby', 10_000, events.length);
      checkLog(events, acked, avlAcked, round);
      assert.equal(cachedEvents(standby.db).length, events.length, `round ${round}: the restarted standby's cache`);
    }
    const logged = (await clusterEvents(nats, ROOM)).length;
    await screen.until('every logged event on its gateway', () => copGateway.engine.room.lastSeq === logged);
    screen.assertNoGap(`a screen on a COP gateway through ${ROUNDS} failovers`);
  } finally {
    await screen.close();
    await copGateway.close();
    await gateway.close();
    await room.close();
  }
  console.log(`failover ms: ${failovers.join(' ')}; ${acked.length} REST and ${avlAcked.length} AVL changes acked`);
  assert.ok(acked.length > ROUNDS, 'the load made acknowledged changes');
  assert.ok(avlAcked.length > ROUNDS, 'AVL status changes were acknowledged through the gateway');
});

/** Seqs 1..N each once (no fork); each acknowledged change in the log once; AVL acks in order. */
function checkLog(events: JcrEvent[], acked: Acked[], avlAcked: Status[], round: number): void {
  events.forEach((e, i) => assert.is(e.seq, i + 1, `round ${round}: log seq ${i} is ${e.seq}`));
  // Each acknowledged change claims its own logged event, at or before the seq its answer named
  // (the room's last seq when answered: later batches may have joined meanwhile).
  const claimed = new Set<number>();
  for (const a of acked) {
    if (a.seq === 0) {
      const n = events.filter((e) => e.type === a.type && keyOf(e) === a.key).length;
      assert.is(n, 1, `round ${round}: acknowledged ${a.type} ${a.key} is in the log ${n} times`);
      continue;
    }
    const mine = events
      .slice(0, a.seq)
      .reverse()
      .find((e) => e.type === a.type && keyOf(e) === a.key && !claimed.has(e.seq));
    assert.ok(mine, `round ${round}: acknowledged ${a.type} ${a.key} (answered at seq ${a.seq}) is not in the log`);
    claimed.add(mine.seq);
  }
  const logged = events
    .filter((e) => e.type === 'resource.status' && keyOf(e) === 'R0' && e.origin === 'avl')
    .map((e) => (e.data as { status: number }).status);
  const want = avlAcked;
  let i = 0;
  for (const s of logged) if (i < want.length && s === want[i]) i++;
  assert.is(
    i,
    want.length,
    `round ${round}: AVL acknowledged ${want.length} changes, the log holds ${i} of them in order`,
  );
}

test.run();
