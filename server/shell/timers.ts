/**
 * The server's side of the one injectable timer (proto/timer.ts): the platform's timers, with
 * intervals unref'd so a repeating tick (AVL history, heartbeats, the COP tick) never keeps the
 * process alive; and two small helpers that turn a set into the function that cancels it. Tests
 * pass a timer they fire by hand (test/support/timers.ts), so nothing waits on the wall clock.
 */
import type { Timers } from '../../proto/timer.ts';

export type { Timers } from '../../proto/timer.ts';

type NodeHandle = ReturnType<typeof setTimeout>;

export const serverTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeHandle),
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    h.unref();
    return h;
  },
  clearInterval: (h) => clearInterval(h as NodeHandle),
};

/** Call fn every ms; returns the function that stops it. */
export function every(timers: Timers, ms: number, fn: () => void): () => void {
  const h = timers.setInterval(fn, ms);
  return () => timers.clearInterval(h);
}

/** Call fn once after ms; returns the function that cancels it. */
export function after(timers: Timers, ms: number, fn: () => void): () => void {
  const h = timers.setTimeout(fn, ms);
  return () => timers.clearTimeout(h);
}
