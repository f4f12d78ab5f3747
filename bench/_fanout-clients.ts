/**
 * The screens of the fan-out bench, in their own process so the server's CPU is measurable on
 * its own. Started by bench/fanout.ts with IPC:
 *
 *   argv: URL N SAMPLE_EVERY MODE   (MODE = cop | bare)
 *   → parent: {type:'ready'} once every client has its first frame
 *   ← parent: {type:'start'} resets the counters; {type:'stop'} answers with {type:'report', ...}
 *
 * Every client counts bytes and frames. Every SAMPLE_EVERY-th client (spread over the connection
 * order, so over the server's send order) also decodes each frame with the browser codec, folds it
 * into a CopPicture and records, per position, receive time minus fix time: the ingest-to-client
 * latency (the bench stamps each fix with the wall clock at ingest). In 'bare' mode clients only
 * count: the frames are replays whose fix times are stale.
 */
import { WebSocket } from 'ws';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';

const [url = '', nText = '100', sampleText = '10', mode = 'cop'] = process.argv.slice(2);
const N = Number(nText);
const SAMPLE_EVERY = Number(sampleText);
const HIST_MAX = 20_000; // ms
const hist = new Uint32Array(HIST_MAX + 1);
let bytes = 0;
let frames = 0;
let samples = 0;
let gaps = 0;
let startedAt = 0;
let cpuAt = process.cpuUsage();
const sockets: WebSocket[] = [];

function send(msg: unknown): void {
  process.send?.(msg);
}

/**
 * The seq of a CopServerMessage without decoding it: both members (snapshot = field 1, delta =
 * field 2) start with `uint32 seq = 1`, which protobufjs writes first. Non-sampling screens ack
 * with this, as CopPicture.ackMessage() would after a full decode.
 */
function peekSeq(b: Buffer): number {
  let i = 1;
  while ((b[i++] as number) & 0x80); // skip the length varint
  if (b[i++] !== 0x08) return 0; // seq 0 is not written at all
  let v = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    const x = b[i++] as number;
    v += (x & 0x7f) * 2 ** shift;
    if ((x & 0x80) === 0) break;
  }
  return v;
}

async function connect(i: number): Promise<void> {
  const sampler = mode === 'cop' && i % SAMPLE_EVERY === 0;
  const picture = new CopPicture();
  let acked = -1;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      bytes += data.byteLength;
      frames++;
      if (mode === 'cop' && !sampler) {
        const seq = peekSeq(data);
        if (seq - acked >= 2) {
          acked = seq;
          ws.send(encodeClientFrame({ ack: { seq } }));
        }
      }
      if (sampler) {
        const now = Date.now();
        const m = decodeServerFrame(data);
        if (picture.apply(m) === 'gap') gaps++;
        const ack = picture.ackMessage(2);
        if (ack) ws.send(encodeClientFrame(ack));
        const d = m.delta;
        const p = d?.positions;
        if (d && p && startedAt > 0) {
          for (let k = 0; k < p.fixAgeMs.length; k++) {
            const lat = Math.max(0, Math.min(HIST_MAX, Math.round(now - (d.serverTimeMs - (p.fixAgeMs[k] as number)))));
            hist[lat] = (hist[lat] ?? 0) + 1;
            samples++;
          }
        }
      }
      resolve();
    });
    ws.once('open', () => {
      if (mode === 'cop') ws.send(encodeClientFrame({ subscribe: { lastSeq: 0, resumeEpoch: '', filter: null } }));
    });
  });
}

function quantile(q: number): number {
  const target = Math.ceil(samples * q);
  let acc = 0;
  for (let i = 0; i <= HIST_MAX; i++) {
    acc += hist[i] as number;
    if (acc >= target) return i;
  }
  return HIST_MAX;
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    hist.fill(0);
    bytes = 0;
    frames = 0;
    samples = 0;
    gaps = 0;
    startedAt = Date.now();
    cpuAt = process.cpuUsage();
  } else if (m.type === 'stop') {
    const secs = (Date.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuAt);
    send({
      type: 'report',
      secs,
      bytesPerClientS: bytes / N / secs,
      framesPerClientS: frames / N / secs,
      samples,
      gaps,
      p50: quantile(0.5),
      p99: quantile(0.99),
      max: samples > 0 ? quantile(1) : 0,
      clientCpuPct: ((cpu.user + cpu.system) / 1e3 / (secs * 1000)) * 100,
      open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    });
  } else if (m.type === 'exit') {
    for (const s of sockets) s.terminate();
    process.exit(0);
  }
});

// Connect in batches, so the listen backlog never overflows.
for (let i = 0; i < N; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => connect(i + k)));
}
send({ type: 'ready' });
