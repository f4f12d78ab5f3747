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
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { JcrEvent } from '../../core/events.ts';
import type { Logger } from '../log.ts';
import type { ClusterLog } from './log.ts';

/** How large one log message may grow by joining batches (NATS's max_payload is 1 MB). */
const JOIN_BYTES = 256 * 1024;

export class Deposed extends Error {}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class Appender {
  /** The stream's last sequence as this leader knows it (the next message expects it). */
  streamSeq: number;
  /** The last event seq the log has taken. */
  ackedSeq: number;
  private appendedSeq: number;
  /** Encoded batches not yet sent: JSON arrays, and the last event seq of each. */
  private readonly queue: Array<{ json: string; first: number; last: number }> = [];
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
    this.ackedSeq = this.appendedSeq = lastSeq;
  }

  append(events: readonly JcrEvent[]): void {
    const first = (events[0] as JcrEvent).seq;
    const last = (events[events.length - 1] as JcrEvent).seq;
    this.appendedSeq = last;
    this.queue.push({ json: JSON.stringify(events), first, last });
    if (!this.running && !this.failed) void this.run();
  }

  /** Resolves once every batch appended so far is in the log; null when none waits. */
  pending(): Promise<void> | null {
    if (this.ackedSeq >= this.appendedSeq) return null;
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.appendedSeq;
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
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
    for (const w of this.waiters.splice(0)) w.reject(this.failed);
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.failed) {
        // Join what is waiting into one message, up to JOIN_BYTES (a single batch may be larger).
        let n = 1;
        let bytes = (this.queue[0] as { json: string }).json.length;
        while (n < this.queue.length && bytes + (this.queue[n] as { json: string }).json.length <= JOIN_BYTES)
          bytes += (this.queue[n++] as { json: string }).json.length;
        const parts = this.queue.slice(0, n);
        const body = n === 1 ? parts[0]?.json : `[${parts.map((p) => p.json.slice(1, -1)).join(',')}]`;
        const seq = await this.publish(body as string, `${this.term}:${parts[0]?.first}`);
        this.queue.splice(0, n);
        this.streamSeq = seq;
        this.ackedSeq = parts[n - 1]?.last as number;
        this.onTaken(seq);
        const done = this.waiters.filter((w) => w.seq <= this.ackedSeq);
        this.waiters.splice(0, this.waiters.length, ...this.waiters.filter((w) => w.seq > this.ackedSeq));
        for (const w of done) w.resolve();
      }
    } catch (e) {
      const reason = e instanceof Deposed ? e.message : `append failed: ${String(e)}`;
      this.fail(reason);
      this.onDeposed(reason);
    } finally {
      this.running = false;
    }
  }

  /** Publish one message until the log takes it (its stream seq) or refuses it (Deposed). */
  private async publish(body: string, msgID: string): Promise<number> {
    const expect = this.streamSeq;
    for (let attempt = 1; ; attempt++) {
      await this.gate().catch((e: unknown) => {
        throw new Deposed(`may no longer lead: ${String(e)}`);
      });
      if (this.failed) throw this.failed;
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
        if (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamWrongLastSequence)
          throw new Deposed(`append refused by the cluster log: ${e.message}`);
        // Any other answer is a refusal too; no answer (a timeout, no responders, 503) is retried.
        if (e instanceof JetStreamApiError && e.status !== 503) throw e;
        if (attempt === 1) this.log.warn('cluster: append unanswered; sending it again', { msgID, err: String(e) });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}
