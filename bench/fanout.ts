/**
 * `npm run bench -- fanout [--clients 100,1000] [--resources 2000] [--warmup S] [--seconds S] [--tick MS] [--procs P] [--bare 0]`
 *
 * The operating picture's fan-out, end to end over loopback. This process runs the real server
 * (startServer, /ws/cop, the hub ticking every --tick ms) and an injector that moves every one of
 * --resources resources once a second (20 fixes every 10 ms, each stamped with the wall clock at
 * ingest, then Engine.notifyPositions exactly as an accepted AVL batch does) plus two durable
 * status changes a second. The screens live in --procs SEPARATE processes (bench/_fanout-clients.ts,
 * default 2, so the screens' side is not one starved thread) and this process's CPU is the server's.
 * For each client count it measures:
 *
 *   - ingest-to-client latency p50/p99 (sampled clients decode every frame with the browser codec),
 *     and tick-to-client latency p50/p99 over every frame of every client (the frame's own
 *     server_time_ms against the receive time: transport and client-side queueing alone),
 *   - server CPU (% of one core) with the injector alone (no clients) and with N clients, the hub's
 *     tick (cut, encode, send to every socket) median and p99, and the event loop's delay p99,
 *   - bytes per client per second,
 *   - the same frames (recorded from the hub as one more subscriber) broadcast with a bare ws
 *     server to N clients: the floor any fan-out pays for those bytes; and again with those clients
 *     sending the acks COP screens send (every 2 frames), which the bare server reads and drops.
 *
 * Last line: one JSON object with the figures of the largest client count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { seededRandom } from '../server/core/clock.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import type { CopSocket } from '../server/core/cop/hub.ts';
import { parseControl } from '../server/core/cop/frames.ts';
import type { ResourceDef, Scenario, Station } from '../server/core/scenario/types.ts';
import { AGENCIES } from '../server/core/scenario/types.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from '../test/fixtures/mini-scenario.ts';

function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? def) : def;
}

const CLIENTS = arg('clients', '100,1000').split(',').map(Number);
const RESOURCES = Number(arg('resources', '2000'));
const WARMUP_S = Number(arg('warmup', '3'));
const SECONDS = Number(arg('seconds', '10'));
const TICK_MS = Number(arg('tick', '100'));
const PROCS = Math.max(1, Number(arg('procs', '2')));
/** --bare 0 skips the bare broadcast phases (for quick side-by-side runs of the hub alone). */
const BARE = arg('bare', '1') !== '0';
const SEED = 20260101;
const INJECT_EVERY_MS = 10;

/** A seeded synthetic county: 40 stations and RESOURCES resources of three agencies. */
function scenario(): Scenario {
  const rnd = seededRandom(SEED);
  const base = miniScenario();
  const stations: Station[] = Array.from({ length: 40 }, (_, i) => ({
    id: `S${i}`,
    name: `Station ${i}`,
    agency: AGENCIES[i % 3] as Station['agency'],
    lat: 51.6 + rnd() * 0.35,
    lon: -0.5 + rnd() * 0.45,
  }));
  const resources: ResourceDef[] = Array.from({ length: RESOURCES }, (_, i) => {
    const st = stations[i % stations.length] as Station;
    return {
      id: `R${i}`,
      callSign: `CS-${i}`,
      agency: st.agency,
      type: 'car',
      capabilities: ['any'],
      station: st.id,
      crewing: 'mobile',
      vehicleClass: 'police',
    };
  });
  return { ...base, id: 'fanout', stations, resources };
}

/** One screens process's answer to 'stop' (bench/_fanout-clients.ts). */
interface ProcReport {
  secs: number;
  clients: number;
  bytes: number;
  frames: number;
  samples: number;
  tickSamples: number;
  gaps: number;
  hist: Array<[number, number]>;
  tickHist: Array<[number, number]>;
  cpuMs: number;
  open: number;
}

/** Every screens process together. */
interface Report {
  secs: number;
  bytesPerClientS: number;
  framesPerClientS: number;
  samples: number;
  gaps: number;
  p50: number;
  p99: number;
  max: number;
  tickP50: number;
  tickP99: number;
  /** CPU of all screens processes, % of one core. */
  clientCpuPct: number;
  open: number;
}

/** Quantile of a merged histogram given as [ms, count] pairs. */
function quantile(pairs: ReadonlyMap<number, number>, total: number, q: number): number {
  const target = Math.max(1, Math.ceil(total * q));
  let acc = 0;
  for (const ms of [...pairs.keys()].sort((a, b) => a - b)) {
    acc += pairs.get(ms) as number;
    if (acc >= target) return ms;
  }
  return 0;
}

function merge(reps: readonly ProcReport[]): Report {
  const secs = Math.max(...reps.map((r) => r.secs));
  const n = reps.reduce((t, r) => t + r.clients, 0);
  const sum = (f: (r: ProcReport) => number) => reps.reduce((t, r) => t + f(r), 0);
  const hist = (f: (r: ProcReport) => Array<[number, number]>) => {
    const m = new Map<number, number>();
    for (const r of reps) for (const [ms, c] of f(r)) m.set(ms, (m.get(ms) ?? 0) + c);
    return m;
  };
  const h = hist((r) => r.hist);
  const th = hist((r) => r.tickHist);
  const samples = sum((r) => r.samples);
  const tickSamples = sum((r) => r.tickSamples);
  return {
    secs,
    bytesPerClientS: sum((r) => r.bytes) / n / secs,
    framesPerClientS: sum((r) => r.frames) / n / secs,
    samples,
    gaps: sum((r) => r.gaps),
    p50: quantile(h, samples, 0.5),
    p99: quantile(h, samples, 0.99),
    max: samples > 0 ? quantile(h, samples, 1) : 0,
    tickP50: quantile(th, tickSamples, 0.5),
    tickP99: quantile(th, tickSamples, 0.99),
    clientCpuPct: (sum((r) => r.cpuMs) / (secs * 1000)) * 100,
    open: sum((r) => r.open),
  };
}

interface Screens {
  children: ChildProcess[];
  ready: Promise<void>;
}

/** n screens split over PROCS processes; every 20th (100 clients: every 5th) samples positions. */
function spawnClients(url: string, n: number, mode: 'cop' | 'bare' | 'bare-ack'): Screens {
  const sampleEvery = n >= 1000 ? 20 : 5;
  const children: ChildProcess[] = [];
  const readies: Promise<void>[] = [];
  let first = 0;
  for (let p = 0; p < PROCS; p++) {
    const share = Math.floor(n / PROCS) + (p < n % PROCS ? 1 : 0);
    const child = fork('bench/_fanout-clients.ts', [url, String(share), String(sampleEvery), mode, String(first)], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    first += share;
    children.push(child);
    readies.push(
      new Promise<void>((resolve, reject) => {
        child.on('message', (m: { type: string }) => {
          if (m.type === 'ready') resolve();
        });
        child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
      }),
    );
  }
  return { children, ready: Promise.all(readies).then(() => undefined) };
}

function tell(s: Screens, type: string): void {
  for (const c of s.children) c.send({ type });
}

async function ask(s: Screens): Promise<Report> {
  const reps = await Promise.all(
    s.children.map(
      (child) =>
        new Promise<ProcReport>((resolve) => {
          const on = (m: ProcReport & { type: string }) => {
            if (m.type !== 'report') return;
            child.off('message', on);
            resolve(m);
          };
          child.on('message', on);
          child.send({ type: 'stop' });
        }),
    ),
  );
  return merge(reps);
}

async function stopClients(s: Screens): Promise<void> {
  await Promise.all(
    s.children.map(async (child) => {
      const exited = once(child, 'exit');
      child.send({ type: 'exit' });
      await exited;
    }),
  );
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** CPU of this process over `ms` of wall time, in % of one core. */
async function cpuOver(ms: number): Promise<number> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await wait(ms);
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) / 1e3 / (performance.now() - t0)) * 100;
}

function startInjector(server: RunningServer): { stop(): void; fixes(): number } {
  const { engine } = server;
  const fleet = engine.room.fleet;
  const rnd = seededRandom(SEED + 1);
  const live = Array.from(fleet.all());
  const startedAt = Date.now();
  let next = 0;
  let fixes = 0;
  let lastStatusAt = startedAt;
  const h = setInterval(() => {
    const now = Date.now();
    const ids: string[] = [];
    // As many fixes as are due by the clock (a late timer catches up): RESOURCES per second.
    const due = Math.floor(((now - startedAt) * RESOURCES) / 1000) - fixes;
    for (let k = 0; k < due; k++) {
      const r = live[next] as (typeof live)[number];
      next = (next + 1) % live.length;
      const lat = Math.min(51.95, Math.max(51.6, r.lat + (rnd() - 0.5) * 0.002));
      const lon = Math.min(-0.05, Math.max(-0.5, r.lon + (rnd() - 0.5) * 0.003));
      fleet.applyFix(r, lat, lon, rnd() * 360, rnd() * 30, now, 5);
      ids.push(r.def.id);
    }
    fixes += ids.length;
    if (ids.length > 0) engine.notifyPositions(ids);
    if (now - lastStatusAt >= 500) {
      lastStatusAt = now;
      const r = live[Math.floor(rnd() * live.length)] as (typeof live)[number];
      const to = r.status === ResourceStatus.UNAVAILABLE ? ResourceStatus.AVAILABLE_MOBILE : ResourceStatus.UNAVAILABLE;
      engine.execute(
        { type: 'resource.setStatus', resourceId: r.def.id, status: to },
        { origin: 'sim', actor: 'bench' },
      );
    }
  }, INJECT_EVERY_MS);
  return { stop: () => clearInterval(h), fixes: () => fixes };
}

interface Row {
  clients: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  samples: number;
  gaps: number;
  server_cpu_pct: number;
  baseline_cpu_pct: number;
  bare_cpu_pct: number;
  bare_ack_cpu_pct: number;
  client_cpu_pct: number;
  bytes_per_client_s: number;
  frames_per_client_s: number;
  bare_bytes_per_client_s: number;
  open: number;
  tick_p50_ms: number;
  tick_p99_ms: number;
  hub_tick_median_ms: number;
  hub_tick_p99_ms: number;
  loop_delay_p99_ms: number;
}

function pct(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)] as number);
}

/** Broadcast `recorded` with a plain ws server to n clients at the rate it was recorded; server CPU and the clients' report. */
async function bareRun(
  n: number,
  mode: 'bare' | 'bare-ack',
  recorded: readonly Uint8Array[],
): Promise<{ cpu: number; report: Report }> {
  const bare = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
  await once(bare, 'listening');
  const bareUrl = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const b = spawnClients(bareUrl, n, mode);
  const hello = recorded[0] ?? new Uint8Array(1);
  bare.on('connection', (ws) => {
    ws.on('message', () => {}); // acks are read and dropped
    ws.send(hello); // the child counts a client ready at its first frame
  });
  await b.ready;
  let i = 0;
  const bh = setInterval(
    () => {
      const f = recorded[i++ % Math.max(1, recorded.length)] as Uint8Array;
      for (const ws of bare.clients) ws.send(f);
    },
    (SECONDS * 1000) / Math.max(1, recorded.length),
  );
  await wait(WARMUP_S * 1000);
  tell(b, 'start');
  const cpu = await cpuOver(SECONDS * 1000);
  const report = await ask(b);
  clearInterval(bh);
  await stopClients(b);
  for (const ws of bare.clients) ws.terminate();
  bare.close();
  return { cpu, report };
}

async function main(): Promise<void> {
  // Screens authenticate as every real screen must (no anonymous access): the COP token.
  const copToken = 'fanout-bench-cop-token';
  const server = await startServer({
    scenario: scenario(),
    db: ':memory:',
    port: 0,
    log: 'silent',
    cop: { token: copToken, limits: { tickMs: TICK_MS } },
  });
  const hub = server.cop.hub;
  const url = server.url.replace('http:', 'ws:') + `/ws/cop?token=${copToken}`;
  // One more subscriber, in process: it records the shared frames for the bare broadcast.
  const recorded: Uint8Array[] = [];
  let recording = false;
  let recId = 0;
  const recorder: CopSocket = {
    bufferedAmount: 0,
    send: (f) => void (recording && recorded.push(f)),
    close: () => {},
    terminate: () => {},
    ping: () => hub.pong(recId),
  };
  recId = hub.connect(recorder, { id: 'bench-recorder', via: 'bench' });
  hub.control(recId, parseControl({ subscribe: {} }));
  // Time each tick (cut, encodes, a send per socket): the ws adapter's timer calls hub.tick().
  const tickMs: number[] = [];
  const tick = hub.tick.bind(hub);
  hub.tick = () => {
    const t0 = performance.now();
    const r = tick();
    tickMs.push(performance.now() - t0);
    return r;
  };
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const injector = startInjector(server);
  const rows: Row[] = [];
  try {
    process.stdout.write(
      `fanout: ${RESOURCES} resources at 1 Hz, tick ${TICK_MS} ms, screens in ${PROCS} processes, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, ${process.version}\n`,
    );
    await wait(WARMUP_S * 1000);
    for (const n of CLIENTS) {
      // The injector and hub with no screens: the cost that does not depend on n.
      const fixes0 = injector.fixes();
      const baseline = await cpuOver(SECONDS * 1000);
      const fixRate = (injector.fixes() - fixes0) / SECONDS;
      process.stdout.write(`  no screens: ${fixRate.toFixed(0)} fixes/s, server CPU ${baseline.toFixed(1)} %\n`);
      // The hub with n screens.
      const screens = spawnClients(url, n, 'cop');
      await screens.ready;
      await wait(WARMUP_S * 1000);
      tell(screens, 'start');
      const bytes0 = hub.bytesSent;
      recorded.length = 0;
      recording = true;
      tickMs.length = 0;
      loop.reset();
      loop.enable();
      const cpu = await cpuOver(SECONDS * 1000);
      loop.disable();
      recording = false;
      const ticks = [...tickMs].sort((a, b) => a - b);
      const rep = await ask(screens);
      const hubBytesPerClientS = (hub.bytesSent - bytes0) / (n + 1) / SECONDS;
      await stopClients(screens);
      // A bare ws server broadcasting the very same frames at the same rate to n clients (then
      // the same with clients that ack as screens do).
      const none = { cpu: Number.NaN, report: { bytesPerClientS: Number.NaN } };
      const bareRep = BARE ? await bareRun(n, 'bare', recorded) : none;
      const bareAckRep = BARE ? await bareRun(n, 'bare-ack', recorded) : none;
      const bareCpu = bareRep.cpu;
      const row: Row = {
        clients: n,
        p50_ms: rep.p50,
        p99_ms: rep.p99,
        max_ms: rep.max,
        samples: rep.samples,
        gaps: rep.gaps,
        server_cpu_pct: Math.round(cpu * 10) / 10,
        baseline_cpu_pct: Math.round(baseline * 10) / 10,
        bare_cpu_pct: Math.round(bareCpu * 10) / 10,
        client_cpu_pct: Math.round(rep.clientCpuPct * 10) / 10,
        bytes_per_client_s: Math.round(rep.bytesPerClientS),
        frames_per_client_s: Math.round(rep.framesPerClientS * 10) / 10,
        bare_ack_cpu_pct: Math.round(bareAckRep.cpu * 10) / 10,
        bare_bytes_per_client_s: Math.round(bareRep.report.bytesPerClientS),
        open: rep.open,
        tick_p50_ms: rep.tickP50,
        tick_p99_ms: rep.tickP99,
        hub_tick_median_ms: Math.round(pct(ticks, 0.5) * 100) / 100,
        hub_tick_p99_ms: Math.round(pct(ticks, 0.99) * 100) / 100,
        loop_delay_p99_ms: Math.round((loop.percentile(99) / 1e6) * 10) / 10,
      };
      rows.push(row);
      process.stdout.write(
        `  ${n} clients: latency p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, max ${row.max_ms} ms (${row.samples} samples, ${row.gaps} gaps); ` +
          `tick-to-screen p50 ${row.tick_p50_ms} ms, p99 ${row.tick_p99_ms} ms; hub tick median ${row.hub_tick_median_ms} ms, p99 ${row.hub_tick_p99_ms} ms; event loop delay p99 ${row.loop_delay_p99_ms} ms; ` +
          `server CPU ${row.server_cpu_pct} % (injector alone ${row.baseline_cpu_pct} %, bare ws broadcast of the same bytes ${row.bare_cpu_pct} %, with the same acks coming back ${row.bare_ack_cpu_pct} %); ` +
          `${row.bytes_per_client_s} B/client/s (hub counted ${Math.round(hubBytesPerClientS)}), ${row.frames_per_client_s} frames/client/s; client process CPU ${row.client_cpu_pct} %; ${row.open}/${n} open\n`,
      );
    }
  } finally {
    injector.stop();
    await server.close();
  }
  const last = rows[rows.length - 1];
  process.stdout.write(
    JSON.stringify({
      bench: 'fanout',
      ...last,
      resources: RESOURCES,
      tick_ms: TICK_MS,
      runs: rows,
      cores: cpus().length,
      load_avg_1m: Math.round((loadavg()[0] ?? 0) * 10) / 10,
      node: process.version,
    }) + '\n',
  );
}

await main();
