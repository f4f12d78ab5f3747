/**
 * A standby's reading of the cluster log: an ordered consumer from the stream message after the
 * cache's last, each batch stored, applied and heard by listeners (Engine.follow), so fleet,
 * incidents, cover and the COP hub stay live and a takeover starts from the log's head.
 * A consumer that goes quiet while the log has moved on (its NATS node died and the client's
 * own re-creation did not bring it back) is opened again from the last applied message.
 * The same reading follows another stream when given what to do with each message (the
 * positions stream: cluster/positions.ts).
 */
import { DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { JcrEvent } from '../../core/events.ts';
import { isJcrError } from '../../core/errors.ts';
import type { MsgHdrs } from '@nats-io/transport-node';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { REACTED_HEADER } from './appender.ts';
import { coverMeta } from './cache.ts';
import { decodeBatch, FOLLOW_PULL, whileUnanswered, type ClusterLog } from './log.ts';

/** Quiet this long while the log's head is ahead: open the consumer again. */
const STALL_MS = 5000;

/** A stream to follow and what to do with each of its messages, in order. */
export interface Followed {
  stream: string;
  apply(data: Uint8Array, seq: number, headers?: MsgHdrs): Promise<void> | void;
}

export class Follower {
  /** The last stream message applied here. */
  streamSeq: number;
  private messages: ConsumerMessages | null = null;
  private stopped = false;
  private done: Promise<void> = Promise.resolve();
  private lastApplied = Date.now();
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private reopening = false;
  private readonly followed: Followed;

  constructor(
    private readonly clusterLog: ClusterLog,
    engine: Engine,
    private readonly log: Logger,
    coveredSeq: number,
    /** The event log, stored and applied through Engine.follow, unless another is given. */
    followed?: Followed,
  ) {
    this.streamSeq = coveredSeq;
    this.followed = followed ?? {
      stream: clusterLog.stream,
      async apply(data, seq, headers) {
        // Up to which seq the leader had reacted wholly (cluster/appender.ts): the reactor keeps the rest.
        const reacted = Number(headers?.get(REACTED_HEADER) || NaN);
        await followRetrying(engine, decodeBatch(data), Number.isInteger(reacted) ? reacted : undefined);
        coverMeta(engine, seq);
      },
    };
  }

  async start(): Promise<void> {
    await this.open();
    this.watchdog = setInterval(() => void this.reopenIfStalled(), STALL_MS / 2);
    this.watchdog.unref();
  }

  private async open(): Promise<void> {
    const messages = await whileUnanswered(this.log, async () => {
      const consumer = await this.clusterLog.js.consumers.get(this.followed.stream, {
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: this.streamSeq + 1,
      });
      return consumer.consume(FOLLOW_PULL);
    });
    if (this.stopped) return messages.stop();
    this.messages = messages;
    this.lastApplied = Date.now();
    this.done = (async () => {
      for await (const m of messages) {
        if (this.stopped) break;
        if (m.seq <= this.streamSeq) continue;
        await this.followed.apply(m.data, m.seq, m.headers);
        this.streamSeq = m.seq;
        this.lastApplied = Date.now();
      }
    })().catch((e: unknown) =>
      this.log.error('cluster: following the log failed', { stream: this.followed.stream, err: String(e) }),
    );
  }

  /**
   * Seen on a loaded machine after losing a NATS node: a standby's consumer stayed quiet for a
   * minute while the leader appended. Nothing applied for STALL_MS and the head is ahead: stop
   * the consumer and open a new one after the last message applied (one stream-info call per
   * check, and only while quiet).
   */
  private async reopenIfStalled(): Promise<void> {
    if (this.stopped || this.reopening || Date.now() - this.lastApplied < STALL_MS) return;
    this.reopening = true;
    try {
      const head = await this.clusterLog.lastStreamSeq(this.followed.stream).catch(() => null);
      if (head === null || head <= this.streamSeq || this.stopped) return;
      this.log.warn('cluster: following the log stalled; consuming again', {
        stream: this.followed.stream,
        applied: this.streamSeq,
        head,
      });
      this.messages?.stop();
      await this.done;
      if (!this.stopped) await this.open();
    } finally {
      this.reopening = false;
    }
  }

  /** Resolves once every message up to `seq` is applied (polled: the consumer pushes as it can). */
  async caughtUp(seq: number, timeoutMs: number): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.streamSeq < seq) {
      if (Date.now() > until) return false;
      await new Promise((r) => setTimeout(r, 10));
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.messages?.stop();
    await this.done;
  }
}

/** Engine.follow, retried while another connection holds the write lock (JCR_STORE_BUSY). */
async function followRetrying(engine: Engine, events: JcrEvent[], reactedThrough?: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      engine.follow(events, reactedThrough);
      return;
    } catch (e) {
      if (!(isJcrError(e) && e.code === 'JCR_STORE_BUSY') || attempt >= 20) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
