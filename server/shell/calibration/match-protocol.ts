/** Messages between the map-matching worker's two halves (./match-worker.ts, ./match-thread.ts). */
import type { MatchOptions } from '../../core/calibration/matcher.ts';
import type { TripTrace } from '../../core/calibration/trips.ts';
import type { SpeedProfile } from '../../core/scenario/types.ts';
import type { SharedGraph } from '../cover/shared-graph.ts';

export interface MatchInit {
  graph: SharedGraph;
  /** The prior speeds (uncalibrated): traversals carry the prior's seconds beside the observed. */
  speedProfiles: Record<string, SpeedProfile>;
  match: MatchOptions;
}

export interface MatchRequest {
  trips: TripTrace[];
}
