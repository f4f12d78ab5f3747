/**
 * The MAIT inbox (issue 18 item 3): a partner's checked message (./receive.ts has verified its
 * signature, form and addressing) made durable, acknowledged, then applied exactly once and in
 * its incident's sequence. Receipt is one row in the room's database (./held.ts): the partner is
 * answered only once it is written, and never has to wait for the event log or the room's own
 * changes. Applying is separate and may come later: each thread's next message in sequence goes
 * decide -> durable append -> apply through the engine with origin `partner`, and the append
 * drops its row in the same transaction (MaitService), so a message is in the inbox or in the
 * log, never both, never neither. A message already applied is a duplicate and changes nothing;
 * one ahead of its turn waits for its predecessor; a busy log makes it wait in the engine's line.
 *
 * Cluster mode holds nothing: a row in one instance's database dies with it, while the partner
 * holds our 202. There a message is applied through the engine and answered once the cluster log
 * has it (the route sits behind replicatedAcks), or refused with a code the partner retries
 * (JCR_MAIT_OUT_OF_ORDER ahead of its predecessor, JCR_STORE_BUSY, JCR_NOT_LEADER), nothing kept.
 */
import type { MaitIncidentRef, MaitMessage } from '../../../proto/mait.ts';
import type { Clock } from '../../core/clock.ts';
import { isJcrError, JcrError } from '../../core/errors.ts';
import { incidentKey } from '../../core/mait/transfers.ts';
import { RateLimiter } from '../../core/ratelimit.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { BusyQueue } from '../store/busy-queue.ts';
import { storeError } from '../store/store.ts';
import { after, type Timers } from '../timers.ts';
import type { HeldMessages } from './held.ts';

/**
 * What became of a message by the time it is acknowledged: applied already (with any held behind
 * it), seen before, waiting for a predecessor not yet received (held), or with all its
 * predecessors here and waiting for the event log (queued). All but a duplicate are in our database before the answer goes out.
 */
export type InboxOutcome = 'applied' | 'duplicate' | 'held' | 'queued';

/**
 * ResourcePosition messages a partner may send us: a burst, refilled per second (docs/mait-delivery.md).
 * Our own rooms send at most one per resource every 5 s, so this is 100 resources' worth.
 */
export const MAIT_POSITION_BURST = 100;
export const MAIT_POSITION_PER_S = 20;

/** Apply refusals that say nothing about the message: the store or the instance, try again later. */
const TRANSIENT = new Set(['JCR_STORE_BUSY', 'JCR_STORE_FULL', 'JCR_NOT_LEADER']);
/** The wait before a thread refused by the store is tried again (it also goes on any arrival). */
export const MAIT_APPLY_RETRY_MS = 1_000;

export class Inbox {
  /** Receipts waiting for another connection's write lock: answered once durable, in order. */
  private readonly receipts: BusyQueue;
  private readonly positions: RateLimiter;
  /** Threads with a message in the engine's line: nothing more of theirs until it lands. */
  private readonly inLine = new Set<string>();
  private readonly retries = new Map<string, () => void>();
  private closed = false;

  constructor(
    private readonly engine: Engine,
    private readonly held: HeldMessages,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly timers: Timers,
    /** Keep what cannot be applied at once in the inbox's rows; false in cluster mode. */
    private readonly holds = true,
  ) {
    this.receipts = new BusyQueue(timers);
    this.positions = new RateLimiter(clock, MAIT_POSITION_BURST, MAIT_POSITION_PER_S, 1_000);
  }

  /**
   * Take one message: durable in the inbox (or a duplicate) when this returns, and applied too if
   * the log was free. Throws the JcrError of a refused one (nothing kept): JCR_MAIT_POSITION_RATE,
   * JCR_NOT_LEADER, or JCR_STORE_BUSY at once if the database is write-locked (receiveOrWait waits).
   */
  receive(partnerId: string, message: MaitMessage): InboxOutcome {
    this.engine.assertLeads(); // a standby's database is not the room's: the partner tries the leader
    const book = this.engine.room.transfers;
    if (book.applied(partnerId, message)) return 'duplicate';
    this.checkType(message);
    const key = incidentKey(message.incident);
    const position = message.kind === 'ResourcePosition' && !this.held.has(message.messageId);
    if (position) this.takePosition(partnerId);
    try {
      this.held.hold({
        messageId: message.messageId,
        partnerId,
        incidentKey: key,
        seq: message.seq,
        body: JSON.stringify(message),
        receivedAt: this.clock(),
      });
    } catch (e) {
      if (position) this.positions.give(partnerId);
      throw storeError(e) ?? e;
    }
    this.pump(partnerId, key);
    if (!this.held.has(message.messageId)) return 'applied';
    const expected = book.expectedSeq(partnerId, message.incident);
    const gap = message.seq - expected - this.held.countBetween(partnerId, key, expected, message.seq);
    return gap > 0 ? 'held' : 'queued';
  }

  /** receive, but a write-locked database makes it wait in line (off the event loop), not fail. */
  receiveOrWait(partnerId: string, message: MaitMessage): Promise<InboxOutcome> {
    if (!this.holds) return this.applyOrRefuse(partnerId, message);
    return this.receipts.run(() => this.receive(partnerId, message));
  }

  /**
   * Cluster mode: apply the message now (in the engine's line if the log is busy) or refuse it
   * with a retryable code; never 'held' or 'queued'. Resolves once it is in the local log; the
   * route answers once the cluster log has it too.
   */
  private async applyOrRefuse(partnerId: string, message: MaitMessage): Promise<InboxOutcome> {
    this.engine.assertLeads();
    const book = this.engine.room.transfers;
    if (book.applied(partnerId, message)) return 'duplicate';
    this.checkType(message);
    const outOfOrder = () => {
      const expected = book.expectedSeq(partnerId, message.incident);
      return new JcrError(
        'JCR_MAIT_OUT_OF_ORDER',
        `message ${message.seq} of ${incidentKey(message.incident)} came before ${expected}; send it after that one`,
        { path: 'seq', details: { partner: partnerId, expected } },
      );
    };
    if (message.seq !== book.expectedSeq(partnerId, message.incident)) throw outOfOrder();
    if (message.kind === 'ResourcePosition') this.takePosition(partnerId);
    try {
      const events = await this.engine.submit(
        { type: 'mait.receive', partnerId, message },
        { origin: 'partner', actor: partnerId },
      );
      return events.length > 0 ? 'applied' : 'duplicate';
    } catch (e) {
      // Another delivery of the thread went first while this one waited in line.
      if (isJcrError(e) && e.code === 'JCR_CONFLICT') throw outOfOrder();
      throw e;
    }
  }

  /** At start: apply what a stop left in the inbox (acknowledged, not yet applied). */
  releaseAll(): void {
    for (const t of this.held.threads()) this.pump(t.partnerId, t.incidentKey);
  }

  /** Stop applying (the server is closing): what is left stays in the inbox for the next start. */
  close(): void {
    this.closed = true;
    this.receipts.close();
    for (const cancel of this.retries.values()) cancel();
    this.retries.clear();
  }

  /**
   * Apply one thread's messages while the next in sequence is in the inbox: at once while the log
   * is free, else through Engine.submit (in line, off this stack), carrying on once it lands.
   */
  private pump(partnerId: string, key: string): void {
    const thread = `${partnerId}|${key}`;
    if (this.closed || this.inLine.has(thread)) return;
    this.retries.get(thread)?.();
    this.retries.delete(thread);
    const book = this.engine.room.transfers;
    for (;;) {
      const h = this.held.first(partnerId, key);
      if (!h) return;
      const m = JSON.parse(h.body) as MaitMessage;
      if (book.applied(partnerId, m)) {
        this.held.drop(h.messageId);
        continue;
      }
      if (m.seq !== book.expectedSeq(partnerId, m.incident)) return;
      try {
        this.apply(partnerId, m);
        continue;
      } catch (e) {
        if (!this.transient(e)) {
          this.refused(partnerId, m, e);
          continue;
        }
      }
      this.inLine.add(thread);
      this.engine.submit({ type: 'mait.receive', partnerId, message: m }, { origin: 'partner', actor: partnerId }).then(
        () => {
          this.inLine.delete(thread);
          this.pump(partnerId, key);
        },
        (e: unknown) => {
          this.inLine.delete(thread);
          if (this.closed) return;
          if (this.transient(e)) return this.retryLater(partnerId, key, m.incident, e);
          this.refused(partnerId, m, e);
          this.pump(partnerId, key);
        },
      );
      return;
    }
  }

  /** One ResourcePosition from `partnerId` within its rate, or JCR_MAIT_POSITION_RATE. */
  private takePosition(partnerId: string): void {
    if (!this.positions.take(partnerId))
      throw new JcrError(
        'JCR_MAIT_POSITION_RATE',
        `more than ${MAIT_POSITION_BURST} ResourcePosition messages at once or ${MAIT_POSITION_PER_S} a second from ${partnerId}`,
        { details: { partner: partnerId, retryAfterS: this.positions.retryAfterS(partnerId) } },
      );
  }

  /** What the rules would refuse later is refused now, before the partner hears "taken". */
  private checkType(m: MaitMessage): void {
    const type =
      m.kind === 'Create' || m.kind === 'Update' ? m.content.type : m.kind === 'AssistanceRequest' ? m.type : undefined;
    if (type !== undefined && !this.engine.room.scenario.incidentTypes.some((t) => t.id === type))
      throw new JcrError('JCR_MAIT_UNKNOWN_TYPE', `incident type "${type}" is not one of this room's`, {
        path: 'type',
      });
  }

  private apply(partnerId: string, message: MaitMessage): void {
    this.engine.execute({ type: 'mait.receive', partnerId, message }, { origin: 'partner', actor: partnerId });
  }

  private transient(e: unknown): boolean {
    return isJcrError(e) && TRANSIENT.has(e.code);
  }

  /** The store stayed locked (or full) past the engine's wait: try the thread again later. */
  private retryLater(partnerId: string, key: string, ref: MaitIncidentRef, e: unknown): void {
    const thread = `${partnerId}|${key}`;
    this.log.warn('MAIT message received but not yet applied; will retry', {
      partner: partnerId,
      incident: incidentKey(ref),
      err: isJcrError(e) ? e.code : String(e),
    });
    this.retries.get(thread)?.();
    this.retries.set(
      thread,
      after(this.timers, MAIT_APPLY_RETRY_MS, () => {
        this.retries.delete(thread);
        this.pump(partnerId, key);
      }),
    );
  }

  /**
   * The room refuses a message it acknowledged (the door checks everything the rules check, so
   * this is a bug or a scenario changed under a restart): logged and dropped, or its thread would
   * stall on it for good.
   */
  private refused(partnerId: string, m: MaitMessage, e: unknown): void {
    this.log.error('acknowledged MAIT message refused; dropped', {
      partner: partnerId,
      messageId: m.messageId,
      err: isJcrError(e) ? e.code : String(e),
    });
    this.held.drop(m.messageId);
  }
}
