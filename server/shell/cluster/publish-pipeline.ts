/**
 * The confirmed publish pipeline: what the leader's two writers to JetStream share, the event
 * appender (cluster/appender.ts, the room's log) and the positions publisher
 * (cluster/positions.ts, the positions stream). A writer says what its messages hold and when
 * they go; the pipeline
 * - publishes a message until JetStream takes it: through the lease's gate before every attempt
 *   (a leader that may no longer lead sends nothing: Deposed); a publish JetStream does not
 *   answer (it is electing a stream leader, the connection is moving) is sent again, the same
 *   message id, so JetStream's duplicate window makes it land once; one refused for what it is
 *   (`refusedForGood`) is not sent again (Refused), or everything behind it would wait for ever
 *   while the lease holds;
 * - counts confirmation in marks (the log's event seqs, the positions' message numbers): a
 *   message covers the marks (after, upTo], and `confirmed` is the mark up to which JetStream
 *   confirmed every message, whatever order its answers come in;
 * - answers the waiters (pending): each waits on every mark planned when it began;
 * - when the leader stops (fail), fails each waiter by whether the stream may hold any of its
 *   request's own marks (`outcome`; ../own-changes.ts): a message covering one was sent at least
 *   once and not refused (its answer lost, or confirmed). Marks planned outside any request's
 *   record (a timer's reaction) count as the own of every waiter that waits on them, and a
 *   waiter with no record counts all it waits on: the answer errs towards "unknown", never
 *   towards "nothing changed".
 */
import { JetStreamApiError, type PubAck } from '@nats-io/jetstream';
import { errors, type MsgHdrs } from '@nats-io/transport-node';
import { JcrError } from '../../core/errors.ts';
import type { Logger } from '../log.ts';
import { ownChanges, type OwnChanges } from '../own-changes.ts';
import type { ClusterLog } from './log.ts';

/** This instance may no longer lead (the gate closed, the pipeline failed, a fenced append lost). */
export class Deposed extends Error {}

/** JetStream, or the client, refused a message for what it is (`answer`): it is not stored. */
export class Refused extends Error {
  constructor(readonly answer: unknown) {
    super(String(answer));
  }
}

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

/**
 * An error no retry mends, as against JetStream or the connection not answering now: any answer
 * of JetStream's but 503 (no stream leader yet), and the client's refusal of the message itself
 * (over the server's max_payload, a bad argument or subject, publishing not permitted).
 */
export function refusedForGood(e: unknown): boolean {
  if (e instanceof JetStreamApiError) return e.status !== 503;
  return (
    e instanceof errors.InvalidArgumentError ||
    e instanceof errors.InvalidSubjectError ||
    e instanceof errors.PermissionViolationError
  );
}

/** One message as a writer hands it to the pipeline. */
export interface Message {
  body: string | Uint8Array;
  /** Unique in the term, which goes before it: JetStream's duplicate window makes a retry land once. */
  id: string;
  /** The marks it covers: those above `after`, up to `upTo`. */
  after: number;
  upTo: number;
  /** The stream's last sequence it must land right after, if fenced (JetStream refuses it otherwise). */
  expect?: number;
  /** Its headers, if any (the log's: cluster/appender.ts, REACTED_HEADER). */
  headers?: MsgHdrs;
}

/** What a leader's writers publish under, the same for both. */
export interface Leading {
  /** This leader's term, first in message ids: its instance id and the lease revision it took. */
  term: string;
  /** Resolves while this instance may still publish; rejects once it may not. */
  gate: () => Promise<void>;
  /** Per attempt: how long to wait for JetStream's answer before sending the message again. */
  attemptMs: number;
  /** A writer stopped (JetStream refused a message, the gate closed): this instance must stop leading. */
  onDeposed: (reason: string) => void;
}

/** What a writer's warnings call its message and the stream that takes it ("append", "the log"). */
export interface Names {
  message: string;
  stream: string;
}

interface Waiter {
  /** The marks it waits on: those above `from` (confirmed when it began), up to `upTo`. */
  from: number;
  upTo: number;
  /** Its request's own marks; without a record, all it waits on counts as its own. */
  own: OwnChanges | undefined;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class PublishPipeline {
  /** Every mark up to here is in the stream, confirmed by JetStream. */
  confirmed: number;
  /** The last mark a writer said it publishes: a waiter waits up to it. */
  private planned: number;
  /** Messages confirmed above `confirmed`, not yet joined to it: after → upTo. */
  private readonly early = new Map<number, number>();
  /** Messages sent at least once and not refused, upTo → after, while a waiter may care. */
  private readonly sent = new Map<number, number>();
  /** Marks planned outside any request's record, (after, upTo], while a waiter may count them. */
  private readonly unowned: Array<readonly [number, number]> = [];
  private readonly waiters: Waiter[] = [];
  private failed: Deposed | null = null;

  constructor(
    private readonly clusterLog: Pick<ClusterLog, 'js'>,
    private readonly subject: string,
    private readonly log: Logger,
    private readonly names: Names,
    private readonly leading: Leading,
    /** The mark already confirmed (0, or the log's last event seq when this leader began). */
    from: number,
  ) {
    this.confirmed = this.planned = from;
  }

  /** Failed: nothing more is sent, and what waits was refused. */
  get stopped(): boolean {
    return this.failed !== null;
  }

  /**
   * A writer publishes everything up to `upTo` (growing): a waiter from now waits on it. The new
   * marks are the running request's own (../own-changes.ts), or no one's.
   */
  plan(upTo: number): void {
    const after = this.planned;
    this.planned = upTo;
    if (upTo <= after) return;
    const own = ownChanges();
    if (own) own.add(this, after, upTo);
    else this.unowned.push([after, upTo]);
  }

  /**
   * Publish one message until JetStream takes it (its ack); throws Deposed (the gate closed, the
   * pipeline failed) or Refused. Confirming it is the writer's (`confirm`), once it checked the ack.
   */
  async publish(m: Message): Promise<PubAck> {
    const msgID = `${this.leading.term}:${m.id}`;
    const fence = m.expect === undefined ? {} : { expect: { lastSequence: m.expect } };
    for (let attempt = 1; ; attempt++) {
      await this.leading.gate().catch((e: unknown) => {
        throw new Deposed(`may no longer lead: ${String(e)}`);
      });
      if (this.failed) throw this.failed;
      this.sent.set(m.upTo, m.after);
      try {
        const ack = await this.clusterLog.js.publish(this.subject, m.body, {
          msgID,
          timeout: this.leading.attemptMs,
          ...fence,
          ...(m.headers ? { headers: m.headers } : {}),
        });
        if (attempt > 1)
          this.log.warn(`cluster: ${this.names.stream} took the ${this.names.message} again`, {
            attempt,
            msgID,
            seq: ack.seq,
          });
        return ack;
      } catch (e) {
        // Refused: not stored (a retry of one an earlier attempt stored is answered with its
        // seq, the id checked first), so what waits on it was never taken.
        if (refusedForGood(e)) {
          this.sent.delete(m.upTo);
          throw new Refused(e);
        }
        // No answer (a timeout, no responders, 503, the connection moving): the same message again.
        if (attempt === 1)
          this.log.warn(`cluster: ${this.names.message} unanswered; sending it again`, { msgID, err: String(e) });
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** JetStream took the message covering (after, upTo]; the waiters it completes are answered. */
  confirm(after: number, upTo: number): void {
    this.early.set(after, upTo);
    for (let next = this.early.get(this.confirmed); next !== undefined; next = this.early.get(this.confirmed)) {
      this.early.delete(this.confirmed);
      this.confirmed = next;
    }
    let done = 0;
    while (done < this.waiters.length && (this.waiters[done] as Waiter).upTo <= this.confirmed) done++;
    const answered = this.waiters.splice(0, done);
    // A message confirmed still counts as sent for a waiter that began before it (§ outcome).
    const floor = this.waiters[0]?.from ?? this.confirmed;
    for (const [upTo] of this.sent) {
      if (upTo > floor) break;
      this.sent.delete(upTo);
    }
    while ((this.unowned[0]?.[1] ?? Infinity) <= floor) this.unowned.shift();
    for (const w of answered) w.resolve();
  }

  /**
   * Resolves once every mark planned so far is confirmed; null when none waits. `own`: the waiting
   * request's record, by which it is failed (`outcome`).
   */
  pending(own?: OwnChanges): Promise<void> | null {
    if (this.confirmed >= this.planned) return null;
    const from = this.confirmed;
    const upTo = this.planned;
    if (this.failed) return Promise.reject(this.outcome({ from, upTo, own }, this.failed.message));
    return new Promise((resolve, reject) => this.waiters.push({ from, upTo, own, resolve, reject }));
  }

  /** Wait (up to `ms`) for what is planned to be confirmed: a clean stop hands over all of it. */
  async drain(ms: number): Promise<void> {
    const p = this.pending();
    if (p) await Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, ms))]);
  }

  /** Fail every waiter and send no more (this instance steps down or closes). */
  fail(reason: string): void {
    if (this.failed) return;
    this.failed = new Deposed(reason);
    for (const w of this.waiters.splice(0)) w.reject(this.outcome(w, reason));
  }

  /** A writer cannot go on: fail, and tell the owner this instance must stop leading (once). */
  stop(reason: string): void {
    if (this.failed) return;
    this.fail(reason);
    this.leading.onDeposed(reason);
  }

  /**
   * JCR_OUTCOME_UNKNOWN if the stream may hold a mark of the waiter's own, or an unowned one it
   * waits on (a message covering it sent, or it confirmed); without a record, one in (from, upTo].
   * Else JCR_NOT_LEADER.
   */
  private outcome(w: Pick<Waiter, 'from' | 'upTo' | 'own'>, reason: string): JcrError {
    // A message covering a mark in (a, b] was sent (kept while a waiter may care), or one of those
    // marks is confirmed.
    const sent = (a: number, b: number) =>
      a < this.confirmed || [...this.sent].some(([u, after]) => u > a && after < b);
    if (!w.own) return outcome(sent(w.from, w.upTo), reason);
    return outcome(
      w.own.of(this).some(([a, b]) => sent(a, b)) ||
        this.unowned.some(([a, b]) => b > w.from && a < w.upTo && sent(Math.max(a, w.from), Math.min(b, w.upTo))),
      reason,
    );
  }
}
