/**
 * A Router (sim/fleet/fleet-sim.ts) that drives the planner's route at true speeds
 * (./true-traffic.ts): the vehicle follows the route the planner gives it, as a crew follows its
 * sat-nav, but each segment takes what the true traffic at the departure time says, times the
 * trip's own factor. Each segment's road is found by snapping its midpoint (route points are the
 * graph's own points, so the midpoint lies on the segment); an off-road gap is driven at
 * OFF_ROAD_KMH. `onTrip` sees every timed trip with the roads it used, in order: the ground truth
 * the calibration bench checks map matching and predictions against.
 */
import type { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { OFF_ROAD_KMH } from '../../server/core/graph/planner.ts';
import { MIN_KMH } from '../../server/core/graph/speed.ts';
import { haversineM } from '../../server/core/geo.ts';
import type { Router, Trip } from '../fleet/fleet-sim.ts';
import type { TrueTraffic } from './true-traffic.ts';

/** A trip as driven: its route, cumulative true seconds per point, and the roads (geometries) in order. */
export interface TimedTrip {
  trip: Trip;
  profile: string;
  coords: Array<[number, number]>;
  times: number[];
  seconds: number;
  /** The planner's predicted seconds for the same route (prior speeds). */
  priorS: number;
  geoms: number[];
}

export function trueRouter(planner: JourneyPlanner, traffic: TrueTraffic, onTrip?: (t: TimedTrip) => void): Router {
  return (from, to, profile, trip) => {
    let r;
    try {
      r = planner.eta(from, to, profile);
    } catch {
      return null; // off road: the FleetSim drives a straight line
    }
    if (!r) return null;
    if (!trip || planner.speed.isAir(profile)) return { coords: r.coords, seconds: r.seconds };
    const timed = timeRoute(planner, traffic, r.coords, profile, trip);
    onTrip?.({ trip, profile, coords: r.coords, ...timed, priorS: r.seconds });
    return { coords: r.coords, seconds: timed.seconds, times: timed.times };
  };
}

/** What times a route: speeds at a time for a driving mode, and one trip's factor (TrueTraffic, or a calibration). */
export type RouteTiming = Pick<TrueTraffic, 'modelAt' | 'tripFactor'>;

/** True seconds along a route's points for one trip, and the roads it used. */
export function timeRoute(
  planner: JourneyPlanner,
  traffic: RouteTiming,
  coords: ReadonlyArray<readonly [number, number]>,
  profile: string,
  trip: Trip,
): { times: number[]; seconds: number; geoms: number[] } {
  const g = planner.graph;
  const model = traffic.modelAt(trip.t, trip.blue);
  const tf = traffic.tripFactor(`${trip.resourceId}:${trip.t}`);
  const times = [0];
  const geoms: number[] = [];
  let acc = 0;
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1]!,
      b = coords[i]!;
    const m = haversineM(a[0], a[1], b[0], b[1]);
    let kmh = OFF_ROAD_KMH;
    if (m > 0) {
      const s = planner.snap((a[0] + b[0]) / 2, (a[1] + b[1]) / 2);
      if (s.offRoadM < 1) {
        const hw = g.highwayNames[g.slotHighway[s.slot]!] ?? 'default';
        const base = model.roadKmh(profile, hw, g.slotMaxspeed[s.slot]!);
        kmh = Math.max(MIN_KMH, base * model.roadFactor(s.geom));
        if (geoms[geoms.length - 1] !== s.geom) geoms.push(s.geom);
      }
    }
    acc += (m * 3.6) / (kmh * tf);
    times.push(acc);
  }
  return { times, seconds: acc, geoms };
}
