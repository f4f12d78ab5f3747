/**
 * A COP gateway (npm run gateway -- cop): stateless, any number per room. It serves /ws/cop to
 * screens with the room's own hub (server/shell/cop/ws.ts: same protocol, filters, resume and
 * backpressure) over a read-only replica of the room: an in-memory engine that follows the
 * cluster log from its start (cluster/follower.ts) and the live bucket's positions, cover and
 * performance figures (cluster/live.ts). It never appends and never leads, so a failover of the
 * leader does not touch it: its screens stay connected, on the same epoch, and the new leader's
 * first changes reach them as the next COP seq, with no gap and nothing twice. Screens sign in
 * with the COP token or a session shared through the cluster (cluster/shared-auth.ts). It also
 * serves the client's pages and forwards REST to the leader (gateway/screens.ts): the screens'
 * one URL, and partner rooms' (their MAIT messages, forwarded the same way).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AVL_LIMITS } from '../../core/avl/limits.ts';
import type { CopLimits } from '../../core/cop/limits.ts';
import { JcrError } from '../../core/errors.ts';
import { locator } from '../../core/places/locate.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import { followLive } from '../cluster/live.ts';
import { Follower } from '../cluster/follower.ts';
import { ClusterLog } from '../cluster/log.ts';
import { SharedSessions } from '../cluster/shared-auth.ts';
import type { ClusterOptions } from '../cluster/options.ts';
import { attachCopWs } from '../cop/ws.ts';
import { Engine, type Replication } from '../engine.ts';
import type { Logger } from '../log.ts';
import { scenarioGazetteer, scenarioLocate } from '../network/scenario-network.ts';
import { CopStream } from '../cluster/cop-stream.ts';
import { Store } from '../store/store.ts';
import { serverTimers } from '../timers.ts';
import { upgradeRouter } from '../ws/upgrade.ts';
import type { RunningGateway } from './avl-gateway.ts';
import { screensApp } from './screens.ts';

/** How long a gateway waits at start to replay the log up to its head before it serves. */
const CATCH_UP_MS = 60_000;

/** A replica's replication: it never leads, so it appends nothing and reacts to nothing. */
const READ_ONLY: Replication = {
  leads: () => false,
  appended() {
    throw new JcrError('JCR_NOT_LEADER', 'a COP gateway appends nothing');
  },
  pending: () => null,
};

export interface CopGatewayOptions {
  cluster: ClusterOptions;
  scenario: Scenario;
  /** The scenario's file: its road network locates incidents (the snapped point) as an instance does. */
  scenarioFile?: string | undefined;
  port: number;
  host: string;
  log: Logger;
  /** --cop-token: screens without a session (wall displays). */
  token?: string | undefined;
  /** --public-url: an allowed Origin for a cookie-authenticated upgrade; https sends HSTS with the pages. */
  publicUrl?: string | undefined;
  /** The online basemap the instances are given (WebOptions.tiles): the pages' CSP allows its host. */
  tiles?: { url: string; attribution: string } | undefined;
  limits?: Partial<CopLimits>;
}

export interface RunningCopGateway extends RunningGateway {
  engine: Engine;
}

export async function startCopGateway(o: CopGatewayOptions): Promise<RunningCopGateway> {
  const { log, scenario } = o;
  const clusterLog = await ClusterLog.open({ ...o.cluster, standby: true }, log);
  const store = Store.open(':memory:');
  const engine = Engine.boot(scenario, store, Date.now, { staleAfterMs: AVL_LIMITS.staleAfterMs });
  engine.setReplication(READ_ONLY);
  const follower = new Follower(clusterLog, engine, log, 0);
  // The screens' one URL: pages, and REST forwarded to whoever leads (gateway/screens.ts).
  const health = () => ({ gateway: 'cop', streamSeq: follower.streamSeq, lastSeq: engine.room.lastSeq });
  const web = { publicUrl: o.publicUrl, tiles: o.tiles };
  const http = createServer(screensApp(clusterLog.lease, log, health, web));
  const upgrades = upgradeRouter(http);
  // Incidents located as an instance locates them: with the road network, when given its file.
  const locate = o.scenarioFile
    ? scenarioLocate(o.scenarioFile, scenario, log)
    : locator(scenarioGazetteer(scenario, undefined, undefined, log), undefined);
  const copStream = await CopStream.open(clusterLog, o.cluster.replicas, log);
  const sessions = new SharedSessions(Date.now);
  await sessions.follow(clusterLog, log);
  const cop = attachCopWs(upgrades, {
    users: sessions,
    engine,
    clock: Date.now,
    log,
    timers: serverTimers,
    limits: o.limits ?? {},
    token: o.token,
    publicUrl: o.publicUrl,
    locate,
    epoch: copStream.epoch,
  });
  const stopLive = await followLive(clusterLog, engine, log, {
    cover: (s) => cop.hub.onCover(s),
    performance: (r) => cop.hub.onPerformance(r),
  });
  await follower.start();
  const head = await clusterLog.lastStreamSeq();
  if (!(await follower.caughtUp(head, CATCH_UP_MS))) log.warn('cop gateway: serving before the log is replayed');
  await copStream.follow(cop.hub, engine); // the leader's COP records, under its seqs
  await new Promise<void>((r, j) => {
    http.once('error', j);
    http.listen(o.port, o.host, () => r());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${port}`,
    port,
    http,
    engine,
    async close() {
      stopLive();
      await copStream.stop();
      sessions.stop();
      await follower.stop();
      cop.close();
      upgrades.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      engine.close();
      store.close();
      await clusterLog.close();
    },
  };
}
