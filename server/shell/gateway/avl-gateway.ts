/**
 * An AVL gateway (npm run gateway -- avl): stateless, any number per room. It serves /ws/avl,
 * /osmand and /traccar with the same protocols as the room (server/shell/avl/ws.ts, osmand.ts,
 * traccar.ts), checks each feed's token once per connection in the room's accounts bucket
 * (cluster/accounts.ts), or with the leader for a token the bucket lacks (only its SHA-256
 * crosses), judges each report by the stateless rules (core/avl/report-rules.ts) and relays the rest as one NATS request per batch to the leader
 * (cluster/avl-relay.ts), whose answer carries the stateful verdicts once they are in the cluster
 * log. The feed sees one ack per batch with the codes a direct connection gives. With no leader
 * subscribed, the socket closes with JCR_NOT_LEADER (1013); with the request out and no answer
 * in time, JCR_OUTCOME_UNKNOWN (1013: a leader may have taken it); the feed reconnects and
 * resends either way (reports stored answer JCR_AVL_DUPLICATE).
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { connect, errors, type NatsConnection } from '@nats-io/transport-node';
import type { AvlReportIn, AvlRejection, BatchOutcome, FeedScope } from '../../core/avl/ingest.ts';
import { AVL_LIMITS, type AvlLimits } from '../../core/avl/limits.ts';
import { statelessVerdict } from '../../core/avl/report-rules.ts';
import { JcrError, isJcrError, type ErrorCode } from '../../core/errors.ts';
import type { Agency, Scenario } from '../../core/scenario/types.ts';
import type { AvlEndpoint } from '../avl/endpoint.ts';
import { sha256Hex } from '../avl/feeds.ts';
import { osmandRoutes } from '../avl/osmand.ts';
import { traccarRoutes } from '../avl/traccar.ts';
import { attachAvlWs } from '../avl/ws.ts';
import { errorHandler, notFound } from '../http/errors.ts';
import { avlSubject, feedSubject, type RelayAnswer } from '../cluster/avl-relay.ts';
import { encodeRelayedBatch } from '../cluster/relay-batch.ts';
import { openAccounts, type SharedAccounts } from '../cluster/accounts.ts';
import { NATS_CLIENT } from '../cluster/options.ts';
import type { Logger } from '../log.ts';
import { serverTimers } from '../timers.ts';
import { upgradeRouter } from '../ws/upgrade.ts';

/** How long a batch may wait for the leader (a failover takes up to the lease and its catch-up). */
const RELAY_TIMEOUT_MS = 2000;

export class GatewayAvl implements AvlEndpoint {
  readonly limits: AvlLimits = AVL_LIMITS;
  readonly resourceIds: readonly string[];
  private readonly agencyOf: Map<string, Agency>;
  /** Token hash per feed id, from the feed check at connect. */
  private readonly hashOf = new Map<string, string>();
  /** The room's users and feeds (cluster/accounts.ts); null until an instance has made the bucket. */
  private accounts: SharedAccounts | null = null;

  constructor(
    private readonly nc: NatsConnection,
    private readonly room: string,
    scenario: Scenario,
    private readonly clock: () => number = Date.now,
  ) {
    this.resourceIds = scenario.resources.map((r) => r.id);
    this.agencyOf = new Map(scenario.resources.map((r) => [r.id, r.agency]));
  }

  async authenticate(token: string | undefined): Promise<FeedScope | undefined> {
    if (!token || token.length > 512) return undefined;
    const t = sha256Hex(token);
    // The accounts bucket first: a feed revoked there is refused at once, whoever leads; a token
    // it does not know (the instances' development token) is the leader's to judge.
    this.accounts ??= await openAccounts(this.nc, this.room);
    const shared = await this.accounts?.feedByHash(t).catch(() => null);
    if (shared === 'revoked') return undefined;
    if (shared) {
      this.hashOf.set(shared.id, t);
      return shared;
    }
    const m = await this.nc.request(feedSubject(this.room), JSON.stringify({ t }), { timeout: RELAY_TIMEOUT_MS });
    const feed = (m.json() as { feed: FeedScope | null }).feed;
    if (!feed) return undefined;
    this.hashOf.set(feed.id, t);
    return feed;
  }

  ingestOrWait(reports: readonly AvlReportIn[], feed: FeedScope): BatchOutcome | Promise<BatchOutcome> {
    const now = this.clock();
    const rejected: AvlRejection[] = [];
    const relayed: AvlReportIn[] = [];
    const indexOf: number[] = [];
    reports.forEach((r, index) => {
      const agency = typeof r.resourceId === 'string' ? this.agencyOf.get(r.resourceId) : undefined;
      const code: ErrorCode | null =
        agency === undefined ? 'JCR_AVL_UNKNOWN_RESOURCE' : statelessVerdict(r, agency, feed.agency, now, this.limits);
      if (code !== null) rejected.push({ index, code, message: `refused by the gateway: ${code}` });
      else {
        relayed.push(r); // encoded below, before the caller reuses it
        indexOf.push(index);
      }
    });
    // Relayed even when nothing passed: the leader charges the feed's bucket the whole batch.
    const body = encodeRelayedBatch(this.hashOf.get(feed.id) ?? '', reports.length, relayed);
    return this.nc.request(avlSubject(this.room), body, { timeout: RELAY_TIMEOUT_MS }).then(
      (m) => {
        const answer = m.json() as RelayAnswer;
        if ('e' in answer) throw new JcrError(answer.e as ErrorCode, answer.m);
        if (answer.w) {
          // Refused whole (rate limited, busy): every report gets the code, as on a direct feed.
          const { code, message } = answer.w;
          return {
            accepted: 0,
            rejected: reports.map((_, index) => ({ index, code: code as ErrorCode, message })),
            moved: [],
          };
        }
        for (const x of answer.r)
          rejected.push({ index: indexOf[x.index] ?? x.index, code: x.code as ErrorCode, message: x.message });
        rejected.sort((a, b) => a.index - b.index);
        return { accepted: answer.a, rejected, moved: [] };
      },
      (e: unknown) => {
        if (isJcrError(e)) throw e; // the leader's own refusal, JCR_OUTCOME_UNKNOWN included
        // No instance subscribed: no leader took it. No answer in time, or the connection lost
        // with the request out: a leader may have taken it and stopped before answering.
        if (noResponders(e)) throw new JcrError('JCR_NOT_LEADER', `no leader answered: ${String(e)}`);
        throw new JcrError(
          'JCR_OUTCOME_UNKNOWN',
          `the leader did not answer the batch (${String(e)}): it may be stored; resend it (stored reports answer JCR_AVL_DUPLICATE)`,
        );
      },
    );
  }

  now(): number {
    return this.clock();
  }

  whenReplicated(): null {
    return null; // the leader answers only once the log has the batch
  }
}

export interface RunningGateway {
  url: string;
  port: number;
  http: Server;
  close(): Promise<void>;
}

export async function startAvlGateway(o: {
  servers: readonly string[];
  room: string;
  scenario: Scenario;
  port: number;
  host: string;
  log: Logger;
}): Promise<RunningGateway> {
  const nc = await connect({ ...NATS_CLIENT, servers: [...o.servers], name: `jcr-${o.room}-avl-gateway` });
  const endpoint = new GatewayAvl(nc, o.room, o.scenario);
  // HTTP feeds: OsmAnd (Traccar Client phones) and Traccar's JSON forwarder, relayed the same way.
  const app = express();
  app.disable('x-powered-by');
  app.use('/osmand', osmandRoutes(endpoint, o.scenario));
  app.use('/traccar', traccarRoutes(endpoint, o.scenario));
  app.use(notFound);
  app.use(errorHandler(o.log));
  const http = createServer(app);
  const upgrades = upgradeRouter(http);
  const ws = attachAvlWs(upgrades, endpoint, o.log, serverTimers);
  await new Promise<void>((r, j) => {
    http.once('error', j);
    http.listen(o.port, o.host, () => r());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://${o.host === '0.0.0.0' ? '127.0.0.1' : o.host}:${port}`,
    port,
    http,
    async close() {
      ws.close();
      upgrades.close();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
      await nc.close();
    },
  };
}

/** A NATS request no subscriber received (nats.js: RequestError caused by NoRespondersError). */
function noResponders(e: unknown): boolean {
  return e instanceof errors.NoRespondersError || (e instanceof errors.RequestError && e.isNoResponders());
}
