/**
 * What the incident routes and watchers need to recommend: journey times and (optionally) cover
 * impact, built from the road graph's planner when a network is loaded. With the live cover
 * service running, startServer swaps the cover impact for the live picture's (withLiveCover), so
 * recommendations and the cover panel answer from one picture.
 */
import { PlannerCover, type CoverImpact } from '../../core/cover/impact.ts';
import type { Fleet } from '../../core/fleet/fleet.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { PlannerJourneyTimes, stationPoints, type JourneyTimes } from '../../core/incidents/journeys.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Logger } from '../log.ts';

/** The journey times in force at a moment, and which calibration made them (null: the prior). */
export interface Timing {
  journeys: JourneyTimes;
  calibration: { version: number; band: string } | null;
}

export interface Mobilisation {
  /** The journey times in force now (with calibrations: the band's of the moment). */
  readonly journeys: JourneyTimes;
  /**
   * The journey times in force at `now` and the calibration that made them
   * (server/shell/calibration/journeys.ts); absent: `journeys`, the prior's.
   */
  timing?(now: number): Timing;
  /**
   * Cover impact against the current fleet (null when the scenario has no demand points); the
   * function answers null while no cover picture exists yet (cover not evaluated).
   */
  cover: ((fleet: Fleet, now: number) => CoverImpact | null) | null;
}

export function mobilisationFromPlanner(planner: JourneyPlanner, scenario: Scenario): Mobilisation {
  // Built on first use: with the live cover service this fallback is replaced and never needed.
  let own: PlannerCover | null = null;
  const cover =
    scenario.demand.length > 0 ? (fleet: Fleet) => (own ??= new PlannerCover(planner, scenario)).at(fleet) : null;
  // Station trees for every (station, vehicle class) of the scenario: built on first use, or ahead
  // of it by warmStationTrees.
  return { journeys: new PlannerJourneyTimes(planner, { stations: stationPoints(scenario) }), cover };
}

/**
 * Build the station trees off the request path: one tree (a few milliseconds) per macrotask, so
 * requests interleave; on the unref'd timer queue, so it never holds the process open. Returns a
 * stop function. Without it each tree is built the first time an incident needs it.
 */
export function warmStationTrees(m: Mobilisation, log?: Logger): () => void {
  const j = m.journeys;
  if (!(j instanceof PlannerJourneyTimes) || !j.trees) return () => {};
  const trees = j.trees;
  const t0 = performance.now();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const step = () => {
    if (j.warmOne()) {
      timer = setTimeout(step, 0);
      timer.unref();
      return;
    }
    timer = null;
    log?.info('station trees warm', {
      trees: trees.size,
      mb: Math.round(trees.bytes / 1e5) / 10,
      ms: Math.round(performance.now() - t0),
    });
  };
  timer = setTimeout(step, 0);
  timer.unref();
  return () => {
    if (timer) clearTimeout(timer);
  };
}

/**
 * The same mobilisation with its cover impact from the live cover service
 * (CoverService.liveImpact): read from the latest picture's responder lists, exactly and without
 * a search, so it stays synchronous (the co-responder rule needs a candidate's impact before the
 * proposal is assigned, inside the pure, synchronous recommender) without holding up the event
 * loop. Null before the first picture. A mobilisation without cover (null) is left without.
 */
export function withLiveCover(m: Mobilisation, service: { liveImpact(): CoverImpact | null }): Mobilisation {
  if (!m.cover) return m;
  // journeys and timing stay m's own, read at each question (a calibration switches them)
  const live: Mobilisation = {
    get journeys() {
      return m.journeys;
    },
    cover: () => service.liveImpact(),
  };
  if (m.timing) live.timing = (now) => m.timing!(now);
  return live;
}

/** The journey times in force at `now` and which calibration made them. */
export function timingOf(m: Mobilisation, now: number): Timing {
  return m.timing ? m.timing(now) : { journeys: m.journeys, calibration: null };
}
