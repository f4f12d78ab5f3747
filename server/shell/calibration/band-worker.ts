/**
 * Builders of a time band's station trees, landmarks and weights (WarmParts) for
 * CalibratedJourneys (./journeys.ts): `BandWorker` builds them in a worker thread
 * (./band-thread.ts) over the graph in shared memory, so the event loop never does; `inlineBands`
 * builds them on the calling thread, the same numbers (a fake worker for tests and benchmarks).
 */
import type { SpeedFactors } from '../../core/calibration/estimate.ts';
import type { StationPoint, WarmParts } from '../../core/incidents/journeys.ts';
import type { PlannerBase } from '../cover/answer.ts';
import { shareGraph, type SharedGraph } from '../cover/shared-graph.ts';
import { WorkerCalls } from '../worker-calls.ts';
import { bandJourneys, type BandInit, type BandRequest } from './band-protocol.ts';

export interface BandBuilder {
  /** The band's weights, landmarks and station trees under these factors, to adopt on the main thread. */
  build(factors: SpeedFactors, band: string): Promise<WarmParts>;
  close(): Promise<void>;
}

export class BandWorker implements BandBuilder {
  private readonly calls: WorkerCalls<BandRequest, WarmParts>;

  constructor(base: PlannerBase & { shared?: SharedGraph }, stations: readonly StationPoint[]) {
    const init: BandInit = {
      graph: base.shared ?? shareGraph(base.graph),
      speedProfiles: { ...base.speedProfiles },
      maxSnapM: base.maxSnapM,
      offRoadKmh: base.offRoadKmh,
      stations: [...stations],
    };
    this.calls = new WorkerCalls(new URL('./band-thread.ts', import.meta.url), init, 'band trees');
  }

  build(factors: SpeedFactors, band: string): Promise<WarmParts> {
    return this.calls.call({ factors, band });
  }

  close(): Promise<void> {
    return this.calls.close();
  }
}

/** The same parts built on the calling thread (blocking it): for tests and benchmarks. */
export function inlineBands(base: PlannerBase, stations: readonly StationPoint[]): BandBuilder {
  return {
    build: (factors, band) => Promise.resolve(bandJourneys(base, stations, { factors, band }).warmParts()),
    close: () => Promise.resolve(),
  };
}
