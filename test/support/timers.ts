/**
 * Timers (proto/timer.ts) that tests fire by hand, so nothing waits on the wall clock.
 * manualTimer: intervals fired by tick(ms); timeouts by fire(). neverTimers: nothing ever fires
 * (a test drives the work itself, e.g. cover.flushAsync()).
 */
import type { Timers } from '../../proto/timer.ts';

export interface ManualTimer extends Timers {
  /** Fire every registered interval whose period is `ms` (all of them when omitted). */
  tick(ms?: number): void;
  /** Run the pending timeouts (each once), in the order they were set. */
  fire(): void;
  /** Intervals registered and not cleared. */
  readonly active: number;
}

export function manualTimer(): ManualTimer {
  const intervals = new Set<{ ms: number; fn: () => void }>();
  let timeouts: Array<{ fn: () => void }> = [];
  return {
    setInterval(fn, ms) {
      const job = { ms, fn };
      intervals.add(job);
      return job;
    },
    clearInterval(h) {
      intervals.delete(h as { ms: number; fn: () => void });
    },
    setTimeout(fn) {
      const job = { fn };
      timeouts.push(job);
      return job;
    },
    clearTimeout(h) {
      timeouts = timeouts.filter((j) => j !== h);
    },
    tick(ms) {
      for (const j of [...intervals]) if (ms === undefined || j.ms === ms) j.fn();
    },
    fire() {
      const due = timeouts;
      timeouts = [];
      for (const j of due) j.fn();
    },
    get active() {
      return intervals.size;
    },
  };
}

const never = () => undefined;
export const neverTimers: Timers = { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never };
