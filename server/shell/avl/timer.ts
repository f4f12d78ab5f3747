/**
 * An injectable repeating timer: `every(ms, fn)` starts calling fn every ms and returns a stop
 * function. Production uses setInterval (unref'd, so it never keeps the process alive); tests pass
 * `manualTimer()` and fire ticks themselves, so nothing waits on wall-clock time.
 */
export type Every = (ms: number, fn: () => void) => () => void;

export const realEvery: Every = (ms, fn) => {
  const h = setInterval(fn, ms);
  h.unref();
  return () => clearInterval(h);
};

export interface ManualTimer {
  every: Every;
  /** Fire every registered callback whose period is `ms` (all of them when omitted). */
  tick(ms?: number): void;
  readonly active: number;
}

export function manualTimer(): ManualTimer {
  const jobs = new Set<{ ms: number; fn: () => void }>();
  return {
    every(ms, fn) {
      const job = { ms, fn };
      jobs.add(job);
      return () => jobs.delete(job);
    },
    tick(ms) {
      for (const j of [...jobs]) if (ms === undefined || j.ms === ms) j.fn();
    },
    get active() {
      return jobs.size;
    },
  };
}
