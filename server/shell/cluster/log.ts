/**
 * The cluster log: one NATS connection and what cluster mode keeps in JetStream for a room. The
 * event log is the stream jcr_<room>_events on subject jcr.<room>.events, one message per
 * appended batch (a JSON array of events with their seqs, so a batch is all or nothing); the
 * leader's lease is key `leader` of the key-value bucket jcr_<room>_lease, whose TTL is the lease.
 * Live state that is not events (fleet positions, the cover and performance figures) is the last
 * value per key in bucket jcr_<room>_live (cluster/live.ts); sign-in sessions and failed sign-in
 * counts are in bucket jcr_<room>_auth, whose TTL is a session's (cluster/shared-auth.ts); users
 * and AVL feeds in bucket jcr_<room>_accounts (cluster/accounts.ts).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import type { ClusterOptions } from './options.ts';
import { SESSION_TTL_MS } from '../auth/users.ts';
import { accountsBucket } from './accounts.ts';

export class ClusterLog {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly lease: KV;
  readonly live: KV;
  readonly auth: KV;
  /** Users and AVL feeds (cluster/accounts.ts). */
  readonly accounts: KV;
  readonly stream: string;
  readonly subject: string;
  readonly room: string;

  private constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    buckets: { lease: KV; live: KV; auth: KV; accounts: KV },
    room: string,
  ) {
    this.nc = nc;
    this.js = jetstream(nc);
    this.jsm = jsm;
    this.lease = buckets.lease;
    this.live = buckets.live;
    this.auth = buckets.auth;
    this.accounts = buckets.accounts;
    this.room = room;
    this.stream = `jcr_${room}_events`;
    this.subject = `jcr.${room}.events`;
  }

  /** Connect (reconnecting for ever after), and create the stream and bucket if missing. */
  static async open(opts: ClusterOptions, log: Logger): Promise<ClusterLog> {
    let nc: NatsConnection;
    try {
      nc = await connect({
        servers: [...opts.servers],
        name: `jcr-${opts.room}`,
        maxReconnectAttempts: -1,
        reconnectTimeWait: 250,
      });
    } catch (e) {
      throw new JcrError('JCR_NOT_READY', `cannot reach NATS at ${opts.servers.join(',')}: ${(e as Error).message}`);
    }
    void (async () => {
      for await (const s of nc.status()) if (s.type !== 'ping') log.info('nats', { status: s.type });
    })();
    const jsm = await jetstreamManager(nc);
    const stream = `jcr_${opts.room}_events`;
    const config = {
      name: stream,
      subjects: [`jcr.${opts.room}.events`],
      num_replicas: opts.replicas,
      deny_delete: true,
      deny_purge: true,
    };
    // Retried while JetStream does not answer: a cluster that just lost a node takes a few
    // seconds to elect new stream leaders, and a deposed leader restarts during exactly that.
    const kvm = new Kvm(nc);
    const buckets = await whileUnanswered(log, async () => {
      try {
        await jsm.streams.info(stream);
      } catch (e) {
        if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
        await jsm.streams.add(config);
      }
      // create() opens a bucket that exists as it is (a gateway need not know the lease's TTL).
      const lease = await kvm.create(`jcr_${opts.room}_lease`, {
        ttl: opts.leaseMs,
        history: 1,
        replicas: opts.replicas,
      });
      const live = await kvm.create(`jcr_${opts.room}_live`, { history: 1, replicas: opts.replicas });
      const auth = await kvm.create(`jcr_${opts.room}_auth`, {
        ttl: SESSION_TTL_MS,
        history: 1,
        replicas: opts.replicas,
      });
      const accounts = await kvm.create(accountsBucket(opts.room), { history: 1, replicas: opts.replicas });
      return { lease, live, auth, accounts };
    });
    return new ClusterLog(nc, jsm, buckets, opts.room);
  }

  /** The stream's last message sequence (0 when empty). */
  async lastStreamSeq(): Promise<number> {
    return (await this.jsm.streams.info(this.stream)).state.last_seq;
  }

  /** The batch stored at one stream sequence, or null if there is none. */
  async batchAt(seq: number): Promise<JcrEvent[] | null> {
    const m = await this.jsm.streams.getMessage(this.stream, { seq }).catch(() => null);
    return m ? decodeBatch(m.data) : null;
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.close();
  }
}

/** How long opening (or following) the log waits for JetStream to answer before the start fails. */
const OPEN_WITHIN_MS = 30_000;

/** Run `f` until it succeeds or OPEN_WITHIN_MS pass; an API error that is an answer (not a timeout or no responders) ends it at once. */
export async function whileUnanswered<T>(log: Logger, f: () => Promise<T>): Promise<T> {
  const until = Date.now() + OPEN_WITHIN_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (e) {
      const answered = e instanceof JetStreamApiError && e.status !== 503;
      if (answered || Date.now() > until) throw e;
      log.warn('cluster: JetStream is not answering yet; trying again', { attempt, err: String(e) });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export function encodeBatch(events: readonly JcrEvent[]): string {
  return JSON.stringify(events);
}

/** A message of the log: a non-empty array of events with consecutive seqs. */
export function decodeBatch(data: Uint8Array): JcrEvent[] {
  const events = JSON.parse(new TextDecoder().decode(data)) as JcrEvent[];
  if (!Array.isArray(events) || events.length === 0) throw new Error('a cluster log message holds no events');
  return events;
}
