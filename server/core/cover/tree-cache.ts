/**
 * The cover's cache of source trees: each distinct source position's bounded single-source search
 * (planner `timesFromSources`), kept as node times (Float32) plus exact demand-point times
 * (Float64), least recently used first out. Stations and posts never move, so after warm-up only
 * new mobile positions need a search. Also the fastest speed of a profile, a lower bound on
 * journey time that lets standby moves skip searches (./moves.ts).
 */
import { haversineM } from '../geo.ts';
import type { RoadGraph } from '../graph/build.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { SearchSpace } from '../graph/search.ts';
import type { Snap } from '../graph/snap.ts';
import type { DemandPoint } from '../scenario/types.ts';

/** Drive times (no turnout) from one position. */
export interface Tree {
  /** To every routing node (Infinity beyond the bound). */
  nodes: Float32Array;
  /** To every demand point, exact (NaN when the point did not snap). */
  demand: Float64Array;
}

export class TreeCache {
  private readonly trees = new Map<string, Tree>();
  private space: SearchSpace | null = null;
  /** Searches run for trees (for tests and the bench). */
  searches = 0;

  constructor(
    readonly planner: JourneyPlanner,
    readonly demand: readonly DemandPoint[],
    /** Snap of each demand point, null if it is too far from a road. */
    readonly demandSnap: ReadonlyArray<Snap | null>,
    private readonly maxTrees: number,
  ) {}

  private key(profile: string, lat: number, lon: number, boundS: number): string {
    return `${profile}|${lat.toFixed(7)}|${lon.toFixed(7)}|${boundS}`;
  }

  has(profile: string, lat: number, lon: number, boundS: number): boolean {
    return this.planner.speed.isAir(profile) || this.trees.has(this.key(profile, lat, lon, boundS));
  }

  /**
   * Drive times (no turnout) from one position: to every node (Float32) and to every demand
   * point (exact). Cached by position; null if the position is off-road. Air profiles have no
   * node tree (straight lines are computed on the fly).
   */
  get(profile: string, lat: number, lon: number, boundS: number): Tree | null {
    const key = this.key(profile, lat, lon, boundS);
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
    this.space ??= p.newSpace();
    const sp = this.space;
    const field = p.timesFromSources([{ snap, offsetS: 0 }], profile, { maxS: boundS, space: sp });
    this.searches++;
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
}

/** fastestMps by planner and profile: a property of the graph and speeds, shared by every model over them. */
const FASTEST = new WeakMap<JourneyPlanner, Map<string, number>>();

/**
 * The highest speed, m/s, any part of a journey of this profile can have: the fastest road slot
 * of the graph or the off-road gap (air profiles: the airspeed). Journey times are at least the
 * straight-line distance over it, which lets standby moves skip destinations that cannot reach
 * an uncovered demand point in time without searching from them (./moves.ts).
 */
export function fastestMps(p: JourneyPlanner, profile: string): number {
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
      kmh = Math.max(kmh, p.speed.roadKmh(profile, g.highwayNames[g.slotHighway[i]!] ?? 'default', g.slotMaxspeed[i]!));
    }
    mps = kmh / 3.6;
  }
  known.set(profile, mps);
  return mps;
}

/** Coordinates of routing node v (the graph keeps all points; vertexPoint maps nodes to points). */
export function nodeLat(g: RoadGraph, v: number): number {
  return g.lat[g.vertexPoint[v]!]!;
}
export function nodeLon(g: RoadGraph, v: number): number {
  return g.lon[g.vertexPoint[v]!]!;
}
