/**
 * Dijkstra over the CSR graph with no allocation per query: a SearchSpace owns typed arrays sized
 * to the graph (distance, origin, predecessor edge, heap) and a stamp per node, so starting a new
 * search is O(1) (bump the stamp) instead of O(nodes) (clear the arrays). The indexed binary heap
 * (./heap.ts) with decrease-key keeps the heap at most `nodes` long.
 *
 * A node's distance is valid only if stamp[v] === current; after a search bounded by maxS every
 * node with a distance <= maxS is settled (final), anything else counts as unreachable.
 *
 * A search can be resumed (resume(), then run() again): the heap and the settled labels are
 * kept, so growing a bound costs only the new nodes, not a restart. That is what the lazy
 * incident → candidates search (planner LazyTargetField) relies on.
 */
import type { RoadGraph } from './build.ts';
import { IndexedHeap } from './heap.ts';

export class SearchSpace {
  readonly nodeCount: number;
  readonly dist: Float64Array;
  /** Which seed (source index) a node's best time comes from (forward searches). */
  readonly origin: Int32Array;
  /** Forward searches: the edge by which a node was reached (-1 at a seed). Not kept by reverse searches. */
  readonly pred: Int32Array;
  private readonly stamp: Uint32Array;
  /** needStamp[v] === needMark: this run may stop once every such vertex is settled. */
  private readonly needStamp: Uint32Array;
  /** Bumped by begin() and resume(), so vertices needed by an earlier run no longer count. */
  private needMark = 0;
  private needCount = 0;
  /** Vertices reached and not settled; heap.pos[v] is -1 once v is settled (valid only when stamped). */
  private readonly heap: IndexedHeap;
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
    this.heap = new IndexedHeap(nodeCount);
    this.needStamp = new Uint32Array(nodeCount);
  }

  /** Start a new search: O(1). */
  begin(maxS: number): number {
    if (this.current >= 0xfffffffe) {
      this.stamp.fill(0);
      this.current = 0;
    }
    this.current++;
    this.heap.clear();
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
    return this.stamp[v] === this.current && this.heap.pos[v]! < 0;
  }

  /** Node v's final seconds if it is settled in the current search, else Infinity (whatever the bound). */
  settledTime(v: number): number {
    return this.stamp[v] === this.current && this.heap.pos[v]! < 0 ? this.dist[v]! : Infinity;
  }

  /**
   * The smallest distance still in the heap (Infinity when empty): every node not yet settled
   * has a final distance at least this, which is what proves a partial answer final.
   */
  frontier(): number {
    return this.heap.size > 0 ? this.heap.keys[0]! : Infinity;
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
      this.heap.push(v, d);
    } else if (d < this.dist[v]!) {
      const p = this.heap.pos[v]!;
      if (p < 0) return; // settled: cannot improve with non-negative weights
      this.dist[v] = d;
      this.origin[v] = origin;
      this.pred[v] = pred;
      this.heap.up(v, p, d);
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

  // Deliberate specialisation: runForward and runReverse are the same Dijkstra loop, written twice
  // so the reverse one (the recommender's hot path) carries no origin or predecessor stores and no
  // per-edge branch on the direction. A change to one is a change to both.
  private runForward(first: Uint32Array, other: Uint32Array, w: Float32Array): void {
    const dist = this.dist,
      stamp = this.stamp,
      origin = this.origin,
      pred = this.pred;
    const heap = this.heap,
      pos = heap.pos;
    const cur = this.current;
    const maxS = this.maxS;
    const needStamp = this.needStamp;
    const mark = this.needMark;
    let need = this.needCount;
    let settled = 0;
    while (heap.size > 0) {
      const d = heap.keys[0]!;
      if (d > maxS) break;
      const v = heap.items[0]!;
      heap.pop(); // settles v: pos[v] = -1
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
          heap.push(u, nd);
        } else if (nd < dist[u]!) {
          const p = pos[u]!;
          if (p < 0) continue;
          dist[u] = nd;
          origin[u] = o;
          pred[u] = k;
          heap.up(u, p, nd);
        }
      }
      if (last) break;
    }
    this.settled += settled;
  }

  // Deliberate specialisation of runForward (see there): the same loop without origin or
  // predecessor, which times to one target need neither of (the seeds' stay as offered).
  private runReverse(first: Uint32Array, other: Uint32Array, w: Float32Array): void {
    const dist = this.dist,
      stamp = this.stamp;
    const heap = this.heap,
      pos = heap.pos;
    const cur = this.current;
    const maxS = this.maxS;
    const needStamp = this.needStamp;
    const mark = this.needMark;
    let need = this.needCount;
    let settled = 0;
    while (heap.size > 0) {
      const d = heap.keys[0]!;
      if (d > maxS) break;
      const v = heap.items[0]!;
      heap.pop(); // settles v: pos[v] = -1
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
          heap.push(u, nd);
        } else if (nd < dist[u]!) {
          const p = pos[u]!;
          if (p < 0) continue;
          dist[u] = nd;
          heap.up(u, p, nd);
        }
      }
      if (last) break;
    }
    this.settled += settled;
  }
}
