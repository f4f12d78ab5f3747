/**
 * The calibration estimator: speed factors from traversal times, shrunk towards the prior in
 * proportion to the evidence (empirical Bayes). docs/calibration.md explains the model.
 *
 * Each traversal gives y = ln(priorS / seconds), the log of how much faster than the prior the
 * road was driven. Two levels, each a normal-normal model with prior mean 0 (the prior is right):
 *
 *   class x band   ln f[c,b] = B x ybar     ybar = ln(sum priorS / sum seconds) over class c in band b
 *   road           ln g[r]   = B x zbar     z = y - ln f[c,b], over every band
 *
 * B = tau^2 / (tau^2 + V) in [0, 1]: V is the variance of the group's mean, tau^2 that of the
 * groups' true factors, so no data (V infinite) gives the prior exactly and much data (V -> 0)
 * gives the data. The empirical model (the default, ./estimate-spread.ts) measures V from the data:
 *
 *   - class x band: V from the spread of its roads about its mean (the roads, not the seconds, are
 *     the independent draws: a group driven over three roads knows little, however long);
 *   - road: each traversal's variance is s^2 + (d / priorS)^2: s the trip-to-trip spread, d the
 *     seconds of timing error (the fixes' interval shared among the roads in it), so a 3 s piece of
 *     road says little and a 100 s one much; zbar is the precision-weighted mean and V = 1 / sum
 *     of precisions. s and d come from pairs of traversals of one road, tau^2 from the spread of
 *     the road means (method of moments).
 *
 * With fewer than 3 groups, or `empirical: false`, the fixed model holds: V = sigma^2 / W (W the
 * group's seconds of evidence, zbar weighted by seconds), so B = W / (W + kappa) with the kappas
 * given. A road is kept only with at least `minRoadS` seconds of evidence. The two driving modes
 * (blue light, routine) are estimated apart. Every factor is clamped to the allowed range
 * (./factor-range.ts), so that a calibration never removes a route. Pure.
 */
import { classShrinkage, groupSums, roadShrinkage, type Obs, type Shrunk } from './estimate-spread.ts';
import { clampFactor } from './factor-range.ts';

export interface BandTraversal {
  /** The road (graph geometry). */
  geom: number;
  /** Time band of the traversal's entry (./time-band.ts). */
  band: string;
  priorS: number;
  seconds: number;
}

export interface EstimateOptions {
  /** Prior strength of a class x band factor, seconds of evidence, when it cannot be estimated. Default 600. */
  classKappaS?: number;
  /** Prior strength of a road's factor, seconds of evidence, when it cannot be estimated. Default 120. */
  roadKappaS?: number;
  /** Measure the spreads from the data (default true); false: the fixed model with the kappas. */
  empirical?: boolean;
  /** A road needs this much evidence to get a factor of its own, seconds. Default 30. */
  minRoadS?: number;
}

/** Speed factors (multipliers of the prior's speed) for one driving mode. */
export interface SpeedFactors {
  /** By band, then by highway class. A class or band absent: 1. */
  classes: Record<string, Record<string, number>>;
  /** By road (geometry index): multiplies the class factor in every band. */
  roads: Record<string, number>;
  /** Evidence used, seconds of prior time, and traversals. */
  evidenceS: number;
  traversals: number;
  /**
   * The shrinkage strengths used, seconds of evidence at which a group is shrunk halfway (for the
   * empirical model, a group of the median spread per second of evidence).
   */
  kappa: { classS: number; roadS: number };
  /** The empirical model's measured spreads (log units; timingS in seconds), absent for the fixed model. */
  spread?: { classSd: number; roadSd: number; tripSd: number; timingS: number };
}

const DEFAULT_CLASS_KAPPA_S = 600;
const DEFAULT_ROAD_KAPPA_S = 120;

export function estimateFactors(
  data: readonly BandTraversal[],
  classOf: (geom: number) => string,
  o: EstimateOptions = {},
): SpeedFactors {
  const empirical = o.empirical ?? true;
  const minRoadS = o.minRoadS ?? 30;
  const ok = data.filter((t) => t.priorS > 0 && t.seconds > 0 && Number.isFinite(t.priorS / t.seconds));
  // level 1: class x band
  const obs1: Obs[] = ok.map((t) => ({
    key: `${t.band}\u0000${classOf(t.geom)}`,
    geom: t.geom,
    v: Math.log(t.priorS / t.seconds),
    priorS: t.priorS,
    seconds: t.seconds,
  }));
  const kappa1 = o.classKappaS ?? DEFAULT_CLASS_KAPPA_S;
  const s1 = (empirical ? classShrinkage(obs1) : undefined) ?? fixedShrinkage(obs1, 1, kappa1);
  const classes: Record<string, Record<string, number>> = {};
  for (const [k, lnf] of s1.factors) {
    const [band, cls] = k.split('\u0000') as [string, string];
    (classes[band] ??= {})[cls] = clampFactor(Math.exp(lnf));
  }
  // level 2: roads, on what the class x band factor leaves
  const obs2: Obs[] = obs1.map((x) => ({ ...x, key: String(x.geom), v: x.v - s1.factors.get(x.key)! }));
  const kappa2 = o.roadKappaS ?? DEFAULT_ROAD_KAPPA_S;
  const s2 = (empirical ? roadShrinkage(obs2) : undefined) ?? fixedShrinkage(obs2, 2, kappa2);
  const roads: Record<string, number> = {};
  for (const [k, lng] of s2.factors) if (s2.evidenceS.get(k)! >= minRoadS) roads[k] = clampFactor(Math.exp(lng));
  let evidenceS = 0;
  for (const t of ok) evidenceS += t.priorS;
  const out: SpeedFactors = {
    classes,
    roads,
    evidenceS,
    traversals: ok.length,
    kappa: { classS: s1.kappaS, roadS: s2.kappaS },
  };
  if (s1.sd !== undefined && s2.sd !== undefined)
    out.spread = { classSd: s1.sd, roadSd: s2.sd, tripSd: s2.tripSd ?? 0, timingS: s2.timingS ?? 0 };
  return out;
}

/**
 * The fixed model: B = W / (W + kappa). Level 1 takes the group's ratio of sums, so that the time
 * it predicts over the group is the time driven (a mean of logs would under-predict by the spread
 * of the roads within it, about exp(sigma^2 / 2)); level 2 the seconds-weighted mean of z.
 */
function fixedShrinkage(obs: readonly Obs[], level: 1 | 2, kappaS: number): Shrunk {
  const sums = groupSums(obs);
  const factors = new Map<string, number>();
  const evidenceS = new Map<string, number>();
  for (const [k, g] of sums) {
    const mean = level === 1 ? Math.log(g.prior / g.seen) : g.wv / g.prior;
    factors.set(k, (g.prior / (g.prior + kappaS)) * mean);
    evidenceS.set(k, g.prior);
  }
  return { factors, evidenceS, kappaS };
}

/** The factor of a road in a band: class x band factor times the road's own (1 where absent). */
export function factorOf(f: SpeedFactors, band: string, cls: string, geom: number): number {
  return (f.classes[band]?.[cls] ?? 1) * (f.roads[String(geom)] ?? 1);
}
