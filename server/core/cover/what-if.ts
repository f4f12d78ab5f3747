/**
 * What-if: the cover after committing resources (sending them to an incident), per surface they
 * count towards, with the demand points that fall out of a target. Two paths, same answer: from
 * cached per-source demand times (`whatIf`, ./compute.ts `demandTable`), or, for a few resources,
 * without any tree from a picture's responder lists (`whatIfFromResponders`, ./responders.ts).
 */
import type { LiveResource } from '../fleet/fleet.ts';
import { isDeployable } from '../fleet/status.ts';
import type { CoverModel, SurfaceDef, TargetFigure } from './model.ts';
import { answersExactly, sourceIndices, timesWithout, type ResponderLists } from './responders.ts';

type Res = Pick<LiveResource, 'def' | 'status' | 'lat' | 'lon'>;

export interface LostDemand {
  id: string;
  name?: string;
  weight: number;
  nth: number;
  withinS: number;
  beforeS: number | null;
  afterS: number | null;
}

export interface SurfaceWhatIf {
  surface: string;
  before: TargetFigure[];
  after: TargetFigure[];
  /** Demand points within a target before and beyond it after. */
  lost: LostDemand[];
}

export interface WhatIfResult {
  committed: string[];
  surfaces: SurfaceWhatIf[];
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? Math.round(x * 10) / 10 : null);

/** Cover after committing `committed` (resource ids): only the surfaces those resources count towards. */
export function whatIf(model: CoverModel, resources: readonly Res[], committed: readonly string[]): WhatIfResult {
  const set = new Set(committed);
  const surfaces: SurfaceWhatIf[] = [];
  for (const s of model.surfaces) {
    if (!resources.some((r) => set.has(r.def.id) && model.eligible(r.def, s) && isDeployable(r.status))) continue;
    const before = model.demandTable(s, model.sources(s, resources), s.k);
    const after = model.demandTable(s, model.sources(s, resources, set), s.k);
    surfaces.push(surfaceWhatIf(model, s, before.times, after.times));
  }
  return { committed: [...committed], surfaces };
}

/**
 * The same what-if read from a cover picture's responder lists (./responders.ts): no search, no
 * tree, O(demand points x (k + m)) per surface. `lists` gives each surface's lists (the latest
 * picture's). Equal to `whatIf` over the fleet the picture was computed from; null when it cannot
 * answer exactly: a surface without lists, or more of a surface's sources committed than its
 * lists answer exactly (callers then ask `whatIf`).
 */
export function whatIfFromResponders(
  model: CoverModel,
  lists: (surface: string) => ResponderLists | undefined,
  committed: readonly string[],
): WhatIfResult | null {
  const surfaces: SurfaceWhatIf[] = [];
  for (const s of model.surfaces) {
    const l = lists(s.key);
    if (!l || l.k !== s.k) return null;
    const removed = sourceIndices(l, committed);
    if (removed.length === 0) continue;
    if (!answersExactly(l, removed.length)) return null;
    surfaces.push(surfaceWhatIf(model, s, beforeOf(l), timesWithout(l, removed)));
  }
  return { committed: [...committed], surfaces };
}

/** A picture's own k best times, once per lists object (every candidate of a recommendation reads them). */
const BEFORE = new WeakMap<ResponderLists, Float64Array[]>();
function beforeOf(l: ResponderLists): Float64Array[] {
  let b = BEFORE.get(l);
  if (!b) BEFORE.set(l, (b = timesWithout(l, [])));
  return b;
}

/** One surface's what-if from its k best demand times before and after (both what-if paths end here). */
function surfaceWhatIf(
  model: CoverModel,
  s: SurfaceDef,
  before: readonly Float64Array[],
  after: readonly Float64Array[],
): SurfaceWhatIf {
  const lost: LostDemand[] = [];
  for (const t of s.targets) {
    model.demand.forEach((d, i) => {
      const b = before[t.nth - 1]![i]!,
        a = after[t.nth - 1]![i]!;
      if (b <= t.withinS && !(a <= t.withinS) && !lost.some((l) => l.id === d.id && l.nth === t.nth)) {
        const l: LostDemand = {
          id: d.id,
          weight: d.weight,
          nth: t.nth,
          withinS: t.withinS,
          beforeS: finiteOrNull(b),
          afterS: finiteOrNull(a),
        };
        if (d.name !== undefined) l.name = d.name;
        lost.push(l);
      }
    });
  }
  return { surface: s.key, before: model.figures(s, before), after: model.figures(s, after), lost };
}
