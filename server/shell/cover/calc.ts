/**
 * The cover computation as one object that holds its own copy of the fleet's availability: the
 * cover worker (./worker.ts) runs one, and so does the in-process mode (./computer.ts
 * InlineComputer), so both give the same answers from the same code. The main thread sends it
 * availability changes (resource id, status, position); it never reads the live fleet.
 */
import { CoverModel, type CoverOptions, type TargetFigure, type TargetGaps } from '../../core/cover/model.ts';
import { recommendMoves, type MoveRecommendation } from '../../core/cover/moves.ts';
import { whatIf, type WhatIfResult } from '../../core/cover/what-if.ts';
import type { ResponderLists } from '../../core/cover/responders.ts';
import type { SourceResource } from '../../core/cover/surfaces.ts';
import type { ResourceStatus } from '../../core/fleet/status.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { ResourceDef, Scenario } from '../../core/scenario/types.ts';

/** One resource's availability as the cover computation sees it. */
export interface AvailabilityChange {
  resourceId: string;
  status: ResourceStatus;
  lat: number;
  lon: number;
  /** Its position is a fresh AVL fix (core/fleet/start.ts hasFreshFix; absent: not). */
  freshFix?: boolean;
}

export interface CoverSurfaceSnapshot {
  key: string;
  agency: string;
  capability: string;
  method: 'trees' | 'search';
  computeMs: number;
  sources: number;
  figures: TargetFigure[];
  gaps: TargetGaps[];
  /** Per demand point the best k + m responders: the main thread reads what-ifs from them (core/cover/responders.ts). */
  responders: ResponderLists;
}

/** Standby-move question as it crosses to the worker (a Set does not need to be rebuilt there). */
export interface MovesQuery {
  surface?: string;
  limit?: number;
  exclude: string[];
}

type Res = SourceResource;

/** Figures and gap cells of these surfaces (unknown keys skipped) from these resources, each timed. */
export function computeSurfaces(
  model: CoverModel,
  resources: readonly Res[],
  keys: readonly string[],
): CoverSurfaceSnapshot[] {
  const out: CoverSurfaceSnapshot[] = [];
  for (const key of keys) {
    const s = model.surface(key);
    if (!s) continue;
    const t0 = performance.now();
    const r = model.compute(s, model.sources(s, resources));
    const gaps = model.gaps(r);
    const computeMs = Math.round((performance.now() - t0) * 10) / 10;
    out.push({
      key: s.key,
      agency: s.agency,
      capability: s.capability,
      method: r.method,
      computeMs,
      sources: r.sourceIds.length,
      figures: r.figures,
      gaps,
      responders: r.responders,
    });
  }
  return out;
}

export class CoverCalc {
  model: CoverModel;
  private readonly defs: Map<string, ResourceDef>;
  private readonly state = new Map<string, Res>();

  constructor(
    planner: JourneyPlanner,
    private readonly scenario: Scenario,
    private readonly opts?: CoverOptions,
  ) {
    this.model = new CoverModel(planner, scenario, opts);
    this.defs = new Map(scenario.resources.map((r) => [r.id, r]));
  }

  /** Time journeys with another planner from now on (a calibration's band); the fleet is kept. */
  setPlanner(planner: JourneyPlanner): void {
    this.model = new CoverModel(planner, this.scenario, this.opts);
  }

  /** Apply changes in order; a resource never reported is not a source. Unknown ids are ignored. */
  apply(changes: readonly AvailabilityChange[]): void {
    for (const c of changes) {
      const def = this.defs.get(c.resourceId);
      if (def)
        this.state.set(c.resourceId, { def, status: c.status, lat: c.lat, lon: c.lon, freshFix: c.freshFix === true });
    }
  }

  resources(): Res[] {
    return [...this.state.values()];
  }

  /** Figures and gap cells of these surfaces (unknown keys skipped), timed one by one. */
  compute(keys: readonly string[]): CoverSurfaceSnapshot[] {
    return computeSurfaces(this.model, this.resources(), keys);
  }

  moves(q: MovesQuery): MoveRecommendation[] {
    return recommendMoves(this.model, this.resources(), {
      ...(q.surface !== undefined ? { surface: q.surface } : {}),
      ...(q.limit !== undefined ? { limit: q.limit } : {}),
      exclude: new Set(q.exclude),
    });
  }

  whatIf(resourceIds: readonly string[]): WhatIfResult {
    return whatIf(this.model, this.resources(), resourceIds);
  }
}
