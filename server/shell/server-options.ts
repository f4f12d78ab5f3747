/**
 * What startServer takes and what it gives back: the server's options (scenario, database, port,
 * roads, AVL, COP, web, partners, cluster) and the running server's parts, which main.ts, the
 * gateways and the tests reach into. Types only; server.ts puts the parts together.
 */
import type { Server } from 'node:http';
import type { MaitPartners } from '../../proto/mait.ts';
import type { AvlLimits } from '../core/avl/limits.ts';
import type { Clock } from '../core/clock.ts';
import type { CopLimits } from '../core/cop/limits.ts';
import type { RoadGraph } from '../core/graph/build.ts';
import type { JourneyPlanner } from '../core/graph/planner.ts';
import type { Gazetteer } from '../core/places/gazetteer.ts';
import type { RoadTable } from '../core/places/roads.ts';
import type { Scenario } from '../core/scenario/types.ts';
import type { Users } from './auth/users.ts';
import type { AvlService } from './avl/service.ts';
import type { AvlWsHandle } from './avl/ws.ts';
import type { CalibratedJourneys } from './calibration/journeys.ts';
import type { ClusterNode } from './cluster/node.ts';
import type { ClusterOptions } from './cluster/options.ts';
import type { CopWsHandle } from './cop/ws.ts';
import type { CoverService, CoverServiceOptions } from './cover/service.ts';
import type { Engine } from './engine.ts';
import type { Mobilisation } from './incidents/mobilisation.ts';
import type { Logger, LogLevel } from './log.ts';
import type { Backoff, Transport } from './mait/courier.ts';
import type { MaitService } from './mait/service.ts';
import type { Metrics } from './metrics.ts';
import type { PerformanceService } from './performance.ts';
import type { Reactor } from './reactor.ts';
import type { Store } from './store/store.ts';
import type { Timers } from './timers.ts';

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
