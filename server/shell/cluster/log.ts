/**
 * The cluster log: one NATS connection and what cluster mode keeps in JetStream for a room. The
 * event log is the stream jcr_<room>_events on subject jcr.<room>.events, one message per
 * appended batch (a JSON array of events with their seqs, so a batch is all or nothing); the
 * leader's lease is key `leader` of the key-value bucket jcr_<room>_lease (cluster/lease.ts).
 * Live state that is not events (fleet positions, the cover and performance figures) is the last
 * value per key in bucket jcr_<room>_live (cluster/live.ts); sign-in sessions and failed sign-in
 * counts are in bucket jcr_<room>_auth, whose TTL is a session's (cluster/shared-auth.ts); users
 * and AVL feeds in bucket jcr_<room>_accounts (cluster/accounts.ts). Every AVL report the leader
 * keeps is in stream jcr_<room>_positions before its ack (cluster/positions.ts).
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import { leaseTtlMs } from './lease.ts';
import { NATS_CLIENT, type ClusterOptions } from './options.ts';
import { SESSION_TTL_MS } from '../auth/users.ts';

export class ClusterLog {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly lease: KV;
  readonly live: KV;
  readonly auth: KV;
  private readonly kvm: Kvm;
  private readonly replicas: number;
  private accountsKv: Promise<KV> | null = null;
  readonly stream: string;
  readonly subject: string;
  readonly positionsStream: string;
  readonly positionsSubject: string;
  readonly room: string;

  private constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    buckets: { lease: KV; live: KV; auth: KV },
    kvm: Kvm,
    replicas: number,
    room: string,
  ) {
    this.nc = nc;
    this.js = jetstream(nc);
    this.jsm = jsm;
    this.lease = buckets.lease;
    this.live = buckets.live;
    this.auth = buckets.auth;
    this.kvm = kvm;
    this.replicas = replicas;
    this.room = room;
    this.stream = `jcr_${room}_events`;
    this.subject = `jcr.${room}.events`;
    this.positionsStream = positionsStream(room);
    this.positionsSubject = `jcr.${room}.positions`;
  }

  /** Connect (reconnecting for ever after), and create the stream and bucket if missing. */
  static async open(opts: ClusterOptions, log: Logger): Promise<ClusterLog> {
    let nc: NatsConnection;
    try {
      nc = await connect({ ...NATS_CLIENT, servers: [...opts.servers], name: `jcr-${opts.room}` });
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
      for (const c of [config, positionsConfig(opts.room, opts.replicas)]) {
        try {
          await jsm.streams.info(c.name);
        } catch (e) {
          if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
          await addWithin(jsm, c, log);
        }
      }
      // create() opens a bucket that exists as it is (a gateway need not know the lease's TTL).
      const ttl = leaseTtlMs(opts.leaseMs);
      const lease = await kvm.create(`jcr_${opts.room}_lease`, { ttl, history: 1, replicas: opts.replicas });
      // A bucket made when the TTL was the lease itself (3 s) gets the backstop TTL (cluster/lease.ts).
      const leaseStream = `KV_jcr_${opts.room}_lease`;
      const maxAge = (await jsm.streams.info(leaseStream)).config.max_age;
      if (maxAge > 0 && maxAge < ttl * 1e6) await jsm.streams.update(leaseStream, { max_age: ttl * 1e6 });
      const live = await kvm.create(`jcr_${opts.room}_live`, { history: 1, replicas: opts.replicas });
      const auth = await kvm.create(`jcr_${opts.room}_auth`, {
        ttl: SESSION_TTL_MS,
        history: 1,
        replicas: opts.replicas,
      });
      return { lease, live, auth };
    });
    return new ClusterLog(nc, jsm, buckets, kvm, opts.replicas, opts.room);
  }

  /**
   * Users and AVL feeds (cluster/accounts.ts), opened (or made) on first use rather than at
   * start: the room leads without it, so a restart while JetStream elects does not wait on it.
   */
  accounts(): Promise<KV> {
    this.accountsKv ??= this.kvm.create(accountsBucket(this.room), { history: 1, replicas: this.replicas });
    this.accountsKv.catch(() => (this.accountsKv = null));
    return this.accountsKv;
  }

  /** The stream's last message sequence (0 when empty); the event log's unless named. */
  async lastStreamSeq(stream = this.stream): Promise<number> {
    return (await this.jsm.streams.info(stream)).state.last_seq;
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

export const accountsBucket = (room: string) => `jcr_${room}_accounts`;
export const positionsStream = (room: string) => `jcr_${room}_positions`;

/**
 * How long the positions stream keeps a message, and how many bytes it keeps at most: the older
 * go first. 48 h is the position history's own retention (AVL_LIMITS.historyRetentionMs), so an
 * instance away for up to that long refills its history from the stream; 8 GiB holds 48 h of a
 * room reporting 1,000 positions/s (about 50 bytes each) and bounds what a NATS node stores.
 * JetStream reserves a stream's byte limit on each replica's node at creation and refuses one it
 * cannot: the limit is then halved until it fits, down to POSITIONS_MIN_BYTES (addWithin).
 */
export const POSITIONS_MAX_AGE_MS = 48 * 3_600_000;
export const POSITIONS_MAX_BYTES = 8 * 1024 ** 3;
export const POSITIONS_MIN_BYTES = 64 * 1024 ** 2;
/** JetStream's "insufficient storage resources available" (JSStorageResourcesExceededErr). */
const STORAGE_EXCEEDED = 10047;

/** Add a stream; one whose byte limit the nodes cannot reserve is tried again with half of it. */
async function addWithin(jsm: JetStreamManager, c: Partial<StreamConfig> & { name: string }, log: Logger) {
  for (let bytes = c.max_bytes ?? -1; ; bytes /= 2) {
    try {
      await jsm.streams.add({ ...c, max_bytes: bytes });
      if (bytes !== (c.max_bytes ?? -1))
        log.warn('cluster: stream made with a smaller byte limit', { stream: c.name, bytes });
      return;
    } catch (e) {
      if (!(e instanceof JetStreamApiError && e.code === STORAGE_EXCEEDED) || bytes / 2 < POSITIONS_MIN_BYTES) throw e;
    }
  }
}

function positionsConfig(room: string, replicas: number) {
  return {
    name: positionsStream(room),
    subjects: [`jcr.${room}.positions`],
    num_replicas: replicas,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: POSITIONS_MAX_AGE_MS * 1e6,
    max_bytes: POSITIONS_MAX_BYTES,
    deny_delete: true,
    deny_purge: true,
  };
}

/**
 * Start something that mirrors a bucket (a watch and a first read), and should JetStream not
 * answer (it is electing a bucket's leader after losing a node) try again every second until it
 * does or `stop` is called. `ready` settles after the first try, whatever its outcome: a caller
 * that awaits it serves with the bucket's state after a normal start, and with its own copy
 * during an election rather than failing its start on a bucket the room can lead without.
 */
export function startOrRetry(
  log: Logger,
  what: string,
  start: () => Promise<() => void>,
): { ready: Promise<void>; stop(): void } {
  let stopped = false;
  let stopStarted: () => void = () => {};
  const attempt = async (): Promise<boolean> => {
    try {
      const s = await start();
      if (stopped) s();
      else stopStarted = s;
      return true;
    } catch (e) {
      if (!stopped) log.warn(`cluster: ${what}: JetStream is not answering yet; trying again`, { err: String(e) });
      return false;
    }
  };
  const ready = attempt().then((ok) => {
    if (ok) return;
    void (async () => {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 1000));
        if (stopped || (await attempt())) return;
      }
    })();
  });
  return {
    ready,
    stop() {
      stopped = true;
      stopStarted();
    },
  };
}

/**
 * Ordered consumers' pull options (the log's follower, the COP records'). A consumer whose NATS
 * node died is noticed by two missed idle heartbeats (half of `expires` each) and made again on
 * another: the client's default `expires` (30 s) would leave a standby a whole 30 s behind.
 */
export const FOLLOW_PULL = { max_messages: 100, expires: 5000 } as const;

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
