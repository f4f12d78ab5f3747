/**
 * What the incident routes and watchers need to recommend: journey times and (optionally) cover
 * impact, built from the road graph's planner when a network is loaded. With the live cover
 * service running, startServer swaps the cover impact for the service's what-if (withLiveCover),
 * so recommendations and the cover panel answer from one model and one tree cache.
 */
import { PlannerCover, whatIfImpact, type CoverImpact, type WhatIf } from '../../core/cover/impact.ts';
import type { Fleet } from '../../core/fleet/fleet.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { PlannerJourneyTimes, type JourneyTimes } from '../../core/incidents/journeys.ts';
import type { Scenario } from '../../core/scenario/types.ts';

export interface Mobilisation {
  journeys: JourneyTimes;
  /** Cover impact against the current fleet (null when the scenario has no demand points). */
  cover: ((fleet: Fleet, now: number) => CoverImpact) | null;
}

export function mobilisationFromPlanner(planner: JourneyPlanner, scenario: Scenario): Mobilisation {
  // Built on first use: with the live cover service this fallback is replaced and never needed.
  let own: PlannerCover | null = null;
  const cover = scenario.demand.length > 0 ? (fleet: Fleet) => (own ??= new PlannerCover(planner, scenario)).at(fleet) : null;
  return { journeys: new PlannerJourneyTimes(planner), cover };
}

/**
 * The same mobilisation with its cover impact from the live cover service's what-if
 * (CoverService.whatIf). It stays synchronous: the co-responder rule needs a candidate's impact
 * before the proposal is assigned, inside the pure, synchronous recommender; the service answers
 * it on this thread from its cached per-resource trees (whatIfAsync would need the recommender
 * split around an await). A mobilisation without cover (null) is left without.
 */
export function withLiveCover(m: Mobilisation, service: { whatIf: WhatIf }): Mobilisation {
  if (!m.cover) return m;
  const impact = whatIfImpact((ids) => service.whatIf(ids));
  return { journeys: m.journeys, cover: () => impact };
}
