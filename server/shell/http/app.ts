import express, { type Express } from 'express';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { errorHandler, notFound } from './errors.ts';
import { resourceRoutes } from './resources.ts';
import { incidentLineRoutes } from './incident-lines.ts';
import { incidentRoutes } from './incidents.ts';
import { recommendationRoutes } from './recommendation.ts';
import { incidentLogRoutes } from './incident-log.ts';
import { attendanceRoutes } from './attendance.ts';
import { requestRoutes } from './requests.ts';
import { openApiDocument } from './openapi.ts';
import { uiRoutes } from './ui.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { Mobilisation } from '../incidents/mobilisation.ts';
import { scenarioRoutes } from './scenario.ts';
import { landingPage } from './landing.ts';
import type { AvlService } from '../avl/service.ts';
import { osmandRoutes } from '../avl/osmand.ts';
import { traccarRoutes } from '../avl/traccar.ts';
import { apiGate, authenticate, authRoutes, type LoginLimitShare } from './auth.ts';
import { clientAddress } from './client-address.ts';
import { crossSiteGuard } from './origin.ts';
import { noStore, pageSecurity } from './security.ts';
import { healthRoutes, recommendTimer } from './health.ts';
import { replicatedAcks } from './replicated.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/store.ts';
import type { Users } from '../auth/users.ts';
import type { Clock } from '../../core/clock.ts';
import { coverRoutes } from './cover.ts';
import { performanceRoutes } from './performance.ts';
import { calibrationRoutes } from './calibration.ts';
import { alertRoutes } from './alerts.ts';
import { statisticsRoutes } from './statistics.ts';
import type { StatisticsService } from '../statistics.ts';
import type { PerformanceService } from '../performance.ts';
import { etaRoutes } from './eta.ts';
import { placeRoutes } from './places.ts';
import type { Gazetteer } from '../../core/places/gazetteer.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { MapLabelsMsg } from '../../../proto/map-labels.ts';
import type { CoverService } from '../cover/service.ts';
import type { MaitService } from '../mait/service.ts';
import { maitReceiveRoutes } from './mait-receive.ts';
import { transferRoutes } from './transfers.ts';
import { partnerLinkRoutes } from './partner-links.ts';
import { partnerAssistanceRoutes } from './partner-assistance.ts';

/** Limits on HTTP bodies: REST commands are small; anything bigger is a mistake or an attack. */
export const JSON_BODY_LIMIT = '64kb';

export interface AppDeps {
  engine: Engine;
  store: Store;
  metrics: Metrics;
  log: Logger;
  startedAt: number;
  /** AVL ingest: mounts the OsmAnd (Traccar Client) endpoint at /osmand when present. */
  avl?: AvlService;
  users: Users;
  /** Cluster mode: failed sign-in counts shared with the other instances. */
  loginLimitShare?: LoginLimitShare | undefined;
  clock: Clock;
  /** The address operators open (--public-url): https makes cookies Secure and sends HSTS. */
  publicUrl?: string | undefined;
  /** Proxies whose X-Forwarded-For names the client (--trust-proxy). */
  trustProxy?: readonly string[] | undefined;
  /** --metrics-token: what a scraper presents on /metrics. */
  metricsToken?: string | undefined;
  /** Journey times and cover for incident recommendations (needs a road network). */
  mobilisation?: Mobilisation | undefined;
  /** The loaded road network: the screens' offline basemap is drawn from it (GET /api/basemap). */
  graph?: RoadGraph | undefined;
  /** Live cover (GET /api/cover, moves); needs a road network. */
  cover?: CoverService | undefined;
  /** Performance against standards (GET /api/performance). */
  performance?: PerformanceService | undefined;
  /** Statistics from the event log (GET /api/statistics). */
  statistics?: StatisticsService | undefined;
  /** Journey times over the loaded road network (GET /api/eta). */
  planner?: JourneyPlanner | undefined;
  /** The gazetteer (GET /api/places), built at start from the scenario and the road names. */
  places: Gazetteer;
  /** The map's towns and road names (GET /api/map/labels), built at start. */
  labels?: MapLabelsMsg | undefined;
  /** Is the operating picture pushed at /ws/cop (GET /api/ui-config: features.cop)? */
  /** Cluster mode: this instance's role and place in the log, shown by GET /api/health. */
  cluster?: (() => object) | undefined;
  copServed: boolean;
  /** Optional online basemap for the screens (GET /api/ui-config). */
  tiles?: { url: string; attribution: string } | undefined;
  /** Transfers with partner control rooms (issue 18); undefined without a partners file. */
  mait?: MaitService | undefined;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  const https = deps.publicUrl?.startsWith('https:') ?? false;
  // Cluster mode: a change is answered once the cluster log has it (nothing waits otherwise).
  // First, so a partner's message too is answered only once it is in the cluster log.
  app.use(replicatedAcks(deps.engine));
  // Partner rooms deliver here: signed XML, no session, outside /api (./mait-receive.ts).
  if (deps.mait)
    app.use(
      maitReceiveRoutes({
        engine: deps.engine,
        mait: deps.mait,
        clock: deps.clock,
        clientAddress: clientAddress(deps.trustProxy ?? []),
      }),
    );
  app.use(pageSecurity({ publicUrl: deps.publicUrl, tiles: deps.tiles }));
  app.use('/api', noStore);
  // Before the body parser: a change must be JSON and, made with the cookie, from our own pages.
  app.use('/api', crossSiteGuard(deps.publicUrl));
  app.use('/api', recommendTimer(deps.metrics));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));
  app.use(authenticate(deps.users));
  app.use(
    '/api',
    authRoutes(deps.users, deps.clock, {
      secureCookies: https,
      clientAddress: clientAddress(deps.trustProxy ?? []),
      limitShare: deps.loginLimitShare,
    }),
  );
  app.use(
    healthRoutes({
      store: deps.store,
      metrics: deps.metrics,
      networkLoaded: deps.planner !== undefined,
      metricsToken: deps.metricsToken,
    }),
  );
  app.use('/api', apiGate(deps.clock));

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  app.get('/api/health', (_req, res) => {
    res.json({
      status: 'ok',
      uptimeS: Math.round((Date.now() - deps.startedAt) / 1000),
      lastSeq: deps.engine.room.lastSeq,
      ...(deps.cluster ? { cluster: deps.cluster() } : {}),
    });
  });
  app.use('/api', scenarioRoutes(deps));
  app.use('/api', resourceRoutes(deps));
  app.use('/api', incidentRoutes(deps));
  app.use('/api', recommendationRoutes(deps));
  app.use('/api', incidentLogRoutes(deps));
  app.use('/api', incidentLineRoutes(deps));
  app.use('/api', attendanceRoutes(deps));
  app.use('/api', requestRoutes(deps));
  app.use('/api', coverRoutes(deps));
  app.use('/api', performanceRoutes(deps));
  app.use('/api', calibrationRoutes(deps));
  app.use('/api', alertRoutes(deps));
  app.use('/api', statisticsRoutes(deps));
  app.use('/api', etaRoutes(deps));
  app.use('/api', placeRoutes(deps));
  app.use('/api', transferRoutes(deps));
  app.use('/api', partnerLinkRoutes(deps));
  // Cross-border assistance: ask a near partner, answer a partner's ask with an offer.
  app.use('/api', partnerAssistanceRoutes(deps));
  app.use(
    '/api',
    uiRoutes({
      scenario: deps.engine.room.scenario,
      graph: deps.graph,
      labels: deps.labels,
      tileUrl: deps.tiles?.url,
      tileAttribution: deps.tiles?.attribution,
      // Which features the screens may offer.
      features: () => ({
        incidents: true,
        recommendations: deps.mobilisation !== undefined,
        cover: deps.cover !== undefined,
        cop: deps.copServed,
        // The request inbox and answers (./requests.ts), the bookings and notes (./attendance.ts).
        joint: true,
        // Transfers to and from partner rooms (./transfers.ts).
        partners: deps.mait !== undefined,
      }),
    }),
  );
  app.use('/api', notFound);
  if (deps.avl) app.use('/osmand', osmandRoutes(deps.avl, deps.engine.room.scenario));
  if (deps.avl) app.use('/traccar', traccarRoutes(deps.avl, deps.engine.room.scenario));

  const dist = resolve('client/dist');
  if (existsSync(dist)) app.use(express.static(dist, { index: 'index.html', maxAge: 0 }));
  else app.get('/', landingPage(deps));

  app.use(notFound);
  app.use(errorHandler(deps.log));
  return app;
}
