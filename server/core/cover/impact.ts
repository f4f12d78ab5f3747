/**
 * Cover impact for mobilisation (issue 5's interface, kept): what committing some resources would
 * do to each response standard's first target. Since issue 6 this is a thin view of the one cover
 * implementation, ./model.ts (CoverModel, cached per-source demand times) — no second search.
 *
 * Figure of a standard = the demand-weighted share of demand points that its FIRST target
 * reaches (nth = 1 within withinS). Mobile resources whose AVL fix is stale are left out (their
 * position is not known); resources at a station always count.
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { ResponseStandard, Scenario } from '../scenario/types.ts';
import { CoverModel } from './model.ts';

export interface StandardCoverFigure {
  standardId: string;
  agency: string;
  capability: string;
  /** The first target's time and required share. */
  withinS: number;
  targetShare: number;
  /** Demand-weighted share reached, 0..1, rounded to 4 places. */
  before: number;
  after: number;
  /** before - after (>= 0). */
  drop: number;
  /** Does `after` still meet the target share? */
  meetsAfter: boolean;
}

export interface CoverImpact {
  /** Figures of each standard that the resources could count towards (others cannot change). */
  coverAfterCommitting(resourceIds: readonly string[]): StandardCoverFigure[];
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Does this resource count towards the standard (right agency and capability)? */
export function countsTowards(std: ResponseStandard, r: LiveResource): boolean {
  return r.def.agency === std.agency && r.def.capabilities.includes(std.capability);
}

/** Cover over the road graph for recommendations; pass the service's CoverModel to share its caches. */
export class PlannerCover {
  readonly model: CoverModel;

  constructor(planner: JourneyPlanner, scenario: Scenario, model?: CoverModel) {
    this.model = model ?? new CoverModel(planner, scenario);
  }

  at(fleet: Fleet, now: number): CoverImpact {
    const model = this.model;
    const resources = [...fleet.all()];
    const skip = (r: Pick<LiveResource, 'def'>): boolean => {
      const live = fleet.get(r.def.id);
      return live !== undefined && fleet.isStale(live, now);
    };
    return {
      coverAfterCommitting: (ids) => {
        const out: StandardCoverFigure[] = [];
        const idSet = new Set(ids);
        for (const std of model.scenario.standards) {
          const rs = ids.map((id) => fleet.get(id)).filter((r): r is LiveResource => r !== undefined && countsTowards(std, r));
          if (rs.length === 0) continue;
          const s = model.surface(`${std.agency}:${std.capability}`);
          const first = std.targets[0];
          if (!s || !first) continue;
          const share = (exclude?: ReadonlySet<string>): number => {
            const t = model.demandTable(s, model.sources(s, resources, exclude, skip), 1).times[0]!;
            let w = 0;
            model.demand.forEach((d, i) => {
              if (t[i]! <= first.withinS) w += d.weight;
            });
            return model.totalWeight > 0 ? w / model.totalWeight : 0;
          };
          const before = round4(share());
          const after = round4(share(idSet));
          out.push({ standardId: std.id, agency: std.agency, capability: std.capability, withinS: first.withinS, targetShare: first.share, before, after, drop: round4(before - after), meetsAfter: after >= first.share });
        }
        return out;
      },
    };
  }
}
