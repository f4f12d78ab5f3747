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
 * - failover (cluster only): --rounds times, SIGKILL the leader at a seeded moment, time until
 *   the standby reports leading; the killed one restarts as the standby.
 * - COP latency: a fix sent until a screen shows it; direct: both on the one process; cluster: the
 *   fix through an AVL gateway, the screen on a COP gateway (`server/gateway.ts cop`).
 *
 * The last line is one JSON object: { positions_per_s, direct_positions_per_s, ack_p50_ms,
 * ack_p99_ms, direct_ack_p50_ms, direct_ack_p99_ms, events_per_s, direct_events_per_s,
 * failover_ms_p50, failover_ms_max, failover_rounds, cop_p99_ms, direct_cop_p99_ms, cop_p50_ms,
 * direct_cop_p50_ms }.
 *   npm run bench -- cluster [--samples N] [--seconds S] [--rounds R] [--seed S]
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

const args = process.argv.slice(2);
const arg = (name: string, dflt: number) => Number(args[args.indexOf(`--${name}`) + 1] ?? 0) || dflt;
const SAMPLES = arg('samples', 300);
const SECONDS = arg('seconds', 5);
const ROUNDS = arg('rounds', 5);
const SEED = arg('seed', 21);
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

/**
 * Accepted positions per second: one feed per resource in IDS (alternating between `urls`), each
 * with 2 batches of 100 fixes in flight. Fixes are 1 ms apart from an hour ago (inside the 48 h
 * history floor) and never more than 20 s ahead of the clock (a feed would wait rather than send
 * future fixes; 3.6 M fixes a feed of room): none refused.
 */
async function positionsPerS(urls: string[], tokens: string[]): Promise<number> {
  const t0 = Date.now() - 3_600_000;
  let measuring = false;
  let stop = false;
  let accepted = 0;
  let waits = 0;
  const refused = new Map<string, number>();
  const run = async (url: string, token: string, id: string) => {
    const feed: AvlClient = await connect(ws(url), token);
    let fix = 0;
    let seq = 0;
    const one = async () => {
      while (!stop) {
        while (t0 + fix + 100 > Date.now() + 20_000) {
          waits++;
          await sleep(5);
        }
        const reports = [];
        for (let k = 0; k < 100; k++) reports.push(report(id, 51.6005, -0.111, t0 + ++fix, { speedMps: 0 }));
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
  const from = performance.now();
  await sleep(SECONDS * 1000);
  measuring = false;
  const seconds = (performance.now() - from) / 1000;
  stop = true;
  await feeds;
  if (refused.size > 0) console.log(`  refused: ${JSON.stringify(Object.fromEntries(refused))}`);
  if (waits > 0) console.log(`  feeds waited ${waits} times for the clock (the figure is a floor)`);
  return accepted / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-cluster-'));
const procs: Proc[] = [];
try {
  // Direct: one process, its own SQLite log.
  const directDb = join(dir, 'direct.sqlite');
  await seedUser(directDb);
  const directFeeds = addFeeds(directDb);
  const directPort = await freePort();
  const direct = spawnProc(process.execPath, [
    ...['--import', 'tsx', 'server/main.ts', '--scenario', SCENARIO, '--db', directDb],
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
    });
  let leader: Instance = await started(0, false);
  await waitRole(leader.url, 'leader', 20_000);
  let standby: Instance = await started(1, true);
  const gatewayUrls: string[] = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const g = spawnProc(process.execPath, [
      ...['--import', 'tsx', 'server/gateway.ts', 'avl', '--nats', nats.urls, '--room', ROOM],
      ...['--port', String(port), '--scenario', SCENARIO, '--log-level', 'warn'],
    ]);
    procs.push(g);
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

  // Side by side: latency direct, cluster; throughput direct, cluster.
  const directLat = await eventLatency(directUrl);
  const clusterLat = await eventLatency(gw0);
  console.log(
    `acknowledged event (AVL status change), ${SAMPLES} after ${WARMUP} warm-up: ` +
      `direct p50 ${pct(directLat.ms, 50).toFixed(2)} ms, p99 ${pct(directLat.ms, 99).toFixed(2)} ms, ` +
      `${directLat.perS.toFixed(0)}/s one at a time; cluster (gateway → leader → JetStream R3) ` +
      `p50 ${pct(clusterLat.ms, 50).toFixed(2)} ms, p99 ${pct(clusterLat.ms, 99).toFixed(2)} ms, ${clusterLat.perS.toFixed(0)}/s`,
  );
  const directPos = await positionsPerS([directUrl, directUrl], directFeeds);
  const clusterPos = await positionsPerS([gw0, gw1], clusterFeeds);
  console.log(
    `positions/s over ${SECONDS} s after 2 s warm-up: direct ${directPos.toFixed(0)}, ` +
      `through two AVL gateways ${clusterPos.toFixed(0)} (${(clusterPos / directPos).toFixed(2)}x)`,
  );

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
    await waitRole(standby.url, 'standby', 20_000);
  }
  console.log(`failover, ${ROUNDS} rounds (ms): ${failovers.map((f) => f.toFixed(0)).join(' ')}`);
  procs.push(leader, standby);
  console.log(
    JSON.stringify({
      positions_per_s: Math.round(clusterPos),
      direct_positions_per_s: Math.round(directPos),
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
} finally {
  for (const p of procs) p.proc.kill('SIGKILL');
  await Promise.all(procs.map((p) => p.exited));
  rmSync(dir, { recursive: true, force: true });
}
