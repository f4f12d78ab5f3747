/**
 * One COP numbering for a clustered room (issue #21): the leader's hub publishes every tick
 * record it cuts to stream jcr_<room>_cop (subject jcr.<room>.cop), once the cluster log holds
 * the events it shows, each with the stream's expected last sequence, so a record's COP seq is
 * its stream sequence whoever leads. Standbys
 * and COP gateways cut no records of their own: they take the leader's in order (CopHub.ingest),
 * once their replica has applied the events the record was cut after, and serve them under the
 * same seq and the room's epoch (the stream's name and creation time). A screen's resume token
 * from one gateway is then good on any other, and on the instances: deltas since, or a snapshot
 * only when the gap is past the ring, as on a single server. A new leader numbers on from the
 * stream's last record (CopJournal.lead: its first record carries the whole picture).
 */
import { randomUUID } from 'node:crypto';
import { DeliverPolicy, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages } from '@nats-io/jetstream';
import type { CopHub, CopHubOptions } from '../../core/cop/hub.ts';
import type { TickRecord } from '../../core/cop/journal.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { FOLLOW_PULL, whileUnanswered, type ClusterLog } from './log.ts';

/** Records the stream keeps: a replica starts at the head, so this only bridges a slow reader. */
const MAX_RECORDS = 1000;
/** How long a record JetStream does not answer is sent again before the numbering is taken afresh. */
const RETRY_WITHIN_MS = 30_000;
/** How long a record waits for the replica to apply the events it was cut after. */
const EVENTS_WITHIN_MS = 5000;

interface Published {
  /** The record, its bytes left out (each reader measures its own encoding). */
  r: Omit<TickRecord, 'bytes'>;
  /** The leader's event seq when it cut the record. */
  e: number;
}

export class CopStream {
  private messages: ConsumerMessages | null = null;
  private following: Promise<void> = Promise.resolve();
  /** Bumped when a refused record makes the hub number on from the stream's head. */
  private numbering = 0;
  private resyncing = false;
  /** This writer's prefix of message ids. */
  private readonly writer = randomUUID();
  /** Records wait here, in cut order, for the log to hold their events. */
  private tail: Promise<void> = Promise.resolve();

  private constructor(
    private readonly clusterLog: ClusterLog,
    private readonly log: Logger,
    readonly stream: string,
    readonly subject: string,
    /** The room's COP epoch: every instance and gateway of the room numbers the same way. */
    readonly epoch: string,
  ) {}

  static async open(clusterLog: ClusterLog, replicas: number, log: Logger): Promise<CopStream> {
    const stream = `jcr_${clusterLog.room}_cop`;
    const subject = `jcr.${clusterLog.room}.cop`;
    const created = await whileUnanswered(log, async () => {
      try {
        return (await clusterLog.jsm.streams.info(stream)).created;
      } catch (e) {
        if (!(e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamNotFound)) throw e;
        const config = { name: stream, subjects: [subject], num_replicas: replicas, max_msgs: MAX_RECORDS };
        return (await clusterLog.jsm.streams.add(config)).created;
      }
    });
    return new CopStream(clusterLog, log, stream, subject, `${stream}@${created}`);
  }

  /** A clustered instance's hub (attachCopWs): the room's epoch, and the leader's records published. */
  hubOptions(engine: Engine, hub: () => CopHub): Pick<CopHubOptions, 'epoch' | 'onCut'> {
    return { epoch: this.epoch, onCut: (record, eventSeq) => this.publish(hub(), engine, record, eventSeq) };
  }

  /** The last record's seq (0 when none yet). */
  async head(): Promise<number> {
    return (await this.clusterLog.jsm.streams.info(this.stream)).state.last_seq;
  }

  /**
   * The hub's onCut while this instance leads: publish the record expecting the one before it
   * last. A refusal means the numbering moved on elsewhere: take the stream's head and go on.
   */
  publish(hub: CopHub, engine: Engine, record: TickRecord, eventSeq: number): void {
    if (this.resyncing) return;
    const { bytes: _bytes, ...r } = record;
    const body = JSON.stringify({ r, e: eventSeq } satisfies Published);
    // Only once the cluster log has the events the record shows (a leader that dies first never
    // acknowledged them, and a replica must not show what the log will not hold), in cut order.
    const replicated = engine.whenReplicated();
    const numbering = this.numbering;
    this.tail = this.tail
      .then(() => replicated)
      .then(
        () => this.send(hub, numbering, record.seq, body),
        () => {}, // deposed before the log took them: the record is never published
      )
      .catch((e: unknown) => this.log.error('cluster: publishing a COP record failed', { err: String(e) }));
  }

  /**
   * Publish one record, after the one before it (the tail): sent again while JetStream does not
   * answer (it elects the stream's leader after losing a NATS node; the message id makes a
   * retried record land once). A refusal means the numbering moved on elsewhere: take the
   * stream's head and go on; records cut in the old numbering are then dropped.
   */
  private async send(hub: CopHub, numbering: number, seq: number, body: string): Promise<void> {
    const until = Date.now() + RETRY_WITHIN_MS;
    let err: unknown;
    while (numbering === this.numbering) {
      try {
        const opts = { msgID: `${this.writer}:${seq}`, expect: { lastSequence: seq - 1 }, timeout: 2000 };
        await this.clusterLog.js.publish(this.subject, body, opts);
        return;
      } catch (e) {
        err = e;
        const unanswered = !(e instanceof JetStreamApiError) || e.status === 503;
        if (!unanswered || Date.now() > until) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    if (numbering !== this.numbering) return;
    this.numbering++;
    this.resyncing = true;
    this.log.warn('cluster: COP record refused; numbering on from the stream', { seq, err: String(err) });
    await whileUnanswered(this.log, () => this.head()).then(
      (head) => hub.lead(head),
      (e: unknown) => this.log.error('cluster: the COP stream does not answer', { err: String(e) }),
    );
    this.resyncing = false;
  }

  /**
   * Follow the leader's records from the stream's head: the hub cuts none of its own until
   * `node` (an instance; a gateway has none) leads.
   */
  async follow(hub: CopHub, engine: Engine, node?: { onLeading(listener: () => void): void }): Promise<void> {
    const head = await this.head();
    hub.follow(head);
    node?.onLeading(() => void this.lead(hub));
    const messages = await whileUnanswered(this.log, async () => {
      const consumer = await this.clusterLog.js.consumers.get(this.stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: head + 1,
      });
      return consumer.consume(FOLLOW_PULL);
    });
    this.messages = messages;
    this.following = (async () => {
      for await (const m of messages) {
        if (!hub.following) break;
        const { r, e } = m.json<Published>();
        // The snapshot a replica answers is its own picture: it must hold what the record says.
        const until = Date.now() + EVENTS_WITHIN_MS;
        while (engine.room.lastSeq < e && Date.now() < until) await new Promise((res) => setTimeout(res, 5));
        if (!hub.following) break;
        hub.ingest({ ...r, seq: m.seq, bytes: 0 });
      }
    })().catch((err: unknown) => this.log.error('cluster: following the COP records failed', { err: String(err) }));
  }

  /**
   * This instance leads: stop following and number on from the stream's last record, asked again
   * while JetStream does not answer (it may still be electing after losing a node). Never rejects:
   * it runs from the node's leading listener, where a rejection would end the process.
   */
  async lead(hub: CopHub): Promise<void> {
    this.messages?.stop();
    try {
      hub.lead(await whileUnanswered(this.log, () => this.head()));
    } catch (err) {
      this.log.error('cluster: the COP stream head is not known; no COP records are cut', { err: String(err) });
    }
  }

  async stop(): Promise<void> {
    this.messages?.stop();
    await this.following;
  }
}
