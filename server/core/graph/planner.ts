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
 */
import { haversineM } from '../geo.ts';
import type { RoadGraph } from './build.ts';
import { SearchSpace } from './search.ts';
import { snapPoint, type Snap, type SnapOptions } from './snap.ts';
import type { SpeedModel } from './speed.ts';

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

export interface Route {
  profile: string;
  seconds: number;
  /** Road metres plus the off-road gaps. */
  metres: number;
  /** [lat, lon] from the start point to the end point, along the roads. */
  coords: Array<[number, number]>;
  from: Snap | null;
  to: Snap | null;
}

export interface SourceSpec {
  snap: Snap;
  /** Seconds already spent before leaving (turnout). */
  offsetS?: number;
}

export interface Weights {
  /**
   * The quantum every time of this profile is a whole multiple of (a power of two, seconds): see
   * weights(). Sums of such multiples are exact in float64, so a time does not depend on the
   * order its parts are added in.
   */
  q: number;
  /** Seconds per routing edge. */
  fwd: Float32Array;
  /** Seconds per reverse-star position. */
  rev: Float32Array;
  /** Seconds from a geometry's first point to each slot's point. */
  cum: Float64Array;
  /** Seconds of each whole geometry. */
  total: Float64Array;
}

export class JourneyPlanner {
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
   * Seconds of a road profile, computed once: `fwd` per routing edge, `rev` per reverse-star
   * position, `cum` per geometry slot (seconds from the geometry's first point to the slot's point).
   *
   * Every one of these, and every snapped position (posOf), is rounded to a whole multiple of the
   * profile's quantum q = 2^-k s, the finest for which the longest geometry still fits a float32
   * edge weight exactly (2^-15 s, about 30 us, on the Hertfordshire network). Then every time a
   * search adds up is exact in float64, so a forward search from A and a reverse search from B give
   * A -> B to the bit, whichever way and in whichever order they add: what lets a cached station
   * tree (station-trees.ts) answer exactly what the incident's reverse search answers.
   */
  weights(profile: string): Weights {
    let w = this.weightCache.get(profile);
    if (w) return w;
    this.speed.profile(profile); // throws on unknown
    const g = this.graph;
    const cum = new Float64Array(g.geomPoint.length);
    const total = new Float64Array(g.geomStart.length - 1);
    const kmhOf = new Map<number, number>();
    let longest = 0;
    for (let geom = 0; geom < total.length; geom++) {
      const end = g.geomStart[geom + 1]!;
      let acc = 0;
      for (let i = g.geomStart[geom]!; i < end; i++) {
        cum[i] = acc;
        if (i === end - 1) break;
        const hw = g.slotHighway[i]!;
        const max = g.slotMaxspeed[i]!;
        const key = hw * 1e6 + max;
        let kmh = kmhOf.get(key);
        if (kmh === undefined) {
          kmh = this.speed.roadKmh(profile, g.highwayNames[hw] ?? 'default', max);
          kmhOf.set(key, kmh);
        }
        acc += (g.slotLenM[i]! * 3.6) / kmh;
      }
      total[geom] = acc;
      if (acc > longest) longest = acc;
    }
    const q = quantumFor(longest);
    // each point rounded from the unrounded running sum: rounding is monotone, so cum stays
    // non-decreasing along a geometry and its last point equals the geometry's total
    for (let i = 0; i < cum.length; i++) cum[i] = roundTo(cum[i]!, q);
    for (let geom = 0; geom < total.length; geom++) total[geom] = roundTo(total[geom]!, q);
    const fwd = new Float32Array(g.edgeCount);
    for (let e = 0; e < g.edgeCount; e++) fwd[e] = total[g.edgeGeom[e]!]!;
    const rev = new Float32Array(g.edgeCount);
    for (let k = 0; k < g.edgeCount; k++) rev[k] = fwd[g.inEdge[k]!]!;
    w = { q, fwd, rev, cum, total };
    this.weightCache.set(profile, w);
    return w;
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
    if (this.speed.isAir(profile)) return this.airRoute(from.lat, from.lon, to.lat, to.lon, profile);
    const g = this.graph;
    const w = this.weights(profile);
    const sp = opts.space ?? this.space;
    sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    const e0 = from.edge;
    const p0 = this.position(from, w);
    // origin 0: left along e0 (forwards), 1: along its twin (backwards), 2: from the vertex it is on
    if (from.vertex >= 0) sp.offer(from.vertex, 0, 2, -1);
    if (from.forward) sp.offer(g.head[e0]!, p0.total - p0.pos, 0, -1);
    if (from.backward) sp.offer(g.tail[e0]!, p0.pos, 1, -1);
    const e1 = to.edge;
    const p1 = this.position(to, w);
    const c = g.tail[e1]!,
      d = g.head[e1]!;
    const hasTwin1 = g.twin[e1]! >= 0;
    if (to.vertex >= 0) sp.need(to.vertex);
    else {
      sp.need(c);
      if (hasTwin1) sp.need(d);
    }
    sp.run(g, w.fwd, false);
    const offS = this.offRoadS(from) + this.offRoadS(to);
    // Arrive along e1 from c, along its twin from d, or stay on the same geometry.
    let best = Infinity;
    let arrive: 'c' | 'd' | 'v' | 'direct' | null = null;
    if (to.vertex >= 0) {
      best = sp.time(to.vertex);
      arrive = 'v';
    }
    const viaC = sp.time(c) + p1.pos;
    if (viaC < best) {
      best = viaC;
      arrive = 'c';
    }
    if (hasTwin1) {
      const viaD = sp.time(d) + p1.total - p1.pos;
      if (viaD < best) {
        best = viaD;
        arrive = 'd';
      }
    }
    const direct = this.sameGeometry(from, to, w);
    if (direct < best) {
      best = direct;
      arrive = 'direct';
    }
    if (arrive === null || !Number.isFinite(best)) return null;

    const coords: Array<[number, number]> = [];
    const pt = (p: number) => coords.push([g.lat[p]!, g.lon[p]!]);
    const gs0 = g.geomStart[from.geom]!,
      ge0 = g.geomStart[from.geom + 1]!;
    const gs1 = g.geomStart[to.geom]!,
      ge1 = g.geomStart[to.geom + 1]!;
    const m0 = this.positionM(from),
      m1 = this.positionM(to);
    let metres = from.offRoadM + to.offRoadM;
    if (from.offRoadM > 0) coords.push([from.lat, from.lon]);
    coords.push([from.snappedLat, from.snappedLon]);
    if (arrive === 'direct') {
      metres += Math.abs(m1 - m0);
      if (p1.pos >= p0.pos) for (let i = from.slot + 1; i <= to.slot; i++) pt(g.geomPoint[i]!);
      else for (let i = from.slot; i > to.slot; i--) pt(g.geomPoint[i]!);
    } else {
      const via = arrive === 'v' ? to.vertex : arrive === 'c' ? c : d;
      const edges: number[] = [];
      for (let v = via; sp.pred[v]! >= 0; v = g.tail[sp.pred[v]!]!) edges.push(sp.pred[v]!);
      edges.reverse();
      const left = sp.origin[via];
      const len0 = g.lengthM[e0]!;
      if (left === 2) {
        // started on a vertex: no partial first edge
      } else if (left === 0) {
        metres += len0 - m0;
        for (let i = from.slot + 1; i < ge0; i++) pt(g.geomPoint[i]!);
      } else {
        metres += m0;
        for (let i = from.slot; i >= gs0; i--) pt(g.geomPoint[i]!);
      }
      for (const e of edges) {
        metres += g.lengthM[e]!;
        const geom = g.edgeGeom[e]!;
        const s = g.geomStart[geom]!,
          t = g.geomStart[geom + 1]!;
        if (g.edgeRev[e] === 0) for (let i = s + 1; i < t; i++) pt(g.geomPoint[i]!);
        else for (let i = t - 2; i >= s; i--) pt(g.geomPoint[i]!);
      }
      if (arrive === 'v') {
        // ends on a vertex: no partial last edge
      } else if (arrive === 'c') {
        metres += m1;
        for (let i = gs1 + 1; i <= to.slot; i++) pt(g.geomPoint[i]!);
      } else {
        metres += g.lengthM[e1]! - m1;
        for (let i = ge1 - 2; i > to.slot; i--) pt(g.geomPoint[i]!);
      }
    }
    coords.push([to.snappedLat, to.snappedLon]);
    if (to.offRoadM > 0) coords.push([to.lat, to.lon]);
    return { profile, seconds: best + offS, metres, coords: dedupe(coords), from, to };
  }

  /** Snap both ends and route; a straight line for an air profile. JCR_OFF_ROAD if an end is too far from a road. */
  eta(
    from: { lat: number; lon: number },
    to: { lat: number; lon: number },
    profile: string,
    opts: QueryOptions = {},
  ): Route | null {
    if (this.speed.isAir(profile)) return this.airRoute(from.lat, from.lon, to.lat, to.lon, profile);
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

  private airRoute(fromLat: number, fromLon: number, toLat: number, toLon: number, profile: string): Route {
    const metres = haversineM(fromLat, fromLon, toLat, toLon);
    return {
      profile,
      seconds: this.speed.airSeconds(profile, metres),
      metres,
      coords: [
        [fromLat, fromLon],
        [toLat, toLon],
      ],
      from: null,
      to: null,
    };
  }
}

/** Finest quantum 2^-k (k <= 30) whose multiples up to `longest` seconds are exact float32 values (24-bit significand). */
export function quantumFor(longest: number): number {
  let k = 30;
  while (k > -30 && longest >= 2 ** (24 - k)) k--;
  return 2 ** -k;
}

/** x rounded to the nearest multiple of q (a power of two, so the scaling is exact). */
export function roundTo(x: number, q: number): number {
  return Math.round(x / q) * q;
}

/**
 * Seconds from the start of the snap's geometry to the snapped point, a multiple of the profile's
 * quantum (weights()). Between its segment's ends, which are multiples too, so it never passes
 * the geometry's total. Every search and field reads a position through this one function.
 */
export function posOf(s: Snap, w: Weights): number {
  const a = w.cum[s.slot]!;
  return roundTo(a + s.t * (w.cum[s.slot + 1]! - a), w.q);
}

function dedupe(coords: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const c of coords) {
    const last = out[out.length - 1];
    if (!last || last[0] !== c[0] || last[1] !== c[1]) out.push(c);
  }
  return out;
}

function stale(): never {
  throw new Error(
    'this journey-time field was overwritten by a later search on the same SearchSpace; pass { space: planner.newSpace() } to keep it',
  );
}

/** Times to one target; valid until the next search on the same space. */
export class TargetField {
  constructor(
    private readonly planner: JourneyPlanner,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    readonly target: Snap,
    private readonly w: Weights,
  ) {}

  /** Seconds from vertex v to the target's road position (no off-road gaps), Infinity if beyond maxS. */
  nodeTime(v: number): number {
    if (this.space.current !== this.stamp) stale();
    return this.space.time(v);
  }

  /** Seconds from a snapped point to the target, including both off-road gaps. */
  timeFrom(s: Snap): number {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const e = s.edge;
    const pos = posOf(s, this.w);
    let best = Infinity;
    if (s.forward) best = this.w.total[s.geom]! - pos + sp.time(g.head[e]!);
    if (s.backward) best = Math.min(best, pos + sp.time(g.tail[e]!));
    if (s.vertex >= 0) best = Math.min(best, sp.time(s.vertex));
    if (s.geom === this.target.geom) best = Math.min(best, this.planner.sameGeometry(s, this.target, this.w));
    return best + this.planner.offRoadS(s) + this.planner.offRoadS(this.target);
  }
}

/**
 * Times to one target from a reverse search that grows on demand. Ask `timeFrom(snap, limitS)`:
 * the answer is exact when it is <= limitS, and Infinity only when the true time exceeds limitS.
 * The search resumes where the last question left it; a question within what is already settled
 * costs a few array reads. Valid until the next search on the same space.
 */
export class LazyTargetField {
  constructor(
    private readonly planner: JourneyPlanner,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    readonly target: Snap,
    private readonly w: Weights,
  ) {}

  /** Nodes settled so far (for benchmarks and tests). */
  get settled(): number {
    return this.space.settled;
  }

  /** The best road seconds (no off-road gaps) over the snap's end nodes settled so far, and the same-geometry drive. */
  private settledRoad(s: Snap): number {
    const g = this.planner.graph;
    const sp = this.space;
    const pos = posOf(s, this.w);
    let best = Infinity;
    // summed as TargetField.timeFrom sums, so both give the same seconds
    if (s.forward) best = this.w.total[s.geom]! - pos + sp.settledTime(g.head[s.edge]!);
    if (s.backward) best = Math.min(best, pos + sp.settledTime(g.tail[s.edge]!));
    if (s.vertex >= 0) best = Math.min(best, sp.settledTime(s.vertex));
    if (s.geom === this.target.geom) best = Math.min(best, this.planner.sameGeometry(s, this.target, this.w));
    return best;
  }

  /**
   * Seconds from a snapped point to the target, off-road gaps included, if at most limitS;
   * Infinity if more (or unreachable). Every node not yet settled is at least the heap's smallest
   * key away, so a time read off settled nodes that is within it is final; otherwise the search
   * resumes until the point's end nodes are settled or the frontier passes the limit.
   */
  timeFrom(s: Snap, limitS: number): number {
    const sp = this.space;
    if (sp.current !== this.stamp) stale();
    const g = this.planner.graph;
    const p = this.planner;
    const offS = p.offRoadS(s),
      offT = p.offRoadS(this.target);
    const roadLimit = limitS - offS - offT;
    let road = this.settledRoad(s);
    const endsSettled = (): boolean =>
      (!s.forward || sp.isSettled(g.head[s.edge]!)) &&
      (!s.backward || sp.isSettled(g.tail[s.edge]!)) &&
      (s.vertex < 0 || sp.isSettled(s.vertex));
    // Final already if every end node is settled, or if no unsettled node (all at least the
    // frontier away) could give less; else resume, up to the limit.
    if (!endsSettled() && road > sp.frontier() && sp.frontier() <= roadLimit) {
      sp.resume(roadLimit);
      if (s.forward) sp.need(g.head[s.edge]!);
      if (s.backward) sp.need(g.tail[s.edge]!);
      if (s.vertex >= 0) sp.need(s.vertex);
      sp.run(g, this.w.rev, true);
      // stopped with the end nodes settled (road exact), or with the frontier past roadLimit
      // (road exact if within it, and the true time beyond it otherwise)
      road = this.settledRoad(s);
    }
    // summed in TargetField.timeFrom's order, so both give the same seconds
    const t = road + offS + offT;
    return t <= limitS ? t : Infinity;
  }
}

export interface SourceField {
  /** Best seconds from any source to the point (off-road gaps and offsets included) and that source's index; source -1 if unreachable. */
  timeTo(s: Snap): { seconds: number; source: number };
}

class RoadSourceField implements SourceField {
  private byGeom: Map<number, number[]> | null = null;

  constructor(
    private readonly planner: JourneyPlanner,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    private readonly sources: readonly SourceSpec[],
    private readonly w: Weights,
  ) {}

  /** Seconds from the best source to vertex v, and its index (-1 if none within maxS). */
  nodeTime(v: number): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const t = this.space.time(v);
    return { seconds: t, source: Number.isFinite(t) ? this.space.origin[v]! : -1 };
  }

  timeTo(s: Snap): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const e = s.edge;
    const { pos, total } = this.planner.position(s, this.w);
    let best = Infinity;
    let source = -1;
    const a = g.tail[e]!,
      b = g.head[e]!;
    const viaA = sp.time(a) + pos;
    if (viaA < best) {
      best = viaA;
      source = sp.origin[a]!;
    }
    if (g.twin[e]! >= 0) {
      const viaB = sp.time(b) + total - pos;
      if (viaB < best) {
        best = viaB;
        source = sp.origin[b]!;
      }
    }
    if (s.vertex >= 0) {
      const viaV = sp.time(s.vertex);
      if (viaV < best) {
        best = viaV;
        source = sp.origin[s.vertex]!;
      }
    }
    // a source on the same geometry may get there without reaching either end
    if (!this.byGeom) {
      this.byGeom = new Map();
      this.sources.forEach((src, i) => {
        const list = this.byGeom!.get(src.snap.geom);
        if (list) list.push(i);
        else this.byGeom!.set(src.snap.geom, [i]);
      });
    }
    for (const i of this.byGeom.get(s.geom) ?? []) {
      const src = this.sources[i]!;
      const d = (src.offsetS ?? 0) + this.planner.offRoadS(src.snap) + this.planner.sameGeometry(src.snap, s, this.w);
      if (d < best) {
        best = d;
        source = i;
      }
    }
    if (!Number.isFinite(best)) return { seconds: Infinity, source: -1 };
    return { seconds: best + this.planner.offRoadS(s), source };
  }
}

class AirSourceField implements SourceField {
  constructor(
    private readonly planner: JourneyPlanner,
    private readonly sources: readonly SourceSpec[],
    private readonly profile: string,
  ) {}

  timeTo(s: Snap): { seconds: number; source: number } {
    let best = Infinity;
    let source = -1;
    this.sources.forEach((src, i) => {
      const t =
        (src.offsetS ?? 0) +
        this.planner.speed.airSeconds(this.profile, haversineM(src.snap.lat, src.snap.lon, s.lat, s.lon));
      if (t < best) {
        best = t;
        source = i;
      }
    });
    return { seconds: best, source };
  }
}
