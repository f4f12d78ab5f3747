/**
 * `npm run bench -- recommend`: recommendation latency on the Hertfordshire network with 500 and
 * with 10,000 resources (seeded fleets: the scenario's resource types copied across its
 * stations; half at station, the rest mobile or returning somewhere on the network, some
 * committed or unavailable). Each fleet: warm-up, then 300 recommendations for seeded random
 * incidents of random types (cover impact of each candidate: 30 incidents, 500 resources only).
 * Last line: one JSON object with p50/p99 in ms.
 */
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { seededRandom } from '../server/core/clock.ts';
import { PlannerCover } from '../server/core/cover/impact.ts';
import { PlannerJourneyTimes } from '../server/core/incidents/journeys.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import type { ResourceDef, Scenario } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { loadScenarioNetwork } from '../server/shell/network/scenario-network.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';

const PATH = 'sim/scenarios/hertfordshire/scenario.json';
const base = loadScenario(PATH);
const t0 = performance.now();
const { graph, planner } = loadScenarioNetwork(PATH, base, createLogger('warn'));
console.log(`network: ${graph.nodeCount} nodes, ${graph.edgeCount} edges (${Math.round(performance.now() - t0)} ms to load)`);
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const B = base.bounds;

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
    let lat = 0;
    let lon = 0;
    for (;;) {
      lat = B.south + rnd() * (B.north - B.south);
      lon = B.west + rnd() * (B.east - B.west);
      try {
        planner.snap(lat, lon);
        break;
      } catch {
        // off the network: draw again
      }
    }
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
    const lat = B.south + rnd() * (B.north - B.south);
    const lon = B.west + rnd() * (B.east - B.west);
    try {
      planner.snap(lat, lon);
    } catch {
      continue;
    }
    out.push({ typeId: base.incidentTypes[Math.floor(rnd() * base.incidentTypes.length)]!.id, lat, lon });
  }
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

const journeys = new PlannerJourneyTimes(planner);
const coverModel = new PlannerCover(planner, base);
const result: Record<string, number> = {};
for (const n of [500, 10_000]) {
  const { scenario, fleet } = fleetOf(n, 42 + n);
  const jobs = incidents(300, 7);
  // The cover impact (server/core/cover/impact.ts, a first version) is seconds per call: timed on
  // 30 incidents with 500 resources only, so the run finishes.
  for (const withCover of n === 500 ? [false, true] : [false]) {
    const run = (j: { typeId: string; lat: number; lon: number }, i: number) => {
      const type = scenario.incidentTypes.find((t) => t.id === j.typeId)!;
      const cover = withCover ? coverModel.at(fleet, NOW) : null;
      return recommend({ scenario, fleet, incident: { id: `I${i}`, typeId: j.typeId, lat: j.lat, lon: j.lon, leadAgency: type.leadAgency }, now: NOW, journeys, cover });
    };
    for (let i = 0; i < (withCover ? 3 : 30); i++) run(jobs[i]!, i); // warm-up
    const ms: number[] = [];
    let timed = 0;
    let inBox = 0;
    const batch = withCover ? jobs.slice(0, 30) : jobs;
    batch.forEach((j, i) => {
      const s = performance.now();
      const rec = run(j, i);
      ms.push(performance.now() - s);
      timed += rec.search.timed;
      inBox += rec.search.inBox;
    });
    const key = withCover ? `_cover_${n}` : `_${n}`;
    result[`p50_ms${key}`] = r2(pct(ms, 50));
    result[`p99_ms${key}`] = r2(pct(ms, 99));
    console.log(`${n} resources, ${withCover ? 'with' : 'without'} cover impact: p50 ${r2(pct(ms, 50))} ms, p99 ${r2(pct(ms, 99))} ms; per recommendation ${Math.round(inBox / batch.length)} in the R-tree box, ${Math.round(timed / batch.length)} timed (fleet ${n})`);
  }
}
console.log(JSON.stringify({ bench: 'recommend', nodes: graph.nodeCount, ...result }));
