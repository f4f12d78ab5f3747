import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../core/clock.ts';
import type { Scenario } from '../core/scenario/types.ts';
import { Engine } from './engine.ts';
import { createApp } from './http/app.ts';
import { createLogger, type Logger, type LogLevel } from './log.ts';
import { Store } from './store/store.ts';
import { AVL_LIMITS, type AvlLimits } from '../core/avl/limits.ts';
import { AvlService } from './avl/service.ts';
import { attachAvlWs, type AvlWsHandle } from './avl/ws.ts';
import { serverTimers, type Timers } from './timers.ts';
import { Users } from './auth/users.ts';
import { Metrics } from './metrics.ts';
import { CoverService } from './cover/service.ts';
import type { JourneyPlanner } from '../core/graph/planner.ts';
import { startReactor } from './reactor.ts';
import { withLiveCover, type Mobilisation } from './incidents/mobilisation.ts';
import type { RoadGraph } from '../core/graph/build.ts';
import type { CopLimits } from '../core/cop/limits.ts';
import { attachCopWs, type CopWsHandle } from './cop/ws.ts';
import { upgradeRouter } from './ws/upgrade.ts';
import { Gazetteer, NO_SNAP, plannerSnap } from '../core/places/gazetteer.ts';

export interface ServerOptions {
  /** Live cover (docs/cover.md), computed on a worker thread: the planner over the loaded network; tests may pass timers and call cover.flush() or await cover.flushAsync(). */
  cover?: {
    planner: JourneyPlanner;
    debounceMs?: number;
    timers?: Timers;
    refreshMs?: number;
    refreshMovedM?: number;
    restartDelayMs?: number;
  };
  scenario: Scenario;
  db: string;
  port: number;
  host?: string;
  clock?: Clock;
  logLevel?: LogLevel;
  logger?: Logger;
  /** Development AVL feed token (feed `dev`, every resource); see docs/avl.md. */
  avlToken?: string | undefined;
  /** Overrides of AVL_LIMITS (stale time, history retention, rate, frame size, ...). */
  avlLimits?: Partial<AvlLimits>;
  /** Position history on a worker thread (default: on for a file database; see docs/avl.md). */
  avlHistoryThread?: boolean;
  /** Timers for the AVL history tick, the WebSocket heartbeats and the COP tick; tests pass manualTimer(). */
  timers?: Timers;
  /** Journey times (and cover) for incident recommendations; see server/shell/incidents/mobilisation.ts. */
  mobilisation?: Mobilisation;
  /** The loaded road network, for the screens' offline basemap (GET /api/basemap). */
  graph?: RoadGraph;
  /** Journey times over the loaded road network (GET /api/eta). */
  planner?: JourneyPlanner;
  /** The gazetteer (GET /api/places); default: the scenario's towns, stations and posts, snapped with `planner`. */
  places?: Gazetteer;
  /** Optional online basemap tiles for the screens, with attribution. */
  tiles?: { url: string; attribution: string };
  /** The address operators open (--public-url): https makes cookies Secure and sends HSTS; an allowed Origin. */
  publicUrl?: string | undefined;
  /** Proxies whose X-Forwarded-For names the client (--trust-proxy): addresses or CIDR ranges. */
  trustProxy?: readonly string[] | undefined;
  /** Token a scraper presents on /metrics (--metrics-token); unset = duty officers only. */
  metricsToken?: string | undefined;
  /** COP token for /ws/cop (--cop-token); unset = signed-in sessions only. See docs/cop.md. */
  copToken?: string | undefined;
  /** Overrides of COP_LIMITS (tick, ring, queue bounds, heartbeat, ...). */
  copLimits?: Partial<CopLimits>;
}

export interface RunningServer {
  url: string;
  port: number;
  engine: Engine;
  store: Store;
  users: Users;
  http: Server;
  log: Logger;
  /** AVL ingest (feeds, validation, history); WebSocket transport at /ws/avl. */
  avl: AvlService;
  avlWs: AvlWsHandle;
  /** The operating picture push at /ws/cop (cop.hub: the hub; tests tick it by hand). */
  cop: CopWsHandle;
  /** Live cover; undefined without a road network. */
  cover: CoverService | undefined;
  metrics: Metrics;
  close(): Promise<void>;
}

/** Start the control room server. Tests use port 0 and `:memory:`; main.ts uses the config. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const clock = opts.clock ?? Date.now;
  const log = opts.logger ?? createLogger(opts.logLevel ?? 'info');
  const store = Store.open(opts.db);
  const engine = Engine.boot(opts.scenario, store, clock, {
    staleAfterMs: opts.avlLimits?.staleAfterMs ?? AVL_LIMITS.staleAfterMs,
  });
  const timers = opts.timers ?? serverTimers;
  const avl = new AvlService({
    engine,
    clock,
    log,
    limits: opts.avlLimits ?? {},
    devToken: opts.avlToken,
    timers,
    historyThread: opts.avlHistoryThread,
  });
  await avl.ready(); // the history writer thread has opened its connection before the first batch
  const users = new Users(store, clock);
  const cover = opts.cover
    ? new CoverService({
        engine,
        planner: opts.cover.planner,
        clock,
        log,
        ...(opts.cover.debounceMs !== undefined ? { debounceMs: opts.cover.debounceMs } : {}),
        ...(opts.cover.timers ? { timers: opts.cover.timers } : {}),
        ...(opts.cover.refreshMs !== undefined ? { refreshMs: opts.cover.refreshMs } : {}),
        ...(opts.cover.refreshMovedM !== undefined ? { refreshMovedM: opts.cover.refreshMovedM } : {}),
        ...(opts.cover.restartDelayMs !== undefined ? { restartDelayMs: opts.cover.restartDelayMs } : {}),
      })
    : undefined;
  const metrics = new Metrics();
  // Recommendations read each candidate's cover impact from the live cover picture's responder lists.
  const mobilisation = opts.mobilisation && cover ? withLiveCover(opts.mobilisation, cover) : opts.mobilisation;
  const app = createApp({
    store,
    metrics,
    cover,
    engine,
    log,
    startedAt: clock(),
    users,
    clock,
    avl,
    mobilisation,
    graph: opts.graph,
    planner: opts.planner,
    places: opts.places ?? new Gazetteer(opts.scenario, opts.planner ? plannerSnap(opts.planner) : NO_SNAP),
    tiles: opts.tiles,
    publicUrl: opts.publicUrl,
    trustProxy: opts.trustProxy,
    metricsToken: opts.metricsToken,
    copServed: true,
  });
  const http = createServer(app);
  // One 'upgrade' listener: /ws/avl and /ws/cop, 404 for any other path.
  const upgrades = upgradeRouter(http);
  const avlWs = attachAvlWs(upgrades, avl, log, timers);
  // Reactions after each batch: arrival from AVL, standby arrival, the quicker-resource flag.
  startReactor(engine, { mobilisation, log });
  const cop = attachCopWs(upgrades, {
    engine,
    clock,
    log,
    timers,
    limits: opts.copLimits ?? {},
    token: opts.copToken,
    users,
    publicUrl: opts.publicUrl,
    cover,
  });
  registerMetrics(metrics, { avl, avlWs, cop, cover });
  // Slow-loris protection: a client must send its headers promptly and may not idle forever.
  http.headersTimeout = 10_000;
  http.requestTimeout = 30_000;
  http.keepAliveTimeout = 5_000;
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (http.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  let closed = false;
  return {
    url: `http://${host}:${port}`,
    port,
    engine,
    store,
    users,
    http,
    log,
    avl,
    avlWs,
    cover,
    cop,
    metrics,
    async close() {
      if (closed) return;
      closed = true;
      await new Promise<void>((r) => {
        http.close(() => r());
        avlWs.close();
        cop.close();
        upgrades.close();
        http.closeAllConnections();
      });
      await cover?.close(); // terminates the cover worker
      avl.close(); // writes the pending history tick
      store.close();
    },
  };
}

/** What /metrics reports: ingest, rejections by code, connected clients, queue depths. */
function registerMetrics(
  m: Metrics,
  s: { avl: AvlService; avlWs: AvlWsHandle; cop: CopWsHandle; cover: CoverService | undefined },
): void {
  m.gauge('jcr_avl_batches_total', 'AVL batches received', () => s.avl.stats.batches);
  m.gauge(
    'jcr_avl_positions_accepted_total',
    'AVL reports accepted (ingest rate: rate() of this)',
    () => s.avl.stats.accepted,
  );
  m.gauge('jcr_avl_rejections_total', 'AVL reports rejected, by stable code', () =>
    [...s.avl.rejectedByCode].map(([code, n]) => [{ code }, n] as [{ code: string }, number]),
  );
  m.gauge('jcr_avl_connections', 'Open AVL WebSocket connections', () => s.avlWs.connections);
  m.gauge('jcr_cop_clients', 'Connected COP screens', () => s.cop.hub.clientCount);
  m.gauge('jcr_cop_ring_frames', 'COP delta frames held for resume', () => s.cop.hub.ringSize.frames);
  m.gauge('jcr_cop_ring_bytes', 'Bytes of COP delta frames held for resume', () => s.cop.hub.ringSize.bytes);
  m.gauge('jcr_avl_history_pending', 'Raw positions waiting for the next history tick', () => s.avl.history.pending);
  const cover = s.cover;
  if (cover) {
    m.gauge(
      'jcr_cover_computes_total',
      'Cover pictures computed (status changes, position refreshes, flushes)',
      () => cover.health().computes,
    );
    m.gauge(
      'jcr_cover_last_compute_ms',
      'Compute time of the last cover picture, summed over its surfaces, ms',
      () => cover.health().lastComputeMs,
    );
    m.gauge('jcr_cover_worker_restarts_total', 'Cover worker restarts after a crash', () => cover.health().restarts);
    m.gauge(
      'jcr_cover_refreshes_total',
      'Cover recomputes started because available resources moved',
      () => cover.health().refreshes,
    );
  }
}
