/**
 * Messages between the cover service (main thread, ./computer.ts) and the cover worker
 * (./worker.ts). Every request carries the availability changes since the previous request, so
 * the worker's copy of the fleet is the main thread's at the moment the request was sent; the
 * worker answers requests in order, one at a time.
 */
import type { CoverOptions } from '../../core/cover/model.ts';
import type { MoveRecommendation } from '../../core/cover/moves.ts';
import type { WhatIfResult } from '../../core/cover/what-if.ts';
import type { Scenario, SpeedProfile } from '../../core/scenario/types.ts';
import type { AvailabilityChange, CoverSurfaceSnapshot, MovesQuery } from './calc.ts';
import type { SharedGraph } from './shared-graph.ts';
import type { SpeedFactors } from '../../core/calibration/estimate.ts';

/** A calibration's speeds for one time band (server/shell/calibration/journeys.ts); null: the prior. */
export interface CoverSpeeds {
  version: number;
  band: string;
  factors: SpeedFactors;
}

export interface WorkerInit {
  graph: SharedGraph;
  scenario: Scenario;
  /** The main planner's speeds and options, so both threads time journeys alike. */
  speedProfiles: Record<string, SpeedProfile>;
  maxSnapM: number;
  offRoadKmh: number;
  model: CoverOptions;
  /** The calibration's band speeds in force when the worker starts (null: the prior). */
  speeds: CoverSpeeds | null;
}

export type CoverAsk =
  | { kind: 'compute'; surfaces: string[] }
  | { kind: 'moves'; query: MovesQuery }
  | { kind: 'whatIf'; resourceIds: string[] }
  /** Time journeys with these speeds from now on (a calibration or its band changed). */
  | { kind: 'speeds'; speeds: CoverSpeeds | null };

export interface CoverRequest {
  id: number;
  changes: AvailabilityChange[];
  ask: CoverAsk;
}

/** What each ask returns. */
export interface CoverAnswers {
  compute: CoverSurfaceSnapshot[];
  moves: MoveRecommendation[];
  whatIf: WhatIfResult;
  speeds: true;
}

export type CoverReply =
  | { id: number; ok: true; value: CoverAnswers[CoverAsk['kind']]; ms: number }
  | { id: number; ok: false; error: { message: string; code?: string } };
