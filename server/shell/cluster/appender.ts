/**
 * The leader's writer to the cluster log: batches the engine appended locally go to the stream
 * one message at a time, in order, each published with
 * - the stream's expected last sequence: a message lands only right after the one before it,
 *   so a deposed leader's append is refused by JetStream itself (no fork);
 * - a message id (this leader's term and the first event's seq): JetStream's duplicate window
 *   makes a retried publish land once, and answers a retry of one that landed with its seq.
 * A publish JetStream does not answer (it is electing the stream's leader after losing a node;
 * the connection is moving to another node) is retried, the same message, for as long as the
 * lease holds (`gate`); "wrong last sequence" means another leader appended: deposed at once.
 * One message is in flight at a time, so a message can never land after a lost one; the batches
 * appended meanwhile go together as the next message (a log message may hold several batches).
 * What no retry can mend is not sent for ever (the log would wedge behind it while the lease
 * holds): a batch too large for one message is refused before the engine writes or applies it
 * (`admit`, JCR_CHANGE_TOO_LARGE); a message refused for what it is (the client's max_payload
 * check, any answer of JetStream's but "not now") steps this leader down, since it has applied a
 * change the log can never hold: it restarts from the log, its cache cut back.
 *
 * A change that waits when this leader stops (deposed, the lease lapsed, closing) is answered by
 * whether anything it waits on was ever sent (`outcome`): never sent, the log cannot have it
 * (JCR_NOT_LEADER: resend it); sent and unconfirmed, it may be in the log, its answer lost, and
 * the next leader then has it (JCR_OUTCOME_UNKNOWN: read before resending, or it is made twice).
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { errors } from '@nats-io/transport-node';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent, NewEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import type { ClusterLog } from './log.ts';

/** How large one log message may grow by joining batches (below the log's own limit). */
const JOIN_BYTES = 256 * 1024;
/** nats-server's default max_payload: the limit until the connection has told this server's. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** A message's bytes kept for its headers, besides the term: its id's seq, the expected last sequence. */
const HEADER_BYTES = 256;

export class Deposed extends Error {}

/**
 * How a waiting change is failed when its leader stops: `sent` when something it waits on went
 * to JetStream at least once unconfirmed (it may be there), else nothing of it can be.
 */
export function outcome(sent: boolean, reason: string): JcrError {
  return sent
    ? new JcrError(
        'JCR_OUTCOME_UNKNOWN',
        `this instance stopped leading (${reason}) after it sent the change to the cluster log, before the log confirmed it: the change may have been applied; check before resending`,
      )
    : new JcrError(
        'JCR_NOT_LEADER',
        `this instance stopped leading (${reason}) before it sent the change to the cluster log: nothing was changed; retry on the leader`,
      );
}
/** The log refused a message for what it is: sending it again cannot help. */
class Unsendable extends Error {}

/** A batch as it goes in a message: its events' JSON array, its size in bytes, its first and last seq. */
interface Encoded {
  json: string;
  bytes: number;
  first: number;
  last: number;
}

interface Waiter {
  seq: number;
  /** The last event seq the log had taken when it began waiting: it waits on those after. */
  from: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Appender {
  /** The stream's last sequence as this leader knows it (the next message expects it). */
  streamSeq: number;
  /** The last event seq the log has taken. */
  ackedSeq: number;
  private appendedSeq: number;
  /**
   * The last event seq of a message sent to JetStream at least once and not refused by it (a
   * message in flight, or whose answer was lost): up to here the log may hold more than ackedSeq.
   */
  private sentSeq: number;
  /** Encoded batches not yet sent. */
  private readonly queue: Encoded[] = [];
  private readonly waiters: Waiter[] = [];
  private running = false;
  private failed: Error | null = null;

  constructor(
    private readonly clusterLog: ClusterLog,
    private readonly log: Logger,
    /** This leader's term in message ids: its instance id and the lease revision it took. */
    private readonly term: string,
    streamSeq: number,
    lastSeq: number,
    /** Resolves while this instance may still append; rejects once it may not. */
    private readonly gate: () => Promise<void>,
    /** Per attempt: how long to wait for JetStream's answer before sending the message again. */
    private readonly attemptMs: number,
    /** Each message the log took: its stream seq. */
    private readonly onTaken: (streamSeq: number) => void,
    /** The log refused a message, or the gate closed: this instance must stop leading. */
    private readonly onDeposed: (reason: string) => void,
  ) {
    this.streamSeq = streamSeq;
    this.ackedSeq = this.appendedSeq = this.sentSeq = lastSeq;
  }

  /**
   * The largest message body the log takes now: the max_payload of the NATS server this
   * connection is on, less room for the headers.
   */
  maxBytes(): number {
    const max = this.clusterLog.nc?.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
    return max - HEADER_BYTES - Buffer.byteLength(this.term);
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

  append(events: readonly JcrEvent[]): void {
    const first = (events[0] as JcrEvent).seq;
    const last = (events[events.length - 1] as JcrEvent).seq;
    this.appendedSeq = last;
    const json = JSON.stringify(events);
    this.queue.push({ json, bytes: Buffer.byteLength(json), first, last });
    if (!this.running && !this.failed) void this.run();
  }

  /** Resolves once every batch appended so far is in the log; null when none waits. */
  pending(): Promise<void> | null {
    if (this.ackedSeq >= this.appendedSeq) return null;
    if (this.failed) return Promise.reject(outcome(this.sentSeq > this.ackedSeq, this.failed.message));
    const seq = this.appendedSeq;
    const from = this.ackedSeq;
    return new Promise((resolve, reject) => this.waiters.push({ seq, from, resolve, reject }));
  }

  /** Wait (up to `ms`) for what is appended to be in the log: a clean stop hands over all of it. */
  async drain(ms: number): Promise<void> {
    const p = this.pending();
    if (p) await Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms))]);
  }

  /** Fail every waiting change and stop sending (this instance steps down or closes). */
  fail(reason: string): void {
    if (this.failed) return;
    this.failed = new Deposed(reason);
    for (const w of this.waiters.splice(0)) w.reject(outcome(this.sentSeq > w.from, reason));
  }

  private async run(): Promise<void> {
    this.running = true;
    // After a joined message was refused, its first batch goes alone: one of them is what the log
    // cannot take, and only that one alone is reason to step down.
    let alone = false;
    try {
      while (this.queue.length > 0 && !this.failed) {
        const n = alone ? 1 : this.joinable();
        const parts = this.queue.slice(0, n);
        const body = n === 1 ? parts[0]?.json : `[${parts.map((p) => p.json.slice(1, -1)).join(',')}]`;
        let seq: number;
        try {
          seq = await this.publish(body as string, `${this.term}:${parts[0]?.first}`, parts[n - 1]?.last as number);
        } catch (e) {
          if (!(e instanceof Unsendable && n > 1)) throw e;
          alone = true;
          continue;
        }
        alone = false;
        this.queue.splice(0, n);
        this.streamSeq = seq;
        this.ackedSeq = parts[n - 1]?.last as number;
        this.onTaken(seq);
        const done = this.waiters.filter((w) => w.seq <= this.ackedSeq);
        this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.seq > this.ackedSeq));
        for (const w of done) w.resolve();
      }
    } catch (e) {
      const reason = e instanceof Deposed || e instanceof Unsendable ? e.message : `append failed: ${String(e)}`;
      if (e instanceof Unsendable) this.log.error('cluster: the log cannot take an append; stepping down', { reason });
      this.fail(reason);
      this.onDeposed(reason);
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
   * Publish one message until the log takes it (its stream seq), or refuses it: Deposed (another
   * leader appended), Unsendable (refused for what it is).
   */
  private async publish(body: string, msgID: string, last: number): Promise<number> {
    const expect = this.streamSeq;
    for (let attempt = 1; ; attempt++) {
      await this.gate().catch((e: unknown) => {
        throw new Deposed(`may no longer lead: ${String(e)}`);
      });
      if (this.failed) throw this.failed;
      this.sentSeq = last;
      try {
        const ack = await this.clusterLog.js.publish(this.clusterLog.subject, body, {
          msgID,
          expect: { lastSequence: expect },
          timeout: this.attemptMs,
        });
        if (ack.seq !== expect + 1) throw new Deposed(`the log took message ${msgID} at ${ack.seq}, not ${expect + 1}`);
        if (attempt > 1) this.log.warn('cluster: the log took the append again', { attempt, seq: ack.seq });
        return ack.seq;
      } catch (e) {
        if (e instanceof Deposed) throw e;
        // Refused: not in the log (a retry of one an earlier attempt stored is answered with its
        // seq, the id checked first), so what waits on it was never taken.
        const refused = e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamWrongLastSequence;
        if (refused || refusedForGood(e)) this.sentSeq = this.ackedSeq;
        if (refused) throw new Deposed(`append refused by the cluster log: ${(e as Error).message}`);
        if (refusedForGood(e))
          throw new Unsendable(
            `the cluster log cannot take message ${msgID} (${Buffer.byteLength(body)} bytes): ${String(e)}`,
          );
        // No answer (a timeout, no responders, 503, the connection moving): the same message again.
        if (attempt === 1) this.log.warn('cluster: append unanswered; sending it again', { msgID, err: String(e) });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

/**
 * An error no retry mends, as against JetStream or the connection not answering now: any answer
 * of JetStream's but 503 (no stream leader yet), and the client's refusal of the message itself
 * (over the server's max_payload, a bad argument or subject, publishing not permitted). The
 * positions publisher (cluster/positions.ts) sorts its errors the same way.
 */
export function refusedForGood(e: unknown): boolean {
  if (e instanceof JetStreamApiError) return e.status !== 503;
  return (
    e instanceof errors.InvalidArgumentError ||
    e instanceof errors.InvalidSubjectError ||
    e instanceof errors.PermissionViolationError
  );
}
