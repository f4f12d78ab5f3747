/**
 * The core never reads the wall clock or Math.random: both come in as arguments, so that the
 * simulator, replay and tests can drive time and chance deterministically.
 */
export type Clock = () => number; // Unix epoch milliseconds

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a small, fast, seeded PRNG. Good enough for simulation and tests, not for secrets. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock that only moves when told to: for tests and virtual-time replay. */
export interface FakeClock {
  now: Clock;
  advance(ms: number): void;
  set(ms: number): void;
}

export function fakeClock(startMs = Date.UTC(2026, 0, 1, 9, 0, 0)): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
    set(ms) {
      t = ms;
    },
  };
}
