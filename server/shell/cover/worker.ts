/**
 * The cover worker thread (started by ./computer.ts WorkerComputer): the pure cover core
 * (CoverModel, recommendMoves, whatIf) over the same road graph as the main thread, read from a
 * SharedArrayBuffer (./shared-graph.ts), so a recompute, a standby-move search or a what-if never
 * holds up AVL ingest or the COP fan-out on the main thread. Answers requests in arrival order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { isJcrError } from '../../core/errors.ts';
import { answer, coverPlanner } from './answer.ts';
import { CoverCalc, type CoverSurfaceSnapshot } from './calc.ts';
import type { CoverReply, CoverRequest, WorkerInit } from './protocol.ts';
import { openSharedGraph } from './shared-graph.ts';

const port = parentPort;
if (!port) throw new Error('cover/worker.ts must run as a worker thread');
const init = workerData as WorkerInit;
const base = {
  graph: openSharedGraph(init.graph),
  speedProfiles: init.speedProfiles,
  maxSnapM: init.maxSnapM,
  offRoadKmh: init.offRoadKmh,
};
const calc = new CoverCalc(coverPlanner(base, init.speeds), init.scenario, init.model);

port.on('message', (m: CoverRequest) => {
  const t0 = performance.now();
  let reply: CoverReply;
  let transfer: ArrayBuffer[] = [];
  try {
    calc.apply(m.changes);
    const a = m.ask;
    const value = answer(calc, a, base);
    reply = { id: m.id, ok: true, value, ms: performance.now() - t0 };
    // A picture's responder lists are moved to the main thread, not copied (made fresh per compute).
    if (a.kind === 'compute') {
      transfer = (value as CoverSurfaceSnapshot[])
        .flatMap((p) => [p.responders.times.buffer, p.responders.who.buffer])
        .filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
    }
  } catch (e) {
    reply = {
      id: m.id,
      ok: false,
      error: { message: e instanceof Error ? e.message : String(e), ...(isJcrError(e) ? { code: e.code } : {}) },
    };
  }
  port.postMessage(reply, transfer);
});
