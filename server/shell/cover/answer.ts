/**
 * One cover request's ask answered by a CoverCalc: the cover worker (./worker.ts) and the
 * in-process computer (./computer.ts) alike. A `speeds` ask swaps the planner the cover times
 * journeys with (a calibration came into force or its time band changed: docs/calibration.md),
 * keeping the calc's copy of the fleet.
 */
import { calibratedModel } from '../../core/calibration/apply.ts';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { SpeedProfile } from '../../core/scenario/types.ts';
import type { CoverCalc } from './calc.ts';
import type { CoverAnswers, CoverAsk, CoverSpeeds } from './protocol.ts';

export interface PlannerBase {
  graph: RoadGraph;
  speedProfiles: Readonly<Record<string, SpeedProfile>>;
  maxSnapM: number;
  offRoadKmh: number;
}

/** The planner of a calibration's band (null: the prior's speeds). */
export function coverPlanner(b: PlannerBase, speeds: Pick<CoverSpeeds, 'factors' | 'band'> | null): JourneyPlanner {
  const model = calibratedModel(b.speedProfiles, b.graph, speeds?.factors ?? null, speeds?.band ?? '');
  return new JourneyPlanner(b.graph, model, { maxSnapM: b.maxSnapM, offRoadKmh: b.offRoadKmh });
}

export function answer(calc: CoverCalc, a: CoverAsk, base: PlannerBase): CoverAnswers[CoverAsk['kind']] {
  switch (a.kind) {
    case 'compute':
      return calc.compute(a.surfaces);
    case 'moves':
      return calc.moves(a.query);
    case 'whatIf':
      return calc.whatIf(a.resourceIds);
    case 'speeds':
      calc.setPlanner(coverPlanner(base, a.speeds));
      return true;
  }
}
