/**
 * Is a new calibration better? Its error against the prior's (or the calibration in force) on
 * held-out trips: each trip's predicted seconds (the sum over its traversals of the prior's
 * seconds divided by the factor of the road in the band) against the seconds observed. A new
 * calibration comes into force only if it lowers the mean absolute percentage error. Pure.
 */
import { factorOf, type BandTraversal, type SpeedFactors } from './estimate.ts';

export interface TripError {
  /** Mean absolute percentage error, 0.12 = 12%. */
  mape: number;
  /** Mean signed percentage error: positive = predicted slower than driven. */
  bias: number;
  trips: number;
}

/** The error of `factors` (null: the prior) over trips, each a list of its traversals. */
export function tripError(
  trips: ReadonlyArray<readonly BandTraversal[]>,
  factors: SpeedFactors | null,
  classOf: (geom: number) => string,
): TripError {
  let abs = 0,
    signed = 0,
    n = 0;
  for (const trip of trips) {
    let pred = 0,
      seen = 0;
    for (const t of trip) {
      pred += factors ? t.priorS / factorOf(factors, t.band, classOf(t.geom), t.geom) : t.priorS;
      seen += t.seconds;
    }
    if (!(seen > 0)) continue;
    abs += Math.abs(pred - seen) / seen;
    signed += (pred - seen) / seen;
    n++;
  }
  return { mape: n ? abs / n : 0, bias: n ? signed / n : 0, trips: n };
}

export interface Verdict {
  accept: boolean;
  current: TripError;
  candidate: TripError;
  reason: string;
}

/** Accept the candidate only if it lowers the held-out error of what is in force (null: the prior). */
export function judge(
  heldOut: ReadonlyArray<readonly BandTraversal[]>,
  candidate: SpeedFactors,
  inForce: SpeedFactors | null,
  classOf: (geom: number) => string,
): Verdict {
  const current = tripError(heldOut, inForce, classOf);
  const cand = tripError(heldOut, candidate, classOf);
  if (cand.trips === 0) return { accept: false, current, candidate: cand, reason: 'no held-out trips to test it on' };
  const accept = cand.mape < current.mape;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    accept,
    current,
    candidate: cand,
    reason: accept
      ? `lowers the held-out error from ${pct(current.mape)} to ${pct(cand.mape)} over ${cand.trips} trips`
      : `does not lower the held-out error (${pct(cand.mape)} against ${pct(current.mape)} over ${cand.trips} trips)`,
  };
}
