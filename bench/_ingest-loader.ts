/**
 * The ingest bench's load generator, run as a separate process by bench/ingest.ts. Pre-encodes
 * every frame (seeded), measures the bare protobufjs decode rate of those frames, then streams them
 * to /ws/avl with INFLIGHT batches outstanding and reports throughput and ack latency over IPC.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { seededRandom } from '../server/core/clock.ts';
import { AvlAckType, AvlBatchType, decodeBatch } from '../server/shell/avl/codec.ts';
import type { LoaderResult } from './ingest.ts';

interface Params {
  url: string;
  token: string;
  resources: number;
  positions: number;
  batch: number;
  inflight: number;
  seed: number;
  startMs: number;
}

const P = JSON.parse(process.env.JCR_BENCH ?? '{}') as Params;
const rnd = seededRandom(P.seed);

// ---- pre-encode -------------------------------------------------------------------------------
const t0 = performance.now();
const rounds = Math.ceil(P.positions / P.resources);
// Each vehicle drives: a heading that wanders a little and a speed of 5-30 m/s, one fix per
// simulated second, so moves are like real AVL (not a random walk that stays put).
const lat = new Float64Array(P.resources);
const lon = new Float64Array(P.resources);
const hdg = new Float64Array(P.resources);
const spd = new Float64Array(P.resources);
for (let i = 0; i < P.resources; i++) {
  lat[i] = 51.6 + rnd() * 0.45;
  lon[i] = -0.6 + rnd() * 0.7;
  hdg[i] = rnd() * 360;
  spd[i] = 5 + rnd() * 25;
}
const M_PER_DEG = 111_320;
const COS_LAT = Math.cos((51.8 * Math.PI) / 180);
const ids = Array.from({ length: P.resources }, (_, i) => `V${i}`);
const frames: Uint8Array[] = [];
const frameReports: number[] = [];
const base = P.startMs - 3_600_000; // all fixes in the past, one second apart per round
for (let k = 0; k < rounds; k++) {
  for (let s = 0; s < P.resources; s += P.batch) {
    const reports = [];
    for (let i = s; i < Math.min(P.resources, s + P.batch); i++) {
      let h = (hdg[i] as number) + (rnd() - 0.5) * 20;
      const la = lat[i] as number;
      const lo = lon[i] as number;
      if (la < 51.55 || la > 52.05 || lo < -0.65 || lo > 0.15) h += 180; // turn back at the edge
      h = ((h % 360) + 360) % 360;
      hdg[i] = h;
      const v = spd[i] as number;
      lat[i] = la + (v * Math.cos((h * Math.PI) / 180)) / M_PER_DEG;
      lon[i] = lo + (v * Math.sin((h * Math.PI) / 180)) / (M_PER_DEG * COS_LAT);
      reports.push({
        resourceId: ids[i],
        lat: lat[i],
        lon: lon[i],
        speedMps: v,
        headingDeg: h,
        fixTimeMs: base + k * 1000 + (i % 1000),
        accuracyM: 3 + rnd() * 10,
        status: 0,
      });
    }
    frames.push(AvlBatchType.encode({ seq: frames.length + 1, reports }).finish());
    frameReports.push(reports.length);
  }
}
const encodeS = (performance.now() - t0) / 1000;
const totalPositions = frameReports.reduce((a, b) => a + b, 0);

// ---- bare decode rate of the same frames -----------------------------------------------------
const decodeRates: number[] = [];
const sample = frames.slice(0, Math.min(frames.length, 600));
const sampleReports = frameReports.slice(0, sample.length).reduce((a, b) => a + b, 0);
for (let pass = 0; pass < 5; pass++) {
  const s = performance.now();
  let n = 0;
  for (const f of sample) n += decodeBatch(f).reports.length;
  const dt = (performance.now() - s) / 1000;
  if (n !== sampleReports) throw new Error('decode mismatch');
  if (pass > 0) decodeRates.push(n / dt); // pass 0 is the warm-up
}

// ---- stream -----------------------------------------------------------------------------------
const ws = new WebSocket(P.url, { headers: { Authorization: `Bearer ${P.token}` }, perMessageDeflate: false });
const sentAt = new Float64Array(frames.length + 1);
const latencies: number[] = [];
const warmFrames = Math.floor(frames.length * 0.15);
const measured = frames.length - warmFrames;
const WINDOWS = 5;
const windowEdges: number[] = []; // ack counts at which windows end
for (let w = 1; w <= WINDOWS; w++) windowEdges.push(warmFrames + Math.round((measured * w) / WINDOWS));
const windowStart: number[] = [];
const windowAccepted: number[] = new Array(WINDOWS).fill(0);
const windowRates: number[] = [];
let next = 0;
let acked = 0;
let accepted = 0;
let rejected = 0;
const rejectedCodes: Record<string, number> = {};
let measureStart = 0;
let cpuStart = process.cpuUsage();
let measuredAccepted = 0;

function sendNext(): void {
  if (next >= frames.length) return;
  const f = frames[next] as Uint8Array;
  next++;
  sentAt[next] = performance.now();
  ws.send(f);
}

ws.on('open', () => {
  for (let i = 0; i < P.inflight; i++) sendNext();
});
ws.on('message', (data: Buffer) => {
  const now = performance.now();
  const ack = AvlAckType.decode(data) as unknown as {
    seq: number;
    accepted: number;
    rejected: Array<{ code: string }>;
  };
  acked++;
  accepted += ack.accepted;
  rejected += ack.rejected.length;
  for (const r of ack.rejected) rejectedCodes[r.code] = (rejectedCodes[r.code] ?? 0) + 1;
  if (acked === warmFrames) {
    measureStart = now;
    windowStart.push(now);
    cpuStart = process.cpuUsage();
    process.send?.({ type: 'start' });
  } else if (acked > warmFrames) {
    latencies.push(now - (sentAt[ack.seq] as number));
    measuredAccepted += ack.accepted;
    const w = windowStart.length - 1;
    windowAccepted[w] = (windowAccepted[w] ?? 0) + ack.accepted;
    if (acked === windowEdges[w]) {
      windowRates.push((windowAccepted[w] as number) / ((now - (windowStart[w] as number)) / 1000));
      windowStart.push(now);
    }
  }
  if (acked === frames.length) {
    latencies.sort((a, b) => a - b);
    const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
    const cpu = process.cpuUsage(cpuStart);
    const result: LoaderResult = {
      loaderCpuS: (cpu.user + cpu.system) / 1e6,
      positions: totalPositions,
      framesSent: next,
      accepted,
      rejected,
      rejectedCodes,
      windowRates,
      measuredPositions: measuredAccepted,
      measuredS: (now - measureStart) / 1000,
      ackP50Ms: q(0.5),
      ackP99Ms: q(0.99),
      decodeRates,
      encodeS,
    };
    ws.close();
    process.send?.({ type: 'result', result }, () => process.exit(0));
    return;
  }
  sendNext();
});
ws.on('close', (code) => {
  if (acked < frames.length) {
    process.stderr.write(`loader: connection closed early (${code}) after ${acked} acks\n`);
    process.exit(1);
  }
});
ws.on('error', (e) => {
  process.stderr.write(`loader: ${e.message}\n`);
  process.exit(1);
});
