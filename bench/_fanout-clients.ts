/**
 * The screens of the fan-out bench, in their own processes so the server's CPU is measurable on
 * its own (bench/fanout.ts starts --procs of these, each with its share of the screens). IPC:
 *
 *   argv: URL N SAMPLE_EVERY MODE FIRST   (MODE = cop | bare | bare-ack; FIRST = index of this process's first screen)
 *   → parent: {type:'ready'} once every client has its first frame
 *   ← parent: {type:'start'} resets the counters; {type:'stop'} answers with {type:'report', ...}
 *
 * Every screen really receives every frame and reads its header honestly but cheaply: the COP
 * seq, from_seq and server_time_ms (the first fields of a CopSnapshot or CopDelta), so it checks
 * that its deltas are contiguous (a gap is counted, as a screen would resubscribe), acks every 2
 * ticks as CopPicture.ackMessage() does, and records tick-to-screen latency (receive time minus the
 * frame's server_time_ms, the moment the tick was cut). Every SAMPLE_EVERY-th screen (spread over
 * the connection order, so over the server's send order) also decodes the whole frame with the
 * browser codec, folds it into a CopPicture and records, per position carrying a new fix, receive
 * time minus fix time: the ingest-to-screen latency (the bench stamps each fix with the wall clock
 * at ingest). In 'bare'
 * mode screens only count bytes and frames: the frames are replays whose times are stale. In
 * 'bare-ack' mode they also send the same ack frames a COP screen sends (every 2 frames), so the bare
 * server receives the same upstream traffic as the hub.
 */
import { WebSocket } from 'ws';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';

const [url = '', nText = '100', sampleText = '10', mode = 'cop', firstText = '0'] = process.argv.slice(2);
const N = Number(nText);
const SAMPLE_EVERY = Number(sampleText);
const FIRST = Number(firstText);
const HIST_MAX = 20_000; // ms
/** Ingest-to-screen, per position (sampling screens). */
const hist = new Uint32Array(HIST_MAX + 1);
/** Tick-to-screen, per frame (every screen). */
const tickHist = new Uint32Array(HIST_MAX + 1);
let bytes = 0;
let frames = 0;
let samples = 0;
let tickSamples = 0;
let gaps = 0;
let startedAt = 0;
let cpuAt = process.cpuUsage();
const sockets: WebSocket[] = [];

function send(msg: unknown): void {
  process.send?.(msg);
}

/** The header of a server frame: which member, its seq, from_seq (0 = one tick) and server time. */
interface Header {
  snapshot: boolean;
  seq: number;
  fromSeq: number;
  serverTimeMs: number;
}

/**
 * Read the header fields of a CopServerMessage without decoding the rest. Both members start
 * with `uint32 seq = 1` (protobufjs writes fields in number order, defaults left out); a delta
 * then has from_seq = 2 (varint) and server_time_ms = 3 (double), a snapshot epoch = 2 (string),
 * event_seq = 3 (varint) and server_time_ms = 4 (double). Reading stops at the first field after those.
 */
function readHeader(b: Buffer, h: Header): void {
  let i = 0;
  const varint = (): number => {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const x = b[i++] as number;
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) break;
    }
    return v;
  };
  const outer = varint();
  h.snapshot = outer === 0x0a;
  if (!h.snapshot && outer !== 0x12) throw new Error(`not a CopServerMessage (tag ${outer})`);
  const len = varint();
  const end = i + len;
  h.seq = 0;
  h.fromSeq = 0;
  h.serverTimeMs = 0;
  const timeField = h.snapshot ? 4 : 3;
  while (i < end) {
    const tag = varint();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field > timeField) break;
    if (wire === 0) {
      const v = varint();
      if (field === 1) h.seq = v;
      else if (field === 2) h.fromSeq = v;
    } else if (wire === 1) {
      if (field === timeField) h.serverTimeMs = b.readDoubleLE(i);
      i += 8;
    } else if (wire === 2) {
      i += varint();
    } else throw new Error(`unexpected wire type ${wire}`);
  }
}

async function connect(i: number): Promise<void> {
  const sampler = mode === 'cop' && i % SAMPLE_EVERY === 0;
  const picture = sampler ? new CopPicture() : null;
  // Fix time of each ref's last sample: a position re-sent without a new fix (a status change
  // marks its resource dirty) is not an ingest-to-screen latency and is not counted.
  const lastFix = new Map<number, number>();
  const h: Header = { snapshot: false, seq: 0, fromSeq: 0, serverTimeMs: 0 };
  let held = -1; // COP seq this screen holds (-1 = none yet)
  let acked = -1;
  const ws = new WebSocket(url, { perMessageDeflate: false });
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      bytes += data.byteLength;
      frames++;
      if (mode === 'cop') {
        const now = Date.now();
        readHeader(data, h);
        if (h.snapshot) held = h.seq;
        else if ((h.fromSeq || h.seq) === held + 1) held = h.seq;
        else if (h.seq > held && held >= 0) {
          gaps++; // a real screen would resubscribe from `held`; count it and carry on from here
          held = h.seq;
        }
        if (startedAt > 0) {
          const t = Math.max(0, Math.min(HIST_MAX, Math.round(now - h.serverTimeMs)));
          tickHist[t] = (tickHist[t] ?? 0) + 1;
          tickSamples++;
        }
        if (picture) {
          const m = decodeServerFrame(data);
          picture.apply(m);
          const d = m.delta;
          const p = d?.positions;
          if (d && p && startedAt > 0) {
            for (let k = 0; k < p.fixAgeMs.length; k++) {
              const fixTime = d.serverTimeMs - (p.fixAgeMs[k] as number);
              const ref = p.ref[k] as number;
              if (lastFix.get(ref) === fixTime) continue;
              lastFix.set(ref, fixTime);
              const lat = Math.max(0, Math.min(HIST_MAX, Math.round(now - fixTime)));
              hist[lat] = (hist[lat] ?? 0) + 1;
              samples++;
            }
          }
        }
        if (held - acked >= 2) {
          acked = held;
          ws.send(encodeClientFrame({ ack: { seq: held } }));
        }
      }
      if (mode === 'bare-ack' && frames % 2 === 0) ws.send(encodeClientFrame({ ack: { seq: frames } }));
      resolve();
    });
    ws.once('open', () => {
      if (mode === 'cop') ws.send(encodeClientFrame({ subscribe: { lastSeq: 0, resumeEpoch: '', filter: null } }));
    });
  });
}

/** A histogram as [ms, count] pairs of its non-empty buckets (small enough for IPC). */
function sparse(hh: Uint32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k <= HIST_MAX; k++) if ((hh[k] as number) > 0) out.push([k, hh[k] as number]);
  return out;
}

process.on('message', (m: { type: string }) => {
  if (m.type === 'start') {
    hist.fill(0);
    tickHist.fill(0);
    bytes = 0;
    frames = 0;
    samples = 0;
    tickSamples = 0;
    gaps = 0;
    startedAt = Date.now();
    cpuAt = process.cpuUsage();
  } else if (m.type === 'stop') {
    const secs = (Date.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuAt);
    send({
      type: 'report',
      secs,
      clients: N,
      bytes,
      frames,
      samples,
      tickSamples,
      gaps,
      hist: sparse(hist),
      tickHist: sparse(tickHist),
      cpuMs: (cpu.user + cpu.system) / 1e3,
      open: sockets.filter((s) => s.readyState === WebSocket.OPEN).length,
    });
  } else if (m.type === 'exit') {
    for (const s of sockets) s.terminate();
    process.exit(0);
  }
});

// Connect in batches, so the listen backlog never overflows.
for (let i = 0; i < N; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, N - i) }, (_, k) => connect(FIRST + i + k)));
}
send({ type: 'ready' });
