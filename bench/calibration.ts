/**
 * `npm run bench -- calibration [--days 14] [--seed 1] [--traffic-seed 7] [--rate 1] [--min-road-s 30]`: journey
 * times learnt from the room's own AVL (issue 19, docs/calibration.md), on a simulated run over
 * Hertfordshire with the true-traffic model (docs/simulator.md): learn from the first half (week
 * 1 of a fortnight), test on the second half (week 2).
 *
 *   - simulate: the headless simulator (dynamic mobilisation on the prior's journey times), its
 *     vehicles driving the planner's routes at true speeds, every trip's ground truth recorded
 *     (route, roads, true seconds) and the AVL reports (5 s on the move, GNSS noise sigma 4 m);
 *   - calibrate (timed, wall and CPU): cut week 1's AVL into trips by status, map-match them
 *     (server/core/calibration/), estimate the factors, judge them on held-out week-1 trips;
 *   - match_accuracy: share of the true routes' metres (week 1) on roads the matcher found;
 *   - mape_prior / mape_calibrated and bias: ETA error on week 2's emergency trips: the predicted
 *     seconds of the route as driven (the prior's, which the vehicle followed), by the prior and by
 *     the calibration in force for the band of departure, against the seconds it truly took;
 *     mape_truth: the same with the true traffic's expected speeds (no trip factor): the floor no
 *     calibration can go below, the trip-to-trip noise alone;
 *     mape_calibrated_own_route: the calibrated planner's ETA over its own quickest route instead
 *     (which may differ from the route driven, so it mixes route choice into the error), searched
 *     without the hour's bound of the recommender (a calibration may time a 56-minute trip of the
 *     prior's over the hour); a trip it cannot route at all stops the bench;
 *   - first_choice_prior / _calibrated: over week 2's incidents, the share where the unit ranked
 *     first (every road unit of the lead agency at its station, turnout included) is the truly
 *     quickest (expected true speeds at the time; a tie within 1 s counts as right).
 * Trips cut short by a new order are left out of the error and accuracy figures.
 */
import { seededRandom } from '../server/core/clock.ts';
import { calibratedModel, roadClassOf, roadFactorArray } from '../server/core/calibration/apply.ts';
import { learnCalibration } from '../server/core/calibration/learn.ts';
import { bandOf } from '../server/core/calibration/time-band.ts';
import { TripMatcher, type TripTrace } from '../server/core/calibration/trips.ts';
import { geomLength } from '../server/core/calibration/traversals.ts';
import { JourneyPlanner, type Candidate } from '../server/core/graph/planner.ts';
import type { Snap } from '../server/core/graph/snap.ts';
import { turnoutS } from '../server/core/graph/speed.ts';
import { readArgs } from '../server/shell/cli.ts';
import { runHeadless } from '../sim/headless.ts';
import { generateIncidents } from '../sim/incidents/generator.ts';
import { fromRecReport } from '../sim/record/format.ts';
import { timeRoute, trueRouter, type TimedTrip } from '../sim/traffic/true-router.ts';
import { HERTS_SCENARIO, loadWorld } from '../sim/world.ts';

const { values: v } = readArgs(
  {
    usage: 'usage: npm run bench -- calibration [--days 14] [--seed 1] [--traffic-seed 7] [--rate 1] [--min-road-s 30]',
    options: {
      days: { type: 'string' },
      seed: { type: 'string' },
      'traffic-seed': { type: 'string' },
      rate: { type: 'string' },
      'min-road-s': { type: 'string' },
    },
    positionals: false,
  },
  process.argv.slice(2),
);
const days = Number(v.days ?? 14);
const seed = Number(v.seed ?? 1);
const trafficSeed = Number(v['traffic-seed'] ?? 7);
const rate = Number(v.rate ?? 1);
const minRoadS = Number(v['min-road-s'] ?? 30);
const START = Date.UTC(2026, 0, 5, 0, 0, 0); // a Monday
const HALF = START + (days / 2) * 86_400_000;
const END = START + days * 86_400_000;
const log = (s: string) => process.stderr.write(s + '\n');

// ---- simulate
let t0 = performance.now();
const world = loadWorld(HERTS_SCENARIO, { trueTrafficSeed: trafficSeed });
const { scenario, planner } = world;
const traffic = world.trueTraffic!;
const g = planner.graph;
const trips: TimedTrip[] = [];
const router = trueRouter(planner, traffic, (t) => trips.push(t));
const incidents = generateIncidents(scenario, seededRandom(seed), START, END, {
  rateFactor: rate,
  place: world.onRoad,
});
const sim = runHeadless({
  scenario,
  planner,
  incidents,
  seed,
  startMs: START,
  durationMs: END - START,
  mode: 'dynamic',
  record: true,
  router,
});
const positions = new Map<string, Array<{ t: number; lat: number; lon: number }>>();
for (const l of sim.recording!.lines) {
  if (l.type !== 'avl') continue;
  for (const r of l.reports) {
    const p = fromRecReport(r, START);
    let list = positions.get(p.resourceId);
    if (!list) positions.set(p.resourceId, (list = []));
    list.push({ t: p.fixTimeMs, lat: p.lat, lon: p.lon });
  }
}
// a trip is cut short when the same resource sets off again before it would have arrived
const byRes = new Map<string, TimedTrip[]>();
for (const t of trips) {
  let l = byRes.get(t.trip.resourceId);
  if (!l) byRes.set(t.trip.resourceId, (l = []));
  l.push(t);
}
const whole = new Set<TimedTrip>();
for (const l of byRes.values()) {
  l.sort((a, b) => a.trip.t - b.trip.t);
  l.forEach((t, i) => {
    const next = l[i + 1];
    if (!next || next.trip.t >= t.trip.t + t.seconds * 1000) whole.add(t);
  });
}
const simS = (performance.now() - t0) / 1000;
log(
  `simulated ${days} days: ${incidents.length} incidents, ${trips.length} trips (${whole.size} whole) in ${simS.toFixed(1)} s`,
);

/** The AVL fixes of a trip, as the history holds them (cut by the status the trip was driven in). */
function traceOf(t: TimedTrip): TripTrace {
  const end = t.trip.t + t.seconds * 1000;
  const fixes = (positions.get(t.trip.resourceId) ?? []).filter((p) => p.t >= t.trip.t && p.t <= end);
  return { resourceId: t.trip.resourceId, profile: t.profile, blue: t.trip.blue, fixes };
}

// ---- calibrate on week 1 (timed)
const week1 = trips.filter((t) => t.trip.t < HALF && t.geoms.length > 0);
const classOf = roadClassOf(g);
t0 = performance.now();
const cpu0 = process.cpuUsage();
const matcher = new TripMatcher(planner);
const matched = week1.map((t) => matcher.match(traceOf(t)));
const matchWallS = (performance.now() - t0) / 1000;
const learnt = learnCalibration(matched, {
  zone: scenario.timezone,
  classOf,
  inForce: null,
  estimate: { minRoadS },
});
const cpu = process.cpuUsage(cpu0);
const wallS = (performance.now() - t0) / 1000;
const cpuS = (cpu.user + cpu.system) / 1e6;
const nTrav = matched.reduce((s, m) => s + m.traversals.length, 0);
log(
  `calibrated from ${week1.length} trips, ${nTrav} traversals: ${wallS.toFixed(1)} s wall (matching ${matchWallS.toFixed(1)} s), ${cpuS.toFixed(1)} s CPU`,
);
log(`held-out verdict: ${learnt.verdict.accept ? 'accept' : 'reject'}, ${learnt.verdict.reason}`);

// ---- map-matching accuracy against the true roads (week 1, whole trips)
let trueM = 0,
  foundM = 0;
week1.forEach((t, i) => {
  if (!whole.has(t)) return;
  const found = new Set(matched[i]!.traversals.map((x) => x.geom));
  for (const geom of new Set(t.geoms)) {
    const m = geomLength(g, geom);
    trueM += m;
    if (found.has(geom)) foundM += m;
  }
});
const matchAccuracy = trueM > 0 ? foundM / trueM : 0;

// ---- week 2: ETA error of emergency trips
const blueF = learnt.factors.blue;
const roads = roadFactorArray(blueF, g.geomStart.length - 1);
const calPlanners = new Map<string, JourneyPlanner>();
const calibratedAt = (t: number) => {
  const band = bandOf(scenario.timezone, t).band;
  let p = calPlanners.get(band);
  if (!p)
    calPlanners.set(band, (p = new JourneyPlanner(g, calibratedModel(scenario.speedProfiles, g, blueF, band, roads))));
  return p;
};
const truthPlanners = new Map<string, JourneyPlanner>();
const truthAt = (t: number) => {
  const band = bandOf(scenario.timezone, t).band;
  let p = truthPlanners.get(band);
  if (!p) truthPlanners.set(band, (p = new JourneyPlanner(g, traffic.modelAt(t, true))));
  return p;
};
const truthTiming = { modelAt: (t: number) => traffic.modelAt(t, true), tripFactor: () => 1 };
const calTiming = { modelAt: (t: number) => calibratedAt(t).speed, tripFactor: () => 1 };
let n = 0,
  absP = 0,
  absC = 0,
  absO = 0,
  absT = 0,
  sgnP = 0,
  sgnC = 0;
for (const t of trips) {
  if (t.trip.t < HALF || !t.trip.blue || !whole.has(t) || t.seconds <= 0) continue;
  const a = t.coords[0]!,
    b = t.coords[t.coords.length - 1]!;
  // no search bound: the planner's default (an hour, the recommender's horizon) would drop a
  // trip the calibration times just over it, and the trip the prior routed must be counted
  const cal = calibratedAt(t.trip.t).eta({ lat: a[0], lon: a[1] }, { lat: b[0], lon: b[1] }, t.profile, {
    maxS: Infinity,
  });
  if (!cal) throw new Error(`the calibrated planner has no route for ${t.trip.resourceId}'s trip at ${t.trip.t}`);
  absP += Math.abs(t.priorS - t.seconds) / t.seconds;
  sgnP += (t.priorS - t.seconds) / t.seconds;
  const onRoute = timeRoute(planner, calTiming, t.coords, t.profile, t.trip).seconds;
  absC += Math.abs(onRoute - t.seconds) / t.seconds;
  // the floor: the true expected speeds, wrong only by the trip's own factor
  const truth = timeRoute(planner, truthTiming, t.coords, t.profile, t.trip).seconds;
  absT += Math.abs(truth - t.seconds) / t.seconds;
  sgnC += (onRoute - t.seconds) / t.seconds;
  absO += Math.abs(cal.seconds - t.seconds) / t.seconds;
  n++;
}

// ---- week 2: is the unit ranked first truly the quickest?
const stations = new Map(scenario.stations.map((s) => [s.id, s]));
const snaps = new Map<string, Snap>();
const unitsOf = (agency: string): Candidate[] =>
  scenario.resources
    .filter((r) => r.agency === agency && !planner.speed.isAir(r.vehicleClass) && stations.has(r.station))
    .map((r) => {
      const st = stations.get(r.station)!;
      let snap = snaps.get(r.station);
      if (!snap) snaps.set(r.station, (snap = planner.snap(st.lat, st.lon)));
      return {
        id: r.id,
        profile: r.vehicleClass,
        lat: st.lat,
        lon: st.lon,
        snap,
        turnoutS: turnoutS(r, scenario.crewing),
      };
    });
let inc = 0,
  rightP = 0,
  rightC = 0;
for (const i of incidents) {
  if (i.t < HALF) continue;
  const units = unitsOf(i.leadAgency);
  if (units.length === 0) continue;
  const at = planner.snap(i.lat, i.lon);
  const truth = truthAt(i.t).candidatesToTarget(at, units);
  if (truth.length === 0) continue;
  const trueS = new Map(truth.map((c) => [c.id, c.seconds]));
  const best = truth[0]!.seconds;
  const firstP = planner.candidatesToTarget(at, units)[0];
  const firstC = calibratedAt(i.t).candidatesToTarget(at, units)[0];
  inc++;
  if (firstP && trueS.get(firstP.id)! <= best + 1) rightP++;
  if (firstC && trueS.get(firstC.id)! <= best + 1) rightC++;
}

const r4 = (x: number) => Math.round(x * 1e4) / 1e4;
const out = {
  bench: 'calibration',
  days,
  seed,
  min_road_s: minRoadS,
  traffic_seed: trafficSeed,
  incidents: incidents.length,
  trips_learnt: week1.length,
  traversals: nTrav,
  held_out_trips: n,
  mape_prior: r4(n ? absP / n : 0),
  mape_calibrated: r4(n ? absC / n : 0),
  mape_truth: r4(n ? absT / n : 0),
  mape_calibrated_own_route: r4(n ? absO / n : 0),
  bias_prior: r4(n ? sgnP / n : 0),
  bias: r4(n ? sgnC / n : 0),
  first_choice_incidents: inc,
  first_choice_prior: r4(inc ? rightP / inc : 0),
  first_choice_calibrated: r4(inc ? rightC / inc : 0),
  match_accuracy: r4(matchAccuracy),
  calibration_wall_s: Math.round(wallS * 10) / 10,
  calibration_cpu_s: Math.round(cpuS * 10) / 10,
  verdict: learnt.verdict.accept ? 'accept' : 'reject',
  roads_calibrated: Object.keys(blueF.roads).length,
  sim_s: Math.round(simS),
};
log(
  `week 2: ${n} emergency trips, MAPE prior ${(out.mape_prior * 100).toFixed(1)}% -> calibrated ${(out.mape_calibrated * 100).toFixed(1)}% (bias ${(out.bias * 100).toFixed(1)}%); first choice right ${(out.first_choice_prior * 100).toFixed(1)}% -> ${(out.first_choice_calibrated * 100).toFixed(1)}% of ${inc} incidents; match accuracy ${(matchAccuracy * 100).toFixed(1)}%`,
);
process.stdout.write(JSON.stringify(out) + '\n');
