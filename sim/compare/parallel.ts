/**
 * The outcome report on several cores: every (demand, seed, mode) run is a job for a pool of
 * worker threads (./compare-thread.ts), each with its own copy of the world; the report is then
 * made from the runs exactly as in one thread (`reportOf`), so it is the same report, only sooner.
 * Jobs go out seed by seed (so a stopped run has whole seeds done, see ./run-store.ts), within a
 * seed dearest first (higher demand, then the move-up modes) so the pool ends together.
 */
import type { Worker } from 'node:worker_threads';
import { startTsWorker } from '../../server/shell/ts-worker.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import type { GeneratedIncident } from '../incidents/generator.ts';
import { reportOf, type Mode, type ModeRun, type OutcomeReport, type RunStore } from './compare.ts';

export interface CompareThreadInit {
  scenarioPath: string;
  trueTrafficSeed?: number;
  startMs: number;
  durationMs: number;
  stream?: readonly GeneratedIncident[];
  /** Incidents per year by type (default: the generator's Hertfordshire rates). */
  ratesPerYear?: Record<string, number>;
}

export interface CompareJob {
  id: number;
  demand: number;
  seed: number;
  mode: Mode;
}

export type CompareReply = { id: number; ok: true; run: ModeRun } | { id: number; ok: false; error: string };

export interface ParallelCompareOptions extends CompareThreadInit {
  seeds: readonly number[];
  demands: readonly number[];
  modes: readonly Mode[];
  /** Worker threads (at most one per run). */
  workers: number;
  progress?: (done: number, total: number) => void;
  /** Finished runs kept on disk: a run found there is read, not sent to a worker. */
  store?: RunStore;
}

/** Rough cost of a mode's run, for the order jobs go out in (measured: 3× week, seed 1). */
const COST: Record<Mode, number> = { static: 1, dynamic: 1.2, 'dynamic+cover': 3, 'dynamic+dmexclp': 4 };

export async function compareInWorkers(o: ParallelCompareOptions): Promise<OutcomeReport> {
  const scenario = loadScenario(o.scenarioPath);
  const jobs: Array<CompareJob & { at: [number, number, number] }> = [];
  o.demands.forEach((demand, d) =>
    o.seeds.forEach((seed, s) =>
      o.modes.forEach((mode, m) => jobs.push({ id: jobs.length, demand, seed, mode, at: [d, s, m] })),
    ),
  );
  const runs: ModeRun[][][] = o.demands.map(() => o.seeds.map(() => []));
  let done = 0;
  const queue = jobs
    .filter((j) => {
      const r = o.store?.get(j.demand, j.seed, j.mode);
      if (!r) return true;
      runs[j.at[0]]![j.at[1]]![j.at[2]] = r;
      done++; // not inside progress?.(...): without a callback its arguments are never evaluated
      o.progress?.(done, jobs.length);
      return false;
    })
    .sort((a, b) => a.at[1] - b.at[1] || b.demand * COST[b.mode] - a.demand * COST[a.mode] || a.id - b.id);
  const init: CompareThreadInit = {
    scenarioPath: o.scenarioPath,
    startMs: o.startMs,
    durationMs: o.durationMs,
    ...(o.trueTrafficSeed === undefined ? {} : { trueTrafficSeed: o.trueTrafficSeed }),
    ...(o.stream ? { stream: o.stream } : {}),
    ...(o.ratesPerYear ? { ratesPerYear: o.ratesPerYear } : {}),
  };
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const next = (w: Worker) => {
        const job = queue.shift();
        if (job) w.postMessage({ id: job.id, demand: job.demand, seed: job.seed, mode: job.mode } satisfies CompareJob);
      };
      if (queue.length === 0) return resolve();
      const n = Math.max(1, Math.min(o.workers, queue.length));
      for (let i = 0; i < n; i++) {
        const w = startTsWorker(new URL('./compare-thread.ts', import.meta.url), init);
        pool.push(w);
        w.on('message', (r: CompareReply) => {
          if (!r.ok) return reject(new Error(`run ${r.id + 1} failed: ${r.error}`));
          const j = jobs[r.id]!;
          const [d, s, m] = j.at;
          runs[d]![s]![m] = r.run;
          o.store?.put(j.demand, j.seed, j.mode, r.run);
          done++;
          o.progress?.(done, jobs.length);
          if (done === jobs.length) resolve();
          else next(w);
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (done < jobs.length) reject(new Error(`a compare worker stopped (exit ${code})`));
        });
        next(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return reportOf({ ...o, scenario }, runs);
}
