/**
 * The empirical model's spreads (./estimate.ts, docs/calibration.md): how far to trust a group's
 * mean, measured from the data. Each level gives, per group, its mean log factor shrunk by
 * B = tau^2 / (tau^2 + V), V the variance of the mean, tau^2 the spread of the groups' true
 * factors (method of moments: the mean over groups of mean^2 - V, the prior mean being 0).
 *
 *   class x band: the roads are the independent draws. V = sigma_w^2 x sum over its roads of
 *     (W_r / W)^2 (one over the effective number of roads), sigma_w^2 the spread of road means
 *     about their group's mean, pooled over the groups.
 *   road: a traversal's variance is s^2 + (d / priorS)^2, s the trip-to-trip spread, d the
 *     seconds of timing error; fitted by least squares to the squared differences of pairs of
 *     traversals of one road (E (v1 - v2)^2 = 2 s^2 + d^2 (1/w1^2 + 1/w2^2)). The road's mean is
 *     precision-weighted and V = 1 / sum of precisions.
 *
 * Either answers undefined with fewer than 3 groups (or, for roads, no pair): the fixed model
 * holds then. Pure.
 */

/** One traversal, ready for a level: its group, the value it gives, its evidence. */
export interface Obs {
  key: string;
  geom: number;
  /** The log factor it shows (y, or z at the road level). */
  v: number;
  priorS: number;
  seconds: number;
}

/** A level's answer: the shrunk log factor and the seconds of evidence of each group. */
export interface Shrunk {
  factors: Map<string, number>;
  evidenceS: Map<string, number>;
  /** Seconds of evidence at which a group of the median spread per second is shrunk halfway. */
  kappaS: number;
  /** Empirical only: tau, and at the road level the fitted trip spread s and timing error d. */
  sd?: number;
  tripSd?: number;
  timingS?: number;
}

export interface GroupSums {
  /** Sums of prior and observed seconds, and of priorS x v. */
  prior: number;
  seen: number;
  wv: number;
  n: number;
}

export function groupSums(obs: readonly Obs[]): Map<string, GroupSums> {
  const out = new Map<string, GroupSums>();
  for (const x of obs) {
    let g = out.get(x.key);
    if (!g) out.set(x.key, (g = { prior: 0, seen: 0, wv: 0, n: 0 }));
    g.prior += x.priorS;
    g.seen += x.seconds;
    g.wv += x.priorS * x.v;
    g.n++;
  }
  return out;
}

const TAU2_FLOOR = 1e-4;

/** Class x band: each group's ratio of sums, trusted by its effective number of roads. */
export function classShrinkage(obs: readonly Obs[]): Shrunk | undefined {
  const groups = groupSums(obs);
  if (groups.size < 3) return undefined;
  const roads = groupSums(obs.map((x) => ({ ...x, key: `${x.key}\u0000${x.geom}` })));
  const mean = new Map<string, number>();
  for (const [k, g] of groups) mean.set(k, Math.log(g.prior / g.seen));
  // sigma_w^2: weighted spread of road means about their group's, pooled (reliability weights)
  const sumW2 = new Map<string, number>();
  let ss = 0,
    dof = 0;
  for (const [k, r] of roads) {
    const gk = k.slice(0, k.lastIndexOf('\u0000'));
    ss += r.prior * (r.wv / r.prior - mean.get(gk)!) ** 2;
    sumW2.set(gk, (sumW2.get(gk) ?? 0) + r.prior * r.prior);
  }
  for (const [k, g] of groups) dof += g.prior - sumW2.get(k)! / g.prior;
  const sigmaW2 = dof > 1e-9 ? ss / dof : 0;
  const v = new Map<string, number>();
  for (const [k, g] of groups) v.set(k, (sigmaW2 * sumW2.get(k)!) / (g.prior * g.prior));
  return shrink(groups, mean, v);
}

/** Roads: precision-weighted means under the fitted traversal variance s^2 + (d / priorS)^2. */
export function roadShrinkage(obs: readonly Obs[]): Shrunk | undefined {
  const groups = groupSums(obs);
  if (groups.size < 3) return undefined;
  const fit = fitNoise(obs);
  if (!fit) return undefined;
  const { s2, d2 } = fit;
  const p = new Map<string, { p: number; pv: number }>();
  for (const x of obs) {
    let a = p.get(x.key);
    if (!a) p.set(x.key, (a = { p: 0, pv: 0 }));
    const varI = s2 + d2 / (x.priorS * x.priorS);
    // no spread at all: every traversal exact, weighted by its seconds
    const pi = varI > 0 ? 1 / varI : x.priorS;
    a.p += pi;
    a.pv += pi * x.v;
  }
  const mean = new Map<string, number>();
  const v = new Map<string, number>();
  for (const [k, a] of p) {
    mean.set(k, a.pv / a.p);
    v.set(k, s2 + d2 > 0 ? 1 / a.p : 0);
  }
  return { ...shrink(groups, mean, v), tripSd: Math.sqrt(s2), timingS: Math.sqrt(d2) };
}

/** B = tau^2 / (tau^2 + V) per group, tau^2 by moments; kappaS summarises it in seconds. */
function shrink(groups: Map<string, GroupSums>, mean: Map<string, number>, v: Map<string, number>): Shrunk {
  const tau2 = tau2Of(mean, v);
  const factors = new Map<string, number>();
  const evidenceS = new Map<string, number>();
  const perS: number[] = [];
  for (const [k, m] of mean) {
    const vk = v.get(k)!;
    factors.set(k, (tau2 / (tau2 + vk)) * m);
    const w = groups.get(k)!.prior;
    evidenceS.set(k, w);
    perS.push(vk * w);
  }
  perS.sort((a, b) => a - b);
  const kappaS = (perS[Math.floor(perS.length / 2)] ?? 0) / tau2;
  return { factors, evidenceS, kappaS, sd: Math.sqrt(tau2) };
}

/**
 * tau^2 from E mean^2 = tau^2 + V, each group weighted by 1 / (tau^2 + V)^2 (one over the
 * variance of its mean^2 - V, up to a constant), iterated from the unweighted mean of mean^2: the
 * groups measured well decide, the many barely measured ones (V large, and at the road level
 * overstated for pieces a second long) do not drag it to the floor. Floored at TAU2_FLOOR.
 */
function tau2Of(mean: Map<string, number>, v: Map<string, number>): number {
  let tau2 = 0;
  for (const m of mean.values()) tau2 += m * m;
  tau2 = Math.max(TAU2_FLOOR, tau2 / mean.size);
  for (let it = 0; it < 50; it++) {
    let su = 0,
      sum = 0;
    for (const [k, m] of mean) {
      const vk = v.get(k)!;
      const u = 1 / (tau2 + vk) ** 2;
      su += u;
      sum += u * (m * m - vk);
    }
    const next = Math.max(TAU2_FLOOR, sum / su);
    if (Math.abs(next - tau2) <= 1e-12) return next;
    tau2 = next;
  }
  return tau2;
}

/**
 * s^2 and d^2 fitted to consecutive pairs of one group's traversals (in the order given), both at
 * least 0; undefined without a pair. A squared difference q of two normal draws has variance
 * 2 (E q)^2, so the fit is least squares weighted by 1 / (E q)^2, found by iterating from a start
 * that trusts the pairs at the median: plain least squares would follow the few pieces of road a
 * second long, whose error no longer grows as 1 / priorS (they take the average of the fix
 * interval they lie in).
 */
export function fitNoise(obs: readonly Obs[]): { s2: number; d2: number } | undefined {
  const last = new Map<string, Obs>();
  const xs: number[] = [],
    qs: number[] = [];
  for (const o of obs) {
    const prev = last.get(o.key);
    last.set(o.key, o);
    if (!prev) continue;
    xs.push(1 / (prev.priorS * prev.priorS) + 1 / (o.priorS * o.priorS));
    qs.push((o.v - prev.v) ** 2);
  }
  if (xs.length === 0) return undefined;
  const mid = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)]!;
  const qm = mid(qs),
    xm = mid(xs);
  let a = qm / 4,
    b = xm > 0 ? qm / 2 / xm : 0;
  for (let it = 0; it < 20; it++) {
    // minimise sum wt (q - 2 a - b x)^2, wt = 1 / (2 a + b x)^2 from the last round; a, b >= 0
    let sw = 0,
      sx = 0,
      sxx = 0,
      sq = 0,
      sxq = 0;
    for (let i = 0; i < xs.length; i++) {
      const e = 2 * a + b * xs[i]!;
      const wt = e > 0 ? 1 / (e * e) : 1;
      sw += wt;
      sx += wt * xs[i]!;
      sxx += wt * xs[i]! * xs[i]!;
      sq += wt * qs[i]!;
      sxq += wt * xs[i]! * qs[i]!;
    }
    const det = sw * sxx - sx * sx;
    let na = det > 0 ? (sxx * sq - sx * sxq) / (2 * det) : sq / (2 * sw);
    let nb = det > 0 ? (sw * sxq - sx * sq) / det : 0;
    if (na < 0) {
      na = 0;
      nb = sxx > 0 ? Math.max(0, sxq / sxx) : 0;
    } else if (nb < 0) {
      nb = 0;
      na = Math.max(0, sq / (2 * sw));
    }
    if (na + nb === 0 || (Math.abs(na - a) <= 1e-9 * a && Math.abs(nb - b) <= 1e-9 * b)) return { s2: na, d2: nb };
    a = na;
    b = nb;
  }
  return { s2: a, d2: b };
}
