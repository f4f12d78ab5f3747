/**
 * The server's lifecycle at its two ends: listening (with the slow-loris timeouts) and closing
 * every part in order: the cluster's followers first, then the timers and feeds, the sockets and
 * HTTP server, the cover worker, the AVL history (its pending tick written), the engine (commands
 * still waiting for a locked log fail, unacknowledged), the store and the cluster's connection.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AvlService } from './avl/service.ts';
import type { AvlWsHandle } from './avl/ws.ts';
import type { CalibratedJourneys } from './calibration/journeys.ts';
import type { CopStream } from './cluster/cop-stream.ts';
import type { ClusterLog } from './cluster/log.ts';
import type { ClusterNode } from './cluster/node.ts';
import type { CopWsHandle } from './cop/ws.ts';
import type { CoverService } from './cover/service.ts';
import type { Engine } from './engine.ts';
import type { MaitService } from './mait/service.ts';
import type { PerformanceService } from './performance.ts';
import type { Store } from './store/store.ts';
import type { UpgradeRouter } from './ws/upgrade.ts';

/** Listen on `port` (0 = any free port) at `host`; resolves with the port bound. */
export async function listen(http: Server, port: number, host: string): Promise<number> {
  // Slow-loris protection: a client must send its headers promptly and may not idle forever.
  Object.assign(http, { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 });
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolveListen());
  });
  return (http.address() as AddressInfo).port;
}

/** Every part of a running server that closing stops; undefined where the server has none. */
export interface ServerParts {
  http: Server;
  upgrades: UpgradeRouter;
  avlWs: AvlWsHandle;
  cop: CopWsHandle;
  avl: AvlService;
  engine: Engine;
  store: Store;
  performance: PerformanceService;
  cover: CoverService | undefined;
  mait: MaitService | undefined;
  calibrated: CalibratedJourneys | undefined;
  cluster: ClusterNode | undefined;
  clusterLog: ClusterLog | undefined;
  copStream: CopStream | undefined;
  live: { stop(): void } | undefined;
  sharedAuth: { stop(): void } | undefined;
  stopWarming(): void;
  stopReactorTick(): void;
}

/** Close the server's parts in order; a second call does nothing. */
export function closer(p: ServerParts): () => Promise<void> {
  let closed = false;
  return async () => {
    if (closed) return;
    closed = true;
    await Promise.all([p.cluster?.close(), p.copStream?.stop()]);
    p.live?.stop();
    p.sharedAuth?.stop();
    p.mait?.close();
    p.stopWarming();
    p.calibrated?.close();
    p.performance.close();
    p.stopReactorTick();
    await new Promise<void>((r) => {
      p.http.close(() => r());
      p.avlWs.close();
      p.cop.close();
      p.upgrades.close();
      p.http.closeAllConnections();
    });
    await p.cover?.close(); // terminates the cover worker
    p.avl.close(); // writes the pending history tick
    p.engine.close(); // commands still waiting for a locked log fail, unacknowledged
    p.store.close();
    await p.clusterLog?.close();
  };
}
