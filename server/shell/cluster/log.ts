/**
 * The cluster log: one NATS connection and what cluster mode keeps in JetStream for a room. The
 * event log is the stream jcr_<room>_events on subject jcr.<room>.events, one message per
 * appended batch (a JSON array of events with their seqs, so a batch is all or nothing); the
 * leader's lease is key `leader` of the key-value bucket jcr_<room>_lease, whose TTL is the lease.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import type { ClusterOptions } from './options.ts';

export class ClusterLog {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly lease: KV;
  readonly stream: string;
  readonly subject: string;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, lease: KV, room: string) {
    this.nc = nc;
    this.js = jetstream(nc);
    this.jsm = jsm;
    this.lease = lease;
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
    try {
      await jsm.streams.info(stream);
    } catch {
      await jsm.streams.add(config);
    }
    const lease = await new Kvm(nc).create(`jcr_${opts.room}_lease`, {
      ttl: opts.leaseMs,
      history: 1,
      replicas: opts.replicas,
    });
    return new ClusterLog(nc, jsm, lease, opts.room);
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

export function encodeBatch(events: readonly JcrEvent[]): string {
  return JSON.stringify(events);
}

/** A message of the log: a non-empty array of events with consecutive seqs. */
export function decodeBatch(data: Uint8Array): JcrEvent[] {
  const events = JSON.parse(new TextDecoder().decode(data)) as JcrEvent[];
  if (!Array.isArray(events) || events.length === 0) throw new Error('a cluster log message holds no events');
  return events;
}
