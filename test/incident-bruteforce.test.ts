import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom, type Random } from '../server/core/clock.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { PlannerJourneyTimes, stationPoints } from '../server/core/incidents/journeys.ts';
import { fits, startOf, unavailableReason } from '../server/core/incidents/candidates.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import type { Agency, ResourceDef, Scenario } from '../server/core/scenario/types.ts';
import { goldenWorld } from './support/golden-world.ts';

/**
 * On random (seeded) fleets over the real north London network, the recommender's ranking for
 * every line equals a brute-force ranking: every resource in the fleet, each timed with the
 * planner's own candidate search (no R-tree, no straight-line pruning, no bound doubling); with
 * the search alone and with station trees (lookups for resources at stations, landmark A* for
 * mobile ones).
 */
const w = goldenWorld();
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const B = w.scenario.bounds;
const AGENCY_OF: Record<string, Agency> = { fire: 'fire', police: 'police', ambulance: 'ambulance', drone: 'fire' };
const CAPS: Record<string, string[]> = {
  fire: ['pump', 'co-responder', 'aerial'],
  police: ['police-response', 'search'],
  ambulance: ['paramedic'],
  drone: ['drone', 'thermal-imaging'],
};

function randomWorld(rnd: Random, n: number): { scenario: Scenario; fleet: Fleet } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  // Random points on the network (redrawn when farther than the snapping allowance from a road).
  const point = (): { lat: number; lon: number } => {
    for (;;) {
      const p = {
        lat: B.south + 0.003 + rnd() * (B.north - B.south - 0.006),
        lon: B.west + 0.005 + rnd() * (B.east - B.west - 0.01),
      };
      try {
        w.planner.snap(p.lat, p.lon);
        return p;
      } catch {
        // off the network: draw again
      }
    }
  };
  const stations = Array.from({ length: 12 }, (_, i) => ({
    id: `S${i}`,
    name: `S${i}`,
    agency: pick(['fire', 'police', 'ambulance'] as const),
    ...point(),
  }));
  const resources: ResourceDef[] = [];
  for (let i = 0; i < n; i++) {
    const cls = pick(['fire', 'fire', 'police', 'ambulance', 'drone']);
    const caps = CAPS[cls]!.filter((c, j) => j === 0 || rnd() < 0.4);
    resources.push({
      id: `R${String(i).padStart(3, '0')}`,
      callSign: `R${i}`,
      agency: AGENCY_OF[cls]!,
      type: cls,
      capabilities: caps,
      station: pick(stations).id,
      crewing: pick(['wholetime', 'on-call', 'mobile'] as const),
      vehicleClass: cls,
    });
  }
  const scenario: Scenario = { ...w.scenario, stations, resources };
  const fleet = new Fleet(scenario);
  for (const r of fleet.all()) {
    const u = rnd();
    if (u < 0.5) {
      // at station; some with a fresh fix, near the station or away from it (startOf's rule)
      if (u < 0.1) {
        const st = stations.find((s) => s.id === r.def.station)!;
        const p = u < 0.05 ? { lat: st.lat + 0.0008, lon: st.lon } : point();
        fleet.applyFix(r, p.lat, p.lon, rnd() * 360, rnd() < 0.5 ? 0 : 12, NOW - 5_000, 5);
      }
      continue;
    }
    const p = point();
    if (u < 0.65) fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
    else if (u < 0.8) {
      fleet.setStatus(r.def.id, ResourceStatus.AVAILABLE_MOBILE);
      fleet.setStatus(r.def.id, ResourceStatus.RETURNING);
    } else if (u < 0.9) fleet.setStatus(r.def.id, ResourceStatus.MOBILISED, 'OTHER');
    else fleet.setStatus(r.def.id, ResourceStatus.UNAVAILABLE);
    const stale = rnd() < 0.1;
    fleet.applyFix(r, p.lat, p.lon, rnd() * 360, rnd() < 0.5 ? 0 : 12, stale ? NOW - 600_000 : NOW - 5_000, 5);
  }
  return { scenario, fleet };
}

function bruteForce(
  scenario: Scenario,
  fleet: Fleet,
  typeId: string,
  lat: number,
  lon: number,
  extra: number,
): Array<Array<[string, number]>> {
  const type = scenario.incidentTypes.find((t) => t.id === typeId)!;
  const target = w.planner.snap(lat, lon);
  return type.attendance.map((line) => {
    const cands = [];
    for (const r of fleet.all()) {
      if (!fits(line, r) || unavailableReason(fleet, r, NOW) !== null) continue;
      const start = startOf(scenario, fleet, r, NOW);
      cands.push({
        id: r.def.id,
        profile: r.def.vehicleClass,
        lat: start.lat,
        lon: start.lon,
        turnoutS: start.turnoutS,
        ...(start.moving ? { headingDeg: r.headingDeg } : {}),
      });
    }
    const etas = w.planner.candidatesToTarget(target, cands, { maxS: 100_000, space: w.planner.newSpace() });
    return etas.slice(0, line.count + extra).map((e) => [e.id, Math.round(e.seconds)] as [string, number]);
  });
}

for (const seed of [1, 2, 3, 4, 5]) {
  test(`seed ${seed}: 300 random resources, 12 incidents: ranking = brute force`, () => {
    check(seed);
  });
}
function check(seed: number) {
  {
    const rnd = seededRandom(seed);
    const { scenario, fleet } = randomWorld(rnd, 300);
    // the search alone, and station trees for the stations with landmark A* for points farther
    // than 60 s (so that every path of PlannerJourneyTimes.within is taken)
    const plain = new PlannerJourneyTimes(w.planner);
    const treed = new PlannerJourneyTimes(w.planner, { stations: stationPoints(scenario), reverseS: 60 });
    while (treed.warmOne());
    let pruned = 0;
    let timed = 0;
    for (let k = 0; k < 12; k++) {
      const typeId = ['dwelling-fire', 'high-rise-fire', 'cardiac-arrest', 'missing-person-high-risk'][k % 4]!;
      let lat = 0;
      let lon = 0;
      for (;;) {
        lat = B.south + 0.004 + rnd() * (B.north - B.south - 0.008);
        lon = B.west + 0.006 + rnd() * (B.east - B.west - 0.012);
        try {
          w.planner.snap(lat, lon);
          break;
        } catch {
          // off the network: draw again
        }
      }
      const type = scenario.incidentTypes.find((t) => t.id === typeId)!;
      const want = bruteForce(scenario, fleet, typeId, lat, lon, 3);
      for (const journeys of [plain, treed]) {
        const rec = recommend({
          scenario: { ...scenario, rules: { coResponderRequiresCover: false } },
          fleet,
          incident: { id: `I${k}`, typeId, lat, lon, leadAgency: type.leadAgency },
          now: NOW,
          journeys,
          options: { initialS: 60 },
        });
        const got = rec.lines
          .filter((l) => !l.offered)
          .map((l) => l.candidates.map((c) => [c.resourceId, c.etaS] as [string, number]));
        assert.equal(
          got,
          want,
          `seed ${seed} incident ${k} (${typeId} at ${lat},${lon}), ${journeys === plain ? 'search only' : 'station trees'}`,
        );
        pruned += rec.search.pruned;
        timed += rec.search.timed;
      }
    }
    // The pruning did prune: fewer resources were timed than the fleet holds, over 12 incidents.
    assert.ok(timed < 2 * 12 * 300, `timed ${timed}`);
    assert.ok(pruned > 0, `pruned ${pruned}`);
    // the station trees were there
    assert.ok((treed.trees?.builds ?? 0) > 0);
  }
}

test.run();
