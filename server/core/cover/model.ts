/**
 * Cover: the predicted response-time picture from every available resource, its demand-weighted
 * figures against the scenario's response standards, gap cells for the map, what-if (cover after
 * committing resources) and standby-move recommendations. docs/cover.md explains the method.
 *
 * A *surface* is one (agency, capability) pair named by a standard, with k = the largest `nth`
 * its standards ask for (2 for "second appliance"). Its sources are the available resources able
 * to meet it; each source starts at its live position, plus its crewing turnout when it is at a
 * station (mobile resources have no turnout).
 *
 * Two exact ways to compute a surface, same answer (tests check both against a brute force):
 *   - trees: each distinct source position's bounded single-source search (planner
 *     `timesFromSources`) is cached as node times (Float32) plus exact demand times (Float64);
 *     a recompute is then a k-best merge over sources (milliseconds). Stations and posts never
 *     move, so after warm-up only new mobile positions need a search.
 *   - search: one multi-source k-best label-setting search (../graph/multi-source.ts), used when
 *     many sources are at positions not cached (e.g. police cars on patrol).
 */
import { haversineM } from '../geo.ts';
import { isDeployable, ResourceStatus } from '../fleet/status.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import type { RoadGraph } from '../graph/build.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { SearchSpace } from '../graph/search.ts';
import { KBestSpace, type KSeed } from '../graph/multi-source.ts';
import type { Snap } from '../graph/snap.ts';
import { turnoutS } from '../graph/speed.ts';
import type { Agency, DemandPoint, ResourceDef, ResponseStandard, Scenario } from '../scenario/types.ts';
import { packResponders, type ResponderLists } from './responders.ts';

export interface CoverOptions {
  /** Gap grid cell size, metres (default 1000). */
  cellM?: number;
  /** A surface's search bound is this factor times its largest standard time (default 1.5), at most maxBoundS. */
  boundFactor?: number;
  maxBoundS?: number;
  /** Cached source trees (each nodeCount x 4 bytes), default 128. */
  maxTrees?: number;
  /** More uncached source positions than this in one recompute: use the multi-source search (default 3). */
  maxFreshTrees?: number;
  /**
   * Removals a picture's responder lists answer exactly (m, default 4): each demand point keeps
   * its best k + m responders (at most 8 in all), so the cover after committing up to m of a
   * surface's sources is read from the lists without a search (./responders.ts).
   */
  exactRemovals?: number;
}

export interface SurfaceTarget {
  standardId: string;
  standardName: string;
  nth: number;
  withinS: number;
  /** Share of demand the standard asks to be met, 0..1. */
  share: number;
}

export interface SurfaceDef {
  /** `${agency}:${capability}` */
  key: string;
  agency: Agency;
  capability: string;
  k: number;
  boundS: number;
  targets: SurfaceTarget[];
}

/** One available resource as a cover source. */
export interface CoverSource {
  resourceId: string;
  profile: string;
  lat: number;
  lon: number;
  /** Turnout before the drive: crewing turnout at a station, 0 when mobile. */
  offsetS: number;
  /** Booked available at a station: its position repeats, so its tree is always worth caching. */
  atStation?: boolean;
}

export interface TargetFigure extends SurfaceTarget {
  surface: string;
  /** Demand weight reached within withinS by the nth resource, over all snapped demand. */
  coveredWeight: number;
  totalWeight: number;
  /** coveredWeight / totalWeight, 0..1. */
  coveredShare: number;
  meetsStandard: boolean;
  /** e.g. "fire pump 1st within 10 min: 93.4% of demand (standard 90%)". */
  label: string;
}

export interface GapCell {
  row: number;
  col: number;
  south: number;
  west: number;
  north: number;
  east: number;
  /** Median and worst node time in the cell for this target; null = beyond the search bound. */
  medianS: number | null;
  worstS: number | null;
  nodes: number;
}

export interface TargetGaps {
  surface: string;
  nth: number;
  withinS: number;
  cells: GapCell[];
}

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

interface Tree {
  nodes: Float32Array;
  demand: Float64Array;
}

/** fastestMps by planner and profile: a property of the graph and speeds, shared by every model over them. */
const FASTEST = new WeakMap<JourneyPlanner, Map<string, number>>();

const nthName = (n: number): string => (n === 1 ? '1st' : n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`);

export function fmtMinutes(s: number): string {
  const m = s / 60;
  return Number.isInteger(m) ? `${m} min` : `${m.toFixed(1)} min`;
}

export class CoverModel {
  readonly planner: JourneyPlanner;
  readonly scenario: Scenario;
  readonly surfaces: SurfaceDef[];
  readonly demand: DemandPoint[];
  /** Snap of each demand point, null if it is farther than the snapping allowance from a road. */
  readonly demandSnap: Array<Snap | null>;
  readonly totalWeight: number;
  readonly cellM: number;
  /** Grid over scenario bounds. */
  readonly grid: { rows: number; cols: number; dLat: number; dLon: number; south: number; west: number };
  /** Nodes by cell (CSR): cellNodes[cellStart[c] .. cellStart[c+1]-1]. */
  private readonly cellStart: Uint32Array;
  private readonly cellNodes: Uint32Array;
  private readonly maxTrees: number;
  private readonly maxFreshTrees: number;
  private readonly exactRemovals: number;
  private readonly trees = new Map<string, Tree>();
  private treeSpace: SearchSpace | null = null;
  private readonly kSpaces = new Map<number, KBestSpace>();
  /** Searches run for trees (for tests and the bench). */
  treeSearches = 0;

  constructor(planner: JourneyPlanner, scenario: Scenario, opts: CoverOptions = {}) {
    this.planner = planner;
    this.scenario = scenario;
    this.cellM = opts.cellM ?? 1000;
    this.maxTrees = opts.maxTrees ?? 128;
    this.maxFreshTrees = opts.maxFreshTrees ?? 3;
    this.exactRemovals = Math.max(1, Math.floor(opts.exactRemovals ?? 4));
    const factor = opts.boundFactor ?? 1.5;
    const maxBound = opts.maxBoundS ?? 3600;
    const byKey = new Map<string, SurfaceDef>();
    for (const st of scenario.standards) {
      const key = `${st.agency}:${st.capability}`;
      let s = byKey.get(key);
      if (!s) byKey.set(key, (s = { key, agency: st.agency, capability: st.capability, k: 1, boundS: 0, targets: [] }));
      for (const t of st.targets) {
        s.targets.push({ standardId: st.id, standardName: st.name, nth: t.nth, withinS: t.withinS, share: t.share });
        s.k = Math.max(s.k, t.nth);
        s.boundS = Math.max(s.boundS, Math.min(maxBound, Math.max(t.withinS * factor, t.withinS)));
      }
    }
    this.surfaces = [...byKey.values()];
    this.demand = scenario.demand;
    this.demandSnap = scenario.demand.map((d) => {
      try {
        return planner.snap(d.lat, d.lon);
      } catch {
        return null;
      }
    });
    // Every demand point counts; one that does not snap to a road is never covered.
    this.totalWeight = this.demand.reduce((t, d) => t + d.weight, 0);
    // Grid.
    const b = scenario.bounds;
    const midLat = (b.south + b.north) / 2;
    const dLat = this.cellM / 111_195;
    const dLon = this.cellM / (111_195 * Math.cos((midLat * Math.PI) / 180));
    const rows = Math.max(1, Math.ceil((b.north - b.south) / dLat));
    const cols = Math.max(1, Math.ceil((b.east - b.west) / dLon));
    this.grid = { rows, cols, dLat, dLon, south: b.south, west: b.west };
    const g = planner.graph;
    const cellOf = new Int32Array(g.nodeCount);
    const count = new Uint32Array(rows * cols + 1);
    for (let v = 0; v < g.nodeCount; v++) {
      const r = Math.floor((nodeLat(g, v) - b.south) / dLat);
      const c = Math.floor((nodeLon(g, v) - b.west) / dLon);
      const cell = r >= 0 && r < rows && c >= 0 && c < cols ? r * cols + c : -1;
      cellOf[v] = cell;
      if (cell >= 0) count[cell + 1]!++;
    }
    for (let i = 0; i < rows * cols; i++) count[i + 1]! += count[i]!;
    this.cellStart = count;
    this.cellNodes = new Uint32Array(count[rows * cols]!);
    const fill = count.slice(0, rows * cols);
    for (let v = 0; v < g.nodeCount; v++) if (cellOf[v]! >= 0) this.cellNodes[fill[cellOf[v]!]!++] = v;
  }

  /**
   * Responders kept per demand point for a surface: k + m, at most 8 (the multi-source search's
   * label limit), and never fewer than k + 1, so a single commitment is always answered exactly.
   */
  slots(s: SurfaceDef): number {
    return Math.max(s.k + 1, Math.min(8, s.k + this.exactRemovals));
  }

  surface(key: string): SurfaceDef | undefined {
    return this.surfaces.find((s) => s.key === key);
  }

  /** Can this resource meet the surface (its capability, its agency or shared with it)? */
  eligible(def: ResourceDef, s: SurfaceDef): boolean {
    return (
      def.capabilities.includes(s.capability) && (def.agency === s.agency || (def.sharedWith ?? []).includes(s.agency))
    );
  }

  /** Surfaces a resource counts towards. */
  surfacesOf(def: ResourceDef): SurfaceDef[] {
    return this.surfaces.filter((s) => this.eligible(def, s));
  }

  /** Cover sources of a surface: available resources at their live position, sorted by id. */
  sources(
    s: SurfaceDef,
    resources: Iterable<Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'>>,
    exclude?: ReadonlySet<string>,
    skip?: (r: Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'>) => boolean,
  ): CoverSource[] {
    const out: CoverSource[] = [];
    for (const r of resources) {
      if (!isDeployable(r.status) || !this.eligible(r.def, s) || exclude?.has(r.def.id)) continue;
      if (skip && r.status !== ResourceStatus.AVAILABLE_AT_STATION && skip(r)) continue;
      out.push({
        resourceId: r.def.id,
        profile: r.def.vehicleClass,
        lat: r.lat,
        lon: r.lon,
        offsetS: r.status === ResourceStatus.AVAILABLE_AT_STATION ? turnoutS(r.def, this.scenario.crewing) : 0,
        atStation: r.status === ResourceStatus.AVAILABLE_AT_STATION,
      });
    }
    out.sort((a, b) => (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
    return out;
  }

  private treeKey(profile: string, lat: number, lon: number, boundS: number): string {
    return `${profile}|${lat.toFixed(7)}|${lon.toFixed(7)}|${boundS}`;
  }

  hasTree(profile: string, lat: number, lon: number, boundS: number): boolean {
    return this.planner.speed.isAir(profile) || this.trees.has(this.treeKey(profile, lat, lon, boundS));
  }

  /**
   * Drive times (no turnout) from one position: to every node (Float32) and to every demand
   * point (exact). Cached by position; null if the position is off-road. Air profiles have no
   * node tree (straight lines are computed on the fly).
   */
  tree(profile: string, lat: number, lon: number, boundS: number): Tree | null {
    const key = this.treeKey(profile, lat, lon, boundS);
    const hit = this.trees.get(key);
    if (hit) {
      this.trees.delete(key); // LRU: re-insert as newest
      this.trees.set(key, hit);
      return hit;
    }
    const p = this.planner;
    let snap: Snap;
    try {
      snap = p.snap(lat, lon);
    } catch {
      return null;
    }
    const n = p.graph.nodeCount;
    const nodes = new Float32Array(n);
    const demand = new Float64Array(this.demand.length);
    if (p.speed.isAir(profile)) {
      for (let v = 0; v < n; v++)
        nodes[v] = p.speed.airSeconds(profile, haversineM(lat, lon, nodeLat(p.graph, v), nodeLon(p.graph, v)));
      this.demand.forEach(
        (d, i) =>
          (demand[i] = this.demandSnap[i] ? p.speed.airSeconds(profile, haversineM(lat, lon, d.lat, d.lon)) : NaN),
      );
      return { nodes, demand };
    }
    this.treeSpace ??= p.newSpace();
    const sp = this.treeSpace;
    const field = p.timesFromSources([{ snap, offsetS: 0 }], profile, { maxS: boundS, space: sp });
    this.treeSearches++;
    for (let v = 0; v < n; v++) nodes[v] = sp.time(v);
    for (let i = 0; i < this.demand.length; i++) {
      const ds = this.demandSnap[i];
      demand[i] = ds ? field.timeTo(ds).seconds : NaN;
    }
    const t = { nodes, demand };
    this.trees.set(key, t);
    while (this.trees.size > this.maxTrees) {
      const oldest = this.trees.keys().next().value;
      if (oldest === undefined) break;
      this.trees.delete(oldest);
    }
    return t;
  }

  /**
   * The highest speed, m/s, any part of a journey of this profile can have: the fastest road slot
   * of the graph or the off-road gap (air profiles: the airspeed). Journey times are at least the
   * straight-line distance over it, which lets standby moves skip destinations that cannot reach
   * an uncovered demand point in time without searching from them (./moves.ts).
   */
  fastestMps(profile: string): number {
    const p = this.planner;
    let known = FASTEST.get(p);
    if (!known) FASTEST.set(p, (known = new Map()));
    const hit = known.get(profile);
    if (hit !== undefined) return hit;
    let mps: number;
    if (p.speed.isAir(profile)) mps = 1000 / p.speed.airSeconds(profile, 1000);
    else {
      const g = p.graph;
      let kmh = p.offRoadKmh;
      const seen = new Set<number>();
      for (let i = 0; i < g.slotHighway.length; i++) {
        const key = g.slotHighway[i]! * 1e6 + g.slotMaxspeed[i]!;
        if (seen.has(key)) continue;
        seen.add(key);
        kmh = Math.max(
          kmh,
          p.speed.roadKmh(profile, g.highwayNames[g.slotHighway[i]!] ?? 'default', g.slotMaxspeed[i]!),
        );
      }
      mps = kmh / 3.6;
    }
    known.set(profile, mps);
    return mps;
  }

  /** Compute a surface from its sources (see the file comment for the two methods). */
  compute(s: SurfaceDef, sources: readonly CoverSource[], opts: { method?: 'trees' | 'search' } = {}): SurfaceResult {
    let method = opts.method;
    if (!method) {
      // Station positions repeat (a crew books in at the same station again), so their trees are
      // built once and kept; only new mobile positions count against the multi-source fallback.
      // Counting stations too made a cold model pick the search and never build a tree, so every
      // recompute paid the full search (bench/cover.ts: ~80 ms against ~10 ms by cached trees).
      let fresh = 0;
      for (const src of sources) if (!src.atStation && !this.hasTree(src.profile, src.lat, src.lon, s.boundS)) fresh++;
      method = fresh > this.maxFreshTrees ? 'search' : 'trees';
    }
    const slots = this.slots(s);
    const r = method === 'trees' ? this.computeByTrees(s, sources, slots) : this.computeBySearch(s, sources, slots);
    // Demand points were ranked to `slots` responders: keep them as the responder lists, and the
    // first k as the picture's demand times.
    r.responders = packResponders(s, r.sourceIds, r.demandTimes, r.demandSource);
    r.demandTimes = r.demandTimes.slice(0, s.k);
    r.demandSource = r.demandSource.slice(0, s.k);
    r.figures = this.figures(s, r.demandTimes);
    return r;
  }

  private emptyResult(
    s: SurfaceDef,
    sources: readonly CoverSource[],
    method: 'trees' | 'search',
    slots: number,
  ): SurfaceResult {
    const n = this.planner.graph.nodeCount;
    const D = this.demand.length;
    const nodeTimes: Float32Array[] = [];
    const demandTimes: Float64Array[] = [];
    const demandSource: Int32Array[] = [];
    for (let j = 0; j < s.k; j++) nodeTimes.push(new Float32Array(n).fill(Infinity));
    for (let j = 0; j < slots; j++) {
      const dt = new Float64Array(D).fill(Infinity);
      this.demandSnap.forEach((sn, i) => {
        if (!sn) dt[i] = NaN;
      });
      demandTimes.push(dt);
      demandSource.push(new Int32Array(D).fill(-1));
    }
    const sourceIds = sources.map((x) => x.resourceId);
    return {
      surface: s,
      method,
      sourceIds,
      nodeTimes,
      demandTimes,
      demandSource,
      responders: packResponders(s, sourceIds, [], []),
      figures: [],
    };
  }

  private computeByTrees(s: SurfaceDef, sources: readonly CoverSource[], slots: number): SurfaceResult {
    const res = this.emptyResult(s, sources, 'trees', slots);
    const k = s.k;
    const bound = s.boundS;
    const n = this.planner.graph.nodeCount;
    const D = this.demand.length;
    for (let si = 0; si < sources.length; si++) {
      const src = sources[si]!;
      const t = this.tree(src.profile, src.lat, src.lon, bound);
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

  private computeBySearch(s: SurfaceDef, sources: readonly CoverSource[], slots: number): SurfaceResult {
    const res = this.emptyResult(s, sources, 'search', slots);
    const p = this.planner;
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
          const t = this.tree(profile, src.lat, src.lon, bound);
          if (t) this.mergeTree(res, k, slots, bound, src.offsetS, t, i);
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
      let sp = this.kSpaces.get(slots);
      if (!sp) this.kSpaces.set(slots, (sp = new KBestSpace(g.nodeCount, slots)));
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
      for (let d = 0; d < this.demand.length; d++) {
        const ds = this.demandSnap[d];
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

  private mergeTree(
    res: SurfaceResult,
    k: number,
    slots: number,
    bound: number,
    off: number,
    t: Tree,
    si: number,
  ): void {
    const n = this.planner.graph.nodeCount;
    for (let v = 0; v < n; v++) {
      const x = off + t.nodes[v]!;
      if (x <= bound) insertNode(res.nodeTimes, k, v, x);
    }
    for (let d = 0; d < this.demand.length; d++)
      insertK(res.demandTimes, res.demandSource, slots, d, off + t.demand[d]!, si, bound);
  }

  /** Demand-weighted share within each target of a surface, from its demand times. */
  figures(s: SurfaceDef, demandTimes: readonly Float64Array[]): TargetFigure[] {
    return s.targets.map((t) => {
      const times = demandTimes[t.nth - 1]!;
      let covered = 0;
      this.demand.forEach((d, i) => {
        if (times[i]! <= t.withinS) covered += d.weight;
      });
      const share = this.totalWeight > 0 ? covered / this.totalWeight : 0;
      return {
        ...t,
        surface: s.key,
        coveredWeight: covered,
        totalWeight: this.totalWeight,
        coveredShare: share,
        meetsStandard: share >= t.share,
        label: `${s.agency} ${s.capability} ${nthName(t.nth)} within ${fmtMinutes(t.withinS)}: ${(share * 100).toFixed(1)}% of demand (standard ${(t.share * 100).toFixed(0)}%)`,
      };
    });
  }

  /** Grid cells whose median node time for a target is beyond its standard (distinct nth/withinS per surface). */
  gaps(r: SurfaceResult): TargetGaps[] {
    const out: TargetGaps[] = [];
    const seen = new Set<string>();
    const { rows, cols, dLat, dLon, south, west } = this.grid;
    let scratch = new Float64Array(64);
    for (const t of r.surface.targets) {
      const key = `${t.nth}|${t.withinS}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const times = r.nodeTimes[t.nth - 1]!;
      const cells: GapCell[] = [];
      for (let c = 0; c < rows * cols; c++) {
        const lo = this.cellStart[c]!,
          hi = this.cellStart[c + 1]!;
        const m = hi - lo;
        if (m === 0) continue;
        if (scratch.length < m) scratch = new Float64Array(m * 2);
        const buf = scratch.subarray(0, m);
        for (let i = 0; i < m; i++) buf[i] = times[this.cellNodes[lo + i]!]!;
        buf.sort();
        const median = m % 2 === 1 ? buf[(m - 1) / 2]! : (buf[m / 2 - 1]! + buf[m / 2]!) / 2;
        if (!(median > t.withinS)) continue;
        const worst = buf[m - 1]!;
        const row = Math.floor(c / cols),
          col = c % cols;
        cells.push({
          row,
          col,
          south: south + row * dLat,
          west: west + col * dLon,
          north: south + (row + 1) * dLat,
          east: west + (col + 1) * dLon,
          medianS: Number.isFinite(median) ? Math.round(median) : null,
          worstS: Number.isFinite(worst) ? Math.round(worst) : null,
          nodes: m,
        });
      }
      out.push({ surface: r.surface.key, nth: t.nth, withinS: t.withinS, cells });
    }
    return out;
  }

  /**
   * Top-(k+extra) demand times from per-source demand vectors: for what-if and move scoring.
   * Returns the source order and, per demand point, the best `slots` (time, source index).
   */
  demandTable(
    s: SurfaceDef,
    sources: readonly CoverSource[],
    slots: number,
  ): { times: Float64Array[]; who: Int32Array[] } {
    const D = this.demand.length;
    const times: Float64Array[] = [];
    const who: Int32Array[] = [];
    for (let j = 0; j < slots; j++) {
      const dt = new Float64Array(D).fill(Infinity);
      this.demandSnap.forEach((sn, i) => {
        if (!sn) dt[i] = NaN;
      });
      times.push(dt);
      who.push(new Int32Array(D).fill(-1));
    }
    sources.forEach((src, si) => {
      const t = this.tree(src.profile, src.lat, src.lon, s.boundS);
      if (!t) return;
      for (let d = 0; d < D; d++) insertK(times, who, slots, d, src.offsetS + t.demand[d]!, si, s.boundS);
    });
    return { times, who };
  }
}

/** Coordinates of routing node v (the graph keeps all points; vertexPoint maps nodes to points). */
function nodeLat(g: RoadGraph, v: number): number {
  return g.lat[g.vertexPoint[v]!]!;
}
function nodeLon(g: RoadGraph, v: number): number {
  return g.lon[g.vertexPoint[v]!]!;
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

export type { ResponseStandard };
