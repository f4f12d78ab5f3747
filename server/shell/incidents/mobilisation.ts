/**
 * What the incident routes and watchers need to recommend: journey times and (optionally) cover,
 * built from the road graph's planner when a network is loaded.
 */
import { PlannerCover, type CoverImpact } from '../../core/cover/impact.ts';
import type { Fleet } from '../../core/fleet/fleet.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { PlannerJourneyTimes, type JourneyTimes } from '../../core/incidents/journeys.ts';
import type { Scenario } from '../../core/scenario/types.ts';

export interface Mobilisation {
  journeys: JourneyTimes;
  /** Cover of the current fleet (null when the scenario has no demand points). */
  cover: ((fleet: Fleet, now: number) => CoverImpact) | null;
}

export function mobilisationFromPlanner(planner: JourneyPlanner, scenario: Scenario): Mobilisation {
  const cover = scenario.demand.length > 0 ? new PlannerCover(planner, scenario) : null;
  return { journeys: new PlannerJourneyTimes(planner), cover: cover ? (fleet, now) => cover.at(fleet, now) : null };
}
