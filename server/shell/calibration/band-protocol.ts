/**
 * Messages between the band-trees worker's two halves (./band-worker.ts, ./band-thread.ts), and
 * the one function both halves build a band's planner with, so the worker's trees are the main
 * thread's to the bit.
 */
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import type { StationPoint, WarmParts } from '../../core/incidents/journeys.ts';
import { PlannerJourneyTimes } from '../../core/incidents/journeys.ts';
import { coverPlanner, type PlannerBase } from '../cover/answer.ts';
import type { SharedGraph } from '../cover/shared-graph.ts';

export interface BandInit extends Omit<PlannerBase, 'graph'> {
  graph: SharedGraph;
  stations: StationPoint[];
}

export interface BandRequest {
  factors: SpeedFactors;
  band: string;
}

/** A band's journey times over the planner of its speeds, cold (no tree or landmark built yet). */
export function bandJourneys(
  base: PlannerBase,
  stations: readonly StationPoint[],
  r: BandRequest,
): PlannerJourneyTimes {
  return new PlannerJourneyTimes(coverPlanner(base, r), { stations });
}

/** Every typed array's buffer in the parts, once each: moved to the main thread, not copied. */
export function partsBuffers(p: WarmParts): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike }) => {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  for (const w of Object.values(p.weights)) [w.fwd, w.rev, w.cum, w.total].forEach(add);
  for (const lm of p.landmarks) [...lm.fwd, ...lm.rev].forEach(add);
  for (const t of p.trees) if (t.times) add(t.times);
  return [...out];
}
