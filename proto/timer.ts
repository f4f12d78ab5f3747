/**
 * The one injectable timer, for server and client alike. Production passes `globalThis` (the
 * platform's own timers fit this shape); tests pass a fake and fire its callbacks themselves, so
 * nothing waits on the wall clock. A handle is opaque: give back to the matching clear exactly
 * what set returned. Dependency-free: imports nothing, so both sides and the bundle can use it.
 */
export type TimerHandle = unknown;

export interface Timers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle): void;
}
