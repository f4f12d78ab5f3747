/**
 * DMEXCLP: the Dynamic Maximum Expected Covering Location Problem move-up heuristic of
 * C.J. Jagtenberg, S. Bhulai and R.D. van der Mei, "An efficient heuristic for real-time
 * ambulance redeployment", Operations Research for Health Care 4 (2015) 27-35,
 * doi:10.1016/j.orhc.2015.01.001. A reference policy from the literature for the simulator's
 * outcome report (sim/compare, docs/simulator.md).
 *
 * The rule: each unit is busy with probability q, independently (Daskin's MEXCLP). A demand
 * point covered (reachable within the threshold T) by k idle units is then covered with
 * probability 1 - q^k, and the kth unit adds d * (1 - q) * q^(k-1) to the expected covered
 * demand. When a unit becomes free (the paper's only decision moment), send it to the base
 * where it adds the most: argmax over bases b of
 *     sum over demand points i covered from b of d_i * (1 - q) * q^(n_i)
 * where n_i is the number of OTHER idle units covering i, each counted at its destination (a
 * unit on its way to a base counts as there). Ties go to the first base in the caller's order
 * (the caller lists the unit's home first, so a tie sends it home).
 *
 * Pure: times come in as arrays (the caller reads them from the cover model's cached trees).
 */

export interface DmexclpInput {
  /** Demand weight per demand point. */
  weights: readonly number[];
  /**
   * Response seconds (turnout + drive) from each candidate base to each demand point (NaN or
   * Infinity: not reachable). baseTimes[b][i].
   */
  baseTimes: readonly ArrayLike<number>[];
  /** Response seconds from each other idle unit's destination to each demand point. */
  idleTimes: readonly ArrayLike<number>[];
  /** The coverage threshold T, seconds (e.g. 480 for ambulance category 1). */
  thresholdS: number;
  /** The busy fraction q, 0..1. */
  busy: number;
}

export interface DmexclpChoice {
  /** Index into baseTimes of the chosen base. */
  base: number;
  /** Its marginal expected covered demand. */
  gain: number;
  /** Every base's marginal gain, in input order (for tests and explanations). */
  gains: number[];
}

/** Covered demand points' counts of other idle units, n_i. */
export function idleCounts(
  weights: readonly number[],
  idle: readonly ArrayLike<number>[],
  thresholdS: number,
): number[] {
  const n = new Array<number>(weights.length).fill(0);
  for (const times of idle) for (let i = 0; i < weights.length; i++) if (times[i]! <= thresholdS) n[i]!++;
  return n;
}

/** The DMEXCLP base for a unit that has just become free. */
export function dmexclpChoice(o: DmexclpInput): DmexclpChoice {
  const q = Math.min(1, Math.max(0, o.busy));
  const n = idleCounts(o.weights, o.idleTimes, o.thresholdS);
  const gains = o.baseTimes.map((times) => {
    let g = 0;
    for (let i = 0; i < o.weights.length; i++)
      if (times[i]! <= o.thresholdS) g += o.weights[i]! * (1 - q) * Math.pow(q, n[i]!);
    return g;
  });
  let base = 0;
  for (let b = 1; b < gains.length; b++) if (gains[b]! > gains[base]! + 1e-12) base = b;
  return { base, gain: gains[base] ?? 0, gains };
}
