/**
 * Standby moves: move resource X to station or post Y to recover cover, scored from cached
 * per-source demand times (./model.ts `demandTable`), so a question costs O(sources x demand
 * points) once the station and post trees are warm. The what-if of committing resources is in
 * ./what-if.ts. docs/cover.md describes the scoring.
 */
import { haversineM } from '../geo.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import { turnoutS } from '../graph/speed.ts';
import type { Agency } from '../scenario/types.ts';
import type { CoverModel, CoverSource, SurfaceDef, TargetFigure } from './model.ts';

type Res = Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'>;

export interface StandbyDestination {
  id: string;
  kind: 'station' | 'post';
  name: string;
  lat: number;
  lon: number;
  agencies: Agency[];
}

/** Stations and dynamic activation posts, as standby destinations. */
export function standbyDestinations(model: CoverModel): StandbyDestination[] {
  const sc = model.scenario;
  return [
    ...sc.stations.map((s) => ({
      id: s.id,
      kind: 'station' as const,
      name: s.name,
      lat: s.lat,
      lon: s.lon,
      agencies: [s.agency],
    })),
    ...sc.posts.map((p) => ({
      id: p.id,
      kind: 'post' as const,
      name: p.name,
      lat: p.lat,
      lon: p.lon,
      agencies: [...p.agencies],
    })),
  ];
}

export function findDestination(model: CoverModel, id: string): StandbyDestination | undefined {
  return standbyDestinations(model).find((d) => d.id === id);
}

export interface MoveRecommendation {
  resourceId: string;
  callSign: string;
  surface: string;
  from: { lat: number; lon: number };
  destination: { id: string; kind: 'station' | 'post'; name: string; lat: number; lon: number };
  /** Predicted drive to the destination, seconds (null if not routable). */
  travelS: number | null;
  /** Demand weight newly within a target, summed over the surface's targets. */
  gainWeight: number;
  /** Demand weight that falls out of a target because the resource leaves (stripping). */
  strippedWeight: number;
  /** (gain - stripped) / total demand weight. */
  netShare: number;
  before: TargetFigure[];
  after: TargetFigure[];
}

export interface MoveOptions {
  /** Only this surface (default: every surface with a target not met, else all). */
  surface?: string;
  /** Moves returned (default 5). */
  limit?: number;
  /** Resources that may not be moved (e.g. already on a standby move). */
  exclude?: ReadonlySet<string>;
  /**
   * Skip destinations that cannot bring any uncovered demand point within a target (default
   * true). Exact: tests compare it with `prune: false`, which searches from every destination.
   */
  prune?: boolean;
}

/** Lower bounds on journey times are straight-line distance over the fastest speed, with slack for snapping geometry. */
const LOWER_BOUND_SLACK = 0.95;

interface Scored {
  si: number;
  yi: number;
  off: number;
  gain: number;
  stripped: number;
  meanAfter: number;
}

/**
 * Recommend standby moves, best first. A move of X to Y is scored on demand points: X leaves its
 * slot (the next source moves up) and arrives at Y with its crewing turnout at a station or none
 * at a post. Moves that strip another area below a standard rank after every move that does not;
 * then by net demand weight gained, then by shorter weighted mean time, then ids.
 *
 * Cost: a destination's demand times need one bounded search (cached with the model's trees).
 * A move can only gain at a demand point that no target covers now, so a destination farther
 * from every such point than the target time allows (straight line at the fastest speed) is
 * skipped before its search; the before/after figures are built for the returned moves only.
 */
export function recommendMoves(
  model: CoverModel,
  resources: readonly Res[],
  opts: MoveOptions = {},
): MoveRecommendation[] {
  const limit = opts.limit ?? 5;
  const prune = opts.prune ?? true;
  const dests = standbyDestinations(model);
  const D = model.demand.length;
  const byId = new Map(resources.map((r) => [r.def.id, r]));
  const all: Array<MoveRecommendation & { meanAfter: number }> = [];
  const surfaces = opts.surface !== undefined ? model.surfaces.filter((s) => s.key === opts.surface) : model.surfaces;
  for (const s of surfaces) {
    const sources = model.sources(s, resources);
    if (sources.length === 0) continue;
    const k = s.k;
    const table = model.demandTable(s, sources, k + 1);
    const before = model.figures(s, table.times);
    // Demand points each target does not cover now: the only places a move can gain.
    const uncovered = s.targets.map((tg) => {
      const b = table.times[tg.nth - 1]!;
      const out: number[] = [];
      for (let d = 0; d < D; d++) if (model.demandSnap[d] && !(b[d]! <= tg.withinS)) out.push(d);
      return out;
    });
    const scored: Scored[] = [];
    const without: Float64Array[] = Array.from({ length: k }, () => new Float64Array(D));
    const after: Float64Array[] = Array.from({ length: k }, () => new Float64Array(D));
    sources.forEach((src, si) => {
      const r = byId.get(src.resourceId);
      if (!r || opts.exclude?.has(src.resourceId)) return;
      if (r.status !== ResourceStatus.AVAILABLE_AT_STATION && r.status !== ResourceStatus.AVAILABLE_MOBILE) return;
      leaveOut(table, si, k, D, without);
      const mps = model.fastestMps(src.profile) / LOWER_BOUND_SLACK;
      dests.forEach((y, yi) => {
        if (!y.agencies.includes(s.agency)) return;
        if (haversineM(src.lat, src.lon, y.lat, y.lon) < 250) return;
        const off = y.kind === 'station' ? turnoutS(r.def, model.scenario.crewing) : 0;
        if (prune && !canGain(model, s, uncovered, y, off, mps)) return;
        const t = model.tree(src.profile, y.lat, y.lon, s.boundS);
        if (!t) return;
        arriveAt(without, t.demand, off, s.boundS, k, D, after);
        let gain = 0;
        let stripped = 0;
        for (const tg of s.targets) {
          const b = table.times[tg.nth - 1]!,
            a = after[tg.nth - 1]!;
          for (let d = 0; d < D; d++) {
            const inB = b[d]! <= tg.withinS,
              inA = a[d]! <= tg.withinS;
            if (inA && !inB) gain += model.demand[d]!.weight;
            else if (inB && !inA) stripped += model.demand[d]!.weight;
          }
        }
        if (gain - stripped <= 0) return;
        let mean = 0;
        const first = after[0]!;
        for (let d = 0; d < D; d++) {
          const x = first[d]!;
          if (!Number.isNaN(x)) mean += model.demand[d]!.weight * Math.min(x, s.boundS);
        }
        scored.push({ si, yi, off, gain, stripped, meanAfter: mean });
      });
    });
    // Figures only for the moves that can still be returned: the best `limit` of this surface.
    scored.sort((a, b) =>
      order(a, b, sources[a.si]!.resourceId, sources[b.si]!.resourceId, dests[a.yi]!.id, dests[b.yi]!.id),
    );
    for (const m of scored.slice(0, limit)) {
      const src = sources[m.si]!;
      const y = dests[m.yi]!;
      const t = model.tree(src.profile, y.lat, y.lon, s.boundS)!;
      leaveOut(table, m.si, k, D, without);
      arriveAt(without, t.demand, m.off, s.boundS, k, D, after);
      all.push({
        resourceId: src.resourceId,
        callSign: byId.get(src.resourceId)!.def.callSign,
        surface: s.key,
        from: { lat: src.lat, lon: src.lon },
        destination: { id: y.id, kind: y.kind, name: y.name, lat: y.lat, lon: y.lon },
        travelS: null,
        gainWeight: m.gain,
        strippedWeight: m.stripped,
        netShare: model.totalWeight > 0 ? (m.gain - m.stripped) / model.totalWeight : 0,
        before,
        after: model.figures(s, after),
        meanAfter: m.meanAfter,
      });
    }
  }
  all.sort((a, b) =>
    order(
      { gain: a.gainWeight, stripped: a.strippedWeight, meanAfter: a.meanAfter },
      { gain: b.gainWeight, stripped: b.strippedWeight, meanAfter: b.meanAfter },
      a.resourceId,
      b.resourceId,
      a.destination.id,
      b.destination.id,
    ),
  );
  const out: MoveRecommendation[] = [];
  for (const m of all.slice(0, limit)) {
    const { meanAfter: _mean, ...rec } = m;
    const r = byId.get(m.resourceId);
    if (r) {
      try {
        const route = model.planner.eta(m.from, m.destination, r.def.vehicleClass, { maxS: 7200 });
        rec.travelS = route ? Math.round(route.seconds) : null;
      } catch {
        rec.travelS = null;
      }
    }
    out.push(rec);
  }
  return out;
}

/** Best first: moves that strip nothing, then net gain, then lower weighted mean first arrival, then ids. */
function order(
  a: Pick<Scored, 'gain' | 'stripped' | 'meanAfter'>,
  b: Pick<Scored, 'gain' | 'stripped' | 'meanAfter'>,
  aRes: string,
  bRes: string,
  aDest: string,
  bDest: string,
): number {
  return (
    (a.stripped > 0 ? 1 : 0) - (b.stripped > 0 ? 1 : 0) ||
    b.gain - b.stripped - (a.gain - a.stripped) ||
    a.meanAfter - b.meanAfter ||
    cmp(aRes, bRes) ||
    cmp(aDest, bDest)
  );
}

/** `out` = the k best demand times without source si (the next source moves up). */
function leaveOut(
  table: { times: Float64Array[]; who: Int32Array[] },
  si: number,
  k: number,
  D: number,
  out: Float64Array[],
): void {
  for (let d = 0; d < D; d++) {
    let m = 0;
    for (let j = 0; j <= k && m < k; j++) {
      if (table.who[j]![d] === si) continue;
      out[m++]![d] = table.times[j]![d]!;
    }
  }
}

/** `after` = `without` plus the moved resource arriving from its destination (turnout `off`). */
function arriveAt(
  without: Float64Array[],
  demand: Float64Array,
  off: number,
  bound: number,
  k: number,
  D: number,
  after: Float64Array[],
): void {
  for (let j = 0; j < k; j++) after[j]!.set(without[j]!);
  for (let d = 0; d < D; d++) {
    const x = off + demand[d]!;
    if (!(x <= bound) || !(x < after[k - 1]![d]!)) continue;
    let j = k - 1;
    while (j > 0 && after[j - 1]![d]! > x) {
      after[j]![d] = after[j - 1]![d]!;
      j--;
    }
    after[j]![d] = x;
  }
}

/** Could a resource at y (after turnout `off`) reach any uncovered demand point within its target? */
function canGain(
  model: CoverModel,
  s: SurfaceDef,
  uncovered: readonly number[][],
  y: StandbyDestination,
  off: number,
  mps: number,
): boolean {
  return s.targets.some((tg, ti) =>
    uncovered[ti]!.some((d) => {
      const p = model.demand[d]!;
      return off + haversineM(y.lat, y.lon, p.lat, p.lon) / mps <= tg.withinS;
    }),
  );
}

/** Resource positions as cover sources, exported for callers that hold sources already. */
export type { CoverSource, SurfaceDef };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
