/**
 * The narrow view of journey time the recommender needs, and its adapter over the road graph's
 * JourneyPlanner (server/core/graph/planner.ts). The recommender never routes by itself; drones
 * (air profiles) fly straight lines.
 *
 * `within` is the recommender's way in; each question comes with a limit and gets the exact
 * drive if within it, else Infinity (docs/incidents.md):
 *   - from a station point with a warm station tree (station-trees.ts): a lookup;
 *   - within REVERSE_S of the incident: one lazy reverse search per profile, shared by every
 *     question, grown only as far as the limits need and resumed (never restarted);
 *   - farther: a landmark lower bound (no search if it proves the limit beaten), else one A* with
 *     the station trees and peripheral landmarks as ALT landmarks (landmarks.ts).
 * All three give the same number to the bit (quantised weights, JourneyPlanner.weights).
 * `toTarget` runs a whole bounded search up front (the quicker-resource watch): it is handed no
 * `until`, because the points it will be asked about are not known when it runs.
 */
import { haversineM } from '../geo.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { SearchSpace } from '../graph/search.ts';
import {
  buildLandmarks,
  landmarkTarget,
  LandmarkSearch,
  lowerBound,
  type Landmarks,
  type LandmarkTarget,
} from '../graph/landmarks.ts';
import { StationTrees, type StationTree } from '../graph/station-trees.ts';
import type { Weights } from '../graph/weights.ts';
import type { Scenario } from '../scenario/types.ts';

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
  /**
   * Is a time from this (fixed, heading-less) point a table lookup rather than search work (a
   * station tree)? The recommender times such candidates first, so that the k-th bests are tight
   * before any search has to grow. Absent: nothing is a lookup.
   */
  isLookup?(lat: number, lon: number, profile: string): boolean;
}

/** A fixed point whose journey times are worth a station tree: a station, with a road profile based there. */
export interface StationPoint {
  lat: number;
  lon: number;
  profile: string;
}

/** The (station position, vehicle class) of every resource in the scenario, once each. */
export function stationPoints(scenario: Pick<Scenario, 'stations' | 'resources'>): StationPoint[] {
  const at = new Map(scenario.stations.map((s) => [s.id, s]));
  const out = new Map<string, StationPoint>();
  for (const r of scenario.resources) {
    const st = at.get(r.station);
    if (st) out.set(`${r.vehicleClass}|${st.lat},${st.lon}`, { lat: st.lat, lon: st.lon, profile: r.vehicleClass });
  }
  return [...out.values()];
}

/** A planner's warm caches as plain typed arrays (PlannerJourneyTimes.warmParts, adopt): structured-cloneable. */
export interface WarmParts {
  weights: Record<string, Weights>;
  landmarks: Landmarks[];
  /** Each station point's tree (null: the point is off the network). */
  trees: Array<{ lat: number; lon: number; profile: string; times: Float64Array | null }>;
}

export interface PlannerJourneyTimesOptions {
  /**
   * Fixed points (stations) whose times to any incident come from a cached forward tree
   * (server/core/graph/station-trees.ts) instead of the incident's reverse search. A resource at
   * its station asks from exactly its station's position; only these points get trees, so the
   * cache holds at most one per point.
   */
  stations?: readonly StationPoint[];
  /**
   * With station trees: a question about a point that is not a station is answered by the
   * incident's lazy reverse search if the answer is within this many seconds, else by one A*
   * search with the station trees as landmarks (server/core/graph/landmarks.ts), so the reverse
   * search never grows past it. Default REVERSE_S; Infinity = the reverse search only.
   */
  reverseS?: number;
  /**
   * Build a missing station tree or landmark set when a question needs it (a cold cache makes
   * the first recommendations slow: ~6 ms a tree, ~16 searches per profile's landmarks). Default
   * false: questions use what warmOne() has built and the search for the rest, so no request pays
   * for filling the cache.
   */
  buildOnDemand?: boolean;
}

/**
 * See PlannerJourneyTimesOptions.reverseS. 600 rather than 300: with 10,000 resources the k-th
 * bests are near and 300 sent many candidates between 300 and 600 s to A*, each dearer than the
 * shared search they spared (bench/RESULTS.md: trees/search p99 1.04-1.14 at 300, 0.97-1.04 at
 * 600; 500 resources as good or better).
 */
export const REVERSE_S = 600;

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
  /** Station trees, for the scenario's station points only (null: none asked for). */
  readonly trees: StationTrees | null;
  /**
   * lat -> lon -> profile -> its station tree (undefined: not built yet; null: the point is off the
   * network). Numbers as keys: no key string per question.
   */
  private readonly treeAt = new Map<number, Map<number, Map<string, StationTree | null | undefined>>>();
  private readonly toWarm: StationPoint[];
  private readonly reverseS: number;
  private readonly onDemand: boolean;
  private landmarkSearch: LandmarkSearch | null = null;
  private readonly landmarks = new Map<string, Landmarks>();

  constructor(planner: JourneyPlanner, opts: PlannerJourneyTimesOptions = {}) {
    this.planner = planner;
    const st = opts.stations ?? [];
    this.trees = st.length > 0 ? new StationTrees(planner, { maxTrees: st.length }) : null;
    this.toWarm = st.filter((p) => !planner.speed.isAir(p.profile));
    for (const p of this.toWarm) {
      let byLon = this.treeAt.get(p.lat);
      if (!byLon) this.treeAt.set(p.lat, (byLon = new Map()));
      let profiles = byLon.get(p.lon);
      if (!profiles) byLon.set(p.lon, (profiles = new Map()));
      profiles.set(p.profile, undefined);
    }
    this.reverseS = opts.reverseS ?? REVERSE_S;
    this.onDemand = opts.buildOnDemand ?? false;
  }

  /** The profile's peripheral landmarks (landmarks.ts) if built (by warmOne, or on demand). */
  private landmarksOf(profile: string, build: boolean): Landmarks | null {
    let lm = this.landmarks.get(profile);
    if (!lm && build) this.landmarks.set(profile, (lm = buildLandmarks(this.planner, profile)));
    return lm ?? null;
  }

  /** The station tree from this point if it is a station point: built (or built now, on demand), else undefined. */
  private treeFrom(lat: number, lon: number, profile: string, build: boolean): StationTree | null | undefined {
    const at = this.treeAt.get(lat)?.get(lon);
    if (!at || !this.trees) return undefined;
    let t = at.get(profile);
    if (t === undefined && build && at.has(profile)) at.set(profile, (t = this.trees.tree(profile, lat, lon)));
    return t;
  }

  isLookup(lat: number, lon: number, profile: string): boolean {
    return this.treeFrom(lat, lon, profile, this.onDemand) !== undefined;
  }

  /**
   * Build the next landmark set or station tree not yet built; false when all are. For warming the
   * cache off the request path (one set or tree, a few to a hundred milliseconds, per call); until
   * then questions use the search (or build on demand, with buildOnDemand).
   */
  warmOne(): boolean {
    const trees = this.trees;
    if (!trees) return false;
    for (const p of this.toWarm) {
      if (this.landmarks.has(p.profile)) continue;
      this.landmarksOf(p.profile, true);
      return true;
    }
    for (;;) {
      const p = this.toWarm.pop();
      if (!p) return false;
      if (this.treeFrom(p.lat, p.lon, p.profile, false) !== undefined) continue;
      this.treeFrom(p.lat, p.lon, p.profile, true);
      return true;
    }
  }

  /**
   * Build every landmark set and station tree not yet built and hand them out (with the weights
   * they were searched over) as plain typed arrays: what a worker thread builds for `adopt` on
   * the main thread (server/shell/calibration/band-worker.ts).
   */
  warmParts(): WarmParts {
    while (this.warmOne());
    const profiles = new Set([...this.landmarks.keys()]);
    const trees: WarmParts['trees'] = [];
    for (const [lat, byLon] of this.treeAt)
      for (const [lon, byProfile] of byLon)
        for (const [profile, t] of byProfile) {
          profiles.add(profile);
          if (t !== undefined) trees.push({ lat, lon, profile, times: t?.times ?? null });
        }
    const weights: WarmParts['weights'] = {};
    for (const p of profiles) weights[p] = this.planner.weights(p);
    return { weights, landmarks: [...this.landmarks.values()], trees };
  }

  /**
   * Take what `warmParts` built over a planner of the same graph and speeds: the same numbers to
   * the bit, so every answer is what building here would give, without a search on this thread.
   */
  adopt(parts: WarmParts): void {
    for (const [profile, w] of Object.entries(parts.weights)) this.planner.useWeights(profile, w);
    for (const lm of parts.landmarks) if (!this.landmarks.has(lm.profile)) this.landmarks.set(lm.profile, lm);
    for (const t of parts.trees) {
      const at = this.treeAt.get(t.lat)?.get(t.lon);
      if (this.trees && at?.get(t.profile) === undefined && at?.has(t.profile))
        at.set(t.profile, this.trees.adopt(t.profile, t.lat, t.lon, t.times));
    }
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
    const trees = this.trees;
    const reverseS = this.reverseS;
    let lt: LandmarkTarget | null = null;
    return (la, lo, limitS, heading) => {
      if (trees && heading === undefined) {
        const tree = this.treeFrom(la, lo, profile, this.onDemand);
        if (tree === null) return Infinity; // a station off the network: so would the search say
        if (tree) {
          // a station: read off its tree (the same seconds the search would give, to the bit)
          const t = tree.timeTo(target);
          return t <= limitS ? t : Infinity;
        }
      }
      const s = this.snapOf(la, lo, heading);
      if (!s) return Infinity;
      if (!trees || limitS <= reverseS) return field.timeFrom(s, limitS);
      // near: the reverse search (shared by every near question); beyond it one A* for this point
      const near = field.timeFrom(s, reverseS);
      if (near < Infinity) return near;
      lt ??= landmarkTarget(
        this.planner,
        target,
        profile,
        trees.built(profile),
        this.landmarksOf(profile, this.onDemand),
      );
      if (lt.fwd.length + lt.rev.length === 0) return field.timeFrom(s, limitS); // nothing warm yet
      // no search at all when the landmarks prove it slower than the limit
      const offS = this.planner.offRoadS(s),
        offT = this.planner.offRoadS(target);
      if (lowerBound(lt, s, this.planner.graph) + offS + offT > limitS) return Infinity;
      this.landmarkSearch ??= new LandmarkSearch(this.planner.graph.nodeCount);
      return this.landmarkSearch.timeTo(this.planner, lt, s, limitS);
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
