/**
 * A worker thread of the parallel outcome report (./parallel.ts): loads the world once (scenario,
 * road network through the disk cache, the true-traffic router when asked), then runs the jobs it
 * is sent, one mode on one (demand, seed) stream each, and answers each with its ModeRun.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadWorld } from '../world.ts';
import { runMode, streamOf, type CompareOptions } from './compare.ts';
import type { CompareJob, CompareReply, CompareThreadInit } from './parallel.ts';

const port = parentPort;
if (!port) throw new Error('compare-thread.ts runs as a worker thread');
const init = workerData as CompareThreadInit;
const world = loadWorld(
  init.scenarioPath,
  init.trueTrafficSeed === undefined ? {} : { trueTrafficSeed: init.trueTrafficSeed },
);
const base: Omit<CompareOptions, 'seeds' | 'demands' | 'modes'> = {
  scenario: world.scenario,
  planner: world.planner,
  startMs: init.startMs,
  durationMs: init.durationMs,
  place: world.onRoad,
  ...(world.router ? { router: world.router } : {}),
  ...(init.stream ? { stream: init.stream } : {}),
  ...(init.ratesPerYear ? { ratesPerYear: init.ratesPerYear } : {}),
};
/** The last stream drawn: a worker is often sent the same stream's other modes next. */
let last: { key: string; incidents: ReturnType<typeof streamOf> } | null = null;

port.on('message', (job: CompareJob) => {
  try {
    const key = `${job.demand}/${job.seed}`;
    if (last?.key !== key) last = { key, incidents: streamOf(base, job.demand, job.seed) };
    const run = runMode({ ...base, incidents: last.incidents, seed: job.seed }, job.mode);
    port.postMessage({ id: job.id, ok: true, run } satisfies CompareReply);
  } catch (e) {
    port.postMessage({
      id: job.id,
      ok: false,
      error: e instanceof Error ? e.message : String(e),
    } satisfies CompareReply);
  }
});
