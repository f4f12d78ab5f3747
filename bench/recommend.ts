/**
 * `npm run bench -- recommend [--sizes 500,10000] [--no-cover]`: recommendation latency on the
 * Hertfordshire network with 500 and with 10,000 resources (seeded fleets: the scenario's
 * resource types copied across its stations; half at station, the rest mobile or returning
 * somewhere on the network, some committed or unavailable). Each fleet: warm-up, then 300
 * recommendations for seeded random incidents of random types, wall and CPU time per call
 * (CPU: process.cpuUsage, all threads). Also the road work done: nodes settled per
 * recommendation.
 *
 * With the cover impact of every candidate (500 resources): the cover what-if
 * (server/core/cover/moves.ts whatIf, what the live CoverService.whatIf runs) over one CoverModel,
 *   - warm: the fleet has not moved since the last recommendation, so every source's tree is
 *     cached (the model's tree cache is sized to hold them all: maxTrees 1024);
 *   - moved: before each recommendation every mobile and returning resource has moved (a new
 *     AVL position), so their trees are rebuilt: the worst case of a live fleet.
 * Last line: one JSON object with p50/p99 in ms.
 */
import { loadavg } from 'node:os';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { seededRandom } from '../server/core/clock.ts';
import { CoverModel } from '../server/core/cover/model.ts';
import { PlannerCover } from '../server/core/cover/impact.ts';
import { SearchSpace } from '../server/core/graph/search.ts';
import { PlannerJourneyTimes } from '../server/core/incidents/journeys.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import type { ResourceDef, Scenario } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { loadScenarioNetwork } from '../server/shell/network/scenario-network.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const SIZES = (arg('--sizes') ?? '500,10000').split(',').map(Number);
const WITH_COVER = !argv.includes('--no-cover');

const PATH = 'sim/scenarios/hertfordshire/scenario.json';
const base = loadScenario(PATH);
const t0 = performance.now();
const { graph, planner } = loadScenarioNetwork(PATH, base, createLogger('warn'));
console.log(`network: ${graph.nodeCount} nodes, ${graph.edgeCount} edges (${Math.round(performance.now() - t0)} ms to load); load avg ${loadAvg()}`);
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const B = base.bounds;

function loadAvg(): string {
  return loadavg().map((x) => x.toFixed(2)).join(' ');
}

function randomPoint(rnd: () => number): { lat: number; lon: number } {
  for (;;) {
    const lat = B.south + rnd() * (B.north - B.south);
    const lon = B.west + rnd() * (B.east - B.west);
    try {
      planner.snap(lat, lon);
      return { lat, lon };
    } catch {
      // off the network: draw again
    }
  }
}

function fleetOf(n: number, seed: number): { scenario: Scenario; fleet: Fleet } {
  const rnd = seededRandom(seed);
  const resources: ResourceDef[] = [];
  for (let i = 0; i < n; i++) {
    const proto = base.resources[i % base.resources.length]!;
    const station = base.stations[Math.floor(rnd() * base.stations.length)]!;
    resources.push({ ...proto, id: `B${i}`, callSign: `B${i}`, station: station.id, trackers: [] });
  }
  const scenario: Scenario = { ...base, resources };
  const fleet = new Fleet(scenario);
  for (const r of fleet.all()) {
    const u = rnd();
    if (u < 0.5) continue;
    const { lat, lon } = randomPoint(rnd);
    if (u < 0.7) fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
    else if (u < 0.85) {
      fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
      fleet.setStatus(r.def.id, ResourceStatus.RETURNING);
    } else if (u < 0.95) fleet.setStatus(r.def.id, ResourceStatus.MOBILISED, 'OTHER');
    else fleet.setStatus(r.def.id, ResourceStatus.UNAVAILABLE);
    fleet.applyFix(r, lat, lon, rnd() * 360, rnd() < 0.5 ? 0 : 15, NOW - 5_000, 5);
  }
  return { scenario, fleet };
}

function incidents(n: number, seed: number): Array<{ typeId: string; lat: number; lon: number }> {
  const rnd = seededRandom(seed);
  const out = [];
  while (out.length < n) {
    const { lat, lon } = randomPoint(rnd);
    out.push({ typeId: base.incidentTypes[Math.floor(rnd() * base.incidentTypes.length)]!.id, lat, lon });
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

// Nodes settled, counted where every search settles one (the heap pop): deterministic work. The
// counting wrapper slows every pop, so it is installed only for a separate, untimed pass.
let settledNodes = 0;
const proto = SearchSpace.prototype as unknown as { pop: () => void };
const pop = proto.pop;
const countedPop = function (this: unknown) {
  settledNodes++;
  pop.call(this);
};

type Mode = 'none' | 'warm' | 'moved';
const journeys = new PlannerJourneyTimes(planner);
const result: Record<string, number> = {};
for (const n of SIZES) {
  const { scenario, fleet } = fleetOf(n, 42 + n);
  const jobs = incidents(300, 7);
  const modes: Mode[] = WITH_COVER && n === 500 ? ['none', 'warm', 'moved'] : ['none'];
  for (const mode of modes) {
    const cover = mode === 'none' ? null : new PlannerCover(planner, scenario, { model: new CoverModel(planner, scenario, { maxTrees: 1024 }) });
    const moveRnd = seededRandom(99);
    const mobile = [...fleet.all()].filter((r) => r.status === ResourceStatus.AVAILABLE_MOBILE || r.status === ResourceStatus.RETURNING);
    const run = (j: { typeId: string; lat: number; lon: number }, i: number) => {
      const type = scenario.incidentTypes.find((t) => t.id === j.typeId)!;
      return recommend({ scenario, fleet, incident: { id: `I${i}`, typeId: j.typeId, lat: j.lat, lon: j.lon, leadAgency: type.leadAgency }, now: NOW, journeys, cover: cover ? cover.at(fleet) : null });
    };
    const batch = mode === 'moved' ? jobs.slice(0, 20) : jobs;
    for (let i = 0; i < (mode === 'none' ? 30 : 5); i++) run(jobs[i]!, i); // warm-up (and, with cover, the station trees)
    const ms: number[] = [];
    const cpu: number[] = [];
    const settled: number[] = [];
    let timed = 0;
    let inBox = 0;
    let trees = 0;
    batch.forEach((j, i) => {
      if (mode === 'moved') for (const r of mobile) fleet.applyFix(r, r.lat + (moveRnd() - 0.5) * 2e-4, r.lon + (moveRnd() - 0.5) * 2e-4, r.headingDeg, r.speedMps, NOW - 1_000, 5);
      const trees0 = cover?.model.treeSearches ?? 0;
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const rec = run(j, i);
      ms.push(performance.now() - w0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
      trees += (cover?.model.treeSearches ?? 0) - trees0;
      timed += rec.search.timed;
      inBox += rec.search.inBox;
    });
    if (mode === 'none') {
      proto.pop = countedPop;
      batch.forEach((j, i) => {
        const s0 = settledNodes;
        run(j, i);
        settled.push(settledNodes - s0);
      });
      proto.pop = pop;
    }
    const key = mode === 'none' ? `_${n}` : `_cover_${mode}_${n}`;
    result[`p50_ms${key}`] = r2(pct(ms, 50));
    result[`p99_ms${key}`] = r2(pct(ms, 99));
    result[`cpu_p50_ms${key}`] = r2(pct(cpu, 50));
    result[`cpu_p99_ms${key}`] = r2(pct(cpu, 99));
    if (mode === 'none') {
      result[`settled_p50${key}`] = pct(settled, 50);
      result[`settled_p99${key}`] = pct(settled, 99);
    }
    console.log(
      `${n} resources, ${mode === 'none' ? 'without cover impact' : `with cover impact (what-if, ${mode})`}: ${batch.length} recommendations, ` +
        `wall p50 ${r2(pct(ms, 50))} ms, p99 ${r2(pct(ms, 99))} ms; CPU p50 ${r2(pct(cpu, 50))} ms, p99 ${r2(pct(cpu, 99))} ms; ` +
        (settled.length > 0 ? `nodes settled p50 ${pct(settled, 50)}, p99 ${pct(settled, 99)}; ` : '') +
        `per recommendation ${Math.round(inBox / batch.length)} in the R-tree box, ${Math.round(timed / batch.length)} timed` +
        (cover ? `, ${Math.round(trees / batch.length)} cover trees built` : ''),
    );
  }
}
console.log(`load avg ${loadAvg()}`);
// the two keys the issue names first, then the rest
const { p99_ms_500, p99_ms_10000, ...rest } = result;
console.log(JSON.stringify({ bench: 'recommend', nodes: graph.nodeCount, p99_ms_500, p99_ms_10000, ...rest }));
