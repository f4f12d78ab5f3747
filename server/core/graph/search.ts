/**
 * Dijkstra over the CSR graph with no allocation per query: a SearchSpace owns typed arrays sized
 * to the graph (distance, origin, predecessor edge, heap) and a stamp per node, so starting a new
 * search is O(1) (bump the stamp) instead of O(nodes) (clear the arrays). An indexed binary heap
 * with decrease-key keeps the heap at most `nodes` long.
 *
 * A node's distance is valid only if stamp[v] === current; after a search bounded by maxS every
 * node with a distance <= maxS is settled (final), anything else counts as unreachable.
 */
import type { RoadGraph } from './build.ts';

export class SearchSpace {
  readonly nodeCount: number;
  readonly dist: Float64Array;
  /** Which seed (source index) a node's best time comes from. */
  readonly origin: Int32Array;
  /** Forward searches: the edge by which a node was reached (-1 at a seed). Reverse: the edge leaving it. */
  readonly pred: Int32Array;
  private readonly stamp: Uint32Array;
  /** Heap position, or -1 once settled. Valid only when stamped. */
  private readonly pos: Int32Array;
  private readonly heap: Uint32Array;
  private size = 0;
  /** The current search's stamp. */
  current = 0;
  /** The current search's bound, seconds. */
  maxS = Infinity;
  /** Nodes settled by the last search (for benchmarks and tests). */
  settled = 0;

  constructor(nodeCount: number) {
    this.nodeCount = nodeCount;
    this.dist = new Float64Array(nodeCount);
    this.origin = new Int32Array(nodeCount);
    this.pred = new Int32Array(nodeCount);
    this.stamp = new Uint32Array(nodeCount);
    this.pos = new Int32Array(nodeCount);
    this.heap = new Uint32Array(Math.max(1, nodeCount));
  }

  /** Start a new search: O(1). */
  begin(maxS: number): number {
    if (this.current >= 0xfffffffe) {
      this.stamp.fill(0);
      this.current = 0;
    }
    this.current++;
    this.size = 0;
    this.settled = 0;
    this.maxS = maxS;
    return this.current;
  }

  /** Seconds to/from node v in the current search, Infinity if not reached within maxS. */
  time(v: number): number {
    if (this.stamp[v] !== this.current) return Infinity;
    const d = this.dist[v]!;
    return d <= this.maxS ? d : Infinity;
  }

  /** Offer node v at distance d (a seed, or a relaxation). */
  offer(v: number, d: number, origin: number, pred: number): void {
    if (this.stamp[v] !== this.current) {
      this.stamp[v] = this.current;
      this.dist[v] = d;
      this.origin[v] = origin;
      this.pred[v] = pred;
      this.push(v);
    } else if (d < this.dist[v]!) {
      const p = this.pos[v]!;
      if (p < 0) return; // settled: cannot improve with non-negative weights
      this.dist[v] = d;
      this.origin[v] = origin;
      this.pred[v] = pred;
      this.up(p);
    }
  }

  /**
   * Run the search over the forward star (reverse=false: times from the seeds) or the reverse
   * star (reverse=true: times to the seeds). `w` is indexed by forward edge for a forward search
   * and by reverse-star position for a reverse one. Stops when the next node is beyond maxS, or
   * once nodes stopA and stopB (if >= 0) are both settled.
   */
  run(g: RoadGraph, w: Float32Array, reverse: boolean, stopA = -1, stopB = -1): void {
    const first = reverse ? g.firstIn : g.firstOut;
    const other = reverse ? g.inTail : g.head;
    const edgeId = reverse ? g.inEdge : null;
    const dist = this.dist;
    const stamp = this.stamp;
    const pos = this.pos;
    const origin = this.origin;
    const pred = this.pred;
    const cur = this.current;
    const maxS = this.maxS;
    let need = (stopA >= 0 ? 1 : 0) + (stopB >= 0 && stopB !== stopA ? 1 : 0);
    let settled = 0;
    while (this.size > 0) {
      const v = this.heap[0]!;
      const d = dist[v]!;
      if (d > maxS) break;
      this.pop();
      pos[v] = -1;
      settled++;
      if (need > 0 && (v === stopA || v === stopB) && --need === 0) break;
      const o = origin[v]!;
      const end = first[v + 1]!;
      for (let k = first[v]!; k < end; k++) {
        const u = other[k]!;
        const nd = d + w[k]!;
        const e = edgeId === null ? k : edgeId[k]!;
        if (stamp[u] !== cur) {
          stamp[u] = cur;
          dist[u] = nd;
          origin[u] = o;
          pred[u] = e;
          this.push(u);
        } else if (nd < dist[u]!) {
          const p = pos[u]!;
          if (p < 0) continue;
          dist[u] = nd;
          origin[u] = o;
          pred[u] = e;
          this.up(p);
        }
      }
    }
    this.settled = settled;
  }

  private push(v: number): void {
    const i = this.size++;
    this.heap[i] = v;
    this.pos[v] = i;
    this.up(i);
  }

  private up(i: number): void {
    const heap = this.heap, pos = this.pos, dist = this.dist;
    const v = heap[i]!;
    const d = dist[v]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pv = heap[parent]!;
      if (dist[pv]! <= d) break;
      heap[i] = pv;
      pos[pv] = i;
      i = parent;
    }
    heap[i] = v;
    pos[v] = i;
  }

  private pop(): void {
    const heap = this.heap, pos = this.pos, dist = this.dist;
    const n = --this.size;
    if (n === 0) return;
    const v = heap[n]!;
    const d = dist[v]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && dist[heap[r]!]! < dist[heap[c]!]!) c = r;
      const cv = heap[c]!;
      if (dist[cv]! >= d) break;
      heap[i] = cv;
      pos[cv] = i;
      i = c;
    }
    heap[i] = v;
    pos[v] = i;
  }
}
