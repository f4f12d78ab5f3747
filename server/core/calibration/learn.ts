/**
 * One calibration run over matched trips: the later share of the blue-light trips is held out,
 * factors are estimated from the rest (blue-light and routine apart, ./estimate.ts), and the
 * blue-light factors are judged on the held-out trips against what is in force (./validate.ts).
 * Pure: the trips come matched (./trips.ts), the time zone names the bands.
 */
import { estimateFactors, type BandTraversal, type EstimateOptions, type SpeedFactors } from './estimate.ts';
import { bandOf } from './time-band.ts';
import type { TripTraversals } from './trips.ts';
import { judge, type Verdict } from './validate.ts';

export interface LearnOptions {
  zone: string;
  classOf: (geom: number) => string;
  /** The blue-light factors in force (null: the prior). */
  inForce: SpeedFactors | null;
  /** Share of the blue-light trips, the latest, held out to judge by (default 0.2). */
  heldOutShare?: number;
  estimate?: EstimateOptions;
}

export interface Learnt {
  factors: { blue: SpeedFactors; routine: SpeedFactors };
  verdict: Verdict;
  /** Entry times of the first and last traversal learnt from, epoch ms. */
  learnedFrom: number;
  learnedTo: number;
}

/** A trip's traversals, each with the band of its entry. */
export function withBands(trip: TripTraversals, zone: string): BandTraversal[] {
  return trip.traversals.map((t) => ({
    geom: t.geom,
    band: bandOf(zone, t.enterT).band,
    priorS: t.priorS,
    seconds: t.seconds,
  }));
}

const startOf = (t: TripTraversals) => t.traversals[0]?.enterT ?? Infinity;

export function learnCalibration(trips: readonly TripTraversals[], o: LearnOptions): Learnt {
  const used = trips.filter((t) => t.traversals.length > 0);
  const blue = used.filter((t) => t.blue).sort((a, b) => startOf(a) - startOf(b));
  const cut = Math.floor(blue.length * (1 - (o.heldOutShare ?? 0.2)));
  const held = new Set(blue.slice(cut));
  const learnFrom = used.filter((t) => !held.has(t));
  const blueData: BandTraversal[] = [];
  const routineData: BandTraversal[] = [];
  let from = Infinity,
    to = -Infinity;
  for (const t of learnFrom) {
    (t.blue ? blueData : routineData).push(...withBands(t, o.zone));
    for (const x of t.traversals) {
      from = Math.min(from, x.enterT);
      to = Math.max(to, x.enterT);
    }
  }
  const factors = {
    blue: estimateFactors(blueData, o.classOf, o.estimate),
    routine: estimateFactors(routineData, o.classOf, o.estimate),
  };
  const verdict = judge(
    [...held].map((t) => withBands(t, o.zone)),
    factors.blue,
    o.inForce,
    o.classOf,
  );
  return { factors, verdict, learnedFrom: Number.isFinite(from) ? from : 0, learnedTo: Number.isFinite(to) ? to : 0 };
}
