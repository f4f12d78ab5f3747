/**
 * Dijkstra over the CSR graph with no allocation per query: a SearchSpace owns typed arrays sized
 * to the graph (distance, origin, predecessor edge, heap) and a stamp per node, so starting a new
 * search is O(1) (bump the stamp) instead of O(nodes) (clear the arrays). An indexed binary heap
 * with decrease-key keeps the heap at most `nodes` long.
 *
 * A node's distance is valid only if stamp[v] === current; after a search bounded by maxS every
 * node with a distance <= maxS is settled (final), anything else counts as unreachable.
 *
 * A search can be resumed (resume(), then run() again): the heap and the settled labels are
 * kept, so growing a bound costs only the new nodes, not a restart. That is what the lazy
 * incident → candidates search (planner LazyTargetField) relies on.
 */
import type { RoadGraph } from './build.ts';

export class SearchSpace {
  readonly nodeCount: number;
  readonly dist: Float64Array;
  /** Which seed (source index) a node's best time comes from (forward searches). */
  readonly origin: Int32Array;
  /** Forward searches: the edge by which a node was reached (-1 at a seed). Not kept by reverse searches. */
  readonly pred: Int32Array;
  private readonly stamp: Uint32Array;
  /** Heap position, or -1 once settled. Valid only when stamped. */
  private readonly pos: Int32Array;
  /** needStamp[v] === needMark: this run may stop once every such vertex is settled. */
  private readonly needStamp: Uint32Array;
  /** Bumped by begin() and resume(), so vertices needed by an earlier run no longer count. */
  private needMark = 0;
  private needCount = 0;
  private readonly heap: Uint32Array;
  /** heapKey[i] = dist[heap[i]], kept beside the heap so sifting reads one array. */
  private readonly heapKey: Float64Array;
  private size = 0;
  /** The current search's stamp. */
  current = 0;
  /** The current search's bound, seconds. */
  maxS = Infinity;
  /** Nodes settled by the current search since begin(), over all its runs (for benchmarks and tests). */
  settled = 0;

  constructor(nodeCount: number) {
    this.nodeCount = nodeCount;
    this.dist = new Float64Array(nodeCount);
    this.origin = new Int32Array(nodeCount);
    this.pred = new Int32Array(nodeCount);
    this.stamp = new Uint32Array(nodeCount);
    this.pos = new Int32Array(nodeCount);
    this.heap = new Uint32Array(Math.max(1, nodeCount));
    this.heapKey = new Float64Array(Math.max(1, nodeCount));
    this.needStamp = new Uint32Array(nodeCount);
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
    this.nextNeedMark();
    return this.current;
  }

  /**
   * Continue the current search with a new bound (the next run() settles nodes up to maxS, or
   * until the vertices passed to need() after this call are settled). Nothing settled is redone.
   */
  resume(maxS: number): void {
    this.maxS = maxS;
    this.nextNeedMark();
  }

  private nextNeedMark(): void {
    if (this.needMark >= 0xfffffffe) {
      this.needStamp.fill(0);
      this.needMark = 0;
    }
    this.needMark++;
    this.needCount = 0;
  }

  /** Is node v settled (its distance final) in the current search? */
  isSettled(v: number): boolean {
    return this.stamp[v] === this.current && this.pos[v]! < 0;
  }

  /** Node v's final seconds if it is settled in the current search, else Infinity (whatever the bound). */
  settledTime(v: number): number {
    return this.stamp[v] === this.current && this.pos[v]! < 0 ? this.dist[v]! : Infinity;
  }

  /**
   * The smallest distance still in the heap (Infinity when empty): every node not yet settled
   * has a final distance at least this, which is what proves a partial answer final.
   */
  frontier(): number {
    return this.size > 0 ? this.heapKey[0]! : Infinity;
  }

  /** Seconds to/from node v in the current search, Infinity if not reached within maxS. */
  time(v: number): number {
    if (this.stamp[v] !== this.current) return Infinity;
    const d = this.dist[v]!;
    return d <= this.maxS ? d : Infinity;
  }

  /**
   * Ask the next run to stop as soon as vertex v is settled (together with every other vertex
   * asked for); without any, it runs until maxS. Call after begin().
   */
  need(v: number): void {
    if (v < 0 || this.needStamp[v] === this.needMark || this.isSettled(v)) return;
    this.needStamp[v] = this.needMark;
    this.needCount++;
  }

  /** Offer node v at distance d (a seed, or a relaxation). */
  offer(v: number, d: number, origin: number, pred: number): void {
    if (this.stamp[v] !== this.current) {
      this.stamp[v] = this.current;
      this.dist[v] = d;
      this.origin[v] = origin;
      this.pred[v] = pred;
      this.push(v, d);
    } else if (d < this.dist[v]!) {
      const p = this.pos[v]!;
      if (p < 0) return; // settled: cannot improve with non-negative weights
      this.dist[v] = d;
      this.origin[v] = origin;
      this.pred[v] = pred;
      this.up(p, d);
    }
  }

  /**
   * Run the search over the forward star (reverse=false: times from the seeds) or the reverse
   * star (reverse=true: times to the seeds). `w` is indexed by forward edge for a forward search
   * and by reverse-star position for a reverse one. Stops when the next node is beyond maxS, or
   * once every vertex passed to need() since begin() (or resume()) is settled.
   */
  run(g: RoadGraph, w: Float32Array, reverse: boolean): void {
    if (reverse) this.runReverse(g.firstIn, g.inTail, w);
    else this.runForward(g.firstOut, g.head, w);
  }

  private runForward(first: Uint32Array, other: Uint32Array, w: Float32Array): void {
    const dist = this.dist,
      stamp = this.stamp,
      pos = this.pos,
      origin = this.origin,
      pred = this.pred;
    const heap = this.heap,
      heapKey = this.heapKey;
    const cur = this.current;
    const maxS = this.maxS;
    const needStamp = this.needStamp;
    const mark = this.needMark;
    let need = this.needCount;
    let settled = 0;
    while (this.size > 0) {
      const d = heapKey[0]!;
      if (d > maxS) break;
      const v = heap[0]!;
      this.pop();
      pos[v] = -1;
      settled++;
      // the last needed vertex ends the run, after its edges are relaxed (a resumed run needs them)
      const last = need > 0 && needStamp[v] === mark && --need === 0;
      const o = origin[v]!;
      const end = first[v + 1]!;
      for (let k = first[v]!; k < end; k++) {
        const u = other[k]!;
        const nd = d + w[k]!;
        if (stamp[u] !== cur) {
          stamp[u] = cur;
          dist[u] = nd;
          origin[u] = o;
          pred[u] = k;
          this.push(u, nd);
        } else if (nd < dist[u]!) {
          const p = pos[u]!;
          if (p < 0) continue;
          dist[u] = nd;
          origin[u] = o;
          pred[u] = k;
          this.up(p, nd);
        }
      }
      if (last) break;
    }
    this.settled += settled;
  }

  private runReverse(first: Uint32Array, other: Uint32Array, w: Float32Array): void {
    // no origin or predecessor here: times to one target need neither (the seeds' stay as offered)
    const dist = this.dist,
      stamp = this.stamp,
      pos = this.pos;
    const heap = this.heap,
      heapKey = this.heapKey;
    const cur = this.current;
    const maxS = this.maxS;
    const needStamp = this.needStamp;
    const mark = this.needMark;
    let need = this.needCount;
    let settled = 0;
    while (this.size > 0) {
      const d = heapKey[0]!;
      if (d > maxS) break;
      const v = heap[0]!;
      this.pop();
      pos[v] = -1;
      settled++;
      // the last needed vertex ends the run, after its edges are relaxed (a resumed run needs them)
      const last = need > 0 && needStamp[v] === mark && --need === 0;
      const end = first[v + 1]!;
      for (let k = first[v]!; k < end; k++) {
        const u = other[k]!;
        const nd = d + w[k]!;
        if (stamp[u] !== cur) {
          stamp[u] = cur;
          dist[u] = nd;
          this.push(u, nd);
        } else if (nd < dist[u]!) {
          const p = pos[u]!;
          if (p < 0) continue;
          dist[u] = nd;
          this.up(p, nd);
        }
      }
      if (last) break;
    }
    this.settled += settled;
  }

  private push(v: number, d: number): void {
    const i = this.size++;
    this.heap[i] = v;
    this.heapKey[i] = d;
    this.pos[v] = i;
    this.up(i, d);
  }

  /** Move the entry at i (whose key is now d) up to its place. */
  private up(i: number, d: number): void {
    const heap = this.heap,
      key = this.heapKey,
      pos = this.pos;
    const v = heap[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = key[parent]!;
      if (pk <= d) break;
      const pv = heap[parent]!;
      heap[i] = pv;
      key[i] = pk;
      pos[pv] = i;
      i = parent;
    }
    heap[i] = v;
    key[i] = d;
    pos[v] = i;
  }

  private pop(): void {
    const heap = this.heap,
      key = this.heapKey,
      pos = this.pos;
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
