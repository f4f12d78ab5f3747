/**
 * The calibration estimator: speed factors from traversal times, shrunk towards the prior in
 * proportion to the evidence (empirical Bayes). docs/calibration.md explains the model.
 *
 * Each traversal gives y = ln(priorS / seconds), the log of how much faster than the prior the
 * road was driven, with weight w = priorS (seconds of evidence: a long traversal says more than a
 * short one). Two levels, each a normal-normal model with prior mean 0 (the prior is right):
 *
 *   class x band   ln f[c,b] = W / (W + kappa1) x ybar        over the traversals of class c in band b
 *   road           ln g[r]   = W / (W + kappa2) x zbar        z = y - ln f[c,b], over every band
 *
 * where W is the group's evidence (sum of w); ybar = ln(sum priorS / sum seconds), so the class
 * factor predicts the group's total time unbiased, and zbar the weighted mean of z (meanOf). No data (W = 0) gives
 * the prior exactly (factor 1); W much larger than kappa gives the data. kappa = sigma^2 / tau^2 is
 * estimated from the data (method of moments): sigma^2 the spread of single traversals per second
 * of evidence within groups, tau^2 the spread of the groups' true factors. With too few groups or
 * traversals to estimate them, the defaults below hold. A road is kept only with at least
 * `minRoadS` seconds of evidence. The two driving modes (blue light, routine) are estimated
 * apart. Pure.
 */

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
  /** Estimate kappa from the data (default true); false: use the defaults. */
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
  /** The shrinkage strengths used. */
  kappa: { classS: number; roadS: number };
}

interface Group {
  /** Evidence: the sum of prior seconds. */
  w: number;
  /** Sum of w x y. */
  wy: number;
  n: number;
  /** Sums of prior and observed seconds. */
  prior: number;
  seen: number;
}

/**
 * The group's mean log factor. Class x band: the log of its ratio of sums (prior over observed
 * seconds), so that the time it predicts over the group is the time driven (a mean of logs would
 * under-predict by the spread of the roads within it, about exp(sigma^2 / 2)); roads: the
 * evidence-weighted mean of what the class leaves.
 */
function meanOf(g: Group, level: 1 | 2): number {
  return level === 1 ? Math.log(g.prior / g.seen) : g.wy / g.w;
}

const TAU2_FLOOR = 1e-4;
const KAPPA_MAX = 1e6;

export function estimateFactors(
  data: readonly BandTraversal[],
  classOf: (geom: number) => string,
  o: EstimateOptions = {},
): SpeedFactors {
  const empirical = o.empirical ?? true;
  const minRoadS = o.minRoadS ?? 30;
  const ok = data.filter((t) => t.priorS > 0 && t.seconds > 0 && Number.isFinite(t.priorS / t.seconds));
  const y = ok.map((t) => Math.log(t.priorS / t.seconds));
  // level 1: class x band
  const key1 = ok.map((t) => `${t.band}\u0000${classOf(t.geom)}`);
  const g1 = groupBy(ok, key1, y);
  const kappa1 = empirical ? (kappaOf(ok, key1, y, g1, 1) ?? o.classKappaS ?? 600) : (o.classKappaS ?? 600);
  const f1 = new Map<string, number>();
  const classes: Record<string, Record<string, number>> = {};
  for (const [k, g] of g1) {
    const lnf = (g.w / (g.w + kappa1)) * meanOf(g, 1);
    f1.set(k, lnf);
    const [band, cls] = k.split('\u0000') as [string, string];
    (classes[band] ??= {})[cls] = Math.exp(lnf);
  }
  // level 2: roads, on what the class x band factor leaves
  const z = y.map((v, i) => v - f1.get(key1[i]!)!);
  const key2 = ok.map((t) => String(t.geom));
  const g2 = groupBy(ok, key2, z);
  const kappa2 = empirical ? (kappaOf(ok, key2, z, g2, 2) ?? o.roadKappaS ?? 120) : (o.roadKappaS ?? 120);
  const roads: Record<string, number> = {};
  for (const [k, g] of g2) {
    if (g.w < minRoadS) continue;
    roads[k] = Math.exp((g.w / (g.w + kappa2)) * meanOf(g, 2));
  }
  let evidenceS = 0;
  for (const t of ok) evidenceS += t.priorS;
  return { classes, roads, evidenceS, traversals: ok.length, kappa: { classS: kappa1, roadS: kappa2 } };
}

function groupBy(data: readonly BandTraversal[], keys: readonly string[], y: readonly number[]): Map<string, Group> {
  const out = new Map<string, Group>();
  data.forEach((t, i) => {
    const k = keys[i]!;
    let g = out.get(k);
    if (!g) out.set(k, (g = { w: 0, wy: 0, n: 0, prior: 0, seen: 0 }));
    g.w += t.priorS;
    g.wy += t.priorS * y[i]!;
    g.n++;
    g.prior += t.priorS;
    g.seen += t.seconds;
  });
  return out;
}

/**
 * kappa = sigma^2 / tau^2 by the method of moments, or undefined with fewer than 3 groups or no
 * spare degrees of freedom. sigma^2: the within-group weighted squared deviation per second of
 * evidence; tau^2: the mean over groups of ybar^2 - sigma^2 / W (the prior mean is 0), floored.
 */
function kappaOf(
  data: readonly BandTraversal[],
  keys: readonly string[],
  y: readonly number[],
  groups: Map<string, Group>,
  level: 1 | 2,
): number | undefined {
  const dof = data.length - groups.size;
  if (groups.size < 3 || dof < 1) return undefined;
  let ss = 0;
  data.forEach((t, i) => {
    const g = groups.get(keys[i]!)!;
    ss += t.priorS * (y[i]! - meanOf(g, level)) ** 2;
  });
  const sigma2 = ss / dof;
  let tau = 0;
  for (const g of groups.values()) tau += meanOf(g, level) ** 2 - sigma2 / g.w;
  const tau2 = Math.max(TAU2_FLOOR, tau / groups.size);
  return Math.min(KAPPA_MAX, sigma2 / tau2);
}

/** The factor of a road in a band: class x band factor times the road's own (1 where absent). */
export function factorOf(f: SpeedFactors, band: string, cls: string, geom: number): number {
  return (f.classes[band]?.[cls] ?? 1) * (f.roads[String(geom)] ?? 1);
}
