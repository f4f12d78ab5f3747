/**
 * `npm run bench -- ingest --decoders [--rounds N]`: the /ws/avl decoder before and after the
 * wire-type checks (issue 15), side by side in one process on the same frames, interleaved frame
 * by frame, so the shared machine's load falls on both alike.
 *
 * - ingest: each round is one fleet-wide sweep of fixes (RESOURCES positions in frames of BATCH),
 *   decoded by one reader and handed to the real server's AvlService.ingest (token bucket,
 *   validation, live state, rbush index, history buffer to the writer thread), exactly what
 *   ws.ts does per frame minus the socket. Each round has its own later fix times, so every
 *   position is accepted under either reader.
 * - decode: the same frames through each reader alone.
 *
 * The old reader is a bench-only copy (bench/_avl-batch-reader-before.ts). Figures from median
 * (and 25th-percentile) frame times; the event loop is given a turn between rounds (history
 * hand-off), untimed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../server/core/clock.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { AvlBatchType, type AvlBatchIn } from '../server/shell/avl/codec.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { AvlBatchReaderBefore } from './_avl-batch-reader-before.ts';

interface Reader {
  read(bytes: Uint8Array): AvlBatchIn;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length * q)] ?? 0;
};
const median = (xs: number[]) => quantile(xs, 0.5);

export async function decodersSideBySide(
  scenario: Scenario,
  opts: { batch: number; rounds: number; seed: number; token: string },
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-decoders-'));
  const server = await startServer({
    scenario,
    db: join(dir, 'jcr.sqlite'),
    port: 0,
    log: createLogger('warn'),
    avl: { token: opts.token, limits: { feedReportsPerS: 1e9, feedBurstReports: 1e9 } },
  });
  try {
    const feed = server.avl.feeds.authenticate(opts.token);
    if (!feed) throw new Error('bench feed token refused');
    const ids = scenario.resources.map((r) => r.id);
    const readers: Record<'after' | 'before', Reader> = {
      after: new AvlBatchReader(ids, 2001),
      before: new AvlBatchReaderBefore(ids, 2001),
    };

    // Frames: one sweep of the fleet per round, a seeded random walk, fixes 1 s apart per round.
    const rnd = seededRandom(opts.seed);
    const lat = ids.map(() => 51.6 + rnd() * 0.4);
    const lon = ids.map(() => -0.6 + rnd() * 0.7);
    const base = Date.now() - 3_600_000;
    const rounds: Uint8Array[][] = [];
    for (let k = 0; k < opts.rounds + 2; k++) {
      const frames: Uint8Array[] = [];
      for (let s = 0; s < ids.length; s += opts.batch) {
        const reports = [];
        for (let i = s; i < Math.min(ids.length, s + opts.batch); i++) {
          lat[i] = (lat[i] as number) + (rnd() - 0.5) * 2e-4;
          lon[i] = (lon[i] as number) + (rnd() - 0.5) * 2e-4;
          reports.push({
            resourceId: ids[i],
            lat: lat[i],
            lon: lon[i],
            speedMps: rnd() * 20,
            headingDeg: rnd() * 360,
            fixTimeMs: base + k * 1000 + (i % 1000),
            accuracyM: 3 + rnd() * 10,
            status: 0,
          });
        }
        frames.push(AvlBatchType.encode({ seq: frames.length + 1, reports }).finish());
      }
      rounds.push(frames);
    }

    // Interleaved: within each round the frames alternate between the readers (the parity flips
    // every round), and each frame is timed on its own. All frames carry the same work (BATCH
    // fixes), so a reader's figure is BATCH over its median frame time: a frame during which the
    // neighbours took the core (the machine is shared) lands in the tail, not in the median.
    const frameMs = { after: [] as number[], before: [] as number[] };
    let accepted = 0;
    let positions = 0;
    for (let k = 0; k < rounds.length; k++) {
      const frames = rounds[k] as Uint8Array[];
      for (let j = 0; j < frames.length; j++) {
        const name = (j + k) % 2 === 0 ? 'after' : 'before';
        const t0 = performance.now();
        const b = readers[name].read(frames[j] as Uint8Array);
        const out = server.avl.ingest(b.reports, feed);
        const ms = performance.now() - t0;
        if (k >= 2 && b.reports.length === opts.batch) frameMs[name].push(ms); // 2 warm-up rounds
        positions += b.reports.length;
        accepted += out.accepted;
      }
      await sleep(5); // the history hand-off timer runs here, outside the timed part
    }

    // Decode alone: each frame by both readers back to back (which goes first alternates), 30 times.
    const decodeMs = { after: [] as number[], before: [] as number[] };
    const sample = rounds.slice(0, 20).flat();
    for (let k = 0; k < 32; k++) {
      for (let j = 0; j < sample.length; j++) {
        const f = sample[j] as Uint8Array;
        const order: Array<'after' | 'before'> = (j + k) % 2 === 0 ? ['after', 'before'] : ['before', 'after'];
        for (const name of order) {
          const t0 = performance.now();
          const n = readers[name].read(f).reports.length;
          const ms = performance.now() - t0;
          if (n !== opts.batch) throw new Error(`decoded ${n} of ${opts.batch}`);
          if (k >= 2) decodeMs[name].push(ms);
        }
      }
    }

    const rate = (ms: number) => Math.round((opts.batch / ms) * 1000);
    const ia = rate(median(frameMs.after));
    const ib = rate(median(frameMs.before));
    const ia25 = rate(quantile(frameMs.after, 0.25));
    const ib25 = rate(quantile(frameMs.before, 0.25));
    const da = rate(median(decodeMs.after));
    const db = rate(median(decodeMs.before));
    const da25 = rate(quantile(decodeMs.after, 0.25));
    const db25 = rate(quantile(decodeMs.before, 0.25));
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const load = loadavg()[0] ?? 0;
    process.stdout.write(
      [
        `decoders side by side: ${ids.length} resources, frames of ${opts.batch}, ${opts.rounds} measured rounds, frames alternating between the readers`,
        `ingest (decode + AvlService.ingest), per frame of ${opts.batch}, ${frameMs.after.length} frames each: after ${ia.toLocaleString('en')} positions/s, before ${ib.toLocaleString('en')} (from median frame times); after/before ${r3(ia / ib)} (at the 25th percentile ${r3(ia25 / ib25)})`,
        `decode alone (${sample.length} frames, each by both readers 30 times), ${decodeMs.after.length} timings each: after ${da.toLocaleString('en')} positions/s, before ${db.toLocaleString('en')}; after/before ${r3(da / db)} (at the 25th percentile ${r3(da25 / db25)})`,
        `accepted ${accepted} of ${positions}`,
        `machine: ${cpus().length} cores, node ${process.version}, 1-min load average at the end ${load.toFixed(1)}`,
      ].join('\n') + '\n',
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'ingest-decoders',
        ingest_after_positions_per_s: ia,
        ingest_before_positions_per_s: ib,
        ingest_ratio: r3(ia / ib),
        ingest_ratio_p25: r3(ia25 / ib25),
        decode_after_positions_per_s: da,
        decode_before_positions_per_s: db,
        decode_ratio: r3(da / db),
        decode_ratio_p25: r3(da25 / db25),
        rounds: opts.rounds,
        accepted,
        positions,
        resources: ids.length,
        batch: opts.batch,
        load_avg_1m: Math.round(load * 10) / 10,
        cores: cpus().length,
        node: process.version,
      }) + '\n',
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
