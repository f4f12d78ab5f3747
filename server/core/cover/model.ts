/**
 * Cover: the predicted response-time picture from every available resource, its demand-weighted
 * figures against the scenario's response standards, gap cells for the map, what-if (cover after
 * committing resources) and standby-move recommendations. docs/cover.md explains the method.
 *
 * CoverModel holds one scenario's pieces over one planner and is what the rest of the code calls:
 *   - ./surfaces.ts: the (agency, capability) surfaces and their sources;
 *   - ./tree-cache.ts: cached single-source trees, the fast way once warm;
 *   - ./compute.ts: one surface by merging trees or by one multi-source search;
 *   - ./figures.ts: demand-weighted shares against the standards;
 *   - ./gaps.ts: grid cells beyond a standard, for the map.
 */
import type { LiveResource } from '../fleet/fleet.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { KBestSpace } from '../graph/multi-source.ts';
import type { Snap } from '../graph/snap.ts';
import type { DemandPoint, ResourceDef, ResponseStandard, Scenario } from '../scenario/types.ts';
import { computeBySearch, computeByTrees, demandTable, type DemandTable, type SurfaceResult } from './compute.ts';
import { targetFigures, type TargetFigure } from './figures.ts';
import { GapGrid, type Grid, type TargetGaps } from './gaps.ts';
import { packResponders } from './responders.ts';
import {
  coverSources,
  defineSurfaces,
  eligible,
  type CoverSource,
  type SourceResource,
  type SurfaceDef,
} from './surfaces.ts';
import { fastestMps, TreeCache, type Tree } from './tree-cache.ts';

export type { SurfaceResult } from './compute.ts';
export { fmtMinutes, type TargetFigure } from './figures.ts';
export type { GapCell, TargetGaps } from './gaps.ts';
export type { CoverSource, SurfaceDef, SurfaceTarget } from './surfaces.ts';

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
  readonly grid: Grid;
  private readonly gapGrid: GapGrid;
  private readonly trees: TreeCache;
  private readonly kSpaces = new Map<number, KBestSpace>();
  private readonly maxFreshTrees: number;
  private readonly exactRemovals: number;

  constructor(planner: JourneyPlanner, scenario: Scenario, opts: CoverOptions = {}) {
    this.planner = planner;
    this.scenario = scenario;
    this.cellM = opts.cellM ?? 1000;
    this.maxFreshTrees = opts.maxFreshTrees ?? 3;
    this.exactRemovals = Math.max(1, Math.floor(opts.exactRemovals ?? 4));
    this.surfaces = defineSurfaces(scenario, opts.boundFactor ?? 1.5, opts.maxBoundS ?? 3600);
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
    this.gapGrid = new GapGrid(planner.graph, scenario.bounds, this.cellM);
    this.grid = this.gapGrid.grid;
    this.trees = new TreeCache(planner, this.demand, this.demandSnap, opts.maxTrees ?? 128);
  }

  /** Searches run for trees (for tests and the bench). */
  get treeSearches(): number {
    return this.trees.searches;
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
    return eligible(def, s);
  }

  /** Surfaces a resource counts towards. */
  surfacesOf(def: ResourceDef): SurfaceDef[] {
    return this.surfaces.filter((s) => eligible(def, s));
  }

  /** Cover sources of a surface: available resources where they start from (../fleet/start.ts), sorted by id. */
  sources(
    s: SurfaceDef,
    resources: Iterable<SourceResource>,
    exclude?: ReadonlySet<string>,
    skip?: (r: SourceResource) => boolean,
  ): CoverSource[] {
    return coverSources(s, this.scenario, resources, exclude, skip);
  }

  hasTree(profile: string, lat: number, lon: number, boundS: number): boolean {
    return this.trees.has(profile, lat, lon, boundS);
  }

  /** Drive times (no turnout) from one position, cached (./tree-cache.ts); null if off-road. */
  tree(profile: string, lat: number, lon: number, boundS: number): Tree | null {
    return this.trees.get(profile, lat, lon, boundS);
  }

  /** The highest speed, m/s, any part of a journey of this profile can have (./tree-cache.ts). */
  fastestMps(profile: string): number {
    return fastestMps(this.planner, profile);
  }

  /** Compute a surface from its sources (./compute.ts has the two methods). */
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
    const r =
      method === 'trees'
        ? computeByTrees(this.trees, s, sources, slots)
        : computeBySearch(this.trees, this.kSpaces, s, sources, slots);
    // Demand points were ranked to `slots` responders: keep them as the responder lists, and the
    // first k as the picture's demand times.
    r.responders = packResponders(s, r.sourceIds, r.demandTimes, r.demandSource);
    r.demandTimes = r.demandTimes.slice(0, s.k);
    r.demandSource = r.demandSource.slice(0, s.k);
    r.figures = this.figures(s, r.demandTimes);
    return r;
  }

  /** Demand-weighted share within each target of a surface, from its demand times. */
  figures(s: SurfaceDef, demandTimes: readonly Float64Array[]): TargetFigure[] {
    return targetFigures(s, this.demand, this.totalWeight, demandTimes);
  }

  /** Grid cells whose median node time for a target is beyond its standard (distinct nth/withinS per surface). */
  gaps(r: SurfaceResult): TargetGaps[] {
    return this.gapGrid.gaps(r.surface, r.nodeTimes);
  }

  /**
   * Top-(k+extra) demand times from per-source demand vectors: for what-if and move scoring.
   * Returns the source order and, per demand point, the best `slots` (time, source index).
   */
  demandTable(s: SurfaceDef, sources: readonly CoverSource[], slots: number): DemandTable {
    return demandTable(this.trees, s, sources, slots);
  }
}

export type { ResponseStandard };
