/**
 * The changes waiting for a write-locked event log (issue 15 item 10: the event loop never waits
 * on the database). An append never waits for another connection's lock (the store's
 * busy_timeout is 0): a change refused with JCR_STORE_BUSY joins this queue, and its caller's
 * promise settles only once it is durable (or refused, or after BUSY_LIMITS.waitMs, JCR_STORE_BUSY).
 *
 * The head is tried again on a timer, first after 5 ms, then twice as long each time up to
 * 250 ms, and decided afresh each time (Engine.submit queues the command, not its events), so it
 * is judged against the state it lands on. First in, first out; and while anything waits, no
 * other append may overtake it (Engine.commit refuses it with JCR_STORE_BUSY, so an AVL batch
 * joins the line too: AvlService.ingestOrWait), so the log keeps the order changes came in. Changes made while the head is being
 * tried (the reactor's reactions to it) go through at once, as they would without a lock.
 */
import { AsyncResource } from 'node:async_hooks';
import { isJcrError, JcrError } from '../../core/errors.ts';
import { after, type Timers } from '../timers.ts';

export interface BusyLimits {
  /** The first retry's delay; each next one waits twice as long, up to maxDelayMs. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A change that has waited this long (the sum of the retry delays since it joined) fails. */
  waitMs: number;
  /** At most this many changes wait; one more fails at once. */
  maxWaiting: number;
}

export const BUSY_LIMITS: BusyLimits = { firstDelayMs: 5, maxDelayMs: 250, waitMs: 5_000, maxWaiting: 1_000 };

interface Waiting {
  attempt: () => unknown;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  /** The queue's waited time when this one joined. */
  joinedAtMs: number;
}

export function isStoreBusy(e: unknown): boolean {
  return isJcrError(e) && e.code === 'JCR_STORE_BUSY';
}

export class BusyQueue {
  private readonly timers: Timers;
  private readonly limits: BusyLimits;
  private readonly waiting: Waiting[] = [];
  /** Attempts in progress: what they cause (reactions) runs at once, not behind the queue. */
  private running = 0;
  private delayMs = 0;
  /** The sum of every retry delay waited so far: the clock of the wait limit, fake timers included. */
  private waitedMs = 0;
  private cancel: (() => void) | null = null;
  private closed = false;

  constructor(timers: Timers, limits: Partial<BusyLimits> = {}) {
    this.timers = timers;
    this.limits = { ...BUSY_LIMITS, ...limits };
  }

  /** Changes waiting now. */
  get length(): number {
    return this.waiting.length;
  }

  /** True while an append now would overtake a waiting change. */
  get blocking(): boolean {
    return this.waiting.length > 0 && this.running === 0;
  }

  /**
   * Run `attempt` now if nothing waits, else (or if it throws JCR_STORE_BUSY) join the queue.
   * Resolves with its result, rejects with what it threw other than JCR_STORE_BUSY.
   */
  run<T>(attempt: () => T): Promise<T> {
    if (!this.blocking) {
      try {
        return Promise.resolve(this.tryOnce(attempt));
      } catch (e) {
        if (!isStoreBusy(e)) return Promise.reject(e);
      }
    }
    if (this.closed) return Promise.reject(new JcrError('JCR_NOT_READY', 'the server is closing'));
    if (this.waiting.length >= this.limits.maxWaiting)
      return Promise.reject(
        new JcrError('JCR_STORE_BUSY', `the event log is locked and ${this.waiting.length} changes wait for it`),
      );
    // Retried on a timer, it runs in its caller's async context: what it appends counts to its
    // own request (../own-changes.ts), not to whichever request the timer's stack belongs to.
    const bound = AsyncResource.bind(attempt);
    return new Promise<T>((resolve, reject) => {
      this.waiting.push({
        attempt: bound,
        resolve: resolve as (v: unknown) => void,
        reject,
        joinedAtMs: this.waitedMs,
      });
      this.schedule();
    });
  }

  /** Fail every waiting change (JCR_NOT_READY) and stop retrying: the server is closing. */
  close(): void {
    this.closed = true;
    this.cancel?.();
    this.cancel = null;
    for (const w of this.waiting.splice(0)) w.reject(new JcrError('JCR_NOT_READY', 'the server is closing'));
  }

  private tryOnce<T>(attempt: () => T): T {
    this.running++;
    try {
      return attempt();
    } finally {
      this.running--;
    }
  }

  private schedule(): void {
    if (this.cancel || this.closed) return;
    const delay = this.delayMs === 0 ? this.limits.firstDelayMs : Math.min(this.delayMs * 2, this.limits.maxDelayMs);
    this.delayMs = delay;
    this.cancel = after(this.timers, delay, () => {
      this.cancel = null;
      this.waitedMs += delay;
      this.retry();
    });
  }

  /** Try the head, and the next while they land; then fail those that waited too long. */
  private retry(): void {
    while (this.waiting.length > 0) {
      const head = this.waiting[0] as Waiting;
      let result: unknown;
      try {
        result = this.tryOnce(head.attempt);
      } catch (e) {
        if (isStoreBusy(e)) break;
        this.waiting.shift();
        head.reject(e);
        continue;
      }
      this.waiting.shift();
      this.delayMs = 0; // the log moved: retry the rest soon
      head.resolve(result);
    }
    for (let i = this.waiting.length - 1; i >= 0; i--) {
      const w = this.waiting[i] as Waiting;
      const waited = this.waitedMs - w.joinedAtMs;
      if (waited < this.limits.waitMs) continue;
      this.waiting.splice(i, 1);
      w.reject(new JcrError('JCR_STORE_BUSY', `the event log stayed locked for ${waited} ms: nothing was changed`));
    }
    if (this.waiting.length > 0) this.schedule();
    else this.delayMs = 0;
  }
}
