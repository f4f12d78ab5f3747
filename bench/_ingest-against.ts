/**
 * `npm run bench -- ingest --against DIR [--rounds N]`: this checkout's AVL ingest against another
 * checkout's (DIR, e.g. `git worktree add /tmp/before dcedfa5` with node_modules beside it), side
 * by side in one process on the same frames, interleaved frame by frame, so the shared machine's
 * load falls on both alike (issue 15: not slower than before the wire-type checks).
 *
 * Each side is its own real server (startServer from its own checkout, temp-file SQLite, history on
 * its writer thread) fed the same frames: for each frame, the side's AvlBatchReader then
 * AvlService.ingest (token bucket, validation, live state, the R-tree, history hand-off, position
 * listeners: the COP journal, and reactions where the side has them), which is what the /ws/avl
 * handler does per frame less the socket (the same ws library either side). Which side goes first
 * alternates frame by frame. Rounds are fleet-wide sweeps of fixes, one simulated second apart,
 * an hour old (as in the main bench); two warm-up rounds. Figures from median frame times.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '../server/core/clock.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { AvlBatchType } from '../server/shell/avl/codec.ts';

interface Side {
  read(bytes: Uint8Array): { reports: unknown[] };
  ingest(reports: unknown[]): { accepted: number };
  close(): Promise<void>;
}

/** One side: a server started from the checkout at `root`, and its batch reader. */
async function side(root: string, scenario: Scenario, token: string): Promise<Side> {
  const srv = await import(join(root, 'server/shell/server.ts'));
  const log = await import(join(root, 'server/shell/log.ts'));
  const br = await import(join(root, 'server/shell/avl/batch-reader.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'jcr-bench-against-'));
  const limits = { feedReportsPerS: 1e9, feedBurstReports: 1e9 };
  // Both option shapes: `avl: {...}` now, `avlToken`/`avlLimits` in checkouts before issue 15.
  const server = await srv.startServer({
    scenario,
    db: join(dir, 'jcr.sqlite'),
    port: 0,
    log: log.createLogger('warn'),
    avl: { token, limits },
    avlToken: token,
    avlLimits: limits,
  });
  const feed = server.avl.feeds.authenticate(token);
  if (!feed) throw new Error(`${root}: bench feed token refused`);
  const reader = new br.AvlBatchReader(
    scenario.resources.map((r) => r.id),
    2001,
  );
  return {
    read: (bytes) => reader.read(bytes),
    ingest: (reports) => server.avl.ingest(reports, feed),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? 0;

export async function ingestAgainst(
  scenario: Scenario,
  opts: { against: string; batch: number; rounds: number; seed: number; token: string },
): Promise<void> {
  const sides = {
    this: await side(resolve('.'), scenario, opts.token),
    other: await side(resolve(opts.against), scenario, opts.token),
  };
  try {
    const ids = scenario.resources.map((r) => r.id);
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

    const ms = { this: [] as number[], other: [] as number[] };
    const accepted = { this: 0, other: 0 };
    for (let k = 0; k < rounds.length; k++) {
      const frames = rounds[k] as Uint8Array[];
      for (let j = 0; j < frames.length; j++) {
        const order = (j + k) % 2 === 0 ? (['this', 'other'] as const) : (['other', 'this'] as const);
        for (const name of order) {
          const s = sides[name];
          const t0 = performance.now();
          const out = s.ingest(s.read(frames[j] as Uint8Array).reports);
          const t = performance.now() - t0;
          accepted[name] += out.accepted;
          if (k >= 2) ms[name].push(t);
        }
      }
      await sleep(5); // timers run here (history hand-off, COP tick), outside the timed part
    }
    const rate = (x: number) => Math.round((opts.batch / x) * 1000);
    const r3 = (x: number) => Math.round(x * 1000) / 1000;
    const a = rate(quantile(ms.this, 0.5));
    const b = rate(quantile(ms.other, 0.5));
    const a25 = rate(quantile(ms.this, 0.25));
    const b25 = rate(quantile(ms.other, 0.25));
    const load = loadavg()[0] ?? 0;
    process.stdout.write(
      [
        `ingest side by side: this checkout against ${opts.against}; ${ids.length} resources, frames of ${opts.batch}, ${opts.rounds} measured rounds, ${ms.this.length} frames each`,
        `reader + AvlService.ingest per frame (from median frame times): this ${a.toLocaleString('en')} positions/s, other ${b.toLocaleString('en')}; this/other ${r3(a / b)} (at the 25th percentile ${r3(a25 / b25)})`,
        `accepted: this ${accepted.this}, other ${accepted.other}`,
        `machine: ${cpus().length} cores, node ${process.version}, 1-min load average at the end ${load.toFixed(1)}`,
      ].join('\n') + '\n',
    );
    process.stdout.write(
      JSON.stringify({
        bench: 'ingest-against',
        against: opts.against,
        this_positions_per_s: a,
        other_positions_per_s: b,
        ratio: r3(a / b),
        ratio_p25: r3(a25 / b25),
        accepted_this: accepted.this,
        accepted_other: accepted.other,
        rounds: opts.rounds,
        batch: opts.batch,
        load_avg_1m: Math.round(load * 10) / 10,
        cores: cpus().length,
        node: process.version,
      }) + '\n',
    );
  } finally {
    await sides.this.close();
    await sides.other.close();
  }
}
