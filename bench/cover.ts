/**
 * `npm run bench -- cover`: live cover on the Hertfordshire scenario network.
 *
 *   1. In-thread compute (core CoverModel): warm-up of every surface (fills the station trees),
 *      then the recompute of the fire surface after one status change (1st + 2nd appliance, by
 *      cached trees) and its gap cells; the k=2 multi-source search fallback for comparison.
 *   2. The live service, side by side on the same engine and the same 15 status changes (through
 *      Engine.execute): mode 'inline' (the compute on the main thread) and mode 'worker' (what
 *      the server runs). For each: time from the status change to the new summary, the main
 *      thread's blocking time (posting the request + taking in the answer; inline that includes
 *      the compute), the event loop's largest delay from just before the change to just after
 *      the summary (perf_hooks monitorEventLoopDelay, 1 ms resolution), and process CPU (all
 *      threads) per recompute.
 *   3. Standby moves for the fire surface with three pumps committed: cold (a fresh model, no
 *      trees; median of 5, wall and CPU), warm, the searches skipped by pruning, and on the
 *      service's worker (its trees warm from the live recompute).
 *   4. Cover impact of every recommendation candidate (the 500-resource fleet and incidents of
 *      bench/recommend.ts), side by side, interleaved per incident: no cover; the old path (the
 *      what-if over a main-thread CoverModel, PlannerCover); the new path (read from the
 *      picture's responder lists). Warm: the fleet as the picture saw it (300 incidents). Moved:
 *      before each of 20 incidents every mobile and returning resource moves (a new AVL fix), the
 *      picture is recomputed (what the worker does on a refresh; timed apart, off the main
 *      thread in the server) and both paths answer. Wall and CPU per recommendation, p50/p99;
 *      the impacts of both paths are compared candidate by candidate.
 * Medians throughout. Last line: one JSON object.
 */
import type { Timers } from '../proto/timer.ts';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seededRandom } from '../server/core/clock.ts';
import { PlannerCover, respondersImpact, type CoverImpact } from '../server/core/cover/impact.ts';
import { CoverModel } from '../server/core/cover/model.ts';
import { recommendMoves } from '../server/core/cover/moves.ts';
import { whatIf } from '../server/core/cover/what-if.ts';
import type { ResponderLists } from '../server/core/cover/responders.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { PlannerJourneyTimes } from '../server/core/incidents/journeys.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { BENCH_NOW, seededFleet, seededIncidents } from './_seeded-world.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { CoverService, type CoverSummary } from '../server/shell/cover/service.ts';
import { shareGraph } from '../server/shell/cover/shared-graph.ts';
import { Engine } from '../server/shell/engine.ts';
import { loadNetwork } from '../server/shell/network/load.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { Store } from '../server/shell/store/store.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (x: number) => Math.round(x * 10) / 10;
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const REPS = 15;
const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 3));

const scenario = loadScenario('sim/scenarios/hertfordshire/scenario.json');
const net = loadNetwork(scenario.network.file, scenario.network.format);
const planner = new JourneyPlanner(net.graph, new SpeedModel(scenario.speedProfiles));
let t = performance.now();
const model = new CoverModel(planner, scenario);
const setupMs = performance.now() - t;
const fleet = new Fleet(scenario);
const fire = model.surface('fire:pump')!;
const pumps = scenario.resources.filter((r) => model.eligible(r, fire)).map((r) => r.id);
const changed = (i: number) => pumps[(i * 7) % pumps.length]!;

// 1. In-thread compute.
t = performance.now();
for (const s of model.surfaces) model.compute(s, model.sources(s, fleet.all()));
const warmupMs = performance.now() - t;
const recompute: number[] = [];
const gaps: number[] = [];
const search: number[] = [];
const searchM1: number[] = [];
// The same search keeping 1 + k responders per demand point instead of the default k + 4: what the
// responder lists' exact removals (m) cost the multi-source search (labels per node = k + m).
const modelM1 = new CoverModel(planner, scenario, { exactRemovals: 1 });
let method = '';
for (let i = 0; i < REPS; i++) {
  const id = changed(i);
  fleet.setStatus(id, 3, 'INC-B');
  t = performance.now();
  const r = model.compute(fire, model.sources(fire, fleet.all()));
  recompute.push(performance.now() - t);
  method = r.method;
  t = performance.now();
  model.gaps(r);
  gaps.push(performance.now() - t);
  if (i < 5) {
    // alternate which goes first so the shared machine's noise falls on both alike
    const runs: Array<[CoverModel, number[]]> =
      i % 2 === 0
        ? [
            [model, search],
            [modelM1, searchM1],
          ]
        : [
            [modelM1, searchM1],
            [model, search],
          ];
    for (const [m, xs] of runs) {
      t = performance.now();
      m.compute(fire, m.sources(fire, fleet.all()), { method: 'search' });
      xs.push(performance.now() - t);
    }
  }
  fleet.setStatus(id, 5);
  fleet.setStatus(id, 1);
}

// 2. The live service, inline and on the worker.
interface LiveFigures {
  toSummaryMs: number;
  blockedMs: number;
  loopDelayMaxMs: number;
  cpuMs: number;
  computeMs: number;
}
const shared = shareGraph(net.graph);
async function live(
  mode: 'inline' | 'worker',
): Promise<{ runs: LiveFigures[]; service: CoverService; engine: Engine }> {
  const engine = Engine.boot(scenario, Store.open(':memory:'), Date.now);
  // The debounce timer is the bench's to fire: the latest one set, fired by hand.
  let due: (() => void) | null = null;
  const timers: Timers = {
    setTimeout(fn) {
      due = fn;
      return fn;
    },
    clearTimeout(h) {
      if (due === h) due = null;
    },
    setInterval: () => undefined,
    clearInterval: () => undefined,
  };
  const service = new CoverService({ engine, planner, clock: Date.now, timers, mode, shared });
  await service.flushAsync(); // warm-up: every surface, station trees built
  const ctx = { origin: 'operator' as const, actor: 'bench' };
  const runs: LiveFigures[] = [];
  for (let i = 0; i < REPS; i++) {
    const id = changed(i);
    const next = new Promise<CoverSummary>((resolve) => {
      const off = service.onChange((s) => {
        off();
        resolve(s);
      });
    });
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    await tick(); // the delay timer is running before the change
    const c0 = cpuMs();
    const t0 = performance.now();
    engine.execute({ type: 'resource.setStatus', resourceId: id, status: 3 }, ctx);
    const elapse = due as (() => void) | null;
    due = null;
    elapse?.(); // the debounce elapses at once: the time measured is the recompute's
    await next;
    const toSummaryMs = performance.now() - t0;
    const cpu = cpuMs() - c0;
    await tick(); // a timer late because of a blocked loop is recorded
    h.disable();
    runs.push({
      toSummaryMs,
      blockedMs: service.stats.lastDispatchMs + service.stats.lastPublishMs,
      loopDelayMaxMs: h.max / 1e6,
      cpuMs: cpu,
      computeMs: service.stats.lastComputeMs,
    });
    engine.execute({ type: 'resource.setStatus', resourceId: id, status: 5 }, ctx);
    engine.execute({ type: 'resource.setStatus', resourceId: id, status: 1 }, ctx);
    await service.flushAsync();
  }
  return { runs, service, engine };
}
const inline = await live('inline');
await inline.service.close();
const worker = await live('worker');
const pick = (runs: LiveFigures[], k: keyof LiveFigures) => r1(median(runs.map((x) => x[k])));

// 3. Standby moves: three pumps committed (a busy night).
for (const id of [pumps[0]!, pumps[5]!, pumps[9]!]) fleet.setStatus(id, 3, 'INC-M');
const cold: number[] = [];
const coldCpu: number[] = [];
let searchesPruned = 0;
let searchesFull = 0;
let moves = recommendMoves(model, [...fleet.all()], { surface: 'fire:pump' });
for (let i = 0; i < 5; i++) {
  const fresh = new CoverModel(planner, scenario);
  const c0 = cpuMs();
  t = performance.now();
  moves = recommendMoves(fresh, [...fleet.all()], { surface: 'fire:pump' });
  cold.push(performance.now() - t);
  coldCpu.push(cpuMs() - c0);
  searchesPruned = fresh.treeSearches;
}
{
  const fresh = new CoverModel(planner, scenario);
  recommendMoves(fresh, [...fleet.all()], { surface: 'fire:pump', prune: false });
  searchesFull = fresh.treeSearches;
}
const warm: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  moves = recommendMoves(model, [...fleet.all()], { surface: 'fire:pump' });
  warm.push(performance.now() - t);
}
// On the worker: same commitments through the engine.
const ctx = { origin: 'operator' as const, actor: 'bench' };
for (const id of [pumps[0]!, pumps[5]!, pumps[9]!])
  worker.engine.execute({ type: 'resource.setStatus', resourceId: id, status: 3 }, ctx);
await worker.service.flushAsync();
const onWorker: number[] = [];
const onWorkerBlocked: number[] = [];
for (let i = 0; i < 5; i++) {
  t = performance.now();
  const p = worker.service.movesAsync({ surface: 'fire:pump' });
  onWorkerBlocked.push(performance.now() - t);
  const got = await p;
  onWorker.push(performance.now() - t);
  if (got[0]?.resourceId !== moves[0]?.resourceId) throw new Error('worker and main thread disagree on the best move');
}
await worker.service.close();

// 4. Cover impact of recommendation candidates: old what-if path vs responder lists.
const NOW = BENCH_NOW;
// The seeded 500-resource fleet and 300 incidents of bench/recommend.ts (same seeds, same draws).
const { scenario: sc500, fleet: fleet500 } = seededFleet(scenario, planner, 500, 42 + 500);
const jobs = seededIncidents(scenario, planner, 300, 7);
const journeys = new PlannerJourneyTimes(planner);
const oldCover = new PlannerCover(planner, sc500, { model: new CoverModel(planner, sc500, { maxTrees: 1024 }) });
// The worker's model (in-thread here, timed apart) and the service's main-thread model, which
// only defines surfaces and turns demand times into figures: it never builds a tree.
const pictureModel = new CoverModel(planner, sc500, { maxTrees: 1024 });
const mainModel = new CoverModel(planner, sc500);
let fallbacks = 0;
const picture = (): Map<string, ResponderLists> =>
  new Map(
    pictureModel.surfaces.map((s) => [
      s.key,
      pictureModel.compute(s, pictureModel.sources(s, fleet500.all())).responders,
    ]),
  );
const listsImpact = (lists: Map<string, ResponderLists>): CoverImpact =>
  respondersImpact(mainModel, lists, (ids) => {
    fallbacks++;
    return whatIf(mainModel, [...fleet500.all()], ids);
  });
type Path = 'none' | 'old' | 'lists';
const recWith = (j: (typeof jobs)[number], i: number, cover: CoverImpact | null) => {
  const type = sc500.incidentTypes.find((x) => x.id === j.typeId)!;
  return recommend({
    scenario: sc500,
    fleet: fleet500,
    incident: { id: `I${i}`, typeId: j.typeId, lat: j.lat, lon: j.lon, leadAgency: type.leadAgency },
    now: NOW,
    journeys,
    cover,
  });
};
const impactsOf = (r: ReturnType<typeof recommend>) =>
  JSON.stringify(r.lines.map((l) => l.candidates.map((c) => [c.resourceId, c.coverImpact])));
const timeOne = <T>(f: () => T): { v: T; wall: number; cpu: number } => {
  const c0 = cpuMs();
  const w0 = performance.now();
  const v = f();
  return { v, wall: performance.now() - w0, cpu: cpuMs() - c0 };
};
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const impactRuns: Record<string, number | boolean | string> = {};
for (const mode of ['warm', 'moved'] as const) {
  const batch = mode === 'moved' ? jobs.slice(0, 20) : jobs;
  const moveRnd = seededRandom(99);
  const mobile = [...fleet500.all()].filter(
    (r) => r.status === ResourceStatus.AVAILABLE_MOBILE || r.status === ResourceStatus.RETURNING,
  );
  let lists = picture();
  for (let i = 0; i < 5; i++)
    for (const c of [null, oldCover.at(fleet500), listsImpact(lists)]) recWith(jobs[i]!, i, c); // warm-up
  const m: Record<Path, { wall: number[]; cpu: number[] }> = {
    none: { wall: [], cpu: [] },
    old: { wall: [], cpu: [] },
    lists: { wall: [], cpu: [] },
  };
  const recomputeMs: number[] = [];
  let same = 0;
  let candidates = 0;
  batch.forEach((j, i) => {
    if (mode === 'moved') {
      for (const r of mobile)
        fleet500.applyFix(
          r,
          r.lat + (moveRnd() - 0.5) * 2e-4,
          r.lon + (moveRnd() - 0.5) * 2e-4,
          r.headingDeg,
          r.speedMps,
          NOW - 1_000,
          5,
        );
      const t0 = performance.now();
      lists = picture(); // the refresh's recompute: on the worker in the server
      recomputeMs.push(performance.now() - t0);
    }
    const order: Path[] = i % 2 === 0 ? ['none', 'old', 'lists'] : ['lists', 'old', 'none'];
    const got: Partial<Record<Path, string>> = {};
    for (const p of order) {
      const t = timeOne(() =>
        recWith(j, i, p === 'none' ? null : p === 'old' ? oldCover.at(fleet500) : listsImpact(lists)),
      );
      m[p].wall.push(t.wall);
      m[p].cpu.push(t.cpu);
      got[p] = impactsOf(t.v);
      if (p === 'lists') candidates += t.v.lines.reduce((n, l) => n + l.candidates.length, 0);
    }
    if (got.old === got.lists) same++;
  });
  for (const p of ['none', 'old', 'lists'] as const) {
    impactRuns[`rec_${p}_${mode}_p50_ms`] = r1(pct(m[p].wall, 50));
    impactRuns[`rec_${p}_${mode}_p99_ms`] = r1(pct(m[p].wall, 99));
    impactRuns[`rec_${p}_${mode}_cpu_p50_ms`] = r1(pct(m[p].cpu, 50));
  }
  impactRuns[`rec_${mode}_identical`] = `${same}/${batch.length}`;
  impactRuns[`rec_${mode}_candidates_per_rec`] = Math.round(candidates / batch.length);
  if (mode === 'moved') impactRuns['moved_picture_recompute_ms'] = r1(median(recomputeMs));
}
impactRuns['lists_fallbacks'] = fallbacks;
impactRuns['main_model_tree_searches'] = mainModel.treeSearches;

const out = {
  bench: 'cover',
  nodes: net.graph.nodeCount,
  edges: net.graph.edgeCount,
  demand_points: scenario.demand.length,
  fire_sources: pumps.length,
  setup_ms: r1(setupMs),
  warmup_all_surfaces_ms: r1(warmupMs),
  recompute_ms: pick(worker.runs, 'toSummaryMs'),
  recompute_main_blocked_ms: pick(worker.runs, 'blockedMs'),
  recompute_loop_delay_max_ms: pick(worker.runs, 'loopDelayMaxMs'),
  recompute_cpu_ms: pick(worker.runs, 'cpuMs'),
  recompute_worker_compute_ms: pick(worker.runs, 'computeMs'),
  inline_recompute_ms: pick(inline.runs, 'toSummaryMs'),
  inline_main_blocked_ms: pick(inline.runs, 'blockedMs'),
  inline_loop_delay_max_ms: pick(inline.runs, 'loopDelayMaxMs'),
  inline_cpu_ms: pick(inline.runs, 'cpuMs'),
  core_recompute_ms: r1(median(recompute)),
  core_method: method,
  gaps_ms: r1(median(gaps)),
  search_k2_ms: r1(median(search)),
  search_k2_m1_ms: r1(median(searchM1)),
  moves_ms: r1(median(warm)),
  moves_cold_ms: r1(median(cold)),
  moves_cold_cpu_ms: r1(median(coldCpu)),
  moves_cold_max_ms: r1(Math.max(...cold)),
  moves_cold_searches: searchesPruned,
  moves_cold_searches_unpruned: searchesFull,
  moves_worker_ms: r1(median(onWorker)),
  moves_worker_main_blocked_ms: r1(median(onWorkerBlocked)),
  best_move: moves[0] ? `${moves[0].resourceId} -> ${moves[0].destination.id} (+${moves[0].gainWeight})` : null,
  ...impactRuns,
  load_avg_1m: r1(loadavg()[0]!),
  node: process.version,
  commit: execSync('git rev-parse --short HEAD').toString().trim(),
};
console.log(
  `cover on ${out.nodes} nodes, ${out.demand_points} demand points, ${out.fire_sources} pumps (load avg ${out.load_avg_1m})`,
);
console.log(
  `core recompute (fire 1st+2nd, ${out.core_method}): median ${out.core_recompute_ms} ms; gap cells ${out.gaps_ms} ms; k=2 multi-source search ${out.search_k2_ms} ms (6 labels a node for the responder lists; 3 with exactRemovals 1: ${out.search_k2_m1_ms} ms)`,
);
console.log(
  `status change -> summary: worker ${out.recompute_ms} ms (main thread blocked ${out.recompute_main_blocked_ms} ms, loop delay max ${out.recompute_loop_delay_max_ms} ms, CPU ${out.recompute_cpu_ms} ms)`,
);
console.log(
  `                          inline ${out.inline_recompute_ms} ms (main thread blocked ${out.inline_main_blocked_ms} ms, loop delay max ${out.inline_loop_delay_max_ms} ms, CPU ${out.inline_cpu_ms} ms)`,
);
console.log(
  `standby moves: warm ${out.moves_ms} ms; cold ${out.moves_cold_ms} ms (CPU ${out.moves_cold_cpu_ms} ms, max ${out.moves_cold_max_ms} ms, ${out.moves_cold_searches} searches, ${out.moves_cold_searches_unpruned} unpruned); on the worker ${out.moves_worker_ms} ms (main thread ${out.moves_worker_main_blocked_ms} ms); best ${out.best_move}`,
);
for (const mode of ['warm', 'moved'] as const) {
  const f = (p: string, k: string) => impactRuns[`rec_${p}_${mode}_${k}`];
  console.log(
    `recommendation with cover impact (${mode}, ${impactRuns[`rec_${mode}_candidates_per_rec`]} candidates/rec): none p50 ${f('none', 'p50_ms')} / p99 ${f('none', 'p99_ms')} ms; ` +
      `old what-if p50 ${f('old', 'p50_ms')} / p99 ${f('old', 'p99_ms')} ms (CPU p50 ${f('old', 'cpu_p50_ms')}); lists p50 ${f('lists', 'p50_ms')} / p99 ${f('lists', 'p99_ms')} ms (CPU p50 ${f('lists', 'cpu_p50_ms')}); identical impacts ${impactRuns[`rec_${mode}_identical`]}`,
  );
}
console.log(
  `moved fleet: picture recompute (worker) ${impactRuns['moved_picture_recompute_ms']} ms; list fallbacks ${impactRuns['lists_fallbacks']}; main-thread model trees built ${impactRuns['main_model_tree_searches']}`,
);
console.log(JSON.stringify(out));
