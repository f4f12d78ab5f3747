/**
 * The route of one resource, for the map: the fastest road route between two snapped points (a
 * forward search that keeps predecessors, then the geometry walked back), or a straight line for
 * an air profile. JourneyPlanner.route and .eta answer with these.
 */
import { haversineM } from '../geo.ts';
import type { SearchSpace } from './search.ts';
import type { Snap } from './snap.ts';
import type { SpeedModel } from './speed.ts';
import type { RoadMeasure, Weights } from './weights.ts';

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

/** Fastest road route between two snapped points over the space `sp`, or null if none within maxS. */
export function roadRoute(
  planner: RoadMeasure,
  sp: SearchSpace,
  from: Snap,
  to: Snap,
  profile: string,
  maxS: number,
): Route | null {
  const g = planner.graph;
  const w = planner.weights(profile);
  sp.begin(maxS);
  const e0 = from.edge;
  const p0 = planner.position(from, w);
  // origin 0: left along e0 (forwards), 1: along its twin (backwards), 2: from the vertex it is on
  if (from.vertex >= 0) sp.offer(from.vertex, 0, 2, -1);
  if (from.forward) sp.offer(g.head[e0]!, p0.total - p0.pos, 0, -1);
  if (from.backward) sp.offer(g.tail[e0]!, p0.pos, 1, -1);
  const e1 = to.edge;
  const p1 = planner.position(to, w);
  const c = g.tail[e1]!,
    d = g.head[e1]!;
  const hasTwin1 = g.twin[e1]! >= 0;
  if (to.vertex >= 0) sp.need(to.vertex);
  else {
    sp.need(c);
    if (hasTwin1) sp.need(d);
  }
  sp.run(g, w.fwd, false);
  const offS = planner.offRoadS(from) + planner.offRoadS(to);
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
  const direct = planner.sameGeometry(from, to, w);
  if (direct < best) {
    best = direct;
    arrive = 'direct';
  }
  if (arrive === null || !Number.isFinite(best)) return null;
  const coords = drawRoute(planner, sp, w, from, to, arrive);
  return { profile, seconds: best + offS, metres: coords.metres, coords: dedupe(coords.points), from, to };
}

/** The road metres and [lat, lon] points of a route that arrives as `arrive` says (the search in `sp` found it). */
function drawRoute(
  planner: RoadMeasure,
  sp: SearchSpace,
  w: Weights,
  from: Snap,
  to: Snap,
  arrive: 'c' | 'd' | 'v' | 'direct',
): { metres: number; points: Array<[number, number]> } {
  const g = planner.graph;
  const e0 = from.edge,
    e1 = to.edge;
  const c = g.tail[e1]!,
    d = g.head[e1]!;
  const p0 = planner.position(from, w),
    p1 = planner.position(to, w);
  const coords: Array<[number, number]> = [];
  const pt = (p: number) => coords.push([g.lat[p]!, g.lon[p]!]);
  const gs0 = g.geomStart[from.geom]!,
    ge0 = g.geomStart[from.geom + 1]!;
  const gs1 = g.geomStart[to.geom]!,
    ge1 = g.geomStart[to.geom + 1]!;
  const m0 = planner.positionM(from),
    m1 = planner.positionM(to);
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
  return { metres, points: coords };
}

/** A straight line at the air profile's speed. */
export function airRoute(
  speed: SpeedModel,
  fromLat: number,
  fromLon: number,
  toLat: number,
  toLon: number,
  profile: string,
): Route {
  const metres = haversineM(fromLat, fromLon, toLat, toLon);
  return {
    profile,
    seconds: speed.airSeconds(profile, metres),
    metres,
    coords: [
      [fromLat, fromLon],
      [toLat, toLon],
    ],
    from: null,
    to: null,
  };
}

function dedupe(coords: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const c of coords) {
    const last = out[out.length - 1];
    if (!last || last[0] !== c[0] || last[1] !== c[1]) out.push(c);
  }
  return out;
}
