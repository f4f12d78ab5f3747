/**
 * The composition root: the one place the control room is put together, in order. Store and
 * engine; road network → planner → journey times (station trees) → live cover → mobilisation;
 * AVL ingest; the HTTP routes; one WebSocket upgrade router for /ws/avl and /ws/cop; the
 * reactions to applied changes; metrics; listen. main.ts reads the configuration and calls
 * startServer; tests call it with port 0, ':memory:' and timers they fire by hand.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AVL_LIMITS, type AvlLimits } from '../core/avl/limits.ts';
import type { Clock } from '../core/clock.ts';
import type { CopLimits } from '../core/cop/limits.ts';
import type { RoadGraph } from '../core/graph/build.ts';
import type { JourneyPlanner } from '../core/graph/planner.ts';
import type { Gazetteer } from '../core/places/gazetteer.ts';
import { locator } from '../core/places/locate.ts';
import type { RoadTable } from '../core/places/roads.ts';
import type { Scenario } from '../core/scenario/types.ts';
import { Users } from './auth/users.ts';
import { AvlService } from './avl/service.ts';
import { attachAvlWs, type AvlWsHandle } from './avl/ws.ts';
import { attachCopWs, type CopWsHandle } from './cop/ws.ts';
import { CoverService, type CoverServiceOptions } from './cover/service.ts';
import { Engine } from './engine.ts';
import { createApp } from './http/app.ts';
import {
  mobilisationFromPlanner,
  warmStationTrees,
  withLiveCover,
  type Mobilisation,
} from './incidents/mobilisation.ts';
import { createLogger, type Logger, type LogLevel } from './log.ts';
import { CalibratedJourneys } from './calibration/journeys.ts';
import type { MaitPartners } from '../../proto/mait.ts';
import { buildMait } from './mait/codec.ts';
import type { Backoff, Transport } from './mait/courier.ts';
import { MaitService } from './mait/service.ts';
import { httpTransport } from './mait/transport.ts';
import { Metrics } from './metrics.ts';
import {
  loadScenarioNetwork,
  loadScenarioRoadTable,
  scenarioGazetteer,
  scenarioMapLabels,
} from './network/scenario-network.ts';
import { PerformanceService } from './performance.ts';
import { StatisticsService } from './statistics.ts';
import { startReactor, type Reactor } from './reactor.ts';
import { coverSummaryMsg } from './cop/cover-summary.ts';
import { registerMetrics } from './room-metrics.ts';
import { Store } from './store/store.ts';
import { reconcileCache } from './cluster/cache.ts';
import { ClusterLog } from './cluster/log.ts';
import { ClusterNode } from './cluster/node.ts';
import { CopStream } from './cluster/cop-stream.ts';
import { serveAvlRelay } from './cluster/avl-relay.ts';
import { joinLive } from './cluster/live.ts';
import { joinSharedAuth } from './cluster/shared-auth.ts';
import type { ClusterOptions } from './cluster/options.ts';
import { serverTimers, type Timers } from './timers.ts';
import { upgradeRouter } from './ws/upgrade.ts';

export interface ServerOptions {
  scenario: Scenario;
  /** The SQLite file, or ':memory:'. */
  db: string;
  /** 0 = any free port. */
  port: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  clock?: Clock;
  /** A logger, or the level of a new one (default info). */
  log?: Logger | LogLevel;
  /** Timers for the AVL history tick, the WebSocket heartbeats and the COP tick; tests pass manualTimer(). */
  timers?: Timers;
  /** The road network and what is built over it; without it, no journey times, recommendations or cover. */
  roads?: RoadOptions;
  avl?: AvlOptions;
  cop?: CopOptions;
  web?: WebOptions;
  /** The reactor's clock tick (alerts that time alone raises), ms; default REACTOR_TICK_MS. */
  reactorTickMs?: number;
  /** Performance against standards: how often time alone is checked for new figures (ms). */
  performance?: { refreshMs?: number };
  /** Partner control rooms (issue 18, docs/mait.md); without it, no transfers. */
  mait?: MaitOptions;
  /** Cluster mode: the room's event log in NATS JetStream, a leader and hot standbys (docs/cluster.md). */
  cluster?: ClusterOptions | undefined;
}

export interface MaitOptions {
  /** The partners file, read and validated (server/core/mait/partners.ts). */
  partners: MaitPartners;
  /** How messages reach partners (default: signed HTTP POST); tests may pass their own. */
  transport?: Transport;
  backoff?: Backoff;
}

export interface RoadOptions {
  /** Load the network the scenario at this path names (cached on disk by file hash under var/cache)... */
  scenarioFile?: string;
  /** ...or take one already loaded: the screens' offline basemap (GET /api/basemap)... */
  graph?: RoadGraph;
  /** ...and journey times over it (GET /api/eta, readiness, cover). */
  planner?: JourneyPlanner;
  /**
   * The gazetteer (GET /api/places). Default: with scenarioFile, the scenario's places and the
   * network's road names; else the scenario's towns, stations and posts, snapped with the planner.
   */
  places?: Gazetteer;
  /**
   * The road names and refs (gazetteer, map labels) when there is no scenarioFile to load them
   * from: tests pass a literal table.
   */
  roadTable?: RoadTable;
  /**
   * Journey times and cover impact for incident recommendations: 'planner' builds them over the
   * planner (station trees); a test may pass its own. Without it, recommendations answer
   * JCR_NOT_READY.
   */
  mobilisation?: Mobilisation | 'planner';
  /** Build every station tree once serving, one per macrotask, rather than each on first use. */
  warmStationTrees?: boolean;
  /** Live cover over the planner (docs/cover.md); tests may pass timers and call cover.flushAsync(). */
  cover?: CoverTuning;
}

export type CoverTuning = Pick<
  CoverServiceOptions,
  'debounceMs' | 'timers' | 'refreshMs' | 'refreshMovedM' | 'restartDelayMs'
>;

export interface AvlOptions {
  /** Development AVL feed token (feed `dev`, every resource); see docs/avl.md. */
  token?: string | undefined;
  /** Overrides of AVL_LIMITS (stale time, history retention, rate, frame size, ...). */
  limits?: Partial<AvlLimits>;
  /** Position history on a worker thread (default: on for a file database; see docs/avl.md). */
  historyThread?: boolean;
}

export interface CopOptions {
  /** COP token for /ws/cop (--cop-token); unset = signed-in sessions only. See docs/cop.md. */
  token?: string | undefined;
  /** Overrides of COP_LIMITS (tick, ring, queue bounds, heartbeat, ...). */
  limits?: Partial<CopLimits>;
}

/** How the server faces browsers: its public address, the proxies in front of it, the basemap tiles. */
export interface WebOptions {
  /** The address operators open (--public-url): https makes cookies Secure and sends HSTS; an allowed Origin. */
  publicUrl?: string | undefined;
  /** Proxies whose X-Forwarded-For names the client (--trust-proxy): addresses or CIDR ranges. */
  trustProxy?: readonly string[] | undefined;
  /** Token a scraper presents on /metrics (--metrics-token); unset = duty officers only. */
  metricsToken?: string | undefined;
  /** Optional online basemap tiles for the screens, with attribution. */
  tiles?: { url: string; attribution: string };
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
  /** Performance against standards (GET /api/performance, the COP's performance record). */
  performance: PerformanceService;
  /** The reactor: policies after each batch, and its clock tick (tests call reactor.tick()). */
  reactor: Reactor;
  /** Transfers with partner rooms (outbox, courier, inbox); undefined without a partners file. */
  mait: MaitService | undefined;
  /** Cluster mode: this instance's place in the cluster (leader or standby); undefined when embedded. */
  cluster: ClusterNode | undefined;
  /** The journey times in force (calibration.settled(): a band's trees adopted); undefined without a planner. */
  calibration: CalibratedJourneys | undefined;
  close(): Promise<void>;
}

/** Start the control room server. Tests use port 0 and `:memory:`; main.ts uses the config. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const clock = opts.clock ?? Date.now;
  const log = typeof opts.log === 'object' ? opts.log : createLogger(opts.log ?? 'info');
  const timers = opts.timers ?? serverTimers;
  const roads = opts.roads ?? {};
  const { graph, planner } = roads.scenarioFile
    ? loadScenarioNetwork(roads.scenarioFile, opts.scenario, log)
    : { graph: roads.graph, planner: roads.planner };
  // Road names are read from the network file when it was loaded (cached beside the graph).
  const roadTable =
    roads.roadTable ??
    (roads.scenarioFile && planner ? loadScenarioRoadTable(roads.scenarioFile, opts.scenario) : undefined);
  const places = roads.places ?? scenarioGazetteer(opts.scenario, roadTable, planner, log);
  const labels = scenarioMapLabels(opts.scenario, roadTable, log);
  const journeys =
    roads.mobilisation === 'planner' ? planner && mobilisationFromPlanner(planner, opts.scenario) : roads.mobilisation;

  const store = Store.open(opts.db, { serving: true });
  // Cluster mode: the local log is a cache of the cluster's, cut back to what the cluster holds.
  const clusterLog = opts.cluster ? await ClusterLog.open(opts.cluster, log) : undefined;
  const covered = clusterLog ? await reconcileCache(store, clusterLog, log) : 0;
  const engine = Engine.boot(
    opts.scenario,
    store,
    clock,
    {
      staleAfterMs: opts.avl?.limits?.staleAfterMs ?? AVL_LIMITS.staleAfterMs,
      ...(opts.mait ? { maitRoomId: opts.mait.partners.room.id } : {}),
    },
    { timers },
  );
  const mait =
    opts.mait &&
    new MaitService({
      engine,
      clock,
      timers,
      log,
      partners: opts.mait.partners,
      encode: buildMait,
      transport: opts.mait.transport ?? httpTransport(opts.mait.partners, clock),
      ...(opts.mait.backoff ? { backoff: opts.mait.backoff } : {}),
    });
  // A standby until it holds the lease: nothing appends before it leads.
  const cluster =
    clusterLog && opts.cluster ? new ClusterNode(clusterLog, engine, opts.cluster, log, covered) : undefined;
  // Engine listeners hear each applied batch in the order they subscribe: AVL, cover, then the
  // COP; the reactor reacts once they all have (server/shell/reactor.ts).
  const avl = new AvlService({
    engine,
    clock,
    log,
    limits: opts.avl?.limits ?? {},
    devToken: opts.avl?.token,
    timers,
    historyThread: opts.avl?.historyThread,
  });
  await avl.ready(); // the history writer thread has opened its connection before the first batch
  const users = new Users(store, clock);
  // Cluster mode: sessions, failed sign-ins, users and feeds shared by every instance and gateway.
  const sharedAuth = clusterLog && (await joinSharedAuth(clusterLog, users, avl.feeds, log));
  const cover = roads.cover && planner ? new CoverService({ engine, planner, clock, log, ...roads.cover }) : undefined;
  // The journey times in force: the prior's, or a calibration's for the band of the moment; the
  // cover follows each switch (docs/calibration.md).
  const calibrated =
    roads.mobilisation === 'planner' && planner && journeys
      ? new CalibratedJourneys({
          engine,
          planner,
          scenario: opts.scenario,
          prior: journeys,
          clock,
          timers,
          log,
          onSpeeds: (s) => cover?.setSpeeds(s),
        })
      : undefined;
  const inForce = calibrated ?? journeys;
  // Recommendations read each candidate's cover impact from the live cover picture's responder lists.
  const mobilisation = inForce && cover ? withLiveCover(inForce, cover) : inForce;
  const metrics = new Metrics();
  const performance = new PerformanceService({ engine, clock, timers, refreshMs: opts.performance?.refreshMs });
  const app = createApp({
    performance,
    statistics: new StatisticsService(engine, store, clock),
    store,
    metrics,
    cover,
    engine,
    log,
    startedAt: clock(),
    users,
    loginLimitShare: sharedAuth?.limits,
    clock,
    avl,
    mobilisation,
    graph,
    planner,
    places,
    labels,
    tiles: opts.web?.tiles,
    publicUrl: opts.web?.publicUrl,
    trustProxy: opts.web?.trustProxy,
    metricsToken: opts.web?.metricsToken,
    copServed: true,
    mait,
    cluster: cluster && (() => cluster.status()),
  });
  const http = createServer(app);
  // One 'upgrade' listener: /ws/avl and /ws/cop, 404 for any other path.
  const upgrades = upgradeRouter(http);
  const avlWs = attachAvlWs(upgrades, avl, log, timers);
  // Reactions after each batch: arrival from AVL, standby arrival, the quicker-resource flag.
  const reactor = startReactor(engine, {
    mobilisation,
    log,
    alerts: {
      coverFigures: () => {
        const c = cover?.latest();
        return c ? coverSummaryMsg(c).figures : null;
      },
    },
    ...(mait ? { mait: { theirType: (p: string, ours: string) => mait.theirType(p, ours) } } : {}),
  });
  const stopReactorTick = reactor.startTicking(timers, opts.reactorTickMs);
  const copStream = clusterLog && opts.cluster && (await CopStream.open(clusterLog, opts.cluster.replicas, log));
  const cop: CopWsHandle = attachCopWs(upgrades, {
    engine,
    clock,
    log,
    timers,
    limits: opts.cop?.limits ?? {},
    token: opts.cop?.token,
    users,
    publicUrl: opts.web?.publicUrl,
    cover,
    performance,
    locate: locator(places, planner),
    partnerName: (id: string) => mait?.partners.partners.find((p) => p.id === id)?.name ?? '',
    ...copStream?.hubOptions(engine, () => cop.hub), // the room's epoch; the leader publishes its records
  });
  await copStream?.follow(cop.hub, engine, cluster); // the leader's COP records until this instance leads
  // Cluster mode: the leader shares live positions, cover and performance; a standby follows them.
  const live = clusterLog && (await joinLive(clusterLog, engine, log, cover));
  // After the COP's listener: an arrival's own changes go out before the figures it moves.
  performance.start((r) => {
    cop.hub.onPerformance(r);
    live?.share.performance(r);
  });
  registerMetrics(metrics, { avl, avlWs, cop, cover });
  // Slow-loris protection: a client must send its headers promptly and may not idle forever.
  Object.assign(http, { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 });
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host ?? '127.0.0.1', () => resolveListen());
  });
  // The leader takes AVL batches from the gateways (npm run gateway -- avl).
  if (clusterLog) cluster?.onLeading(() => serveAvlRelay(clusterLog, clusterLog.room, avl, log));
  // Every listener is in place: follow the log (and try for the lease unless a standby).
  const port = (http.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  await cluster?.start(`http://${host}:${port}`);
  // Station trees, one per macrotask off the request path (built on first use until then).
  mait?.start(); // what the outbox still holds goes out; what the inbox held behind an applied one is applied
  const stopWarming = roads.warmStationTrees && journeys ? warmStationTrees(journeys, log) : () => {};
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
    performance,
    reactor,
    mait,
    cluster,
    calibration: calibrated,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([cluster?.close(), copStream?.stop()]);
      live?.stop();
      sharedAuth?.stop();
      mait?.close();
      stopWarming();
      calibrated?.close();
      performance.close();
      stopReactorTick();
      await new Promise<void>((r) => {
        http.close(() => r());
        avlWs.close();
        cop.close();
        upgrades.close();
        http.closeAllConnections();
      });
      await cover?.close(); // terminates the cover worker
      avl.close(); // writes the pending history tick
      engine.close(); // commands still waiting for a locked log fail, unacknowledged
      store.close();
      await clusterLog?.close();
    },
  };
}
