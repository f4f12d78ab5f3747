/**
 * Cover impact for mobilisation (issue 5): for a candidate, which response standards would drop
 * if it were sent, and by how much. It is the cover what-if read per standard target: the
 * recommendation shows the same figures the cover panel's what-if would.
 *
 * In the server (`respondersImpact`) the what-if is read from the live cover picture's responder
 * lists (./responders.ts, ./what-if.ts whatIfFromResponders): exact, microseconds per candidate, no
 * search and no tree on the main thread. `PlannerCover` runs the what-if over a CoverModel of
 * its own (trees built on the calling thread), for tests, benchmarks and a server without the
 * live cover service.
 *
 * A figure is one target of one standard (e.g. fire-first-second, 2nd pump within 13 min): the
 * demand-weighted share reached before and after committing the resources. As in the cover
 * picture, every deployable resource counts at the position the picture saw.
 */
import type { Fleet } from '../fleet/fleet.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { Scenario } from '../scenario/types.ts';
import { CoverModel, type CoverOptions } from './model.ts';
import { whatIf, whatIfFromResponders, type WhatIfResult } from './what-if.ts';
import type { ResponderLists } from './responders.ts';

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
      out.push({
        standardId: b.standardId,
        agency,
        capability,
        nth: b.nth,
        withinS: b.withinS,
        targetShare: b.share,
        before,
        after,
        drop: round4(before - after),
        meetsAfter: a.meetsStandard,
      });
    });
  }
  return out;
}

/** CoverImpact over a what-if (the live service's, or one over a model of your own). */
export function whatIfImpact(ask: WhatIf): CoverImpact {
  return { coverAfterCommitting: (ids) => figuresOf(ask(ids)) };
}

/**
 * CoverImpact over one cover picture's responder lists (by surface key): every question the
 * lists answer exactly (up to m of a surface's sources committed) is read from them; a larger
 * set goes to `fallback` (a what-if that may search). Holding one picture's lists, all the
 * candidates of a recommendation are judged against the same picture.
 */
export function respondersImpact(
  model: CoverModel,
  lists: ReadonlyMap<string, ResponderLists>,
  fallback: WhatIf,
): CoverImpact {
  return {
    coverAfterCommitting: (ids) =>
      figuresOf(whatIfFromResponders(model, (key) => lists.get(key), ids) ?? fallback(ids)),
  };
}

/**
 * Cover impact over a CoverModel of its own, for tests, benchmarks and a server without the live
 * cover service: the same ./what-if.ts whatIf the service runs.
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
