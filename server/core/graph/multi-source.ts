/**
 * Multi-source k-best search: for every node, the k best times from *distinct* sources (e.g. the
 * first and the second fire appliance to arrive), in one label-setting pass over the CSR graph.
 * Added for cover (server/core/cover/), beside the planner's single-label `timesFromSources`
 * (./planner.ts), which answers k = 1 only.
 *
 * Why it is exact: if source s is the j-th nearest to node v, then on s's shortest path to v,
 * s is among the j nearest of every node u (any source nearer u than s would be nearer v than s
 * through u). So each node need only pass on its k best distinct-source labels; a node is final
 * for slot j once j labels of distinct sources have been popped from the heap.
 *
 * Layout (no objects per node, as ./search.ts): slot arrays of n*k (time ascending, then
 * origin), a settled count per node, a stamp per node so a new search is O(1), and a lazy heap of
 * (time, node, origin) entries: the one indexed heap (./heap.ts) over entry ids, each id naming a
 * (node, origin) pair in two side arrays, recycled once popped, all grown when needed. Lazy: a
 * better time pushes a new entry and the old one is skipped when popped (a label's slot moves, so
 * its entry cannot be found to lower). Edge weights are the planner's forward seconds
 * (`JourneyPlanner.weights(profile).fwd`).
 */
import type { RoadGraph } from './build.ts';
import { IndexedHeap } from './heap.ts';

export interface KSeed {
  node: number;
  /** Seconds at the node (turnout, off-road gap and partial edge included). */
  seconds: number;
  /** Source index; labels of one source count once per node. */
  origin: number;
}

export class KBestSpace {
  readonly nodeCount: number;
  readonly k: number;
  /** n*k slots: time[v*k + j] is the (j+1)-th best time at v, Infinity if none. Valid only when stamped. */
  readonly times: Float64Array;
  readonly origins: Int32Array;
  private readonly done: Uint8Array;
  private readonly stamp: Uint32Array;
  current = 0;
  maxS = Infinity;
  /** Labels settled by the last search. */
  settled = 0;
  /** Entries keyed by time; an entry id names its node and origin in the arrays below. */
  private readonly heap: IndexedHeap;
  private entryNode: Int32Array;
  private entryOrigin: Int32Array;
  /** Entry ids ever handed out this search, and those popped and free again (a stack). */
  private entries = 0;
  private free: Int32Array;
  private freeCount = 0;

  constructor(nodeCount: number, k: number) {
    if (!Number.isInteger(k) || k < 1 || k > 8) throw new RangeError(`k must be 1..8, not ${k}`);
    this.nodeCount = nodeCount;
    this.k = k;
    this.times = new Float64Array(nodeCount * k);
    this.origins = new Int32Array(nodeCount * k);
    this.done = new Uint8Array(nodeCount);
    this.stamp = new Uint32Array(nodeCount);
    const cap = Math.max(16, nodeCount);
    this.heap = new IndexedHeap(cap);
    this.entryNode = new Int32Array(cap);
    this.entryOrigin = new Int32Array(cap);
    this.free = new Int32Array(cap);
  }

  /** The (j+1)-th best time at v (j < k) in the current search, Infinity if none within maxS. */
  time(v: number, j: number): number {
    if (this.stamp[v] !== this.current) return Infinity;
    const t = this.times[v * this.k + j]!;
    return t <= this.maxS ? t : Infinity;
  }

  /** The source index of the (j+1)-th best label at v, -1 if none. */
  origin(v: number, j: number): number {
    return Number.isFinite(this.time(v, j)) ? this.origins[v * this.k + j]! : -1;
  }

  /** Run a bounded search from the seeds over the forward star with edge seconds `w`. */
  run(g: RoadGraph, w: Float32Array, seeds: readonly KSeed[], maxS: number): void {
    if (this.current >= 0xfffffffe) {
      this.stamp.fill(0);
      this.current = 0;
    }
    const cur = ++this.current;
    this.maxS = maxS;
    this.heap.clear();
    this.entries = 0;
    this.freeCount = 0;
    for (const s of seeds) this.offer(s.node, s.seconds, s.origin, cur);
    const first = g.firstOut;
    const head = g.head;
    const k = this.k;
    const times = this.times;
    const origins = this.origins;
    const done = this.done;
    const heap = this.heap;
    let settled = 0;
    while (heap.size > 0) {
      const d = heap.keys[0]!;
      if (d > maxS) break;
      const id = heap.items[0]!;
      const v = this.entryNode[id]!;
      const o = this.entryOrigin[id]!;
      heap.pop();
      this.free[this.freeCount++] = id;
      // Is (d, o) still a live, unsettled label of v? Settled slots are the first done[v].
      const base = v * k;
      const s0 = done[v]!;
      let j = -1;
      for (let i = s0; i < k; i++) {
        if (origins[base + i] === o) {
          if (times[base + i] === d) j = i;
          break;
        }
      }
      if (j < 0) continue;
      if (j !== s0) {
        // a tie: equal times, so swapping keeps the slots in order
        origins[base + j] = origins[base + s0]!;
        times[base + j] = times[base + s0]!;
        origins[base + s0] = o;
        times[base + s0] = d;
      }
      done[v] = s0 + 1;
      settled++;
      const end = first[v + 1]!;
      for (let e = first[v]!; e < end; e++) this.offer(head[e]!, d + w[e]!, o, cur);
    }
    this.settled = settled;
  }

  private offer(u: number, nd: number, o: number, cur: number): void {
    const k = this.k;
    const times = this.times;
    const origins = this.origins;
    const base = u * k;
    if (this.stamp[u] !== cur) {
      this.stamp[u] = cur;
      this.done[u] = 0;
      times[base] = nd;
      origins[base] = o;
      for (let i = 1; i < k; i++) {
        times[base + i] = Infinity;
        origins[base + i] = -1;
      }
      this.push(nd, u, o);
      return;
    }
    const s0 = this.done[u]!;
    // Already labelled by o? Settled: nothing to do; else keep the better time.
    let at = -1;
    for (let i = 0; i < k; i++) {
      if (origins[base + i] === o) {
        at = i;
        break;
      }
    }
    if (at >= 0) {
      if (at < s0 || nd >= times[base + at]!) return;
    } else {
      if (nd >= times[base + k - 1]!) return;
      at = k - 1; // drop the worst (unsettled: nd >= every settled time by label-setting order)
      if (at < s0) return;
    }
    // Move slot `at` up to nd's sorted place (after equal times, never into the settled prefix).
    let i = at;
    while (i > s0 && times[base + i - 1]! > nd) {
      times[base + i] = times[base + i - 1]!;
      origins[base + i] = origins[base + i - 1]!;
      i--;
    }
    times[base + i] = nd;
    origins[base + i] = o;
    this.push(nd, u, o);
  }

  private push(key: number, node: number, origin: number): void {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount]!;
    else {
      id = this.entries++;
      if (id === this.entryNode.length) this.grow();
    }
    this.entryNode[id] = node;
    this.entryOrigin[id] = origin;
    this.heap.push(id, key);
  }

  /** Double the entry arrays and the heap (entries held at once never exceed the ids handed out). */
  private grow(): void {
    const cap = this.entryNode.length * 2;
    const node = new Int32Array(cap);
    node.set(this.entryNode);
    const origin = new Int32Array(cap);
    origin.set(this.entryOrigin);
    const free = new Int32Array(cap);
    free.set(this.free);
    this.entryNode = node;
    this.entryOrigin = origin;
    this.free = free;
    this.heap.grow(cap);
  }
}
