/**
 * JourneyPlanner: predicted journey times over the road graph, for mobilisation, cover and the map.
 *
 *   const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
 *   const at = planner.snap(lat, lon);                    // Snap, or JCR_OFF_ROAD
 *
 *   // (a) incident -> all candidates: ONE bounded search over the reverse graph per road profile
 *   //     present among the candidates (drones fly straight lines, no search)
 *   planner.candidatesToTarget(at, candidates, { maxS: 1800 }) -> CandidateEta[] fastest first
 *   planner.timesToTarget(at, 'fire', { maxS })            -> TargetField: .timeFrom(snap), .nodeTime(v)
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

interface Weights {
  fwd: Float32Array;
  rev: Float32Array;
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

  /** Edge seconds of a road profile: `fwd` by edge id, `rev` by reverse-star position. Computed once. */
  weights(profile: string): Weights {
    let w = this.weightCache.get(profile);
    if (w) return w;
    this.speed.profile(profile); // throws on unknown
    const g = this.graph;
    const fwd = new Float32Array(g.edgeCount);
    const kmhOf = new Map<number, number>();
    for (let e = 0; e < g.edgeCount; e++) {
      const hw = g.highway[e]!;
      const max = g.maxspeedKmh[e]!;
      const key = hw * 1e6 + max;
      let kmh = kmhOf.get(key);
      if (kmh === undefined) {
        kmh = this.speed.roadKmh(profile, g.highwayNames[hw] ?? 'default', max);
        kmhOf.set(key, kmh);
      }
      fwd[e] = (g.lengthM[e]! * 3.6) / kmh;
    }
    const rev = new Float32Array(g.edgeCount);
    for (let k = 0; k < g.edgeCount; k++) rev[k] = fwd[g.inEdge[k]!]!;
    w = { fwd, rev };
    this.weightCache.set(profile, w);
    return w;
  }

  /** Times from every node to the target point, over the reverse graph, bounded by maxS. */
  timesToTarget(target: Snap, profile: string, opts: QueryOptions = {}): TargetField {
    const g = this.graph;
    const { fwd, rev } = this.weights(profile);
    const sp = opts.space ?? this.space;
    const stamp = sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    const e = target.edge;
    const tw = g.twin[e]!;
    sp.offer(g.tail[e]!, target.t * fwd[e]!, 0, e);
    if (tw >= 0) sp.offer(g.head[e]!, (1 - target.t) * fwd[tw]!, 0, tw);
    sp.run(g, rev, true);
    return new TargetField(this, sp, stamp, target, fwd);
  }

  /** One multi-source search from all sources (e.g. all available resources), for cover. */
  timesFromSources(sources: readonly SourceSpec[], profile: string, opts: QueryOptions = {}): SourceField {
    if (this.speed.isAir(profile)) return new AirSourceField(this, sources, profile);
    const g = this.graph;
    const { fwd } = this.weights(profile);
    const sp = opts.space ?? this.space;
    const stamp = sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    sources.forEach((s, i) => {
      const off = (s.offsetS ?? 0) + this.offRoadS(s.snap);
      const e = s.snap.edge;
      const tw = g.twin[e]!;
      if (s.snap.forward) sp.offer(g.head[e]!, off + (1 - s.snap.t) * fwd[e]!, i, -1);
      if (s.snap.backward && tw >= 0) sp.offer(g.tail[e]!, off + s.snap.t * fwd[tw]!, i, -1);
    });
    sp.run(g, fwd, false);
    return new RoadSourceField(this, sp, stamp, sources, fwd);
  }

  /**
   * Every candidate's predicted time to the target (turnout + drive), fastest first; candidates
   * not reachable within maxS are left out. One reverse search per road profile present.
   */
  candidatesToTarget(target: Snap, candidates: readonly Candidate[], opts: QueryOptions = {}): CandidateEta[] {
    const maxS = opts.maxS ?? DEFAULT_MAX_S;
    const out: CandidateEta[] = [];
    const byProfile = new Map<string, Candidate[]>();
    for (const c of candidates) {
      let list = byProfile.get(c.profile);
      if (!list) byProfile.set(c.profile, (list = []));
      list.push(c);
    }
    for (const [profile, list] of byProfile) {
      if (this.speed.isAir(profile)) {
        for (const c of list) {
          const driveS = this.speed.airSeconds(profile, haversineM(c.lat, c.lon, target.lat, target.lon));
          if (driveS <= maxS) out.push({ id: c.id, profile, seconds: (c.turnoutS ?? 0) + driveS, driveS, turnoutS: c.turnoutS ?? 0 });
        }
        continue;
      }
      const field = this.timesToTarget(target, profile, opts);
      for (const c of list) {
        const snap = c.snap ?? this.snap(c.lat, c.lon, c.headingDeg === undefined ? {} : { headingDeg: c.headingDeg });
        const driveS = field.timeFrom(snap);
        if (driveS <= maxS + this.offRoadS(snap) + this.offRoadS(target)) {
          out.push({ id: c.id, profile, seconds: (c.turnoutS ?? 0) + driveS, driveS, turnoutS: c.turnoutS ?? 0 });
        }
      }
    }
    out.sort((a, b) => a.seconds - b.seconds || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return out;
  }

  /** Fastest route between two snapped points, or null if none within maxS. */
  route(from: Snap, to: Snap, profile: string, opts: QueryOptions = {}): Route | null {
    if (this.speed.isAir(profile)) return this.airRoute(from.lat, from.lon, to.lat, to.lon, profile);
    const g = this.graph;
    const { fwd } = this.weights(profile);
    const sp = opts.space ?? this.space;
    sp.begin(opts.maxS ?? DEFAULT_MAX_S);
    const e0 = from.edge, tw0 = g.twin[e0]!;
    if (from.forward) sp.offer(g.head[e0]!, (1 - from.t) * fwd[e0]!, 0, -1);
    if (from.backward && tw0 >= 0) sp.offer(g.tail[e0]!, from.t * fwd[tw0]!, 0, -1);
    const e1 = to.edge, tw1 = g.twin[e1]!;
    const c = g.tail[e1]!, d = g.head[e1]!;
    sp.run(g, fwd, false, c, tw1 >= 0 ? d : -1);
    const offS = this.offRoadS(from) + this.offRoadS(to);
    // Candidates: arrive along e1 from c, along its twin from d, or stay on the same segment.
    let best = Infinity;
    let via = -1; // node we arrive from, or -2 for the direct same-segment ride
    const viaC = sp.time(c) + to.t * fwd[e1]!;
    if (viaC < best) { best = viaC; via = c; }
    if (tw1 >= 0) {
      const viaD = sp.time(d) + (1 - to.t) * fwd[tw1]!;
      if (viaD < best) { best = viaD; via = d; }
    }
    const direct = this.sameSegment(from, to, fwd);
    if (direct < best) { best = direct; via = -2; }
    if (!Number.isFinite(best)) return null;
    // Geometry and metres.
    const coords: Array<[number, number]> = [];
    let metres = from.offRoadM + to.offRoadM;
    if (from.offRoadM > 0) coords.push([from.lat, from.lon]);
    coords.push([from.snappedLat, from.snappedLon]);
    if (via === -2) {
      metres += Math.abs(to.t - from.t) * g.lengthM[e1]!;
    } else {
      const edges: number[] = [];
      for (let v = via; sp.pred[v]! >= 0; v = g.tail[sp.pred[v]!]!) edges.push(sp.pred[v]!);
      edges.reverse();
      const startNode = edges.length > 0 ? g.tail[edges[0]!]! : via;
      // the partial first edge: from the snapped point to startNode
      metres += startNode === g.head[e0]! && from.forward ? (1 - from.t) * g.lengthM[e0]! : from.t * g.lengthM[e0]!;
      coords.push([g.lat[startNode]!, g.lon[startNode]!]);
      for (const e of edges) {
        metres += g.lengthM[e]!;
        coords.push([g.lat[g.head[e]!]!, g.lon[g.head[e]!]!]);
      }
      metres += via === c ? to.t * g.lengthM[e1]! : (1 - to.t) * g.lengthM[e1]!;
    }
    coords.push([to.snappedLat, to.snappedLon]);
    if (to.offRoadM > 0) coords.push([to.lat, to.lon]);
    return { profile, seconds: best + offS, metres, coords: dedupe(coords), from, to };
  }

  /** Snap both ends and route; a straight line for an air profile. JCR_OFF_ROAD if an end is too far from a road. */
  eta(from: { lat: number; lon: number }, to: { lat: number; lon: number }, profile: string, opts: QueryOptions = {}): Route | null {
    if (this.speed.isAir(profile)) return this.airRoute(from.lat, from.lon, to.lat, to.lon, profile);
    return this.route(this.snap(from.lat, from.lon), this.snap(to.lat, to.lon), profile, opts);
  }

  /** Driving seconds between two points on the same segment without leaving it (Infinity if not possible). */
  sameSegment(from: Snap, to: Snap, fwd: Float32Array): number {
    if (from.edge !== to.edge) return Infinity;
    const e = from.edge;
    const tw = this.graph.twin[e]!;
    let best = Infinity;
    if (from.forward && to.t >= from.t) best = (to.t - from.t) * fwd[e]!;
    if (from.backward && tw >= 0 && to.t <= from.t) best = Math.min(best, (from.t - to.t) * fwd[tw]!);
    return best;
  }

  private airRoute(fromLat: number, fromLon: number, toLat: number, toLon: number, profile: string): Route {
    const metres = haversineM(fromLat, fromLon, toLat, toLon);
    return { profile, seconds: this.speed.airSeconds(profile, metres), metres, coords: [[fromLat, fromLon], [toLat, toLon]], from: null, to: null };
  }
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
  throw new Error('this journey-time field was overwritten by a later search on the same SearchSpace; pass { space: planner.newSpace() } to keep it');
}

/** Times to one target; valid until the next search on the same space. */
export class TargetField {
  constructor(
    private readonly planner: JourneyPlanner,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    readonly target: Snap,
    private readonly fwd: Float32Array,
  ) {}

  /** Seconds from node v to the target's road position (no off-road gaps), Infinity if beyond maxS. */
  nodeTime(v: number): number {
    if (this.space.current !== this.stamp) stale();
    return this.space.time(v);
  }

  /** Seconds from a snapped point to the target, including both off-road gaps. */
  timeFrom(s: Snap): number {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const fwd = this.fwd;
    const e = s.edge;
    const tw = g.twin[e]!;
    let best = Infinity;
    if (s.forward) best = (1 - s.t) * fwd[e]! + sp.time(g.head[e]!);
    if (s.backward && tw >= 0) best = Math.min(best, s.t * fwd[tw]! + sp.time(g.tail[e]!));
    best = Math.min(best, this.planner.sameSegment(s, this.target, fwd));
    return best + this.planner.offRoadS(s) + this.planner.offRoadS(this.target);
  }
}

export interface SourceField {
  /** Best seconds from any source to the point (off-road gaps and offsets included) and that source's index; source -1 if unreachable. */
  timeTo(s: Snap): { seconds: number; source: number };
}

class RoadSourceField implements SourceField {
  constructor(
    private readonly planner: JourneyPlanner,
    private readonly space: SearchSpace,
    private readonly stamp: number,
    private readonly sources: readonly SourceSpec[],
    private readonly fwd: Float32Array,
  ) {}

  /** Seconds from the best source to node v, and its index (-1 if none within maxS). */
  nodeTime(v: number): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const t = this.space.time(v);
    return { seconds: t, source: Number.isFinite(t) ? this.space.origin[v]! : -1 };
  }

  timeTo(s: Snap): { seconds: number; source: number } {
    if (this.space.current !== this.stamp) stale();
    const g = this.planner.graph;
    const sp = this.space;
    const fwd = this.fwd;
    const e = s.edge;
    const tw = g.twin[e]!;
    let best = Infinity;
    let source = -1;
    const a = g.tail[e]!, b = g.head[e]!;
    const viaA = sp.time(a) + s.t * fwd[e]!;
    if (viaA < best) { best = viaA; source = sp.origin[a]!; }
    if (tw >= 0) {
      const viaB = sp.time(b) + (1 - s.t) * fwd[tw]!;
      if (viaB < best) { best = viaB; source = sp.origin[b]!; }
    }
    // a source on the same segment may get there without reaching either end
    for (let i = 0; i < this.sources.length; i++) {
      const src = this.sources[i]!;
      if (src.snap.edge !== e) continue;
      const d = (src.offsetS ?? 0) + this.planner.offRoadS(src.snap) + this.planner.sameSegment(src.snap, s, fwd);
      if (d < best) { best = d; source = i; }
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
      const t = (src.offsetS ?? 0) + this.planner.speed.airSeconds(this.profile, haversineM(src.snap.lat, src.snap.lon, s.lat, s.lon));
      if (t < best) { best = t; source = i; }
    });
    return { seconds: best, source };
  }
}
