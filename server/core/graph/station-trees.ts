/**
 * Station trees: for a fixed point (a station or standby post) and a road profile, the drive
 * seconds from that point to every routing vertex, from one unbounded forward search, kept. The
 * graph and its weights never change, so a tree never goes stale: it is built once (lazily, or
 * warmed at startup) and every later incident reads a station resource's journey time off it in
 * O(1) instead of growing the incident's reverse search out to the station.
 *
 * Exactness: `timeTo` is the same number, to the bit, as the incident's reverse search gives for
 * the station's snap (TargetField.timeFrom / LazyTargetField.timeFrom). The tree is seeded as the
 * reverse search ends (the station's own edge: head at total - pos if it may leave forwards, tail
 * at pos if backwards, its vertex at 0), arrives at the target as the reverse search is seeded
 * (tail + pos, head + total - pos along the twin, the vertex), takes the same same-geometry
 * shortcut, and adds the off-road gaps in the same order. The two searches add the same parts in
 * opposite orders; that gives the same float64 only because every part is a whole multiple of the
 * profile's quantum (JourneyPlanner.weights), so every sum is exact.
 *
 * Memory: one Float64Array per (point, profile), 8 bytes x routing vertices (24,582 on the
 * Hertfordshire network: 197 kB a tree; its 47 stations with their resources' road profiles need
 * about 50 trees, ~10 MB). Bounded by `maxTrees`; past it a point gets no tree and its times come
 * from the search as before.
 */
import type { JourneyPlanner } from './planner.ts';
import { SearchSpace } from './search.ts';
import type { Snap } from './snap.ts';
import { posOf, type Weights } from './weights.ts';

export const DEFAULT_MAX_TREES = 512;

/** Drive seconds from one fixed point to everywhere, for one profile. */
export class StationTree {
  /** Seconds from the point's road position to each routing vertex (Infinity: unreachable). */
  readonly times: Float64Array;

  constructor(
    private readonly planner: JourneyPlanner,
    readonly from: Snap,
    readonly profile: string,
    private readonly w: Weights,
    times: Float64Array,
  ) {
    this.times = times;
  }

  /** Road seconds from the point to the target's road position (no off-road gaps). */
  roadTo(target: Snap): number {
    const g = this.planner.graph;
    const f = this.times;
    const e = target.edge;
    const pos = posOf(target, this.w);
    // arrive along the edge from its tail, along its twin from its head, or at the vertex itself
    let best = f[g.tail[e]!]! + pos;
    if (g.twin[e]! >= 0) best = Math.min(best, f[g.head[e]!]! + (this.w.total[target.geom]! - pos));
    if (target.vertex >= 0) best = Math.min(best, f[target.vertex]!);
    if (target.geom === this.from.geom) best = Math.min(best, this.planner.sameGeometry(this.from, target, this.w));
    return best;
  }

  /** Seconds from the point to the target, both off-road gaps included: the reverse search's answer, exactly. */
  timeTo(target: Snap): number {
    const p = this.planner;
    return this.roadTo(target) + p.offRoadS(this.from) + p.offRoadS(target);
  }
}

/** A cache of station trees over one planner. */
export class StationTrees {
  private readonly planner: JourneyPlanner;
  private readonly trees = new Map<string, StationTree | null>();
  private space: SearchSpace | null = null;
  readonly maxTrees: number;
  /** Trees built so far (a cache miss each). */
  builds = 0;

  constructor(planner: JourneyPlanner, opts: { maxTrees?: number } = {}) {
    this.planner = planner;
    this.maxTrees = opts.maxTrees ?? DEFAULT_MAX_TREES;
  }

  /** Trees held. */
  get size(): number {
    return this.trees.size;
  }

  /** Bytes held by the trees' arrays. */
  get bytes(): number {
    let b = 0;
    for (const t of this.trees.values()) if (t) b += t.times.byteLength;
    return b;
  }

  /** The trees built so far for a profile (the landmarks of landmarks.ts). */
  built(profile: string): StationTree[] {
    const out: StationTree[] = [];
    for (const t of this.trees.values()) if (t && t.profile === profile) out.push(t);
    return out;
  }

  /** The cached tree, or undefined if not built (null: the point is off the network). */
  peek(profile: string, lat: number, lon: number): StationTree | null | undefined {
    return this.trees.get(key(profile, lat, lon));
  }

  /**
   * The tree from (lat, lon) for the profile, built now if not cached; null if the point is too
   * far from a road, the profile flies, or the cache is full.
   */
  tree(profile: string, lat: number, lon: number): StationTree | null {
    const k = key(profile, lat, lon);
    const have = this.trees.get(k);
    if (have !== undefined) return have;
    if (this.trees.size >= this.maxTrees) return null;
    const t = this.build(profile, lat, lon);
    this.trees.set(k, t);
    return t;
  }

  /**
   * Take a tree built elsewhere over the same graph and speeds (a worker thread: times to the bit
   * as `tree` would build them, server/shell/calibration/band-worker.ts); null: it had none.
   */
  adopt(profile: string, lat: number, lon: number, times: Float64Array | null): StationTree | null {
    const k = key(profile, lat, lon);
    if (this.trees.has(k) || this.trees.size >= this.maxTrees) return this.trees.get(k) ?? null;
    let t: StationTree | null = null;
    if (times) {
      const p = this.planner;
      t = new StationTree(p, p.snap(lat, lon), profile, p.weights(profile), times);
    }
    this.trees.set(k, t);
    return t;
  }

  private build(profile: string, lat: number, lon: number): StationTree | null {
    const p = this.planner;
    if (p.speed.isAir(profile)) return null;
    let from: Snap;
    try {
      from = p.snap(lat, lon);
    } catch {
      return null; // off the network: its resources have no road time either way
    }
    const g = p.graph;
    const w = p.weights(profile);
    const sp = (this.space ??= new SearchSpace(g.nodeCount));
    sp.begin(Infinity);
    const e = from.edge;
    const pos = posOf(from, w);
    // the reverse search's last step, the other way round (see the header)
    if (from.forward) sp.offer(g.head[e]!, w.total[from.geom]! - pos, 0, -1);
    if (from.backward) sp.offer(g.tail[e]!, pos, 0, -1);
    if (from.vertex >= 0) sp.offer(from.vertex, 0, 0, -1);
    sp.run(g, w.fwd, false);
    const times = new Float64Array(g.nodeCount);
    for (let v = 0; v < g.nodeCount; v++) times[v] = sp.time(v);
    this.builds++;
    return new StationTree(p, from, profile, w, times);
  }
}

function key(profile: string, lat: number, lon: number): string {
  return `${profile}|${lat},${lon}`;
}
