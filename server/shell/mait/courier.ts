/**
 * The MAIT courier (issue 18 item 3): takes each partner's queued messages out of the outbox
 * (./outbox.ts) one at a time, oldest first, and retries a failed attempt with exponential
 * backoff on the one timer type (server/shell/timers.ts) and the injected clock. One message in
 * flight per partner keeps every incident's messages in order; a partner that is down for hours
 * only makes its queue wait, and a restarted sender picks up where the outbox says it was.
 */
import type { Clock } from '../../core/clock.ts';
import type { Logger } from '../log.ts';
import { after, type Timers } from '../timers.ts';
import type { Outbox, OutboxRow } from './outbox.ts';

/**
 * What one attempt came to: taken by the partner (any 2xx), or not, and why. `refused`: the
 * partner read the message and refused its content (./transport.ts says which answers), so
 * sending the same bytes again will not change its mind; anything else may pass on a retry.
 */
export type SendOutcome = { ok: true } | { ok: false; error: string; refused?: boolean };

/**
 * The dead-letter policy (docs/mait-delivery.md): a message the partner has refused this many
 * times (retried with the backoff in between, about 15 s in all) is a dead letter. Failures that
 * are not refusals (no answer, 5xx, 429, 401) never make one: a partner down for hours loses nothing.
 */
export const MAIT_DEAD_AFTER = 5;

/** Sends one message to its partner (HTTP in the server, a function in tests). */
export type Transport = (row: OutboxRow) => Promise<SendOutcome>;

/** Retry delays: 1 s after the first failure, doubling, at most a minute (docs/mait-delivery.md). */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}
export const MAIT_BACKOFF: Backoff = { baseMs: 1_000, maxMs: 60_000 };

/** The wait before attempt n + 1 after n failed attempts (n >= 1). */
export function backoffMs(failed: number, b: Backoff = MAIT_BACKOFF): number {
  return Math.min(b.maxMs, b.baseMs * 2 ** Math.min(30, Math.max(0, failed - 1)));
}

export interface CourierDeps {
  outbox: Outbox;
  clock: Clock;
  timers: Timers;
  transport: Transport;
  log: Logger;
  backoff?: Backoff;
  /** A message the partner has taken (its transfer is now "delivered"). */
  onDelivered?: (row: OutboxRow) => void;
  /**
   * Record that the partner took a message (MaitService: a `mait.delivered` event, which marks
   * the row in its transaction). Default: mark the outbox row. A failure leaves it to be sent again.
   */
  record?: (row: OutboxRow) => Promise<void>;
  /**
   * Record a dead letter (MaitService: a `mait.deadLettered` event, which marks the row in its
   * transaction). Default: mark the outbox row. A failure leaves it to be sent and refused again.
   */
  recordDead?: (row: OutboxRow, refusals: number, error: string) => Promise<void>;
  /** May this instance send now? A cluster's standby (or a paused leader) may not. Default: yes. */
  maySend?: () => boolean;
}

export class Courier {
  private readonly running = new Map<string, Promise<void>>();
  private readonly waits = new Map<string, () => void>();
  /** Partners kicked while their run was in flight: run again once it ends. */
  private readonly again = new Set<string>();
  private closed = false;

  constructor(private readonly deps: CourierDeps) {}

  /** Something was queued for `partnerId` (or, with none, at start: for everyone waiting): send it. */
  kick(partnerId?: string): void {
    if (this.closed) return;
    const partners = partnerId === undefined ? this.deps.outbox.waitingPartners() : [partnerId];
    for (const p of partners) {
      if (this.running.has(p)) {
        this.again.add(p);
        continue;
      }
      this.waits.get(p)?.();
      this.waits.delete(p);
      const run = this.run(p).finally(() => {
        this.running.delete(p);
        if (this.again.delete(p)) this.kick(p);
      });
      this.running.set(p, run);
    }
  }

  /** Resolves once no attempt is in flight (tests: after a kick or a fired timer). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()]);
  }

  /** Stop: no new attempts, no timers. Queued messages stay in the outbox for the next start. */
  close(): void {
    this.closed = true;
    for (const cancel of this.waits.values()) cancel();
    this.waits.clear();
  }

  private async run(partnerId: string): Promise<void> {
    const { outbox, clock, transport, log } = this.deps;
    for (;;) {
      if (this.closed) return;
      // Not now (a leader paused past its lease until renewed): look again, its queue still waits.
      if (this.deps.maySend?.() === false) return this.wake(partnerId, MAIT_BACKOFF.baseMs);
      const head = outbox.head(partnerId);
      if (!head) return;
      const wait = head.nextAt - clock();
      if (wait > 0) return this.wake(partnerId, wait);
      let outcome: SendOutcome;
      try {
        outcome = await transport(head);
      } catch (e) {
        outcome = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (this.closed) return;
      const delay = outcome.ok ? 0 : backoffMs(head.attempts + 1, this.deps.backoff);
      const refused = !outcome.ok && outcome.refused === true;
      const dead = refused && head.refusals + 1 >= MAIT_DEAD_AFTER;
      try {
        if (outcome.ok) await (this.deps.record ? this.deps.record(head) : outbox.markDelivered(head.id, clock()));
        else if (dead)
          await (this.deps.recordDead
            ? this.deps.recordDead(head, head.refusals + 1, outcome.error)
            : outbox.markDead(head.id, clock(), outcome.error));
        else outbox.markFailed(head.id, clock() + delay, outcome.error, refused);
      } catch (e) {
        // The database is locked (or full), or this instance no longer leads: the attempt goes
        // unrecorded. Try again later; a message the partner took is sent again and answered as a
        // duplicate, applied there once.
        log.warn('MAIT outbox not updated; will retry', {
          partner: partnerId,
          messageId: head.messageId,
          err: String(e),
        });
        return this.wake(partnerId, MAIT_BACKOFF.baseMs);
      }
      if (outcome.ok) {
        this.deps.onDelivered?.(head);
        continue;
      }
      if (dead) {
        // Its thread waits behind it (Outbox.head passes it over); other incidents go on at once.
        log.error('MAIT message refused by the partner; now a dead letter', {
          partner: partnerId,
          messageId: head.messageId,
          refusals: head.refusals + 1,
          err: outcome.error,
        });
        continue;
      }
      log.warn('MAIT message not delivered; will retry', {
        partner: partnerId,
        messageId: head.messageId,
        attempt: head.attempts + 1,
        retryInMs: delay,
        err: outcome.error,
      });
      return this.wake(partnerId, delay);
    }
  }

  /** Try `partnerId` again after `ms`: a fake timer may fire early, so the run checks the clock. */
  private wake(partnerId: string, ms: number): void {
    this.waits.get(partnerId)?.();
    this.waits.set(
      partnerId,
      after(this.deps.timers, ms, () => {
        this.waits.delete(partnerId);
        this.kick(partnerId);
      }),
    );
  }
}
