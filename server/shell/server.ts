/**
 * The composition root: the one place the control room is put together, in order. Store and
 * engine; road network → planner → journey times (station trees) → live cover → mobilisation;
 * AVL ingest; the HTTP routes; one WebSocket upgrade router for /ws/avl and /ws/cop; the
 * reactions to applied changes; metrics; listen. main.ts reads the configuration and calls
 * startServer; tests call it with port 0, ':memory:' and timers they fire by hand. Its options
 * and parts are typed in server-options.ts, the roads' services built in network/road-services.ts,
 * listening and closing in order in server-lifecycle.ts.
 */
import { createServer } from 'node:http';
import { AVL_LIMITS } from '../core/avl/limits.ts';
import { locator } from '../core/places/locate.ts';
import { Users } from './auth/users.ts';
import { AvlService } from './avl/service.ts';
import { attachAvlWs } from './avl/ws.ts';
import { CalibratedJourneys } from './calibration/journeys.ts';
import { serveAvlRelay } from './cluster/avl-relay.ts';
import { reconcileCache } from './cluster/cache.ts';
import { CopStream } from './cluster/cop-stream.ts';
import { joinLive } from './cluster/live.ts';
import { ClusterLog } from './cluster/log.ts';
import { ClusterNode } from './cluster/node.ts';
import { joinSharedAuth } from './cluster/shared-auth.ts';
import { coverSummaryMsg } from './cop/cover-summary.ts';
import { attachCopWs, type CopWsHandle } from './cop/ws.ts';
import { CoverService } from './cover/service.ts';
import { Engine } from './engine.ts';
import { createApp } from './http/app.ts';
import { warmStationTrees, withLiveCover } from './incidents/mobilisation.ts';
import { createLogger } from './log.ts';
import { buildMait } from './mait/codec.ts';
import { MaitService } from './mait/service.ts';
import { httpTransport } from './mait/transport.ts';
import { Metrics } from './metrics.ts';
import { roadServices } from './network/road-services.ts';
import { PerformanceService } from './performance.ts';
import { startReactor } from './reactor.ts';
import { registerMetrics } from './room-metrics.ts';
import { closer, listen } from './server-lifecycle.ts';
import type { RunningServer, ServerOptions } from './server-options.ts';
import { StatisticsService } from './statistics.ts';
import { Store } from './store/store.ts';
import { serverTimers } from './timers.ts';
import { upgradeRouter } from './ws/upgrade.ts';

export type {
  AvlOptions,
  CopOptions,
  CoverTuning,
  MaitOptions,
  RoadOptions,
  RunningServer,
  ServerOptions,
  WebOptions,
} from './server-options.ts';

/** Start the control room server. Tests use port 0 and `:memory:`; main.ts uses the config. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const clock = opts.clock ?? Date.now;
  const log = typeof opts.log === 'object' ? opts.log : createLogger(opts.log ?? 'info');
  const timers = opts.timers ?? serverTimers;
  const roads = opts.roads ?? {};
  const { graph, planner, places, labels, journeys } = roadServices(opts.scenario, roads, log);

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
      clustered: opts.cluster !== undefined,
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
    positions: cluster, // cluster mode: every kept report is in the positions stream before its ack
  });
  cluster?.keepHistory(avl.history); // every instance's history is the positions stream's
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
  const port = await listen(http, opts.port, opts.host ?? '127.0.0.1');
  // The leader takes AVL batches from the gateways (npm run gateway -- avl).
  if (clusterLog) cluster?.onLeading(() => serveAvlRelay(clusterLog, clusterLog.room, avl, log));
  // What the outbox holds goes out, and what the inbox held behind an applied one is applied: at
  // once in one process; in a cluster only by the leader, from when it leads (docs/cluster.md).
  // A new leader first reacts to what its predecessor had not (server/shell/reactor.ts, takeOver).
  if (cluster) cluster.onLed(() => reactor.takeOver());
  if (cluster) cluster.onLed(() => mait?.start());
  else mait?.start();
  // Every listener is in place: follow the log (and try for the lease unless a standby).
  const host = opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1';
  await cluster?.start(`http://${host}:${port}`);
  // Station trees, one per macrotask off the request path (built on first use until then).
  const stopWarming = roads.warmStationTrees && journeys ? warmStationTrees(journeys, log) : () => {};
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
    close: closer({
      http,
      upgrades,
      avlWs,
      cop,
      avl,
      engine,
      store,
      performance,
      cover,
      mait,
      calibrated,
      cluster,
      clusterLog,
      copStream,
      live,
      sharedAuth,
      stopWarming,
      stopReactorTick,
    }),
  };
}
