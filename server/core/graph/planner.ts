/**
 * JourneyPlanner: predicted journey times over the road graph, for mobilisation, cover and the map.
 *
 *   const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
 *   const at = planner.snap(lat, lon);                    // Snap, or JCR_OFF_ROAD
 *
 *   // (a) incident -> all candidates: ONE bounded search over the reverse graph per road profile
 *   //     present among the candidates (drones fly straight lines, no search); it stops as soon as
 *   //     every candidate's time is final. Give each candidate its cached `snap` (re-snap a vehicle
 *   //     when it moves, with its heading; a station's snap never changes): snapping costs ~5-20 us
 *   //     a point, reading a time off the search well under 1 us.
 *   planner.candidatesToTarget(at, candidates, { maxS: 1800 }) -> CandidateEta[] fastest first
 *   planner.timesToTarget(at, 'fire', { maxS })            -> TargetField: .timeFrom(snap), .nodeTime(v)
 *   planner.lazyTimesToTarget(at, 'fire')                  -> LazyTargetField: .timeFrom(snap, limitS)
 *       the same reverse search, grown only as far as each question's limit needs (resumed, never
 *       restarted): for the recommender, which learns how far it must look while it ranks.
 *
 *   // (b) cover: one multi-source search from all available resources
 *   planner.timesFromSources([{ snap, offsetS }], 'fire', { maxS }) -> SourceField: .timeTo(snap) -> { seconds, source }
 *
 *   // (c) the route of one resource, for the map
 *   planner.route(fromSnap, toSnap, 'fire')                -> Route { seconds, metres, coords } | null
 *   planner.eta(from, to, 'fire')                           -> Route (snaps both ends; straight line for air)
 *
 * Times include: the off-road gap at each end at OFF_ROAD_KMH, the partial edge from each snapped
 * position to the edge's end, and (candidates) `turnoutS` for a resource at its station. Edge
 * weights are seconds as Float32Array per profile, computed once from the SpeedModel.
 *
 * Fields (TargetField, SourceField) read a SearchSpace that the next query on the same space
 * overwrites: use them before the next query, or pass your own `space: planner.newSpace()`.
 * A stale field throws rather than answer wrongly.
 *
 * Beside it: ./weights.ts (the quantised edge seconds), ./fields.ts (the fields), ./route.ts (one
 * route's geometry), ./search.ts (the Dijkstra all of them run).
 */
import { haversineM } from '../geo.ts';
import type { RoadGraph } from './build.ts';
import {
  AirSourceField,
  LazyTargetField,
  RoadSourceField,
  TargetField,
  type SourceField,
  type SourceSpec,
} from './fields.ts';
import { airRoute, roadRoute, type Route } from './route.ts';
import { SearchSpace } from './search.ts';
import { snapPoint, type Snap, type SnapOptions } from './snap.ts';
import type { SpeedModel } from './speed.ts';
import { posOf, roadWeights, type RoadMeasure, type Weights } from './weights.ts';

/** Speed over the off-road gap between a point and its road (yard, car park, field track). */
export const OFF_ROAD_KMH = 15;
/** Default search bound: one hour. */
export const DEFAULT_MAX_S = 3600;

export interface PlannerOptions {
  /** Snapping allowance, metres (default 500). */
  maxSnapM?: number;
  /** Off-road speed, km/h (default OFF_ROAD_KMH). */
  offRoadKmh?: number;
}

export interface QueryOptions {
  /** Bound on the search, seconds of driving (default DEFAULT_MAX_S). */
  maxS?: number;
  /** A space of your own, so the answer survives other queries. */
  space?: SearchSpace;
}

export interface Candidate {
  id: string;
  /** Speed profile key (the resource's vehicleClass). */
  profile: string;
  lat: number;
  lon: number;
  /** Pre-computed snap of (lat, lon); snapped on the fly (with headingDeg) when absent. */
  snap?: Snap;
  headingDeg?: number;
  /** Added to the drive, e.g. the crewing's turnout for a resource at its station. */
  turnoutS?: number;
}

export interface CandidateEta {
  id: string;
  profile: string;
  /** turnoutS + driveS. */
  seconds: number;
  driveS: number;
  turnoutS: number;
}

export class JourneyPlanner implements RoadMeasure {
  readonly graph: RoadGraph;
  readonly speed: SpeedModel;
  readonly maxSnapM: number;
  readonly offRoadKmh: number;
  private readonly weightCache = new Map<string, Weights>();
  private readonly space: SearchSpace;

  constructor(graph: RoadGraph, speed: SpeedModel, opts: PlannerOptions = {}) {
    this.graph = graph;
    this.speed = speed;
    this.maxSnapM = opts.maxSnapM ?? 500;
    this.offRoadKmh = opts.offRoadKmh ?? OFF_ROAD_KMH;
    this.space = new SearchSpace(graph.nodeCount);
  }

  newSpace(): SearchSpace {
    return new SearchSpace(this.graph.nodeCount);
  }

  snap(lat: number, lon: number, opts: SnapOptions = {}): Snap {
    return snapPoint(this.graph, lat, lon, { maxSnapM: this.maxSnapM, ...opts });
  }

  offRoadS(snap: Snap): number {
    return (snap.offRoadM * 3.6) / this.offRoadKmh;
  }

  /**
   * Seconds of a road profile, computed once (roadWeights in ./weights.ts): quantised so that a
   * forward and a reverse search give the same time to the bit.
   */
  weights(profile: string): Weights {
    let w = this.weightCache.get(profile);
    if (!w) this.weightCache.set(profile, (w = roadWeights(this.graph, this.speed, profile)));
    return w;
  }

  /** Take a profile's weights computed elsewhere from the same graph and speeds (a worker thread), unless held. */
  useWeights(profile: string, w: Weights): void {
    if (!this.weightCache.has(profile)) this.weightCache.set(profile, w);
  }

  /** Seconds from the start of the snap's geometry to the snapped point, and the geometry's whole seconds. */
  position(s: Snap, w: Weights): { pos: number; total: number } {
    return { pos: posOf(s, w), total: w.total[s.geom]! };
  }

  /** Metres from the start of the snap's geometry to the snapped point. */
  positionM(s: Snap): number {
    const g = this.graph;
    let m = 0;
    for (let i = g.geomStart[s.geom]!; i < s.slot; i++) m += g.slotLenM[i]!;
    return m + s.t * g.slotLenM[s.slot]!;
  }

  /**
   * Times from every vertex to the target point, over the reverse graph, bounded by maxS. With
   * `until`, the search may stop as soon as the times from those snapped points are final.
   */
  timesToTarget(target: Snap, profile: string, opts: QueryOptions & { until?: readonly Snap[] } = {}): TargetField {
    const g = this.graph;
    const w = this.weights(profile);
    const sp = opts.space ?? this.space;
    const stamp = sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    const e = target.edge;
    const tw = g.twin[e]!;
    const { pos, total } = this.position(target, w);
    sp.offer(g.tail[e]!, pos, 0, e);
    if (tw >= 0) sp.offer(g.head[e]!, total - pos, 0, tw);
    if (target.vertex >= 0) sp.offer(target.vertex, 0, 0, -1);
    if (opts.until) {
      for (const u of opts.until) {
        if (u.vertex >= 0) sp.need(u.vertex);
        if (u.forward) sp.need(g.head[u.edge]!);
        if (u.backward) sp.need(g.tail[u.edge]!);
      }
    }
    sp.run(g, w.rev, true);
    return new TargetField(this, sp, stamp, target, w);
  }

  /**
   * A reverse search from the target that has not run yet: each LazyTargetField.timeFrom(snap,
   * limitS) grows it just far enough to answer exactly (or to prove the time exceeds limitS).
   */
  lazyTimesToTarget(target: Snap, profile: string, opts: { space?: SearchSpace } = {}): LazyTargetField {
    const g = this.graph;
    const w = this.weights(profile);
    const sp = opts.space ?? this.space;
    const stamp = sp.begin(0);
    const e = target.edge;
    const tw = g.twin[e]!;
    const { pos, total } = this.position(target, w);
    // seeded exactly as timesToTarget, so both answer the same seconds
    sp.offer(g.tail[e]!, pos, 0, e);
    if (tw >= 0) sp.offer(g.head[e]!, total - pos, 0, tw);
    if (target.vertex >= 0) sp.offer(target.vertex, 0, 0, -1);
    return new LazyTargetField(this, sp, stamp, target, w);
  }

  /** One multi-source search from all sources (e.g. all available resources), for cover. */
  timesFromSources(sources: readonly SourceSpec[], profile: string, opts: QueryOptions = {}): SourceField {
    if (this.speed.isAir(profile)) return new AirSourceField(this, sources, profile);
    const g = this.graph;
    const w = this.weights(profile);
    const sp = opts.space ?? this.space;
    const stamp = sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    sources.forEach((s, i) => {
      const off = (s.offsetS ?? 0) + this.offRoadS(s.snap);
      const e = s.snap.edge;
      const { pos, total } = this.position(s.snap, w);
      if (s.snap.forward) sp.offer(g.head[e]!, off + total - pos, i, -1);
      if (s.snap.backward) sp.offer(g.tail[e]!, off + pos, i, -1);
      if (s.snap.vertex >= 0) sp.offer(s.snap.vertex, off, i, -1);
    });
    sp.run(g, w.fwd, false);
    return new RoadSourceField(this, sp, stamp, sources, w);
  }

  /**
   * Every candidate's predicted time to the target (turnout + drive), fastest first (ties within a
   * millisecond in input order); candidates whose drive exceeds maxS are left out. One reverse
   * search per road profile present among the candidates; air profiles fly straight lines.
   */
  candidatesToTarget(target: Snap, candidates: readonly Candidate[], opts: QueryOptions = {}): CandidateEta[] {
    const maxS = opts.maxS ?? DEFAULT_MAX_S;
    const n = candidates.length;
    const drive = new Float64Array(n).fill(Infinity);
    const targetOffS = this.offRoadS(target);
    const profiles = new Set<string>();
    for (const c of candidates) profiles.add(c.profile);
    const snaps: Array<Snap | undefined> = new Array<Snap | undefined>(n);
    for (const profile of profiles) {
      if (this.speed.isAir(profile)) {
        for (let i = 0; i < n; i++) {
          const c = candidates[i]!;
          if (c.profile !== profile) continue;
          const d = this.speed.airSeconds(profile, haversineM(c.lat, c.lon, target.lat, target.lon));
          if (d <= maxS) drive[i] = d;
        }
        continue;
      }
      const until: Snap[] = [];
      for (let i = 0; i < n; i++) {
        const c = candidates[i]!;
        if (c.profile !== profile) continue;
        const snap = c.snap ?? this.snap(c.lat, c.lon, c.headingDeg === undefined ? {} : { headingDeg: c.headingDeg });
        snaps[i] = snap;
        until.push(snap);
      }
      // stops once every candidate's time is final (or at maxS)
      const field = this.timesToTarget(target, profile, { ...opts, until });
      for (let i = 0; i < n; i++) {
        const snap = snaps[i];
        if (snap === undefined || candidates[i]!.profile !== profile) continue;
        const d = field.timeFrom(snap);
        if (d - this.offRoadS(snap) - targetOffS <= maxS) drive[i] = d;
      }
    }
    // sort by (milliseconds, input index) with one native numeric sort of packed keys
    let reach = 0;
    for (let i = 0; i < n; i++) if (drive[i]! < Infinity) reach++;
    const bits = Math.max(1, Math.ceil(Math.log2(n + 1)));
    const scale = 2 ** bits;
    const keys = new Float64Array(reach);
    reach = 0;
    for (let i = 0; i < n; i++) {
      if (drive[i]! === Infinity) continue;
      const total = (candidates[i]!.turnoutS ?? 0) + drive[i]!;
      keys[reach++] = Math.round(total * 1000) * scale + i;
    }
    keys.sort();
    const out: CandidateEta[] = new Array<CandidateEta>(reach);
    for (let k = 0; k < reach; k++) {
      const i = keys[k]! % scale;
      const c = candidates[i]!;
      const turnout = c.turnoutS ?? 0;
      out[k] = { id: c.id, profile: c.profile, seconds: turnout + drive[i]!, driveS: drive[i]!, turnoutS: turnout };
    }
    return out;
  }

  /** Fastest route between two snapped points, or null if none within maxS. */
  route(from: Snap, to: Snap, profile: string, opts: QueryOptions = {}): Route | null {
    if (this.speed.isAir(profile)) return airRoute(this.speed, from.lat, from.lon, to.lat, to.lon, profile);
    return roadRoute(this, opts.space ?? this.space, from, to, profile, opts.maxS ?? DEFAULT_MAX_S);
  }

  /** Snap both ends and route; a straight line for an air profile. JCR_OFF_ROAD if an end is too far from a road. */
  eta(
    from: { lat: number; lon: number },
    to: { lat: number; lon: number },
    profile: string,
    opts: QueryOptions = {},
  ): Route | null {
    if (this.speed.isAir(profile)) return airRoute(this.speed, from.lat, from.lon, to.lat, to.lon, profile);
    return this.route(this.snap(from.lat, from.lon), this.snap(to.lat, to.lon), profile, opts);
  }

  /** Driving seconds between two points on the same geometry without leaving it (Infinity if not possible). */
  sameGeometry(from: Snap, to: Snap, w: Weights): number {
    if (from.geom !== to.geom) return Infinity;
    const a = this.position(from, w).pos;
    const b = this.position(to, w).pos;
    let best = Infinity;
    if (from.forward && b >= a) best = b - a;
    if (from.backward && b <= a) best = Math.min(best, a - b);
    return best;
  }
}
