/**
 * `npm run bench -- fanout [--clients 100,1000] [--resources 2000] [--warmup S] [--seconds S] [--tick MS]`
 *
 * The operating picture's fan-out, end to end over loopback. This process runs the real server
 * (startServer, /ws/cop, the hub ticking every --tick ms) and an injector that moves every one of
 * --resources resources once a second (20 fixes every 10 ms, each stamped with the wall clock at
 * ingest, then Engine.notifyPositions exactly as an accepted AVL batch does) plus two durable
 * status changes a second. The screens live in a SEPARATE process (bench/_fanout-clients.ts) so
 * this process's CPU is the server's. For each client count it measures:
 *
 *   - ingest-to-client latency p50/p99 (sampled clients decode every frame with the browser codec),
 *   - server CPU (% of one core) with the injector alone (no clients) and with N clients,
 *   - bytes per client per second,
 *   - the same frames (recorded from the hub as one more subscriber) broadcast with a bare ws
 *     server to N clients: the floor any fan-out pays for those bytes.
 *
 * Last line: one JSON object with the figures of the largest client count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { loadavg, cpus } from 'node:os';
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
    return { id: `R${i}`, callSign: `CS-${i}`, agency: st.agency, type: 'car', capabilities: ['any'], station: st.id, crewing: 'mobile', vehicleClass: 'police' };
  });
  return { ...base, id: 'fanout', stations, resources };
}

interface Report {
  secs: number;
  bytesPerClientS: number;
  framesPerClientS: number;
  samples: number;
  gaps: number;
  p50: number;
  p99: number;
  max: number;
  clientCpuPct: number;
  open: number;
}

function spawnClients(url: string, n: number, mode: 'cop' | 'bare'): { child: ChildProcess; ready: Promise<void> } {
  const sampleEvery = n >= 1000 ? 20 : 5;
  const child = fork('bench/_fanout-clients.ts', [url, String(n), String(sampleEvery), mode], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') resolve();
    });
    child.once('exit', (code) => reject(new Error(`client process exited (${code})`)));
  });
  return { child, ready };
}

function ask(child: ChildProcess): Promise<Report> {
  return new Promise((resolve) => {
    const on = (m: Report & { type: string }) => {
      if (m.type !== 'report') return;
      child.off('message', on);
      resolve(m);
    };
    child.on('message', on);
    child.send({ type: 'stop' });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.send({ type: 'exit' });
  await exited;
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
      engine.execute({ type: 'resource.setStatus', resourceId: r.def.id, status: to }, { origin: 'sim', actor: 'bench' });
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
  client_cpu_pct: number;
  bytes_per_client_s: number;
  frames_per_client_s: number;
  bare_bytes_per_client_s: number;
  open: number;
}

async function main(): Promise<void> {
  const server = await startServer({ scenario: scenario(), db: ':memory:', port: 0, logLevel: 'silent', copLimits: { tickMs: TICK_MS } });
  const hub = server.cop.hub;
  const url = server.url.replace('http:', 'ws:') + '/ws/cop';
  // One more subscriber, in process: it records the shared frames for the bare broadcast.
  const recorded: Uint8Array[] = [];
  let recording = false;
  let recId = 0;
  const recorder: CopSocket = { bufferedAmount: 0, send: (f) => void (recording && recorded.push(f)), close: () => {}, terminate: () => {}, ping: () => hub.pong(recId) };
  recId = hub.connect(recorder, { id: 'bench-recorder', via: 'bench' });
  hub.control(recId, parseControl({ subscribe: {} }));
  const injector = startInjector(server);
  const rows: Row[] = [];
  try {
    process.stdout.write(`fanout: ${RESOURCES} resources at 1 Hz, tick ${TICK_MS} ms, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, ${process.version}\n`);
    await wait(WARMUP_S * 1000);
    for (const n of CLIENTS) {
      // The injector and hub with no screens: the cost that does not depend on n.
      const fixes0 = injector.fixes();
      const baseline = await cpuOver(SECONDS * 1000);
      const fixRate = (injector.fixes() - fixes0) / SECONDS;
      process.stdout.write(`  no screens: ${fixRate.toFixed(0)} fixes/s, server CPU ${baseline.toFixed(1)} %\n`);
      // The hub with n screens.
      const { child, ready } = spawnClients(url, n, 'cop');
      await ready;
      await wait(WARMUP_S * 1000);
      child.send({ type: 'start' });
      const bytes0 = hub.bytesSent;
      recorded.length = 0;
      recording = true;
      const cpu = await cpuOver(SECONDS * 1000);
      recording = false;
      const rep = await ask(child);
      const hubBytesPerClientS = (hub.bytesSent - bytes0) / (n + 1) / SECONDS;
      await stopChild(child);
      // A bare ws server broadcasting the very same frames at the same rate to n clients.
      const bare = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
      await once(bare, 'listening');
      const bareUrl = `ws://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
      const b = spawnClients(bareUrl, n, 'bare');
      const hello = recorded[0] ?? new Uint8Array(1);
      bare.on('connection', (ws) => ws.send(hello)); // the child counts a client ready at its first frame
      await b.ready;
      let i = 0;
      const bh = setInterval(() => {
        const f = recorded[i++ % Math.max(1, recorded.length)] as Uint8Array;
        for (const ws of bare.clients) ws.send(f);
      }, (SECONDS * 1000) / Math.max(1, recorded.length));
      await wait(WARMUP_S * 1000);
      b.child.send({ type: 'start' });
      const bareCpu = await cpuOver(SECONDS * 1000);
      const bareRep = await ask(b.child);
      clearInterval(bh);
      await stopChild(b.child);
      for (const ws of bare.clients) ws.terminate();
      bare.close();
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
        bare_bytes_per_client_s: Math.round(bareRep.bytesPerClientS),
        open: rep.open,
      };
      rows.push(row);
      process.stdout.write(
        `  ${n} clients: latency p50 ${row.p50_ms} ms, p99 ${row.p99_ms} ms, max ${row.max_ms} ms (${row.samples} samples, ${row.gaps} gaps); ` +
          `server CPU ${row.server_cpu_pct} % (injector alone ${row.baseline_cpu_pct} %, bare ws broadcast of the same bytes ${row.bare_cpu_pct} %); ` +
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
