/**
 * One journey time, point to target, by A* with landmarks (ALT): for a mobile resource far from an
 * incident, instead of growing the incident's reverse search out to it (every node nearer the
 * incident than the resource, much of the county for a rare capability).
 *
 * Landmarks are trees of exact drive times: forward trees d(L, v) (the station trees, and a few
 * peripheral vertices per profile) and reverse trees d(v, L) (the peripheral vertices). For a
 * vertex v and the target T: d(v, T) >= d(L, T) - d(L, v) (L -> v -> T is one of L's walks to T)
 * and d(v, T) >= d(v, L) - d(T, L) (v -> T -> L is one of v's walks to L). The potential h(v) = the
 * largest of these over a few landmarks (and 0) is a lower bound on the drive from v to the target
 * and is consistent (d(L, b) <= d(L, a) + w(a, b), d(a, L) <= w(a, b) + d(b, L)), so A* settles
 * each vertex at its exact distance and can stop once the smallest g + h left is no less than the
 * best arrival found. The answer is the same number as the reverse search's, to the bit: every
 * time is a whole multiple of the profile's quantum (JourneyPlanner.weights), so every sum here,
 * and h itself, is exact, whatever order the parts are added in.
 *
 * Peripheral landmarks: LANDMARKS_PER_PROFILE vertices chosen farthest-first (each the vertex
 * farthest from those chosen so far), a forward and a reverse tree each: 2 x 8 x 8 bytes per
 * routing vertex per profile (3.1 MB a profile on Hertfordshire), built once per profile.
 */
import type { JourneyPlanner } from './planner.ts';
import { IndexedHeap } from './heap.ts';
import { SearchSpace } from './search.ts';
import type { Snap } from './snap.ts';
import type { StationTree } from './station-trees.ts';
import { posOf, type Weights } from './weights.ts';

/** Landmarks used per query: those with the best bound at the start point. */
export const LANDMARKS_PER_QUERY = 8;
/** Peripheral landmarks per profile. */
export const LANDMARKS_PER_PROFILE = 8;

/** Peripheral landmarks of one profile: a forward and a reverse tree each. */
export interface Landmarks {
  profile: string;
  vertices: number[];
  /** fwd[i][v] = d(L_i, v); rev[i][v] = d(v, L_i); Infinity where there is no way. */
  fwd: Float64Array[];
  rev: Float64Array[];
}

/** Choose `count` landmarks farthest-first (by forward and reverse time) and build their trees. */
export function buildLandmarks(planner: JourneyPlanner, profile: string, count = LANDMARKS_PER_PROFILE): Landmarks {
  const g = planner.graph;
  const w = planner.weights(profile);
  const sp = new SearchSpace(g.nodeCount);
  const tree = (from: number, reverse: boolean): Float64Array => {
    sp.begin(Infinity);
    sp.offer(from, 0, 0, -1);
    sp.run(g, reverse ? w.rev : w.fwd, reverse);
    const out = new Float64Array(g.nodeCount);
    for (let v = 0; v < g.nodeCount; v++) out[v] = sp.time(v);
    return out;
  };
  const out: Landmarks = { profile, vertices: [], fwd: [], rev: [] };
  if (g.nodeCount === 0) return out;
  // the first is the vertex farthest from vertex 0, then each the farthest from all chosen so far
  const near = new Float64Array(g.nodeCount).fill(Infinity);
  const seed = tree(0, false);
  let next = farthest(seed, null);
  while (out.vertices.length < count && next >= 0) {
    const f = tree(next, false);
    const r = tree(next, true);
    out.vertices.push(next);
    out.fwd.push(f);
    out.rev.push(r);
    for (let v = 0; v < g.nodeCount; v++) {
      const d = Math.min(f[v]!, r[v]!);
      if (d < near[v]!) near[v] = d;
    }
    next = farthest(near, out.vertices);
  }
  return out;
}

/** The vertex with the largest finite value (not one already chosen), -1 if none. */
function farthest(d: Float64Array, chosen: readonly number[] | null): number {
  let best = -1;
  let bestD = 0;
  for (let v = 0; v < d.length; v++) {
    const x = d[v]!;
    if (x < Infinity && x > bestD && !(chosen?.includes(v) ?? false)) {
      best = v;
      bestD = x;
    }
  }
  return best;
}

/** The target side of a query, prepared once per incident and profile. */
export interface LandmarkTarget {
  target: Snap;
  w: Weights;
  /** Forward trees d(L, .) that reach the target, and d(L, T). */
  fwd: Float64Array[];
  toT: Float64Array;
  /** Reverse trees d(., L) that the target reaches, and d(T, L). */
  rev: Float64Array[];
  fromT: Float64Array;
}

export function landmarkTarget(
  planner: JourneyPlanner,
  target: Snap,
  profile: string,
  trees: readonly StationTree[],
  lm: Landmarks | null,
): LandmarkTarget {
  const g = planner.graph;
  const w = planner.weights(profile);
  const fwd: Float64Array[] = [];
  const to: number[] = [];
  const rev: Float64Array[] = [];
  const from: number[] = [];
  for (const t of trees) {
    if (t.profile !== profile) continue;
    const s = t.roadTo(target);
    if (s < Infinity) {
      fwd.push(t.times);
      to.push(s);
    }
  }
  if (lm && lm.profile === profile) {
    for (const f of lm.fwd) {
      const s = arrival(g, w, f, target);
      if (s < Infinity) {
        fwd.push(f);
        to.push(s);
      }
    }
    for (const r of lm.rev) {
      const s = departure(g, w, r, target);
      if (s < Infinity) {
        rev.push(r);
        from.push(s);
      }
    }
  }
  return { target, w, fwd, toT: Float64Array.from(to), rev, fromT: Float64Array.from(from) };
}

type Graph = JourneyPlanner['graph'];

/** Road seconds from a forward tree's root to a snapped point, arriving along its road either way it may be driven. */
function arrival(g: Graph, w: Weights, f: Float64Array, s: Snap): number {
  const e = s.edge;
  const pos = posOf(s, w);
  let best = f[g.tail[e]!]! + pos;
  if (g.twin[e]! >= 0) best = Math.min(best, f[g.head[e]!]! + (w.total[s.geom]! - pos));
  if (s.vertex >= 0) best = Math.min(best, f[s.vertex]!);
  return best;
}

/** Road seconds from a snapped point, leaving as its snap allows, to a reverse tree's root. */
function departure(g: Graph, w: Weights, r: Float64Array, s: Snap): number {
  const e = s.edge;
  const pos = posOf(s, w);
  let best = Infinity;
  if (s.forward) best = w.total[s.geom]! - pos + r[g.head[e]!]!;
  if (s.backward) best = Math.min(best, pos + r[g.tail[e]!]!);
  if (s.vertex >= 0) best = Math.min(best, r[s.vertex]!);
  return best;
}

/**
 * A lower bound on the road seconds from a snapped point to the target (no off-road gaps): the
 * largest of d(L, T) - d(L, point) and d(point, L) - d(T, L) over the landmarks, 0 without any.
 * Arriving at a point and leaving it again (even back the way it came: a detour of non-negative
 * length) is a walk on, so the triangle inequalities hold for points as for vertices, but for one
 * case (below).
 */
export function lowerBound(lt: LandmarkTarget, s: Snap, g: Graph): number {
  let lb = 0;
  for (let i = 0; i < lt.fwd.length; i++) {
    const b = lt.toT[i]! - arrival(g, lt.w, lt.fwd[i]!, s);
    if (b > lb) lb = b;
  }
  // Not the reverse bounds for a point on the target's own road: it may drive straight to the
  // target and turn there (the target has no heading), which makes s -> T -> L a way out of s in
  // a direction its heading forbids, so d(s, L) <= d(s, T) + d(T, L) need not hold. (A vertex has
  // no heading: the A* potential keeps them.)
  if (s.geom === lt.target.geom) return lb;
  for (let i = 0; i < lt.rev.length; i++) {
    const b = departure(g, lt.w, lt.rev[i]!, s) - lt.fromT[i]!;
    if (b > lb) lb = b;
  }
  return lb;
}

/** A* state sized to the graph, reused across queries (a stamp per vertex: starting a query is O(1)). */
export class LandmarkSearch {
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly stamp: Uint32Array;
  /** Keyed by g + h; heap.pos[v] is -1 once v is settled (valid only when stamped). */
  private readonly heap: IndexedHeap;
  private cur = 0;
  /** Vertices settled by the last query (for benchmarks and tests). */
  settled = 0;
  // the landmarks of the current query: forward trees and d(L, T), reverse trees and d(T, L)
  private lmF: Float64Array[] = [];
  private lmFc: number[] = [];
  private lmR: Float64Array[] = [];
  private lmRc: number[] = [];

  constructor(nodeCount: number) {
    this.g = new Float64Array(nodeCount);
    this.h = new Float64Array(nodeCount);
    this.stamp = new Uint32Array(nodeCount);
    this.heap = new IndexedHeap(nodeCount);
  }

  /**
   * Seconds from `from` (leaving as its snap allows) to the target, both off-road gaps included,
   * if at most limitS; else Infinity. Equal to LazyTargetField.timeFrom(from, limitS).
   */
  timeTo(planner: JourneyPlanner, lt: LandmarkTarget, from: Snap, limitS: number): number {
    const graph = planner.graph;
    const { target, w } = lt;
    const offS = planner.offRoadS(from),
      offT = planner.offRoadS(target);
    this.pick(lt, graph.tail[from.edge]!);
    if (this.cur >= 0xfffffffe) {
      this.stamp.fill(0);
      this.cur = 0;
    }
    this.cur++;
    this.heap.clear();
    this.settled = 0;
    const te = target.edge;
    const tailT = graph.tail[te]!;
    const headT = graph.twin[te]! >= 0 ? graph.head[te]! : -1;
    const posT = posOf(target, w);
    const restT = w.total[target.geom]! - posT;
    const vertexT = target.vertex;
    let best = from.geom === target.geom ? planner.sameGeometry(from, target, w) : Infinity;
    const e = from.edge;
    const pos = posOf(from, w);
    // seeded as the station trees are (and as the reverse search ends)
    if (from.forward) this.offer(graph.head[e]!, w.total[from.geom]! - pos);
    if (from.backward) this.offer(graph.tail[e]!, pos);
    if (from.vertex >= 0) this.offer(from.vertex, 0);
    const first = graph.firstOut,
      head = graph.head,
      fwd = w.fwd;
    const gArr = this.g,
      stamp = this.stamp,
      heap = this.heap,
      hpos = heap.pos;
    const cur = this.cur;
    let settled = 0;
    while (heap.size > 0) {
      const f = heap.keys[0]!;
      // beyond the limit by the final sum's own rounding (monotone), so that a time exactly at
      // the limit is still found
      if (f >= best || f + offS + offT > limitS) break;
      const v = heap.items[0]!;
      heap.pop(); // settles v: hpos[v] = -1
      settled++;
      const d = gArr[v]!;
      if (v === tailT && d + posT < best) best = d + posT;
      if (v === headT && d + restT < best) best = d + restT;
      if (v === vertexT && d < best) best = d;
      const end = first[v + 1]!;
      for (let k = first[v]!; k < end; k++) {
        const u = head[k]!;
        const nd = d + fwd[k]!;
        if (stamp[u] !== cur) this.offer(u, nd);
        else if (nd < gArr[u]! && hpos[u]! >= 0) {
          gArr[u] = nd;
          heap.up(u, hpos[u]!, nd + this.h[u]!);
        }
      }
    }
    this.settled = settled;
    // summed as the reverse search's timeFrom sums, so both give the same seconds
    const t = best + offS + offT;
    return t <= limitS ? t : Infinity;
  }

  /** The landmarks with the largest bound at vertex v. */
  private pick(lt: LandmarkTarget, v: number): void {
    // candidates: forward i as i, reverse i as -(i + 1)
    const idx: number[] = [];
    const val: number[] = [];
    const k = LANDMARKS_PER_QUERY;
    const consider = (id: number, b: number) => {
      if (!(b > 0)) return;
      let j = idx.length;
      if (j === k && b <= val[j - 1]!) return;
      if (j === k) j--;
      while (j > 0 && val[j - 1]! < b) {
        idx[j] = idx[j - 1]!;
        val[j] = val[j - 1]!;
        j--;
      }
      idx[j] = id;
      val[j] = b;
    };
    for (let i = 0; i < lt.fwd.length; i++) consider(i, lt.toT[i]! - lt.fwd[i]![v]!);
    for (let i = 0; i < lt.rev.length; i++) consider(-(i + 1), lt.rev[i]![v]! - lt.fromT[i]!);
    this.lmF = [];
    this.lmFc = [];
    this.lmR = [];
    this.lmRc = [];
    for (const id of idx) {
      if (id >= 0) {
        this.lmF.push(lt.fwd[id]!);
        this.lmFc.push(lt.toT[id]!);
      } else {
        this.lmR.push(lt.rev[-id - 1]!);
        this.lmRc.push(lt.fromT[-id - 1]!);
      }
    }
  }

  private potential(v: number): number {
    let h = 0;
    const f = this.lmF,
      fc = this.lmFc,
      r = this.lmR,
      rc = this.lmRc;
    for (let i = 0; i < f.length; i++) {
      const b = fc[i]! - f[i]![v]!;
      if (b > h) h = b;
    }
    for (let i = 0; i < r.length; i++) {
      const b = r[i]![v]! - rc[i]!;
      if (b > h) h = b;
    }
    return h;
  }

  private offer(v: number, d: number): void {
    if (this.stamp[v] !== this.cur) {
      this.stamp[v] = this.cur;
      this.g[v] = d;
      const h = this.potential(v);
      this.h[v] = h;
      this.heap.push(v, d + h);
    } else if (d < this.g[v]! && this.heap.pos[v]! >= 0) {
      this.g[v] = d;
      this.heap.up(v, this.heap.pos[v]!, d + this.h[v]!);
    }
  }
}
