/**
 * The leader's writer to the cluster log: batches the engine appended locally go to the stream
 * one message at a time, in order, through the confirmed publish pipeline (cluster/publish-
 * pipeline.ts: the lease's gate, sending again what JetStream does not answer, the waiters and
 * what they are told when this leader stops), each published with
 * - the stream's expected last sequence: a message lands only right after the one before it,
 *   so a deposed leader's append is refused by JetStream itself (no fork): "wrong last
 *   sequence" means another leader appended, deposed at once;
 * - a message id (this leader's term and the first event's seq): JetStream's duplicate window
 *   makes a retried publish land once, and answers a retry of one that landed with its seq.
 * One message is in flight at a time, so a message can never land after a lost one; the batches
 * appended meanwhile go together as the next message (a log message may hold several batches).
 * What no retry can mend is not sent for ever (the log would wedge behind it while the lease
 * holds): a batch too large for one message is refused before the engine writes or applies it
 * (`admit`, JCR_CHANGE_TOO_LARGE); a message refused for what it is (the client's max_payload
 * check, any answer of JetStream's but "not now") steps this leader down, since it has applied a
 * change the log can never hold: it restarts from the log, its cache cut back.
 *
 * Each message carries, in header REACTED_HEADER, the seq up to which this leader had wholly
 * reacted when it appended the message's last batch: a new leader reacts to what follows it
 * (server/shell/reactor.ts, takeOver).
 */
import { JetStreamApiCodes, JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent, NewEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import type { OwnChanges } from '../own-changes.ts';
import type { ClusterLog } from './log.ts';
import { Deposed, PublishPipeline, Refused, type Leading } from './publish-pipeline.ts';

/** How large one log message may grow by joining batches (below the log's own limit). */
const JOIN_BYTES = 256 * 1024;
/** nats-server's default max_payload: the limit until the connection has told this server's. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** A message's bytes kept for its headers, besides the term: its id's seq, the expected last sequence. */
const HEADER_BYTES = 256;

/**
 * Tests only (test/cluster/takeover-reactions.test.ts), unset otherwise: the first batch holding an
 * event of this type, and every batch after it, never go to the log and are not waited on, as if
 * this leader died the moment before (a trigger appended, its reaction not). It acknowledges
 * changes that are never stored, so it is honoured only with NODE_ENV=test as well: one stray
 * variable on a live room must not lose data.
 */
export function testHoldType(env: NodeJS.ProcessEnv): string | undefined {
  return env['NODE_ENV'] === 'test' && env['JCR_TEST_HOLD_APPEND'] ? env['JCR_TEST_HOLD_APPEND'] : undefined;
}
const HOLD_TYPE = testHoldType(process.env);

/** The message header saying up to which event seq its leader had wholly reacted. */
export const REACTED_HEADER = 'Jcr-Reacted';

/**
 * A batch as it goes in a message: its events' JSON array, its size in bytes, its first and last
 * seq, and up to which seq every batch had been wholly reacted to when it was appended.
 */
interface Encoded {
  json: string;
  bytes: number;
  first: number;
  last: number;
  reacted: number;
}

export class Appender {
  /** The stream's last sequence as this leader knows it (the next message expects it). */
  streamSeq: number;
  private appendedSeq: number;
  /** Encoded batches not yet sent. */
  private readonly queue: Encoded[] = [];
  /** Its marks are event seqs: a message covers its batches' events. */
  private readonly pipeline: PublishPipeline;
  private running = false;
  private holding = false;

  constructor(
    private readonly clusterLog: ClusterLog,
    private readonly log: Logger,
    private readonly leading: Leading,
    streamSeq: number,
    lastSeq: number,
    /** Each message the log took: its stream seq. */
    private readonly onTaken: (streamSeq: number) => void,
  ) {
    this.streamSeq = streamSeq;
    this.appendedSeq = lastSeq;
    const names = { message: 'append', stream: 'the log' };
    this.pipeline = new PublishPipeline(clusterLog, clusterLog.subject, log, names, leading, lastSeq);
  }

  /**
   * The largest message body the log takes now: the max_payload of the NATS server this
   * connection is on, less room for the headers.
   */
  maxBytes(): number {
    const max = this.clusterLog.nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    return max - HEADER_BYTES - Buffer.byteLength(this.leading.term);
  }

  /**
   * Refuse a batch the log could never take as one message (JcrError JCR_CHANGE_TOO_LARGE), before
   * the engine writes or applies it. Measured as it will be sent: the events' JSON, each with the
   * `"seq":N` the store will add last. An event JSON cannot encode fails here too, as early.
   */
  admit(fresh: readonly NewEvent[]): void {
    const seqBytes = `,"seq":${this.appendedSeq + fresh.length}`.length;
    const bytes = Buffer.byteLength(JSON.stringify(fresh)) + fresh.length * seqBytes;
    const max = this.maxBytes();
    if (bytes > max)
      throw new JcrError(
        'JCR_CHANGE_TOO_LARGE',
        `the change's ${fresh.length} events take ${bytes} bytes; one cluster log message holds at most ${max}`,
      );
  }

  /** `reacted`: up to which seq every batch has been wholly reacted to (default: all before this one). */
  append(events: readonly JcrEvent[], reacted?: number): void {
    if (HOLD_TYPE && (this.holding ||= events.some((e) => e.type === HOLD_TYPE))) return;
    const first = (events[0] as JcrEvent).seq;
    const last = (events[events.length - 1] as JcrEvent).seq;
    this.appendedSeq = last;
    this.pipeline.plan(last);
    const json = JSON.stringify(events);
    this.queue.push({ json, bytes: Buffer.byteLength(json), first, last, reacted: reacted ?? first - 1 });
    if (!this.running && !this.pipeline.stopped) void this.run();
  }

  /**
   * Resolves once every batch appended so far is in the log; null when none waits. Failed by
   * `own`, the waiting request's record (../own-changes.ts).
   */
  pending(own?: OwnChanges): Promise<void> | null {
    return this.pipeline.pending(own);
  }

  /** Wait (up to `ms`) for what is appended to be in the log: a clean stop hands over all of it. */
  drain(ms: number): Promise<void> {
    return this.pipeline.drain(ms);
  }

  /** Fail every waiting change and stop sending (this instance steps down or closes). */
  fail(reason: string): void {
    this.pipeline.fail(reason);
  }

  private async run(): Promise<void> {
    this.running = true;
    // After a joined message was refused, its first batch goes alone: one of them is what the log
    // cannot take, and only that one alone is reason to step down.
    let alone = false;
    try {
      while (this.queue.length > 0 && !this.pipeline.stopped) {
        const n = alone ? 1 : this.joinable();
        const parts = this.queue.slice(0, n);
        let ack: PubAck;
        try {
          ack = await this.publish(parts);
        } catch (e) {
          if (!(e instanceof Refused && n > 1)) throw e;
          alone = true;
          continue;
        }
        alone = false;
        this.queue.splice(0, n);
        this.streamSeq = ack.seq;
        this.onTaken(ack.seq);
        this.pipeline.confirm(this.pipeline.confirmed, (parts[n - 1] as Encoded).last);
      }
    } catch (e) {
      const reason = e instanceof Deposed || e instanceof Refused ? e.message : `append failed: ${String(e)}`;
      if (e instanceof Refused) this.log.error('cluster: the log cannot take an append; stepping down', { reason });
      this.pipeline.stop(reason);
    } finally {
      this.running = false;
    }
  }

  /**
   * How many queued batches go as the next message: joined while the message stays within
   * JOIN_BYTES and the log's limit (`[a]` and `[b]` join as `[a,b]`: one byte less than both).
   */
  private joinable(): number {
    const limit = Math.min(JOIN_BYTES, this.maxBytes());
    let n = 1;
    let bytes = (this.queue[0] as Encoded).bytes;
    while (n < this.queue.length && bytes + (this.queue[n] as Encoded).bytes - 1 <= limit)
      bytes += (this.queue[n++] as Encoded).bytes - 1;
    return n;
  }

  /**
   * Publish `parts` as one message, fenced by the stream's expected last sequence, until the log
   * takes it (its ack), or refuses it: Deposed (another leader appended), Refused (for what it is).
   */
  private async publish(parts: readonly Encoded[]): Promise<PubAck> {
    const { first } = parts[0] as Encoded;
    const { last, reacted } = parts[parts.length - 1] as Encoded;
    const body =
      parts.length === 1 ? (parts[0] as Encoded).json : `[${parts.map((p) => p.json.slice(1, -1)).join(',')}]`;
    const msgID = `${this.leading.term}:${first}`;
    const expect = this.streamSeq;
    const h = headers();
    h.set(REACTED_HEADER, String(reacted));
    let ack: PubAck;
    try {
      const m = { body, id: String(first), after: this.pipeline.confirmed, upTo: last, expect, headers: h };
      ack = await this.pipeline.publish(m);
    } catch (e) {
      if (!(e instanceof Refused)) throw e;
      const a = e.answer;
      if (a instanceof JetStreamApiError && a.code === JetStreamApiCodes.StreamWrongLastSequence)
        throw new Deposed(`append refused by the cluster log: ${a.message}`);
      throw new Refused(
        `the cluster log cannot take message ${msgID} (${Buffer.byteLength(body)} bytes): ${String(a)}`,
      );
    }
    if (ack.seq !== expect + 1) throw new Deposed(`the log took message ${msgID} at ${ack.seq}, not ${expect + 1}`);
    return ack;
  }
}
