/**
 * The map-matching worker thread (started by ./match-worker.ts): the pure matcher
 * (server/core/calibration/trips.ts) over the same road graph as the main thread, read from a
 * SharedArrayBuffer, so matching a fortnight of AVL never holds up ingest or the COP fan-out.
 * Answers requests in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TripMatcher } from '../../core/calibration/trips.ts';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import { SpeedModel } from '../../core/graph/speed.ts';
import { openSharedGraph } from '../cover/shared-graph.ts';
import { answerCalls } from '../worker-calls.ts';
import type { MatchInit, MatchRequest } from './match-protocol.ts';

const port = parentPort;
if (!port) throw new Error('calibration/match-thread.ts must run as a worker thread');
const init = workerData as MatchInit;
const matcher = new TripMatcher(
  new JourneyPlanner(openSharedGraph(init.graph), new SpeedModel(init.speedProfiles)),
  init.match,
);

answerCalls(port, (m: MatchRequest) => m.trips.map((t) => matcher.match(t)));
