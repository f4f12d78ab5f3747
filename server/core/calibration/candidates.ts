/**
 * What the map matcher (./matcher.ts) asks of the road graph: the roads near a fix (one candidate
 * position per road, nearest first) and the driving distance in metres between two candidate
 * positions, one-way rules kept, with the roads driven in between. Pure: the graph's own
 * Flatbush index and the planner's SearchSpace over edge lengths.
 */
import { EARTH_RADIUS_M } from '../geo.ts';
import type { RoadGraph } from '../graph/build.ts';
import { SearchSpace } from '../graph/search.ts';
import { makeSnap, type Snap } from '../graph/snap.ts';

const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

/** Up to `k` candidate positions within `radiusM` of (lat, lon): the nearest point of each road (geometry), nearest first. */
export function candidatesNear(g: RoadGraph, lat: number, lon: number, radiusM: number, k: number): Snap[] {
  const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
  const ky = M_PER_DEG;
  const hits = g.segIndex.search(
    lon - radiusM / Math.max(kx, 1e-6),
    lat - radiusM / ky,
    lon + radiusM / Math.max(kx, 1e-6),
    lat + radiusM / ky,
  );
  const best = new Map<number, { slot: number; t: number; d: number }>();
  for (const s of hits) {
    const slot = g.segSlot[s];
    if (slot === undefined) continue;
    const a = g.geomPoint[slot]!,
      b = g.geomPoint[slot + 1]!;
    const ax = (g.lon[a]! - lon) * kx,
      ay = (g.lat[a]! - lat) * ky;
    const dx = (g.lon[b]! - lon) * kx - ax,
      dy = (g.lat[b]! - lat) * ky - ay;
    const L2 = dx * dx + dy * dy;
    let t = L2 > 0 ? -(ax * dx + ay * dy) / L2 : 0;
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    const d = Math.hypot(ax + t * dx, ay + t * dy);
    if (d > radiusM) continue;
    let geom = 0;
    // the geometry holding the slot: the last geomStart <= slot
    let lo = 0,
      hi = g.geomStart.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (g.geomStart[mid]! <= slot) lo = mid;
      else hi = mid;
    }
    geom = lo;
    const prev = best.get(geom);
    if (!prev || d < prev.d || (d === prev.d && slot < prev.slot)) best.set(geom, { slot, t, d });
  }
  const out = [...best.values()].sort((p, q) => p.d - q.d || p.slot - q.slot).slice(0, k);
  return out.map((c) => makeSnap(g, lat, lon, c.slot, c.t, c.d, true, true));
}

/** Metres from the start of a candidate's geometry to its position. */
export function metresAlong(g: RoadGraph, s: Snap): number {
  let m = 0;
  for (let i = g.geomStart[s.geom]!; i < s.slot; i++) m += g.slotLenM[i]!;
  return m + s.t * g.slotLenM[s.slot]!;
}

/** How a drive from one candidate reaches another: along its own road, or off it and in at an end. */
export type Arrival = { kind: 'same' } | { kind: 'via'; vertex: number; alongB: 'fwd' | 'back' | 'none' };

/** Driving distances in metres from one candidate, over one reusable search space. */
export class MetreRouter {
  private readonly sp: SearchSpace;
  private from: Snap | null = null;
  private fromM = 0;

  constructor(readonly g: RoadGraph) {
    this.sp = new SearchSpace(g.nodeCount);
  }

  /** Search from `a` up to `maxM` metres, stopping early once every target's road ends are settled. */
  start(a: Snap, targets: readonly Snap[], maxM: number): void {
    const g = this.g;
    const sp = this.sp;
    this.from = a;
    this.fromM = metresAlong(g, a);
    sp.begin(maxM);
    const len = g.lengthM[a.edge]!;
    if (a.vertex >= 0) sp.offer(a.vertex, 0, 2, -1);
    if (a.forward) sp.offer(g.head[a.edge]!, len - this.fromM, 0, -1);
    if (a.backward) sp.offer(g.tail[a.edge]!, this.fromM, 1, -1);
    for (const b of targets) {
      if (b.vertex >= 0) sp.need(b.vertex);
      else {
        sp.need(g.tail[b.edge]!);
        sp.need(g.head[b.edge]!);
      }
    }
    sp.run(g, g.lengthM, false);
  }

  /** Metres from the last start() candidate to `b` (Infinity if not within the bound), and how it arrives. */
  to(b: Snap): { metres: number; arrival: Arrival | null } {
    const g = this.g;
    const a = this.from!;
    const sp = this.sp;
    const bm = metresAlong(g, b);
    let metres = Infinity;
    let arrival: Arrival | null = null;
    if (a.geom === b.geom) {
      if (a.forward && bm >= this.fromM) metres = bm - this.fromM;
      if (a.backward && bm <= this.fromM && this.fromM - bm < metres) metres = this.fromM - bm;
      if (metres < Infinity) arrival = { kind: 'same' };
    }
    const consider = (vertex: number, extra: number, alongB: 'fwd' | 'back' | 'none') => {
      const d = sp.time(vertex) + extra;
      if (d < metres) {
        metres = d;
        arrival = { kind: 'via', vertex, alongB };
      }
    };
    if (b.vertex >= 0) consider(b.vertex, 0, 'none');
    if (b.forward) consider(g.tail[b.edge]!, bm, 'fwd');
    if (b.backward) consider(g.head[b.edge]!, g.lengthM[b.edge]! - bm, 'back');
    return { metres, arrival };
  }

  /** The routing edges from the start candidate's search to `vertex`, in driving order, and how the drive left `a`'s road. */
  edgesTo(vertex: number): { edges: number[]; left: 'fwd' | 'back' | 'vertex' } {
    const g = this.g;
    const sp = this.sp;
    const edges: number[] = [];
    for (let v = vertex; sp.pred[v]! >= 0; v = g.tail[sp.pred[v]!]!) edges.push(sp.pred[v]!);
    edges.reverse();
    const o = sp.origin[vertex];
    return { edges, left: o === 0 ? 'fwd' : o === 1 ? 'back' : 'vertex' };
  }
}
