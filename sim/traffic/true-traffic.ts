/**
 * The simulator's ground truth for journey times ("true traffic"): how fast roads really are, as
 * opposed to the scenario's speed profiles, which are what the planner assumes. Pure and seeded.
 *
 * A road's true speed for a trip = the profile's speed (the prior, SpeedModel) x
 *   class factor   CLASS_FACTORS[day type][part of day][road class group], routine driving;
 *   road factor    one draw per road (graph geometry), log-normal with sigma ROAD_SIGMA, median 1;
 *   trip factor    one draw per trip, log-normal with sigma TRIP_SIGMA (the driver, the lights).
 *
 * Blue-light rule: a vehicle under blue lights is slowed by congestion less than other traffic:
 * its class factor is the square root of the routine one (half the slowdown in log terms: a road
 * at 0.49 of the profile's speed at 8 a.m. is driven at 0.7 under blue lights), capped at 1. The
 * road factor (bends, calming, junction layout) applies to both in full. Routine driving
 * (returning, standby moves) also keeps to ROUTINE_FACTOR of the blue-light profile on a clear road.
 *
 * docs/simulator.md documents the tables.
 */
import type { RoadGraph } from '../../server/core/graph/build.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { bandOf, type DayPart, type DayType } from '../../server/core/calibration/time-band.ts';
import type { SpeedProfile } from '../../server/core/scenario/types.ts';
import { gaussian, hashUnit } from '../fleet/movement.ts';

export const CLASS_GROUPS = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'minor'] as const;
export type ClassGroup = (typeof CLASS_GROUPS)[number];

/** Routine traffic's speed over the profile's, by day type, part of day and class group (order of CLASS_GROUPS). */
export const CLASS_FACTORS: Readonly<Record<DayType, Readonly<Record<DayPart, readonly number[]>>>> = {
  weekday: {
    night: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    am: [0.5, 0.55, 0.55, 0.6, 0.7, 0.8],
    inter: [0.85, 0.85, 0.8, 0.85, 0.9, 0.9],
    pm: [0.55, 0.55, 0.6, 0.65, 0.7, 0.8],
    evening: [0.95, 0.9, 0.9, 0.9, 0.95, 0.95],
  },
  weekend: {
    night: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    am: [0.95, 0.95, 0.9, 0.95, 0.95, 0.95],
    inter: [0.8, 0.75, 0.7, 0.75, 0.85, 0.9],
    pm: [0.85, 0.8, 0.75, 0.8, 0.85, 0.9],
    evening: [0.95, 0.95, 0.9, 0.9, 0.95, 0.95],
  },
};

/** Spread of one road's factor (log-normal sigma). */
export const ROAD_SIGMA = 0.2;
/** Spread of one trip's factor (log-normal sigma). */
export const TRIP_SIGMA = 0.05;
/** Routine driving on a clear road, as a share of the blue-light profile's speed. */
export const ROUTINE_FACTOR = 0.85;

/** The class group of an OSM highway class (links count as their parent). */
export function classGroup(highway: string): ClassGroup {
  const base = highway.endsWith('_link') ? highway.slice(0, -5) : highway;
  return (CLASS_GROUPS as readonly string[]).includes(base) ? (base as ClassGroup) : 'minor';
}

/** The congestion factor of a class at a time of day for blue-light (true) or routine (false) driving. */
export function classFactor(day: DayType, part: DayPart, group: ClassGroup, blue: boolean): number {
  const f = CLASS_FACTORS[day][part][CLASS_GROUPS.indexOf(group)]!;
  return blue ? Math.min(1, Math.sqrt(f)) : ROUTINE_FACTOR * f;
}

export interface TrueTrafficOptions {
  seed: number;
  /** The scenario's time zone (bands are local hours). */
  zone: string;
  roadSigma?: number;
  tripSigma?: number;
}

export class TrueTraffic {
  readonly seed: number;
  readonly zone: string;
  /** Each road's own factor, by graph geometry. */
  readonly roads: Float32Array;
  private readonly tripSigma: number;
  private readonly models = new Map<string, SpeedModel>();

  constructor(
    readonly graph: RoadGraph,
    readonly profiles: Readonly<Record<string, SpeedProfile>>,
    o: TrueTrafficOptions,
  ) {
    this.seed = o.seed;
    this.zone = o.zone;
    this.tripSigma = o.tripSigma ?? TRIP_SIGMA;
    const sigma = o.roadSigma ?? ROAD_SIGMA;
    const n = graph.geomStart.length - 1;
    this.roads = new Float32Array(n);
    for (let geom = 0; geom < n; geom++) this.roads[geom] = logNormal(o.seed, `road:${geom}`, sigma);
  }

  /**
   * The expected true speeds at time t (no trip factor) as a SpeedModel over the same profiles:
   * route and time with it to find what is truly quickest. One model per band and driving mode.
   */
  modelAt(t: number, blue: boolean): SpeedModel {
    const b = bandOf(this.zone, t);
    return this.model(b.day, b.part, blue);
  }

  model(day: DayType, part: DayPart, blue: boolean): SpeedModel {
    const key = `${day}-${part}-${blue ? 'blue' : 'routine'}`;
    let m = this.models.get(key);
    if (!m) {
      const byClass: Record<string, number> = {};
      for (const hw of this.graph.highwayNames) byClass[hw] = classFactor(day, part, classGroup(hw), blue);
      byClass.default = classFactor(day, part, 'minor', blue);
      const calibration: Record<string, Record<string, number>> = {};
      for (const p of Object.keys(this.profiles)) calibration[p] = byClass;
      m = new SpeedModel(this.profiles, { calibration, roads: this.roads });
      this.models.set(key, m);
    }
    return m;
  }

  /** One trip's factor (its driver, its lights), the same for the same key. */
  tripFactor(key: string): number {
    return logNormal(this.seed, `trip:${key}`, this.tripSigma);
  }
}

/** exp(sigma x a standard normal drawn from (seed, key)). */
function logNormal(seed: number, key: string, sigma: number): number {
  if (sigma <= 0) return 1;
  return Math.exp(sigma * gaussian(hashUnit(seed, key + ':a'), hashUnit(seed, key + ':b')));
}
