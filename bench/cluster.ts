/**
 * `npm run bench -- cluster`: the room through the cluster against a single process, side by
 * side in one run (issue #21), on loopback, every server its own process.
 *
 * - direct: one `server/main.ts` (embedded SQLite log), feeds on its /ws/avl;
 * - cluster: three nats-server nodes (log and lease with replicas 3), a leader and a standby,
 *   two AVL gateways (`server/gateway.ts avl`); feeds on the gateways.
 *
 * Both over the crash-test world (test/fixtures/crash, 8 resources). Per target:
 * - acknowledged-event latency: one AVL status change at a time (R2's cycle: an event the log
 *   must hold before the ack), send to ack; WARMUP then --samples measured; p50, p99;
 * - positions/s: six feeds of their own, one resource each, alternating between the two gateways
 *   in the cluster, batches of 100 fixes, 2 in flight per feed, closed loop; 2 s warm-up, then
 *   --seconds measured: accepted positions per second. Both sides run with the same per-feed
 *   limit, FEED_LIMIT (`--feed-reports-per-s`, burst twice that), far above what a feed reaches
 *   here, so the figure is throughput, not the limit (before, the direct server refused hundreds
 *   of thousands JCR_RATE_LIMITED at the default 20,000/s and the ratio meant nothing); fixes start
 *   an hour back so no feed waits for the clock;
 * - CPU per position (issue #21: do gateways take work off the leader?): each process's CPU time
 *   (/proc/<pid>/stat, every thread, less what it spends idle, measured first for 3 s) over the
 *   measured window, per accepted position. Through the gateways: the leader, the two gateways,
 *   the standby, the three NATS nodes. Then, paced at the rate the gateways reached (so that
 *   neither side is cheaper per position only for batching more per turn of its event loop): the
 *   direct server, and the cluster's leader fed on its own /ws/avl. On a shared 2-core machine
 *   the throughputs say how the cores were shared; CPU per position says what each process costs.
 *   `1e6 / leader µs` is a projection (one core for the leader, the rest elsewhere), not a
 *   measurement;
 * - failover (cluster only): --rounds times, SIGKILL the leader at a seeded moment, time until
 *   the standby reports leading; the killed one restarts as the standby.
 * - COP latency: a fix sent until a screen shows it; direct: both on the one process; cluster: the
 *   fix through an AVL gateway, the screen on a COP gateway (`server/gateway.ts cop`).
 *
 * The last line is one JSON object: { positions_per_s, direct_positions_per_s, ack_p50_ms,
 * ack_p99_ms, direct_ack_p50_ms, direct_ack_p99_ms, events_per_s, direct_events_per_s,
 * failover_ms_p50, failover_ms_max, failover_rounds, cop_p99_ms, direct_cop_p99_ms, cop_p50_ms,
 * direct_cop_p50_ms, leader_cpu_us_per_position, direct_cpu_us_per_position,
 * gateway_cpu_us_per_position, standby_cpu_us_per_position, nats_cpu_us_per_position,
 * leader_own_ws_cpu_us_per_position, leader_own_ws_positions_per_s, leader_cpu_vs_own_ws,
 * leader_bound_positions_per_s_projection, direct_bound_positions_per_s_projection }.
 *   npm run bench -- cluster [--samples N] [--seconds S] [--rounds R] [--seed S]
 *     [--positions-only]  only the positions/s runs and the CPU figures (a short run, to repeat)
 *     [--pace N]          pace the gateways' run too, at N positions/s: every run at one rate, so
 *                         CPU per position compares across runs (before and after a change)
 *     [--cpu-prof DIR]    V8 CPU profiles of the direct server, instances and AVL gateways, in DIR
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../server/core/clock.ts';
import { ResourceStatus, type ResourceStatus as Status } from '../server/core/fleet/status.ts';
import { connect, report, type AvlClient } from '../test/support/avl.ts';
import {
  AVL_TOKEN,
  SCENARIO,
  freePort,
  seedUser,
  sleep,
  startInstance,
  waitRole,
  type Instance,
  type Proc,
} from '../test/support/cluster.ts';
import { startNatsCluster } from '../test/support/nats-cluster.ts';
import { once } from 'node:events';
import WebSocket from 'ws';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { FeedRegistry } from '../server/shell/avl/feeds.ts';
import { Store } from '../server/shell/store/store.ts';
import { cpuWindow, type CpuGroups } from './_proc-cpu.ts';

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? 0) || dflt;
const SAMPLES = arg('samples', 300);
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 5);
const SEED = arg('seed', 21);
/** Only the positions/s runs and their CPU figures: a short run to repeat for medians, or to profile. */
const POSITIONS_ONLY = args.includes('--positions-only');
/** `--pace N`: the gateways' run too is paced at N positions/s (else a closed loop): CPU per position compares across runs. */
const PACE = arg('pace', 0);
/** `--cpu-prof DIR`: the direct server, the instances and the AVL gateways write V8 CPU profiles there as they exit. */
const PROF_DIR = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
const NODE_ARGS = PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROF_DIR] : [];
const WARMUP = 30;
const ROOM = 'bench';
const rnd = seededRandom(SEED);

const NEXT: Record<number, Status> = {
  [ResourceStatus.AVAILABLE_AT_STATION]: ResourceStatus.MOBILISED,
  [ResourceStatus.MOBILISED]: ResourceStatus.AT_SCENE,
  [ResourceStatus.AT_SCENE]: ResourceStatus.RETURNING,
  [ResourceStatus.RETURNING]: ResourceStatus.AVAILABLE_AT_STATION,
};
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number;
};
const ws = (url: string) => `${url.replace('http', 'ws')}/ws/avl`;
const round2 = (x: number) => Number(x.toFixed(2));

function spawnProc(cmd: string, argv: string[]): Proc {
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, exited, output: () => out };
}

async function waitFor(p: Proc, line: RegExp, what: string): Promise<void> {
  const until = Date.now() + 60_000;
  while (!line.test(p.output())) {
    if (Date.now() > until || p.proc.exitCode !== null) throw new Error(`${what} did not start: ${p.output()}`);
    await sleep(50);
  }
}

/** Acknowledged-event latency: R2's status cycle, one report at a time, send to ack (ms). */
async function eventLatency(url: string): Promise<{ ms: number[]; perS: number }> {
  const feed = await connect(ws(url), AVL_TOKEN);
  let status: Status = ResourceStatus.AVAILABLE_AT_STATION;
  const ms: number[] = [];
  const t0 = Date.now() - 60_000;
  const started = performance.now();
  let measuredFrom = started;
  for (let i = 1; i <= WARMUP + SAMPLES; i++) {
    if (i === WARMUP + 1) measuredFrom = performance.now();
    status = NEXT[status] as Status;
    const at = performance.now();
    const ack = await feed.send(i, [report('R2', 51.6005, -0.111, t0 + i * 10, { speedMps: 0, status })]);
    if (ack.accepted !== 1) throw new Error(`status report refused: ${JSON.stringify(ack)}`);
    if (i > WARMUP) ms.push(performance.now() - at);
  }
  const perS = SAMPLES / ((performance.now() - measuredFrom) / 1000);
  feed.close();
  return { ms, perS };
}

const COP_TOKEN = 'bench-cluster-cop-token-0123456789';
const COP_SAMPLES = 60;

/**
 * COP latency: a fix for R7 sent to `avlUrl` (acknowledged), until a screen on `copUrl` has R7 at
 * that latitude; one at a time, 5 warm-up then COP_SAMPLES. The push tick (100 ms) is part of it.
 */
async function copLatency(avlUrl: string, copUrl: string): Promise<number[]> {
  const picture = new CopPicture();
  const screen = new WebSocket(`${copUrl.replace('http', 'ws')}/ws/cop?token=${COP_TOKEN}`);
  screen.on('message', (data: Buffer) => picture.apply(decodeServerFrame(data)));
  await once(screen, 'open');
  screen.send(encodeClientFrame(picture.subscribeMessage()));
  for (let i = 0; i < 400 && !picture.synced; i++) await sleep(25);
  if (!picture.synced) throw new Error(`no COP snapshot from ${copUrl}`);
  const feed = await connect(ws(avlUrl), AVL_TOKEN);
  const ms: number[] = [];
  const t0 = Date.now() - 100_000;
  for (let i = 1; i <= 5 + COP_SAMPLES; i++) {
    const lat = 51.6 + i * 1e-4;
    const at = performance.now();
    await feed.send(i, [report('R7', lat, -0.111, t0 + i * 1000, { speedMps: 10 })]);
    // The COP carries 1e-7 degrees: near enough is there.
    const shown = () => Math.abs((picture.resources.get('R7')?.lat ?? 0) - lat) < 1e-6;
    for (let w = 0; w < 1000 && !shown(); w++) await sleep(1);
    if (!shown()) throw new Error(`the screen on ${copUrl} never saw fix ${i}`);
    if (i > 5) ms.push(performance.now() - at);
  }
  feed.close();
  screen.close();
  return ms;
}

const IDS = ['R0', 'R1', 'R3', 'R4', 'R5', 'R6'];
/** Per-feed reports/s on both sides (burst twice that): above any feed's pace here, the same for both. */
const FEED_LIMIT = 1_000_000;
const LIMIT_ARGS = ['--feed-reports-per-s', String(FEED_LIMIT), '--feed-burst-reports', String(2 * FEED_LIMIT)];

/** A feed of its own per resource in IDS (each feed may send FEED_LIMIT reports/s): their tokens. */
function addFeeds(db: string): string[] {
  const store = Store.open(db);
  const feeds = new FeedRegistry(store.db, Date.now);
  const tokens = IDS.map((id) => feeds.add(`bench-${id.toLowerCase()}`, null));
  store.close();
  return tokens;
}

/** A positions/s run: accepted in the measured window, per second, and each process group's CPU µs meanwhile. */
interface Throughput {
  perS: number;
  positions: number;
  seconds: number;
  cpuUs: Record<string, number>;
  /** The newest fix time sent: a later run on the same room starts after it (else its fixes are out of order). */
  lastFix: number;
}

/**
 * Accepted positions per second: one feed per resource in IDS (alternating between `urls`), each
 * with 2 batches of 100 fixes in flight. Fixes are 1 ms apart from an hour ago (inside the 48 h
 * history floor) and never more than 20 s ahead of the clock (a feed would wait rather than send
 * future fixes; 3.6 M fixes a feed of room): none refused. `o.pace`: send at most that many
 * positions/s in all, evenly spread (an open loop, as long as the target keeps up), to compare CPU
 * per position at the same rate; `o.from`: the first fix time (after an earlier run's last).
 */
async function positionsPerS(
  urls: string[],
  tokens: string[],
  cpuOf: CpuGroups,
  o: { from?: number; pace?: number } = {},
): Promise<Throughput> {
  const t0 = Math.max(o.from ?? 0, Date.now() - 3_600_000);
  const batchEveryMs = o.pace ? (1000 * 100 * IDS.length) / o.pace : 0;
  let lastFix = t0;
  let measuring = false;
  let stop = false;
  let accepted = 0;
  let waits = 0;
  const refused = new Map<string, number>();
  const run = async (url: string, token: string, id: string) => {
    const feed: AvlClient = await connect(ws(url), token);
    let fix = 0;
    let seq = 0;
    const paceFrom = performance.now();
    let slot = 0; // the next batch's place in the paced schedule
    const one = async () => {
      while (!stop) {
        const due = paceFrom + slot++ * batchEveryMs;
        if (due > performance.now()) await sleep(due - performance.now());
        while (t0 + fix + 100 > Date.now() + 20_000) {
          waits++;
          await sleep(5);
        }
        const reports = [];
        for (let k = 0; k < 100; k++) reports.push(report(id, 51.6005, -0.111, t0 + ++fix, { speedMps: 0 }));
        lastFix = Math.max(lastFix, t0 + fix);
        const ack = await feed.send(++seq, reports);
        if (measuring) accepted += ack.accepted;
        for (const r of ack.rejected) refused.set(r.code, (refused.get(r.code) ?? 0) + 1);
      }
    };
    // Both in flight on one socket: batches go in order, so each resource's fixes stay in order.
    await Promise.all([one(), one()]);
    feed.close();
  };
  const feeds = Promise.all(IDS.map((id, i) => run(urls[i % urls.length] as string, tokens[i] as string, id)));
  await sleep(2000);
  measuring = true;
  const window = cpuWindow(cpuOf);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const cpuUs = window();
  const positions = accepted;
  const seconds = (performance.now() - started) / 1000;
  stop = true;
  await feeds;
  if (refused.size > 0) console.log(`  refused: ${JSON.stringify(Object.fromEntries(refused))}`);
  if (waits > 0) console.log(`  feeds waited ${waits} times for the clock (the figure is a floor)`);
  return { perS: positions / seconds, positions, seconds, cpuUs, lastFix };
}

/** CPU µs/s each process group spends with no load (timers, heartbeats, the lease, NATS's own chatter). */
async function idleCpu(groups: CpuGroups, ms = 3000): Promise<Record<string, number>> {
  const window = cpuWindow(groups);
  const from = performance.now();
  await sleep(ms);
  const used = window();
  const seconds = (performance.now() - from) / 1000;
  return Object.fromEntries(Object.entries(used).map(([k, us]) => [k, us / seconds]));
}

/**
 * CPU µs per accepted position of a process group over the measured window, less what it spends
 * idle: a run that ingests fewer positions would otherwise look dearer per position by its idle
 * cost spread thinner.
 */
const usPer = (t: Throughput, idle: Record<string, number>, group: string) =>
  round2(((t.cpuUs[group] ?? NaN) - (idle[group] ?? 0) * t.seconds) / t.positions);

const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-cluster-'));
const procs: Proc[] = [];
try {
  // Direct: one process, its own SQLite log.
  const directDb = join(dir, 'direct.sqlite');
  await seedUser(directDb);
  const directFeeds = addFeeds(directDb);
  const directPort = await freePort();
  const direct = spawnProc(process.execPath, [
    ...[...NODE_ARGS, '--import', 'tsx', 'server/main.ts', '--scenario', SCENARIO, '--db', directDb],
    ...['--port', String(directPort), '--avl-token', AVL_TOKEN, '--cop-token', COP_TOKEN],
    ...['--log-level', 'warn', '--no-sim', ...LIMIT_ARGS],
  ]);
  procs.push(direct);
  await waitFor(direct, /Joint control room: .* at http/, 'the direct server');
  const directUrl = `http://127.0.0.1:${directPort}`;

  // Cluster: three NATS nodes, a leader, a standby, two AVL gateways.
  const nats = await startNatsCluster(join(dir, 'nats'));
  for (const n of nats.nodes) if (n.proc) procs.push(n.proc);
  const dbs = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
  const ports = [await freePort(), await freePort()];
  for (const db of dbs) await seedUser(db);
  const clusterFeeds = addFeeds(dbs[0] as string); // the first leader's: it answers the gateways' feed checks
  const started = (i: number, standby: boolean) =>
    startInstance(`instance ${i}`, {
      db: dbs[i] as string,
      port: ports[i] as number,
      nats: nats.urls,
      room: ROOM,
      standby,
      args: LIMIT_ARGS,
      nodeArgs: NODE_ARGS,
    });
  let leader: Instance = await started(0, false);
  procs.push(leader);
  await waitRole(leader.url, 'leader', 20_000);
  let standby: Instance = await started(1, true);
  procs.push(standby);
  const gatewayUrls: string[] = [];
  const gatewayPids: number[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const g = spawnProc(process.execPath, [
      ...[...NODE_ARGS, '--import', 'tsx', 'server/gateway.ts', 'avl', '--nats', nats.urls, '--room', ROOM],
      ...['--port', String(port), '--scenario', SCENARIO, '--log-level', 'warn'],
    ]);
    procs.push(g);
    gatewayPids.push(g.proc.pid as number);
    await waitFor(g, /AVL gateway for room/, `AVL gateway ${i}`);
    gatewayUrls.push(`http://127.0.0.1:${port}`);
  }
  const [gw0, gw1] = gatewayUrls as [string, string];
  const copPort = await freePort();
  const copGateway = spawnProc(process.execPath, [
    ...['--import', 'tsx', 'server/gateway.ts', 'cop', '--nats', nats.urls, '--room', ROOM],
    ...['--port', String(copPort), '--scenario', SCENARIO, '--cop-token', COP_TOKEN, '--log-level', 'warn'],
  ]);
  procs.push(copGateway);
  await waitFor(copGateway, /COP gateway for room/, 'the COP gateway');
  const copUrl = `http://127.0.0.1:${copPort}`;

  // Each process's CPU over the same windows: what a position costs whom, whatever share of the
  // shared cores each got. Third run: the cluster's leader fed on its own /ws/avl, no gateways.
  const pid = (p: Proc) => p.proc.pid as number;
  const natsPids = nats.nodes.flatMap((n) => (n.proc ? [pid(n.proc)] : []));
  const clusterCpu = { leader: [pid(leader)], gateways: gatewayPids, standby: [pid(standby)], nats: natsPids };
  const positions = async () => {
    const idle = await idleCpu({ direct: [pid(direct)], ...clusterCpu });
    console.log(
      `idle CPU, µs/s: ${Object.entries(idle)
        .map(([k, us]) => `${k} ${Math.round(us)}`)
        .join(', ')}`,
    );
    // Closed loops first (throughput), then the direct server and the cluster's leader on its own
    // /ws/avl paced at the rate the gateways reached: CPU per position at the same rate, so that
    // neither is cheaper per position only for batching more per turn of its event loop.
    const directCpu = { direct: [pid(direct)] };
    const directRun = await positionsPerS([directUrl, directUrl], directFeeds, directCpu);
    const gatewayRun = await positionsPerS([gw0, gw1], clusterFeeds, clusterCpu, { pace: PACE });
    const pace = gatewayRun.perS;
    const directPaced = await positionsPerS([directUrl, directUrl], directFeeds, directCpu, {
      from: directRun.lastFix + 1000,
      pace,
    });
    const leaderRun = await positionsPerS([leader.url, leader.url], clusterFeeds, clusterCpu, {
      from: gatewayRun.lastFix + 1000,
      pace,
    });
    const [directPos, clusterPos] = [directRun.perS, gatewayRun.perS];
    console.log(
      `positions/s over ${SECONDS} s after 2 s warm-up: direct ${directPos.toFixed(0)}, ` +
        `through two AVL gateways ${clusterPos.toFixed(0)} (${(clusterPos / directPos).toFixed(2)}x); paced at that ` +
        `rate: direct ${directPaced.perS.toFixed(0)}, the cluster's leader on its own /ws/avl ${leaderRun.perS.toFixed(0)}`,
    );
    const cpu = {
      directClosed: usPer(directRun, idle, 'direct'),
      direct: usPer(directPaced, idle, 'direct'),
      leader: usPer(gatewayRun, idle, 'leader'),
      gateways: usPer(gatewayRun, idle, 'gateways'),
      standby: usPer(gatewayRun, idle, 'standby'),
      nats: usPer(gatewayRun, idle, 'nats'),
      leaderOwn: usPer(leaderRun, idle, 'leader'),
      leaderOwnNats: usPer(leaderRun, idle, 'nats'),
    };
    console.log(
      `CPU µs per accepted position (all threads, less idle): direct server ${cpu.direct} (closed loop ` +
        `${cpu.directClosed}); through two gateways: leader ` +
        `${cpu.leader}, gateways ${cpu.gateways}, standby ${cpu.standby}, 3 NATS nodes ${cpu.nats}; the ` +
        `cluster's leader on its own /ws/avl ${cpu.leaderOwn} (NATS ${cpu.leaderOwnNats})`,
    );
    console.log(
      `projection, not a measurement: one core a process, the leader fed by gateways would take ` +
        `${Math.round(1e6 / cpu.leader)} positions/s, the direct server ${Math.round(1e6 / cpu.direct)}`,
    );
    return {
      positions_per_s: Math.round(clusterPos),
      direct_positions_per_s: Math.round(directPos),
      leader_cpu_us_per_position: cpu.leader,
      direct_cpu_us_per_position: cpu.direct,
      gateway_cpu_us_per_position: cpu.gateways,
      standby_cpu_us_per_position: cpu.standby,
      nats_cpu_us_per_position: cpu.nats,
      leader_own_ws_cpu_us_per_position: cpu.leaderOwn,
      leader_cpu_vs_own_ws: round2(cpu.leader / cpu.leaderOwn),
      leader_own_ws_positions_per_s: Math.round(leaderRun.perS),
      leader_bound_positions_per_s_projection: Math.round(1e6 / cpu.leader),
      direct_bound_positions_per_s_projection: Math.round(1e6 / cpu.direct),
    };
  };
  if (POSITIONS_ONLY) {
    console.log(JSON.stringify(await positions()));
  } else {
    // Side by side: latency direct, cluster; throughput direct, cluster.
    const directLat = await eventLatency(directUrl);
    const clusterLat = await eventLatency(gw0);
    console.log(
      `acknowledged event (AVL status change), ${SAMPLES} after ${WARMUP} warm-up: ` +
        `direct p50 ${pct(directLat.ms, 50).toFixed(2)} ms, p99 ${pct(directLat.ms, 99).toFixed(2)} ms, ` +
        `${directLat.perS.toFixed(0)}/s one at a time; cluster (gateway → leader → JetStream R3) ` +
        `p50 ${pct(clusterLat.ms, 50).toFixed(2)} ms, p99 ${pct(clusterLat.ms, 99).toFixed(2)} ms, ${clusterLat.perS.toFixed(0)}/s`,
    );
    const throughput = await positions();

    const directCop = await copLatency(directUrl, directUrl);
    const clusterCop = await copLatency(gw0, copUrl);
    console.log(
      `COP latency (fix sent → on a screen), ${COP_SAMPLES} after 5 warm-up: direct p50 ` +
        `${pct(directCop, 50).toFixed(1)} ms, p99 ${pct(directCop, 99).toFixed(1)} ms; AVL gateway → leader → COP gateway ` +
        `p50 ${pct(clusterCop, 50).toFixed(1)} ms, p99 ${pct(clusterCop, 99).toFixed(1)} ms`,
    );

    // Failover: SIGKILL the leader at a seeded moment; time until the standby leads.
    const failovers: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      await sleep(500 + rnd() * 1500);
      const killedAt = performance.now();
      leader.proc.kill('SIGKILL');
      await waitRole(standby.url, 'leader', 15_000);
      failovers.push(performance.now() - killedAt);
      await leader.exited;
      const killed = leader.url.endsWith(`:${ports[0]}`) ? 0 : 1;
      leader = standby;
      standby = await started(killed, true);
      procs.push(standby);
      await waitRole(standby.url, 'standby', 20_000);
    }
    console.log(`failover, ${ROUNDS} rounds (ms): ${failovers.map((f) => f.toFixed(0)).join(' ')}`);
    console.log(
      JSON.stringify({
        ...throughput,
        ack_p50_ms: round2(pct(clusterLat.ms, 50)),
        ack_p99_ms: round2(pct(clusterLat.ms, 99)),
        direct_ack_p50_ms: round2(pct(directLat.ms, 50)),
        direct_ack_p99_ms: round2(pct(directLat.ms, 99)),
        events_per_s: Math.round(clusterLat.perS),
        direct_events_per_s: Math.round(directLat.perS),
        failover_ms_p50: Math.round(pct(failovers, 50)),
        failover_ms_max: Math.round(Math.max(...failovers)),
        failover_rounds: ROUNDS,
        cop_p99_ms: round2(pct(clusterCop, 99)),
        direct_cop_p99_ms: round2(pct(directCop, 99)),
        cop_p50_ms: round2(pct(clusterCop, 50)),
        direct_cop_p50_ms: round2(pct(directCop, 50)),
      }),
    );
  }
} finally {
  // SIGTERM first (a child run with NODE_OPTIONS=--cpu-prof writes its profile as it exits), then
  // SIGKILL whatever is still there after 5 s.
  for (const p of procs) p.proc.kill('SIGTERM');
  await Promise.race([Promise.all(procs.map((p) => p.exited)), sleep(5000)]);
  for (const p of procs) p.proc.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
}
