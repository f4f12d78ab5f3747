/**
 * The band-trees worker thread (started by ./band-worker.ts): for a calibration's time band, the
 * planner of its speeds over the same road graph as the main thread (a SharedArrayBuffer), its
 * weights, landmarks and every station tree, built here so that bringing a calibration into
 * force or crossing a band boundary never holds up the event loop. Answers in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSharedGraph } from '../cover/shared-graph.ts';
import { answerCalls } from '../worker-calls.ts';
import { bandJourneys, partsBuffers, type BandInit, type BandRequest } from './band-protocol.ts';

const port = parentPort;
if (!port) throw new Error('calibration/band-thread.ts must run as a worker thread');
const init = workerData as BandInit;
const base = { ...init, graph: openSharedGraph(init.graph) };

answerCalls(port, (r: BandRequest) => bandJourneys(base, init.stations, r).warmParts(), partsBuffers);
