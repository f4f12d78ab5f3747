/**
 * The outcome report's statistics: summaries of response times against a target, and the 95%
 * confidence interval of a paired difference across seeds (Student's t: each seed runs every
 * mode on the same incident stream, so the per-seed differences are the sample). Pure.
 */

/** Nearest-rank percentile of sorted values (Infinity for a response that never came). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const k = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[k - 1]!;
}

export interface Summary {
  n: number;
  /** Share of responses within the target time. */
  share: number;
  /** Share beyond it (a response that never came is late): 1 - share. */
  late: number;
  /** Mean of the responses that came (a miss has no time to average). */
  meanS: number;
  medianS: number;
  p90S: number;
}

export function summarise(responsesS: readonly number[], withinS: number): Summary {
  const xs = [...responsesS].sort((a, b) => a - b);
  const n = xs.length;
  const within = xs.filter((x) => x <= withinS).length;
  const came = xs.filter((x) => Number.isFinite(x));
  return {
    n,
    share: n > 0 ? within / n : NaN,
    late: n > 0 ? (n - within) / n : NaN,
    meanS: came.length > 0 ? came.reduce((a, b) => a + b, 0) / came.length : NaN,
    medianS: percentile(xs, 0.5),
    p90S: percentile(xs, 0.9),
  };
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom (then the normal's 1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function t975(df: number): number {
  if (df < 1) return NaN;
  return df <= 30 ? T975[df - 1]! : 1.96;
}

export interface MeanCI {
  mean: number;
  lo: number;
  hi: number;
}

/**
 * Mean and 95% interval of a sample (mean ± t(n-1) · s / √n, s the sample standard deviation).
 * One value: the mean, and an interval of NaN (no spread to estimate).
 */
export function meanCI(xs: readonly number[]): MeanCI {
  const n = xs.length;
  if (n === 0) return { mean: NaN, lo: NaN, hi: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, lo: NaN, hi: NaN };
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1));
  const h = (t975(n - 1) * sd) / Math.sqrt(n);
  return { mean, lo: mean - h, hi: mean + h };
}

/** The paired difference a[i] - b[i] (same seed) with its 95% interval. */
export function pairedDiffCI(a: readonly number[], b: readonly number[]): MeanCI {
  if (a.length !== b.length) throw new Error('paired samples differ in length');
  return meanCI(a.map((x, i) => x - b[i]!));
}

/** Cumulative share within each of `atS` seconds (the curve the HTML report draws). */
export function cumulative(responsesS: readonly number[], atS: readonly number[]): number[] {
  const n = responsesS.length;
  return atS.map((t) => (n > 0 ? responsesS.filter((x) => x <= t).length / n : NaN));
}
