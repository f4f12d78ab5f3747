/**
 * One journey time, point to target, by A* with station trees as landmarks (ALT): for a mobile
 * resource far from an incident, instead of growing the incident's reverse search out to it (every
 * node nearer the incident than the resource, much of the county for a rare capability).
 *
 * A station tree L holds d(L, v) for every vertex v, so d(v, T) >= d(L, T) - d(L, v) (the walk
 * L -> v -> T is one of L's walks to T). The potential h(v) = max(0, that, over a few landmarks) is
 * a lower bound on the drive from v to the target and is consistent (d(L, b) <= d(L, a) + w(a, b)),
 * so A* settles each vertex at its exact distance and can stop once the smallest g + h left is no
 * less than the best arrival found. The answer is the same number as the reverse search's, to the
 * bit: every time is a whole multiple of the profile's quantum (JourneyPlanner.weights), so every
 * sum here, and h itself, is exact, whatever order the parts are added in.
 */
import type { JourneyPlanner, Weights } from './planner.ts';
import { posOf } from './planner.ts';
import type { Snap } from './snap.ts';
import type { StationTree } from './station-trees.ts';

/** Landmarks used per query: those with the best bound at the start point. */
export const LANDMARKS_PER_QUERY = 8;

/** The target side of a query, prepared once per incident and profile. */
export interface LandmarkTarget {
  target: Snap;
  w: Weights;
  /** Station trees of the profile that reach the target, and their road seconds to it. */
  trees: StationTree[];
  toTarget: Float64Array;
}

export function landmarkTarget(planner: JourneyPlanner, target: Snap, profile: string, trees: readonly StationTree[]): LandmarkTarget {
  const use: StationTree[] = [];
  const to: number[] = [];
  for (const t of trees) {
    if (t.profile !== profile) continue;
    const s = t.roadTo(target);
    if (s < Infinity) {
      use.push(t);
      to.push(s);
    }
  }
  return { target, w: planner.weights(profile), trees: use, toTarget: Float64Array.from(to) };
}

/**
 * A lower bound on the road seconds from a snapped point to the target (no off-road gaps):
 * max over the landmarks of d(L, T) - d(L, point), 0 without any. Arriving at the point and
 * leaving it again (even back the way it came: a detour of non-negative length) is a walk from L
 * towards T, so d(L, T) <= d(L, point) + d(point, T).
 */
export function lowerBound(lt: LandmarkTarget, s: Snap): number {
  let lb = 0;
  for (let i = 0; i < lt.trees.length; i++) {
    const b = lt.toTarget[i]! - lt.trees[i]!.roadTo(s);
    if (b > lb) lb = b;
  }
  return lb;
}

/** A* state sized to the graph, reused across queries (a stamp per vertex: starting a query is O(1)). */
export class LandmarkSearch {
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly stamp: Uint32Array;
  /** Heap position, or -1 once settled. */
  private readonly pos: Int32Array;
  private readonly heap: Uint32Array;
  private readonly key: Float64Array;
  private size = 0;
  private cur = 0;
  /** Vertices settled by the last query (for benchmarks and tests). */
  settled = 0;
  // the landmarks of the current query
  private lm: Float64Array[] = [];
  private lmTo: number[] = [];

  constructor(nodeCount: number) {
    this.g = new Float64Array(nodeCount);
    this.h = new Float64Array(nodeCount);
    this.stamp = new Uint32Array(nodeCount);
    this.pos = new Int32Array(nodeCount);
    this.heap = new Uint32Array(Math.max(1, nodeCount));
    this.key = new Float64Array(Math.max(1, nodeCount));
  }

  /**
   * Seconds from `from` (leaving as its snap allows) to the target, both off-road gaps included,
   * if at most limitS; else Infinity. Equal to LazyTargetField.timeFrom(from, limitS).
   */
  timeTo(planner: JourneyPlanner, lt: LandmarkTarget, from: Snap, limitS: number): number {
    const graph = planner.graph;
    const { target, w } = lt;
    const offS = planner.offRoadS(from), offT = planner.offRoadS(target);
    this.pick(lt, graph.tail[from.edge]!);
    if (this.cur >= 0xfffffffe) {
      this.stamp.fill(0);
      this.cur = 0;
    }
    this.cur++;
    this.size = 0;
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
    const first = graph.firstOut, head = graph.head, fwd = w.fwd;
    const gArr = this.g, stamp = this.stamp, hpos = this.pos;
    const cur = this.cur;
    let settled = 0;
    while (this.size > 0) {
      const f = this.key[0]!;
      // beyond the limit by the final sum's own rounding (monotone), so that a time exactly at
      // the limit is still found
      if (f >= best || f + offS + offT > limitS) break;
      const v = this.heap[0]!;
      this.pop();
      hpos[v] = -1;
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
          this.up(u, hpos[u]!, nd + this.h[u]!);
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
    const n = lt.trees.length;
    const k = Math.min(LANDMARKS_PER_QUERY, n);
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = lt.toTarget[i]! - lt.trees[i]!.times[v]!;
      if (!(b > 0)) continue;
      // insertion into the top k, largest first
      let j = idx.length;
      if (j === k && b <= val[j - 1]!) continue;
      if (j === k) j--;
      while (j > 0 && val[j - 1]! < b) {
        idx[j] = idx[j - 1]!;
        val[j] = val[j - 1]!;
        j--;
      }
      idx[j] = i;
      val[j] = b;
    }
    this.lm = idx.map((i) => lt.trees[i]!.times);
    this.lmTo = idx.map((i) => lt.toTarget[i]!);
  }

  private potential(v: number): number {
    let h = 0;
    const lm = this.lm, to = this.lmTo;
    for (let i = 0; i < lm.length; i++) {
      const b = to[i]! - lm[i]![v]!;
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
      this.up(v, this.size++, d + h);
    } else if (d < this.g[v]! && this.pos[v]! >= 0) {
      this.g[v] = d;
      this.up(v, this.pos[v]!, d + this.h[v]!);
    }
  }

  /** Move vertex v, at heap index i with its key now f, up to its place. */
  private up(v: number, i: number, f: number): void {
    const heap = this.heap, key = this.key, pos = this.pos;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = key[parent]!;
      if (pk <= f) break;
      const pv = heap[parent]!;
      heap[i] = pv;
      key[i] = pk;
      pos[pv] = i;
      i = parent;
    }
    heap[i] = v;
    key[i] = f;
    pos[v] = i;
  }

  private pop(): void {
    const heap = this.heap, key = this.key, pos = this.pos;
    const n = --this.size;
    if (n === 0) return;
    const v = heap[n]!;
    const d = key[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let ck = key[c]!;
      const r = c + 1;
      if (r < n) {
        const rk = key[r]!;
        if (rk < ck) {
          c = r;
          ck = rk;
        }
      }
      if (ck >= d) break;
      const cv = heap[c]!;
      heap[i] = cv;
      key[i] = ck;
      pos[cv] = i;
      i = c;
    }
    heap[i] = v;
    key[i] = d;
    pos[v] = i;
  }
}
