/**
 * The seeded fleets and incidents bench/recommend.ts and bench/cover.ts time recommendations on,
 * in one place so both benches measure exactly the same world (same seeds, same draws).
 */
import { seededRandom } from '../server/core/clock.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import type { ResourceDef, Scenario } from '../server/core/scenario/types.ts';

/** Fix time of every seeded position; recommendations are asked at this instant. */
export const BENCH_NOW = Date.UTC(2026, 0, 1, 9, 0, 0);

/** Anything that snaps a point to the road network, throwing when it is off it. */
export interface Snapper {
  snap(lat: number, lon: number): unknown;
}

/** A uniform point within the scenario's bounds that snaps to the network. */
export function randomPoint(base: Scenario, planner: Snapper, rnd: () => number): { lat: number; lon: number } {
  const B = base.bounds;
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

/**
 * n resources cloned from the scenario's, each at a random station; half stay at station, the rest
 * are mobile (20 %), returning (15 %), committed elsewhere (10 %) or unavailable (5 %) at a random
 * point on the network.
 */
export function seededFleet(
  base: Scenario,
  planner: Snapper,
  n: number,
  seed: number,
): { scenario: Scenario; fleet: Fleet } {
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
    const { lat, lon } = randomPoint(base, planner, rnd);
    if (u < 0.7) fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
    else if (u < 0.85) {
      fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
      fleet.setStatus(r.def.id, ResourceStatus.RETURNING);
    } else if (u < 0.95) fleet.setStatus(r.def.id, ResourceStatus.MOBILISED, 'OTHER');
    else fleet.setStatus(r.def.id, ResourceStatus.UNAVAILABLE);
    fleet.applyFix(r, lat, lon, rnd() * 360, rnd() < 0.5 ? 0 : 15, BENCH_NOW - 5_000, 5);
  }
  return { scenario, fleet };
}

/** n incidents of random types at random points on the network. */
export function seededIncidents(
  base: Scenario,
  planner: Snapper,
  n: number,
  seed: number,
): Array<{ typeId: string; lat: number; lon: number }> {
  const rnd = seededRandom(seed);
  const out = [];
  while (out.length < n) {
    const { lat, lon } = randomPoint(base, planner, rnd);
    out.push({ typeId: base.incidentTypes[Math.floor(rnd() * base.incidentTypes.length)]!.id, lat, lon });
  }
  return out;
}
