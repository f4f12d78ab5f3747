/**
 * The narrow view of journey time the recommender needs, and its adapter over the road graph's
 * JourneyPlanner (server/core/graph/planner.ts). The recommender never routes by itself: it asks
 * for one reverse search per road profile (incident → all nodes) and reads each candidate's time
 * from it; drones (air profiles) fly straight lines.
 *
 * `within` is the recommender's way in: a lazy search that grows only as far as the limits it is
 * asked with, resumed (never restarted) when a later question needs more; so a line whose
 * capability is rare costs one longer search, not a search per bound. `toTarget` runs a whole
 * bounded search up front (the quicker-resource watch): it is handed no `until`, because the
 * points it will be asked about are not known when it runs.
 */
import { haversineM } from '../geo.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { SearchSpace } from '../graph/search.ts';

/** Driving seconds from a point to the target; Infinity if beyond the search bound (or off-road). */
export type TimeFrom = (lat: number, lon: number, headingDeg?: number) => number;

/** Driving seconds from a point to the target if at most limitS (exact), else Infinity (also off-road). */
export type TimeWithin = (lat: number, lon: number, limitS: number, headingDeg?: number) => number;

export interface JourneyTimes {
  /** One bounded reverse search from the target for a profile; valid until the next call for the same profile. */
  toTarget(lat: number, lon: number, profile: string, maxS: number): TimeFrom;
  /** A lazy reverse search from the target for a profile; valid until the next call for the same profile. */
  within(lat: number, lon: number, profile: string): TimeWithin;
  /**
   * An upper bound on the profile's speed anywhere (m/s), so that straight metres / this is a lower
   * bound on the drive: what the R-tree pruning relies on.
   */
  maxSpeedMps(profile: string): number;
  /** Does the profile fly (straight line, no network)? */
  isAir(profile: string): boolean;
}

/**
 * A safety factor on the straight-line lower bound: network lengths and snapping offsets are
 * measured with small planar approximations, so the bound is taken 1% lower than the raw ratio.
 */
export const LOWER_BOUND_FACTOR = 0.99;

/** JourneyTimes over the road graph's planner. Keeps one SearchSpace per profile. */
export class PlannerJourneyTimes implements JourneyTimes {
  private readonly planner: JourneyPlanner;
  private readonly spaces = new Map<string, SearchSpace>();
  private readonly vmax = new Map<string, number>();
  /** Snaps of fixed points (stations) do not change: cache them by position. */
  private readonly snapCache = new Map<string, ReturnType<JourneyPlanner['snap']> | null>();

  constructor(planner: JourneyPlanner) {
    this.planner = planner;
  }

  isAir(profile: string): boolean {
    return this.planner.speed.isAir(profile);
  }

  maxSpeedMps(profile: string): number {
    let v = this.vmax.get(profile);
    if (v !== undefined) return v;
    if (this.isAir(profile)) v = this.planner.speed.airKmh(profile) / 3.6;
    else {
      const g = this.planner.graph;
      const { fwd } = this.planner.weights(profile);
      let best = this.planner.offRoadKmh / 3.6;
      for (let e = 0; e < g.edgeCount; e++) {
        const s = fwd[e]!;
        if (s > 0) {
          const mps = g.lengthM[e]! / s;
          if (mps > best) best = mps;
        }
      }
      v = best;
    }
    this.vmax.set(profile, v);
    return v;
  }

  private snapOf(lat: number, lon: number, headingDeg: number | undefined) {
    if (headingDeg !== undefined) {
      try {
        return this.planner.snap(lat, lon, { headingDeg });
      } catch {
        return null;
      }
    }
    const key = `${lat},${lon}`;
    let s = this.snapCache.get(key);
    if (s !== undefined) return s;
    try {
      s = this.planner.snap(lat, lon);
    } catch {
      s = null;
    }
    if (this.snapCache.size > 100_000) this.snapCache.clear();
    this.snapCache.set(key, s);
    return s;
  }

  toTarget(lat: number, lon: number, profile: string, maxS: number): TimeFrom {
    if (this.isAir(profile)) {
      const speed = this.planner.speed;
      return (la, lo) => speed.airSeconds(profile, haversineM(la, lo, lat, lon));
    }
    const target = this.snapOf(lat, lon, undefined);
    if (!target) return () => Infinity;
    let space = this.spaces.get(profile);
    if (!space) this.spaces.set(profile, (space = this.planner.newSpace()));
    const field = this.planner.timesToTarget(target, profile, { maxS, space });
    return (la, lo, heading) => {
      const s = this.snapOf(la, lo, heading);
      if (!s) return Infinity;
      return field.timeFrom(s);
    };
  }

  within(lat: number, lon: number, profile: string): TimeWithin {
    if (this.isAir(profile)) {
      const speed = this.planner.speed;
      return (la, lo, limitS) => {
        const s = speed.airSeconds(profile, haversineM(la, lo, lat, lon));
        return s <= limitS ? s : Infinity;
      };
    }
    const target = this.snapOf(lat, lon, undefined);
    if (!target) return () => Infinity;
    let space = this.spaces.get(profile);
    if (!space) this.spaces.set(profile, (space = this.planner.newSpace()));
    const field = this.planner.lazyTimesToTarget(target, profile, { space });
    return (la, lo, limitS, heading) => {
      const s = this.snapOf(la, lo, heading);
      if (!s) return Infinity;
      return field.timeFrom(s, limitS);
    };
  }
}

/**
 * Straight lines at a fixed speed per profile: for unit tests of the recommender's logic (and a
 * fallback when no road network is loaded). Not a prediction of real driving times.
 */
export class StraightLineJourneyTimes implements JourneyTimes {
  private readonly kmh: Readonly<Record<string, number>>;
  private readonly air: ReadonlySet<string>;

  constructor(kmh: Readonly<Record<string, number>>, air: readonly string[] = []) {
    this.kmh = kmh;
    this.air = new Set(air);
  }

  isAir(profile: string): boolean {
    return this.air.has(profile);
  }

  maxSpeedMps(profile: string): number {
    return (this.kmh[profile] ?? 30) / 3.6;
  }

  toTarget(lat: number, lon: number, profile: string, maxS: number): TimeFrom {
    const v = this.maxSpeedMps(profile);
    return (la, lo) => {
      const s = haversineM(la, lo, lat, lon) / v;
      return s <= maxS ? s : Infinity;
    };
  }

  within(lat: number, lon: number, profile: string): TimeWithin {
    const v = this.maxSpeedMps(profile);
    return (la, lo, limitS) => {
      const s = haversineM(la, lo, lat, lon) / v;
      return s <= limitS ? s : Infinity;
    };
  }
}
