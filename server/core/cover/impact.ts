/**
 * Cover impact for mobilisation (issue 5): for a candidate, which response standards would drop
 * if it were sent, and by how much. It is the live cover service's what-if (./moves.ts whatIf,
 * served by server/shell/cover/service.ts CoverService.whatIf), read per standard target: the
 * recommendation shows the same figures the cover panel's what-if would, from the same cached
 * per-resource trees, instead of a search of its own per standard and candidate.
 *
 * A figure is one target of one standard (e.g. fire-first-second, 2nd pump within 13 min): the
 * demand-weighted share reached before and after committing the resources. As in the cover
 * picture, every deployable resource counts at its last known position.
 */
import type { Fleet } from '../fleet/fleet.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { Scenario } from '../scenario/types.ts';
import { CoverModel, type CoverOptions } from './model.ts';
import { whatIf, type WhatIfResult } from './moves.ts';

export interface StandardCoverFigure {
  standardId: string;
  agency: string;
  capability: string;
  /** Which responder the target counts (1 = first, 2 = second...). */
  nth: number;
  /** The target's time and required share. */
  withinS: number;
  targetShare: number;
  /** Demand-weighted share reached, 0..1, rounded to 4 places. */
  before: number;
  after: number;
  /** before - after (>= 0), of the rounded figures. */
  drop: number;
  /** Does the share after still meet the target (decided on the unrounded share)? */
  meetsAfter: boolean;
}

export interface CoverImpact {
  /** Figures of each standard target the resources count towards (others cannot change). */
  coverAfterCommitting(resourceIds: readonly string[]): StandardCoverFigure[];
}

/** The what-if question as the cover service answers it. */
export type WhatIf = (resourceIds: readonly string[]) => WhatIfResult;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** A what-if answer as per-target figures, in the what-if's surface and target order. */
export function figuresOf(w: WhatIfResult): StandardCoverFigure[] {
  const out: StandardCoverFigure[] = [];
  for (const s of w.surfaces) {
    // surface keys are `${agency}:${capability}` (./model.ts); agencies hold no ':'
    const colon = s.surface.indexOf(':');
    const agency = s.surface.slice(0, colon);
    const capability = s.surface.slice(colon + 1);
    s.before.forEach((b, i) => {
      const a = s.after[i]!;
      const before = round4(b.coveredShare);
      const after = round4(a.coveredShare);
      out.push({ standardId: b.standardId, agency, capability, nth: b.nth, withinS: b.withinS, targetShare: b.share, before, after, drop: round4(before - after), meetsAfter: a.meetsStandard });
    });
  }
  return out;
}

/** CoverImpact over a what-if (the live service's, or one over a model of your own). */
export function whatIfImpact(ask: WhatIf): CoverImpact {
  return { coverAfterCommitting: (ids) => figuresOf(ask(ids)) };
}

/**
 * Cover impact over a CoverModel of its own, for tests, benchmarks and a server without the live
 * cover service: the same ./moves.ts whatIf the service runs.
 */
export class PlannerCover {
  readonly model: CoverModel;

  constructor(planner: JourneyPlanner, scenario: Scenario, opts: { model?: CoverModel; options?: CoverOptions } = {}) {
    this.model = opts.model ?? new CoverModel(planner, scenario, opts.options);
  }

  /** The impact against the fleet as it is now. */
  at(fleet: Fleet): CoverImpact {
    return whatIfImpact((ids) => whatIf(this.model, [...fleet.all()], ids));
  }
}
