/**
 * `npm run bench -- cover`: live cover on the Hertfordshire scenario network. Measures the
 * recompute of the affected surface after one status change (warm caches, as in service), the
 * multi-source search fallback, and the time to recommend standby moves (cold and warm).
 * Last line: one JSON object.
 */
import { execSync } from 'node:child_process';
import { CoverModel } from '../server/core/cover/model.ts';
import { recommendMoves } from '../server/core/cover/moves.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { loadNetwork } from '../server/shell/network/load.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const scenario = loadScenario('sim/scenarios/hertfordshire/scenario.json');
const net = loadNetwork(scenario.network.file, scenario.network.format);
const planner = new JourneyPlanner(net.graph, new SpeedModel(scenario.speedProfiles));
const t0 = performance.now();
const model = new CoverModel(planner, scenario);
const setupMs = performance.now() - t0;
const fleet = new Fleet(scenario);
const fire = model.surface('fire:pump')!;
const pumps = scenario.resources.filter((r) => model.eligible(r, fire)).map((r) => r.id);

// Warm-up: first compute of every surface fills the station trees.
let t = performance.now();
for (const s of model.surfaces) model.compute(s, model.sources(s, fleet.all()));
const warmupMs = performance.now() - t;

const recompute: number[] = [];
const gaps: number[] = [];
const search: number[] = [];
for (let i = 0; i < 15; i++) {
  const id = pumps[(i * 7) % pumps.length]!;
  fleet.setStatus(id, 3, 'INC-B');
  t = performance.now();
  const r = model.compute(fire, model.sources(fire, fleet.all()));
  recompute.push(performance.now() - t);
  t = performance.now();
  model.gaps(r);
  gaps.push(performance.now() - t);
  if (i < 5) {
    t = performance.now();
    model.compute(fire, model.sources(fire, fleet.all()), { method: 'search' });
    search.push(performance.now() - t);
  }
  fleet.setStatus(id, 5);
  fleet.setStatus(id, 1);
}
// Moves: commit three pumps (a busy night), cold (fresh model, no trees) and warm.
for (const id of [pumps[0]!, pumps[5]!, pumps[9]!]) fleet.setStatus(id, 3, 'INC-M');
const cold = new CoverModel(planner, scenario);
t = performance.now();
const coldMoves = recommendMoves(cold, [...fleet.all()], { surface: 'fire:pump' });
const movesCold = performance.now() - t;
const warm: number[] = [];
let moves = coldMoves;
for (let i = 0; i < 5; i++) {
  t = performance.now();
  moves = recommendMoves(model, [...fleet.all()], { surface: 'fire:pump' });
  warm.push(performance.now() - t);
}
const out = {
  bench: 'cover',
  nodes: net.graph.nodeCount,
  edges: net.graph.edgeCount,
  demand_points: scenario.demand.length,
  fire_sources: pumps.length,
  setup_ms: +setupMs.toFixed(1),
  warmup_all_surfaces_ms: +warmupMs.toFixed(1),
  recompute_ms: +median(recompute).toFixed(1),
  gaps_ms: +median(gaps).toFixed(1),
  search_k2_ms: +median(search).toFixed(1),
  moves_ms: +median(warm).toFixed(1),
  moves_cold_ms: +movesCold.toFixed(1),
  best_move: moves[0] ? `${moves[0].resourceId} -> ${moves[0].destination.id} (+${moves[0].gainWeight})` : null,
  node: process.version,
  commit: execSync('git rev-parse --short HEAD').toString().trim(),
};
console.log(`cover on ${out.nodes} nodes, ${out.demand_points} demand points, ${out.fire_sources} pumps`);
console.log(`recompute after one status change (fire 1st+2nd, trees): median ${out.recompute_ms} ms; gap cells ${out.gaps_ms} ms; k=2 multi-source search ${out.search_k2_ms} ms`);
console.log(`standby moves: warm ${out.moves_ms} ms, cold ${out.moves_cold_ms} ms; best ${out.best_move}`);
console.log(JSON.stringify(out));
