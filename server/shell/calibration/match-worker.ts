/**
 * Map matching off the event loop: a worker thread (./match-thread.ts) over the graph in shared
 * memory. `match(trips)` answers with each trip's traversals; requests are answered in order.
 * The worker is unref'd while idle; a crash fails the requests waiting (the next calibration run
 * starts a new one).
 */
import type { MatchOptions } from '../../core/calibration/matcher.ts';
import type { TripTrace, TripTraversals } from '../../core/calibration/trips.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { SpeedProfile } from '../../core/scenario/types.ts';
import { shareGraph, type SharedGraph } from '../cover/shared-graph.ts';
import { WorkerCalls } from '../worker-calls.ts';
import type { MatchInit, MatchRequest } from './match-protocol.ts';

export class MatchWorker {
  private readonly calls: WorkerCalls<MatchRequest, TripTraversals[]>;

  constructor(
    graph: RoadGraph | SharedGraph,
    speedProfiles: Readonly<Record<string, SpeedProfile>>,
    match: MatchOptions = {},
  ) {
    const shared = 'buffer' in graph ? graph : shareGraph(graph);
    const init: MatchInit = { graph: shared, speedProfiles: { ...speedProfiles }, match };
    this.calls = new WorkerCalls(new URL('./match-thread.ts', import.meta.url), init, 'map matching');
  }

  match(trips: TripTrace[]): Promise<TripTraversals[]> {
    return this.calls.call({ trips });
  }

  close(): Promise<void> {
    return this.calls.close();
  }
}
