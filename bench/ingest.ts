/**
 * `npm run bench -- ingest [--history-inline] [--positions N] [--resources N] [--batch N] [--inflight N]`
 * `npm run bench -- ingest --decoders [--rounds N]`: the /ws/avl decoder before and after the
 * wire-type checks side by side in one process (bench/_ingest-decoders.ts).
 * `npm run bench -- ingest --against DIR [--rounds N]`: this checkout's whole per-frame ingest
 * against another checkout's (DIR), side by side in one process (bench/_ingest-against.ts).
 *
 * AVL ingest throughput, end to end. The real server (startServer: feed authentication, validation,
 * live state, rbush index, history persistence to a temp-file SQLite DB, all on) runs in this
 * process; a SEPARATE loader process (bench/_ingest-loader.ts, forked) pre-encodes seeded AvlBatch
 * frames, measures the bare protobufjs decode rate of those same frames, then streams them over
 * loopback with several batches in flight and times every ack. Last line: one JSON object.
 * History goes to the writer thread as in production; `--history-inline` writes it on the event
 * loop instead, for a side-by-side comparison.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '../server/core/clock.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { ThreadedHistoryWriter } from '../server/shell/avl/history-thread.ts';
import { decodersSideBySide } from './_ingest-decoders.ts';
import { ingestAgainst } from './_ingest-against.ts';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : def;
}

const RESOURCES = arg('resources', 5000);
const POSITIONS = arg('positions', 1_500_000);
const BATCH = arg('batch', 500);
const INFLIGHT = arg('inflight', 8);
/** `--history-inline`: write history on the event loop (as with ':memory:'), for a side-by-side comparison. */
const HISTORY_THREAD = !process.argv.includes('--history-inline');
const SEED = 20260101;
const TOKEN = 'bench-token-' + SEED;

export interface LoaderResult {
  /** CPU seconds the loader process used during the measured part. */
  loaderCpuS: number;
  positions: number;
  framesSent: number;
  accepted: number;
  rejected: number;
  rejectedCodes: Record<string, number>;
  windowRates: number[];
  measuredPositions: number;
  measuredS: number;
  ackP50Ms: number;
  ackP99Ms: number;
  decodeRates: number[];
  encodeS: number;
}

/** A synthetic fleet: RESOURCES road vehicles around 40 stations in a 50 km square, seeded. */
function benchScenario(): Scenario {
  const rnd = seededRandom(SEED);
  const stations = Array.from({ length: 40 }, (_, i) => ({
    id: `S${i}`,
    name: `Station ${i}`,
    agency: 'fire' as const,
    lat: 51.6 + rnd() * 0.45,
    lon: -0.6 + rnd() * 0.7,
  }));
  const agencies = ['fire', 'police', 'ambulance'] as const;
  return {
    id: 'bench',
    name: 'Ingest bench',
    timezone: 'Europe/London',
    bounds: { south: 51.5, west: -0.7, north: 52.1, east: 0.2 },
    crewing: {
      wholetime: { turnoutS: 90 },
      'day-crewed': { turnoutS: 120 },
      'on-call': { turnoutS: 300 },
      mobile: { turnoutS: 0 },
    },
    stations,
    posts: [],
    resources: Array.from({ length: RESOURCES }, (_, i) => ({
      id: `V${i}`,
      callSign: `V${i}`,
      agency: agencies[i % 3] as (typeof agencies)[number],
      type: 'car',
      capabilities: ['response'],
      station: `S${i % stations.length}`,
      crewing: 'mobile' as const,
      vehicleClass: 'road',
    })),
    incidentTypes: [],
    standards: [],
    speedProfiles: { road: { mode: 'road', highwayKmh: { default: 50 } } },
    network: { file: 'none', format: 'geojson', synthetic: true, attribution: 'none' },
    demand: [],
    rules: { coResponderRequiresCover: true },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-ingest-'));
  const db = join(dir, 'jcr.sqlite');
  const server = await startServer({
    scenario: benchScenario(),
    db,
    port: 0,
    log: createLogger('warn'),
    avl: {
      token: TOKEN,
      // The bench's one feed carries a whole fleet: its token bucket is raised (still on the path).
      limits: { feedReportsPerS: 10_000_000, feedBurstReports: 10_000_000 },
      historyThread: HISTORY_THREAD,
    },
  });
  process.stdout.write(
    `ingest bench: ${RESOURCES} resources, ${POSITIONS} positions in batches of ${BATCH}, ${INFLIGHT} in flight; history ${HISTORY_THREAD ? 'on a writer thread' : 'inline'}; db ${db}\n`,
  );
  try {
    const child = fork(new URL('./_ingest-loader.ts', import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        JCR_BENCH: JSON.stringify({
          url: server.url.replace('http', 'ws') + '/ws/avl',
          token: TOKEN,
          resources: RESOURCES,
          positions: POSITIONS,
          batch: BATCH,
          inflight: INFLIGHT,
          seed: SEED,
          startMs: Date.now(),
        }),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // The server's CPU time over the measured part: positions per server CPU-second is the figure
    // that survives a shared, oversubscribed machine (wall-clock rates do not).
    let cpuStart = process.cpuUsage();
    // Event-loop utilisation over the measured part: how busy the main thread was (cpuUsage covers
    // every thread of the process, including the history writer).
    let eluStart = performance.eventLoopUtilization();
    const result = await new Promise<LoaderResult>((resolve, reject) => {
      child.on('message', (m: { type: string; result?: LoaderResult }) => {
        if (m.type === 'start') {
          cpuStart = process.cpuUsage();
          eluStart = performance.eventLoopUtilization();
        } else if (m.result) resolve(m.result);
      });
      child.once('exit', (code) => reject(new Error(`loader exited with ${code}`)));
    });
    const cpu = process.cpuUsage(cpuStart);
    const elu = performance.eventLoopUtilization(eluStart).utilization;
    const serverCpuS = (cpu.user + cpu.system) / 1e6;
    const perServerCpuS = Math.round(result.measuredPositions / serverCpuS);
    const load = loadavg()[0] ?? 0;
    child.kill();
    server.avl.history.sync();
    const h = server.avl.history;
    const waits =
      h instanceof ThreadedHistoryWriter
        ? `; event loop waited for the writer ${h.waits} times, ${h.waitedMs.toFixed(0)} ms in all`
        : '';
    const rows = (server.store.db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n;
    const sorted = [...result.windowRates].sort((a, b) => a - b);
    const positionsPerS = Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0);
    const decodeSorted = [...result.decodeRates].sort((a, b) => a - b);
    const decodePerS = Math.round(decodeSorted[Math.floor(decodeSorted.length / 2)] ?? 0);
    const ratio = Math.round((positionsPerS / decodePerS) * 1000) / 1000;
    process.stdout.write(
      [
        `frames pre-encoded in ${result.encodeS.toFixed(2)} s; sent ${result.framesSent}, positions ${result.positions}`,
        `accepted ${result.accepted}, rejected ${result.rejected} ${JSON.stringify(result.rejectedCodes)}`,
        `history rows written ${server.avl.history.written} in ${server.avl.history.flushes} flushes; rows in DB ${rows}${waits}`,
        `rbush tree updates ${server.engine.room.fleet.index.treeUpdates} (moves outside the slack box); index size ${server.engine.room.fleet.index.size}`,
        `sustained accepted positions/s (median of ${sorted.length} windows): ${positionsPerS.toLocaleString('en')}  [${sorted.map((x) => Math.round(x)).join(', ')}]`,
        `ack latency p50 ${result.ackP50Ms.toFixed(2)} ms, p99 ${result.ackP99Ms.toFixed(2)} ms (measured part, ${INFLIGHT} in flight)`,
        `bare protobufjs decode of the same frames: ${decodePerS.toLocaleString('en')} positions/s; ingest/decode ratio ${ratio}`,
        `server CPU over the measured part: ${serverCpuS.toFixed(2)} s for ${result.measuredPositions} positions in ${result.measuredS.toFixed(2)} s wall = ${perServerCpuS.toLocaleString('en')} positions per server CPU-second (all threads); event loop busy ${(elu * 100).toFixed(0)}%; loader used ${result.loaderCpuS.toFixed(2)} CPU-s`,
        `machine: ${cpus().length} cores, node ${process.version}, 1-min load average at the end ${load.toFixed(1)}`,
      ].join('\n') + '\n',
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'ingest',
        positions_per_s: positionsPerS,
        ack_p50_ms: Math.round(result.ackP50Ms * 100) / 100,
        ack_p99_ms: Math.round(result.ackP99Ms * 100) / 100,
        decode_positions_per_s: decodePerS,
        decode_ratio: ratio,
        positions_per_server_cpu_s: perServerCpuS,
        loader_cpu_s: Math.round(result.loaderCpuS * 100) / 100,
        server_cpu_s: Math.round(serverCpuS * 100) / 100,
        event_loop_utilization: Math.round(elu * 1000) / 1000,
        writer_wait_ms_whole_run: h instanceof ThreadedHistoryWriter ? Math.round(h.waitedMs) : 0,
        load_avg_1m: Math.round(load * 10) / 10,
        accepted: result.accepted,
        rejected: result.rejected,
        history_rows: rows,
        resources: RESOURCES,
        batch: BATCH,
        history_thread: HISTORY_THREAD,
        inflight: INFLIGHT,
        cores: cpus().length,
        node: process.version,
      }) + '\n',
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const against = process.argv.indexOf('--against');
if (against >= 0)
  await ingestAgainst(benchScenario(), {
    against: process.argv[against + 1] ?? '',
    batch: BATCH,
    rounds: arg('rounds', 120),
    seed: SEED,
    token: TOKEN,
  });
else if (process.argv.includes('--decoders'))
  await decodersSideBySide(benchScenario(), { batch: BATCH, rounds: arg('rounds', 120), seed: SEED, token: TOKEN });
else await main();
