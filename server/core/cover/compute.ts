/**
 * Computing one cover surface from its sources, two exact ways with the same answer (tests check
 * both against a brute force):
 *   - trees: a k-best merge of each source's cached tree (./tree-cache.ts), milliseconds once warm;
 *   - search: one multi-source k-best label-setting search (../graph/multi-source.ts), used when
 *     many sources are at positions not cached (e.g. police cars on patrol).
 * CoverModel.compute (./model.ts) picks the method and adds the figures and responder lists.
 */
import { KBestSpace, type KSeed } from '../graph/multi-source.ts';
import type { Snap } from '../graph/snap.ts';
import type { TargetFigure } from './figures.ts';
import { packResponders, type ResponderLists } from './responders.ts';
import type { CoverSource, SurfaceDef } from './surfaces.ts';
import type { Tree, TreeCache } from './tree-cache.ts';

export interface SurfaceResult {
  surface: SurfaceDef;
  method: 'trees' | 'search';
  sourceIds: string[];
  /** nodeTimes[j][v]: (j+1)-th best time at node v (Infinity beyond the bound). */
  nodeTimes: Float32Array[];
  /** demandTimes[j][d]: (j+1)-th best time at demand point d (NaN when the point did not snap). */
  demandTimes: Float64Array[];
  /** Index into sourceIds of the resource giving demandTimes[j][d], -1 if none. */
  demandSource: Int32Array[];
  /** Per demand point the best k + m responders with their resource ids: what-if without a search (./responders.ts). */
  responders: ResponderLists;
  figures: TargetFigure[];
}

/** Per demand point, the best `slots` (time, source index): for what-if and move scoring. */
export interface DemandTable {
  times: Float64Array[];
  who: Int32Array[];
}

/** `slots` empty ranks: no responder yet (Infinity), NaN where the demand point did not snap. */
function emptyTable(demandSnap: ReadonlyArray<Snap | null>, slots: number): DemandTable {
  const D = demandSnap.length;
  const times: Float64Array[] = [];
  const who: Int32Array[] = [];
  for (let j = 0; j < slots; j++) {
    const dt = new Float64Array(D).fill(Infinity);
    demandSnap.forEach((sn, i) => {
      if (!sn) dt[i] = NaN;
    });
    times.push(dt);
    who.push(new Int32Array(D).fill(-1));
  }
  return { times, who };
}

function emptyResult(
  trees: TreeCache,
  s: SurfaceDef,
  sources: readonly CoverSource[],
  method: 'trees' | 'search',
  slots: number,
): SurfaceResult {
  const n = trees.planner.graph.nodeCount;
  const nodeTimes: Float32Array[] = [];
  for (let j = 0; j < s.k; j++) nodeTimes.push(new Float32Array(n).fill(Infinity));
  const { times, who } = emptyTable(trees.demandSnap, slots);
  const sourceIds = sources.map((x) => x.resourceId);
  return {
    surface: s,
    method,
    sourceIds,
    nodeTimes,
    demandTimes: times,
    demandSource: who,
    responders: packResponders(s, sourceIds, [], []),
    figures: [],
  };
}

/** The surface by a k-best merge of its sources' cached trees, demand points ranked to `slots`. */
export function computeByTrees(
  trees: TreeCache,
  s: SurfaceDef,
  sources: readonly CoverSource[],
  slots: number,
): SurfaceResult {
  const res = emptyResult(trees, s, sources, 'trees', slots);
  const k = s.k;
  const bound = s.boundS;
  const n = trees.planner.graph.nodeCount;
  const D = trees.demand.length;
  for (let si = 0; si < sources.length; si++) {
    const src = sources[si]!;
    const t = trees.get(src.profile, src.lat, src.lon, bound);
    if (!t) continue;
    const off = src.offsetS;
    // nodes: insert (off + tree) into the k sorted slots
    const nt = res.nodeTimes;
    const last = nt[k - 1]!;
    for (let v = 0; v < n; v++) {
      const x = off + t.nodes[v]!;
      if (!(x <= bound) || x >= last[v]!) continue;
      let j = k - 1;
      while (j > 0 && nt[j - 1]![v]! > x) {
        nt[j]![v] = nt[j - 1]![v]!;
        j--;
      }
      nt[j]![v] = x;
    }
    for (let d = 0; d < D; d++) insertK(res.demandTimes, res.demandSource, slots, d, off + t.demand[d]!, si, bound);
  }
  return res;
}

/**
 * The surface by one multi-source k-best search per road profile (air profiles merge straight-line
 * trees). `kSpaces` keeps one search space per label count across calls.
 */
export function computeBySearch(
  trees: TreeCache,
  kSpaces: Map<number, KBestSpace>,
  s: SurfaceDef,
  sources: readonly CoverSource[],
  slots: number,
): SurfaceResult {
  const res = emptyResult(trees, s, sources, 'search', slots);
  const p = trees.planner;
  const g = p.graph;
  const k = s.k;
  const bound = s.boundS;
  const byProfile = new Map<string, number[]>();
  sources.forEach((src, i) => {
    let l = byProfile.get(src.profile);
    if (!l) byProfile.set(src.profile, (l = []));
    l.push(i);
  });
  const snaps = new Map<number, Snap>();
  for (const [profile, idx] of byProfile) {
    if (p.speed.isAir(profile)) {
      // no network: merge straight-line trees (rare: drones meeting a standard)
      for (const i of idx) {
        const src = sources[i]!;
        const t = trees.get(profile, src.lat, src.lon, bound);
        if (t) mergeTree(res, k, slots, bound, src.offsetS, t, i);
      }
      continue;
    }
    const w = p.weights(profile);
    const seeds: KSeed[] = [];
    for (const i of idx) {
      const src = sources[i]!;
      let snap: Snap;
      try {
        snap = p.snap(src.lat, src.lon);
      } catch {
        continue;
      }
      snaps.set(i, snap);
      // seeded exactly as JourneyPlanner.timesFromSources does
      const off = src.offsetS + p.offRoadS(snap);
      const e = snap.edge;
      const { pos, total } = p.position(snap, w);
      if (snap.forward) seeds.push({ node: g.head[e]!, seconds: off + total - pos, origin: i });
      if (snap.backward) seeds.push({ node: g.tail[e]!, seconds: off + pos, origin: i });
      // snapped onto a routing node: it starts there too (without this a source at a junction
      // was timed via its edge's far end only, slower than its tree)
      if (snap.vertex >= 0) seeds.push({ node: snap.vertex, seconds: off, origin: i });
    }
    // `slots` labels per node, not k: a demand point's best `slots` responders arrive through
    // its edge's ends' best `slots` (the k-best argument of ../graph/multi-source.ts, for slots).
    let sp = kSpaces.get(slots);
    if (!sp) kSpaces.set(slots, (sp = new KBestSpace(g.nodeCount, slots)));
    sp.run(g, w.fwd, seeds, bound);
    // nodes
    const n = g.nodeCount;
    const single = byProfile.size === 1;
    for (let v = 0; v < n; v++) {
      for (let j = 0; j < k; j++) {
        const x = sp.time(v, j);
        if (!Number.isFinite(x)) break;
        if (single) res.nodeTimes[j]![v] = x;
        else insertNode(res.nodeTimes, k, v, x);
      }
    }
    // demand points: arrive from the edge's tail or head, or from a source on the same
    // geometry (as the planner's SourceField.timeTo, with k labels per end)
    for (let d = 0; d < trees.demand.length; d++) {
      const ds = trees.demandSnap[d];
      if (!ds) continue;
      const e = ds.edge;
      const { pos, total } = p.position(ds, w);
      const cand: Array<[number, number]> = [];
      const a = g.tail[e]!,
        b = g.head[e]!;
      for (let j = 0; j < slots; j++) {
        const ta = sp.time(a, j);
        if (Number.isFinite(ta)) cand.push([ta + pos, sp.origin(a, j)]);
        if (g.twin[e]! >= 0) {
          const tb = sp.time(b, j);
          if (Number.isFinite(tb)) cand.push([tb + total - pos, sp.origin(b, j)]);
        }
        if (ds.vertex >= 0) {
          const tv = sp.time(ds.vertex, j);
          if (Number.isFinite(tv)) cand.push([tv, sp.origin(ds.vertex, j)]);
        }
      }
      for (const i of idx) {
        const sn = snaps.get(i);
        if (!sn || sn.geom !== ds.geom) continue;
        cand.push([sources[i]!.offsetS + p.offRoadS(sn) + p.sameGeometry(sn, ds, w), i]);
      }
      const offD = p.offRoadS(ds);
      // best time per origin, then insert
      const best = new Map<number, number>();
      for (const [t, o] of cand) if (!(best.get(o)! <= t)) best.set(o, t);
      for (const [o, t] of best) insertK(res.demandTimes, res.demandSource, slots, d, t + offD, o, bound);
    }
  }
  return res;
}

function mergeTree(
  res: SurfaceResult,
  k: number,
  slots: number,
  bound: number,
  off: number,
  t: Tree,
  si: number,
): void {
  const n = t.nodes.length;
  for (let v = 0; v < n; v++) {
    const x = off + t.nodes[v]!;
    if (x <= bound) insertNode(res.nodeTimes, k, v, x);
  }
  for (let d = 0; d < t.demand.length; d++)
    insertK(res.demandTimes, res.demandSource, slots, d, off + t.demand[d]!, si, bound);
}

/**
 * Top-`slots` demand times from per-source demand vectors (cached trees): for what-if and move
 * scoring. Per demand point, the best `slots` (time, index into `sources`).
 */
export function demandTable(
  trees: TreeCache,
  s: SurfaceDef,
  sources: readonly CoverSource[],
  slots: number,
): DemandTable {
  const table = emptyTable(trees.demandSnap, slots);
  const D = trees.demand.length;
  sources.forEach((src, si) => {
    const t = trees.get(src.profile, src.lat, src.lon, s.boundS);
    if (!t) return;
    for (let d = 0; d < D; d++) insertK(table.times, table.who, slots, d, src.offsetS + t.demand[d]!, si, s.boundS);
  });
  return table;
}

/** Insert (x, source) into demand point d's k sorted slots; beyond `bound` counts as absent. */
function insertK(
  times: Float64Array[],
  who: Int32Array[],
  k: number,
  d: number,
  x: number,
  source: number,
  bound: number,
): void {
  if (!(x <= bound)) return;
  if (!(x < times[k - 1]![d]!)) return;
  let j = k - 1;
  while (j > 0 && times[j - 1]![d]! > x) {
    times[j]![d] = times[j - 1]![d]!;
    who[j]![d] = who[j - 1]![d]!;
    j--;
  }
  times[j]![d] = x;
  who[j]![d] = source;
}

function insertNode(nt: Float32Array[], k: number, v: number, x: number): void {
  if (!(x < nt[k - 1]![v]!)) return;
  let j = k - 1;
  while (j > 0 && nt[j - 1]![v]! > x) {
    nt[j]![v] = nt[j - 1]![v]!;
    j--;
  }
  nt[j]![v] = x;
}
