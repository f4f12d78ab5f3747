/**
 * Hot standby failover (issue #21's acceptance, "Failover test, 10 rounds"): a primary and a
 * standby on one JetStream log. The simulated fleet reports AVL through an AVL gateway: the live
 * simulator (sim/live, in this process: test/support/failover-fleet.ts) drives four pumps of its
 * own on the wall clock the whole run, following whoever leads, beside a scripted terminal for R0
 * (position fixes, a status change now and then). Meanwhile the duty officer changes statuses,
 * orders standby moves (the simulator's pumps drive theirs) and the fire dispatcher opens
 * incidents, mobilises them (one decision and its units' statuses, one batch) and closes them
 * (test/support/failover-load.ts); the leader is SIGKILLed at a random moment. Each round: the
 * standby leads within 5 s; every acknowledged change is in the cluster log exactly once, a
 * batch's events together and in order (the log's seqs run 1..N with no repeat or gap); the
 * gateway accepted every report the terminal sent, and each report the terminal or the simulator
 * had acknowledged (the simulator's ack hook, LiveOptions.onAck) is in the positions stream
 * exactly once, as sent, each status report's event in the log once, in the order acked; the
 * simulator streamed with every pump, and on through the new leader; the killed instance,
 * restarted with the command it first ran with (instance 0 as the primary, without --standby;
 * instance 1 with it), joins as a standby because the other holds the lease, and catches up to
 * the same log. A screen on a COP gateway watches throughout: one snapshot, then only deltas each
 * one after the last; after each round it has reached the room's last COP seq, by at least
 * MIN_DELTAS deltas in the round (MEAN_DELTAS a round over the run). Rounds: JCR_FAILOVER_ROUNDS (10).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kvm } from '@nats-io/kv';
import { connect } from '@nats-io/transport-node';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../../server/core/clock.ts';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import type { JcrEvent } from '../../server/core/events.ts';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import { DEV_FEED_ID } from '../../server/shell/avl/feeds.ts';
import { startAvlGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { LEASE_KEY, leaseHolderId } from '../../server/shell/cluster/lease.ts';
import { clusterConfig, type ClusterOptions } from '../../server/shell/cluster/options.ts';
import { startCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { CopScreen } from '../support/cop-screen.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import {
  cachedEvents,
  clusterEvents,
  clusterPositions,
  type ClusterPositionsMessage,
  clusterStatus,
  type ClusterStatus,
  copHead,
  login,
  seedUser,
  sleep,
  type StoredPosition,
  waitRole,
  type Instance,
} from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';
import { FLEET_HOMES, fleetScenario, startFleet } from '../support/failover-fleet.ts';
import { drive, slowed, type Acked, type Want, type Work } from '../support/failover-load.ts';

const ROUNDS = Number(process.env.JCR_FAILOVER_ROUNDS ?? 10);
const ROOM = 'failover';
const COP_TOKEN = 'failover-cop-token-0123456789';
/** Deltas a screen must get each round: the load moves the picture on every COP tick while a leader is up. */
const MIN_DELTAS = 3;
/** ...and on average over the rounds (seen: 7-34 a round, the fewest in rounds of about 5 s). */
const MEAN_DELTAS = 8;

test(`${ROUNDS} rounds: SIGKILL the leader, the standby leads within 5 s, nothing acknowledged lost`, async () => {
  const worldDir = mkdtempSync(join(tmpdir(), 'jcr-failover-world-'));
  const scenario = fleetScenario(worldDir);
  const room = await startClusterRoom({
    room: ROOM,
    instances: 2,
    scenario,
    prepare: (db) => seedUser(db, 'fire', 'fire-dispatcher'),
  });
  const nats = room.nats;
  const rnd = seededRandom(20261202);
  const work: Work = { acked: [], avl: { statuses: [], reports: [], acks: [] } };
  let [leader, standby] = room.instances as [Instance, Instance];
  // The fleet reports through a gateway, which relays to whichever instance leads.
  const gateway = await startAvlGateway({
    servers: [nats],
    room: ROOM,
    scenario: loadScenario(scenario),
    port: 0,
    host: '127.0.0.1',
    log: createLogger('silent'),
  });
  // A screen watches the whole run through a COP gateway, which follows the log whoever leads.
  const copGateway = await startCopGateway({
    cluster: clusterConfig({ nats, room: ROOM }, {}) as ClusterOptions,
    scenario: loadScenario(scenario),
    port: 0,
    host: '127.0.0.1',
    log: createLogger('silent'),
    token: COP_TOKEN,
  });
  const screen = new CopScreen();
  await screen.open(copGateway.url, COP_TOKEN);
  await screen.until('the snapshot', () => screen.picture.synced);
  // The simulated fleet reports through the same gateway the whole run, and reads whoever leads.
  const fleet = await startFleet(
    scenario,
    room.ports.map((p) => `http://127.0.0.1:${p}`),
    gateway.url,
  );
  const failovers: number[] = [];
  const restartedAs: string[] = [];
  const copDeltas: number[] = [];
  const roundMs: number[] = [];
  let simBefore = 0;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const roundAt = Date.now();
      const tokens = { duty: await login(leader.url), fire: await login(leader.url, 'fire') };
      const killAfter = 300 + rnd() * 1200;
      setTimeout(() => leader.proc.kill('SIGKILL'), killAfter);
      const killedAt = Date.now() + killAfter;
      await drive(leader, gateway.url, tokens, rnd, work);
      const killed = room.instances.indexOf(leader);
      // Restarted at once, as a supervisor would, with the command it first ran with: instance 0
      // is the primary (no --standby), instance 1 the standby. Its boot overlaps the takeover; it
      // cannot claim before a lease of silence from its own first look at the key, so later.
      const asStandby = killed !== 0;
      restartedAs.push(asStandby ? 'standby' : 'primary');
      const restarted = room.restart(killed, asStandby);
      await waitRole(standby.url, 'leader', 5000 - (Date.now() - killedAt));
      failovers.push(Date.now() - killedAt);
      const tookOver = Date.now();
      leader = standby;
      standby = await restarted;
      const events = await clusterEvents(nats, ROOM);
      await waitRole(standby.url, 'standby', 10_000, events.length);
      // It follows because the other holds the lease and still leads: it took nothing from it.
      const leading = (await clusterStatus(leader.url)) as ClusterStatus & { id: string };
      assert.equal(leading.role, 'leader', `round ${round}: the new leader still leads`);
      assert.equal(await leaseHolder(nats), leading.id, `round ${round}: the lease names the new leader`);
      checkLog(events, work, round);
      // The simulator streamed through the round, every pump, and on through the new leader.
      const after = () => fleet.acks.held.some((r) => r.fixTimeMs > tookOver);
      for (let i = 0; i < 400 && !after(); i++) await sleep(25);
      assert.ok(
        after(),
        `round ${round}: the new leader acknowledged the simulator's reports\n${fleet.log.join('\n')}`,
      );
      // It streams on: what it had acked before the stream is read must be in it.
      const simHeld = fleet.acks.held.slice();
      assert.equal(
        fleet.acks.refused,
        [],
        `round ${round}: the room refused none of the simulator's reports\n${fleet.log.join('\n')}`,
      );
      for (const id of Object.keys(FLEET_HOMES))
        assert.ok(
          simHeld.slice(simBefore).some((r) => r.resourceId === id),
          `round ${round}: the simulator's ${id} reported`,
        );
      simBefore = simHeld.length;
      checkPositions(await clusterPositions(nats, ROOM), work, simHeld, round, fleet.acks.duplicates);
      // The new leader may append meanwhile (a reaction): the cache holds at least what was read
      // above and is the log's prefix, read after it.
      const cached = cachedEvents(standby.db).map((e) => [e.seq, e.type]);
      const later = (await clusterEvents(nats, ROOM)).map((e) => [e.seq, e.type]);
      assert.ok(cached.length >= events.length, `round ${round}: the restarted standby's cache has the log`);
      assert.equal(cached, later.slice(0, cached.length), `round ${round}: the restarted standby's cache is the log`);
      // The screen itself reaches the room's last COP seq, by deltas that follow on, and enough of them.
      const head = await copHead(nats, ROOM);
      const at = () => screen.seqs[screen.seqs.length - 1] ?? 0;
      for (let i = 0; i < 400 && at() < head; i++) await sleep(25);
      assert.ok(at() >= head, `round ${round}: the screen is at COP seq ${at()}, the room at ${head}`);
      screen.assertNoGap(`round ${round}: a screen on a COP gateway`);
      copDeltas.push(screen.seqs.length - copDeltas.reduce((a, b) => a + b, 0));
      roundMs.push(Date.now() - roundAt);
      assert.ok(
        (copDeltas[round] as number) >= MIN_DELTAS,
        `round ${round}: the screen got ${copDeltas[round]} deltas`,
      );
    }
    const logged = (await clusterEvents(nats, ROOM)).length;
    await screen.until('every logged event on its gateway', () => copGateway.engine.room.lastSeq === logged);
    screen.assertNoGap(`a screen on a COP gateway through ${ROUNDS} failovers`);
    assert.equal((await clusterStatus(standby.url))?.role, 'standby', 'the last one restarted is still a standby');
    assert.equal((await clusterStatus(leader.url))?.role, 'leader', 'the last leader still leads');
  } finally {
    await fleet.live.stop();
    await screen.close();
    await copGateway.close();
    await gateway.close();
    await room.close();
    rmSync(worldDir, { recursive: true, force: true });
  }
  const count = (what: string) => work.acked.filter((a) => a.what === what).length;
  console.log(
    `round ms: ${roundMs.join(' ')}; failover ms: ${failovers.map(Math.round).join(' ')}; restarted as ${restartedAs.join(' ')}; acked: ` +
      ['status', 'create', 'mobilise', 'close', 'move', 'cancel'].map((w) => `${count(w)} ${w}`).join(', ') +
      `; AVL ${work.avl.reports.length} reports (${work.avl.statuses.length} status changes); ${slowed()} sent again after 429` +
      `; simulator: ${fleet.acks.held.length} reports held of ${fleet.live.stats.reports} in ${fleet.acks.batches} acks` +
      `, ${fleet.acks.duplicates.size} answered JCR_AVL_DUPLICATE` +
      `; screen deltas by round: ${copDeltas.join(' ')}`,
  );
  assert.ok(restartedAs.includes('primary') || ROUNDS < 1, 'a killed primary was restarted as one');
  for (const what of ['status', 'create', 'mobilise', 'close', 'move', 'cancel'])
    assert.ok(count(what) >= ROUNDS, `the load made acknowledged changes (${what}: ${count(what)})`);
  assert.ok(work.avl.statuses.length >= ROUNDS, 'AVL status changes were acknowledged through the gateway');
  const positionOnly = work.avl.reports.filter((f) => f.status === 0).length;
  assert.ok(positionOnly >= ROUNDS, 'AVL position-only reports were acknowledged through the gateway');
  const deltas = copDeltas.reduce((a, b) => a + b, 0);
  assert.ok(deltas >= MEAN_DELTAS * ROUNDS, `the screen got ${deltas} deltas in ${ROUNDS} rounds`);
  assert.ok(count('fleet move') >= ROUNDS, "the simulator's pumps were ordered standby moves");
  assert.ok(fleet.acks.held.length >= 10 * ROUNDS, "the simulator's reports were acknowledged through the gateway");
});

/** The instance id the lease key names (cluster/lease.ts), or null. */
async function leaseHolder(natsUrl: string): Promise<string | null> {
  const nc = await connect({ servers: natsUrl });
  try {
    const e = await (await new Kvm(nc).open(`jcr_${ROOM}_lease`)).get(LEASE_KEY);
    return e?.operation === 'PUT' ? leaseHolderId(e.string()) : null;
  } finally {
    await nc.close();
  }
}

function keyOf(e: JcrEvent): string {
  const d = e.data as { resourceId?: string; incidentId?: string };
  return d.incidentId && e.type.startsWith('incident') ? d.incidentId : (d.resourceId ?? '');
}

function matches(e: JcrEvent, w: Want): boolean {
  const d = e.data as { status?: number; incidentId?: string; lat?: number; lon?: number };
  return (
    e.type === w.type &&
    keyOf(e) === w.key &&
    (w.status === undefined || d.status === w.status) &&
    (w.incidentId === undefined || d.incidentId === w.incidentId) &&
    (w.origin === undefined || e.origin === w.origin) &&
    (w.at === undefined || (d.lat === w.at.lat && d.lon === w.at.lon))
  );
}

const show = (w: Want) =>
  `${w.type} ${w.key}${w.status ? ` ${w.status}` : ''}${w.incidentId ? ` @${w.incidentId}` : ''}`;

/** Where an acknowledged batch is in the log: the index of its first event. */
function place(events: JcrEvent[], a: Acked, claimed: Set<number>, round: number): number {
  const last = a.events[a.events.length - 1] as Want;
  if (a.seq > 0) {
    // Not unique (a status set again): the latest unclaimed one at or before the seq its answer
    // named (the room's last seq when answered: later batches may have joined meanwhile).
    const mine = events
      .slice(0, a.seq)
      .reverse()
      .find((e) => matches(e, last) && !claimed.has(e.seq));
    assert.ok(
      mine,
      `round ${round}: acknowledged ${a.what} ${show(last)} (answered at seq ${a.seq}) is not in the log`,
    );
    return mine.seq - a.events.length;
  }
  // Unique (an incident's own events, an AVL report's position): each in the log exactly once.
  for (const w of a.events) {
    const n = events.filter((e) => matches(e, w)).length;
    assert.is(n, 1, `round ${round}: acknowledged ${a.what} ${show(w)} is in the log ${n} times`);
  }
  return events.findIndex((e) => matches(e, a.events[0] as Want));
}

/**
 * Seqs 1..N each once (no fork); each acknowledged change's events in the log once, together and
 * in order; the AVL gateway's acks all accepted, its status reports logged in the order acked.
 */
function checkLog(events: JcrEvent[], work: Work, round: number): void {
  events.forEach((e, i) => assert.is(e.seq, i + 1, `round ${round}: log seq ${i} is ${e.seq}`));
  const claimed = new Set<number>();
  for (const a of work.acked) {
    const at = place(events, a, claimed, round);
    a.events.forEach((w, i) => {
      const e = events[at + i];
      assert.ok(
        e && matches(e, w) && !claimed.has(e.seq),
        `round ${round}: acknowledged ${a.what}'s event ${i} (${show(w)}) is not at seq ${at + i + 1}: ${JSON.stringify(e)}`,
      );
      claimed.add(e.seq);
    });
  }
  let after = -1;
  for (const a of work.avl.statuses) {
    const at = place(events, a, claimed, round);
    assert.ok(at > after, `round ${round}: AVL ${show(a.events[0] as Want)} is logged before an earlier ack's`);
    after = at;
  }
}

/**
 * The gateway took every report the terminal sent; each report the terminal or the simulator had
 * acknowledged (`sim`: accepted, or a duplicate of one stored before) is in the positions stream
 * exactly once, live, with the fields it was sent with.
 */
function checkPositions(
  messages: ClusterPositionsMessage[],
  work: Work,
  sim: AvlReportIn[],
  round: number,
  dupes: Set<AvlReportIn>,
): void {
  for (const ack of work.avl.acks) {
    assert.equal(ack.rejected, [], `round ${round}: the AVL gateway refused reports of batch ${ack.seq}`);
    assert.is(ack.accepted, ack.reports, `round ${round}: batch ${ack.seq}'s reports accepted`);
  }
  // Every stored copy counts, a history-only one too: a fix stored twice is a repeat.
  const stored = new Map<string, StoredPosition[]>();
  const fix = (p: { resourceId: string; fixTimeMs: number }) => `${p.resourceId}@${p.fixTimeMs}`;
  for (const m of messages) for (const p of m.positions) stored.set(fix(p), [...(stored.get(fix(p)) ?? []), p]);
  const once = (who: string, r: AvlReportIn, copies = stored.get(fix(r)) ?? []) => {
    // Speed, heading and accuracy travel as float32.
    const f32 = {
      speedMps: Math.fround(r.speedMps),
      headingDeg: Math.fround(r.headingDeg),
      accuracyM: Math.fround(r.accuracyM),
    };
    const want: StoredPosition = { ...r, ...f32, live: true, feed: DEV_FEED_ID };
    assert.equal(copies, [want], `round ${round}: ${who}'s acknowledged report ${fix(r)} in the positions stream`);
  };
  for (const f of work.avl.reports) once('the terminal', f);
  for (const r of sim) {
    // Said when it fails: how it was acked, and what the stream has of its vehicle about then.
    const near = (stored.get(fix(r)) ? [] : [...stored.values()].flat())
      .filter((p) => p.resourceId === r.resourceId && Math.abs(p.fixTimeMs - r.fixTimeMs) < 3000)
      .map((p) => p.fixTimeMs);
    once(`the simulator (${dupes.has(r) ? 'JCR_AVL_DUPLICATE' : 'accepted'}; stream near it: ${near.join(' ')})`, r);
  }
}

test.run();
