/**
 * The estimator's empirical model (issue 19, server/core/calibration/estimate-spread.ts) on literal
 * traversals, exact answers: the traversal noise s^2 + (d / priorS)^2 measured from pairs of one
 * road, a road driven in long traversals trusted more than one seen in second-long pieces, and a
 * class in a band trusted by its number of roads rather than its seconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { estimateFactors, type BandTraversal } from '../server/core/calibration/estimate.ts';
import { classShrinkage, fitNoise, roadShrinkage, type Obs } from '../server/core/calibration/estimate-spread.ts';

const near = (got: number, want: number, tol = 1e-12) => assert.ok(Math.abs(got - want) <= tol, `${got} != ${want}`);
const ob = (key: string, v: number, priorS: number): Obs => ({ key, geom: Number(key), v, priorS, seconds: priorS });

// s^2 = 0.0025 (a trip-to-trip spread of 0.05), d^2 = 0.25 (half a second of timing error): a pair
// of traversals of w seconds each differs by q = 2 s^2 + 2 d^2 / w^2 squared
const S2 = 0.0025,
  D2 = 0.25;
const pair = (key: string, mean: number, w: number): Obs[] => {
  const half = Math.sqrt(2 * S2 + (2 * D2) / (w * w)) / 2;
  return [ob(key, mean + half, w), ob(key, mean - half, w)];
};
// four roads: 100 s, 10 s, 2 s and 5 s traversals, two each, road means +-0.2
const ROADS = [...pair('1', 0.2, 100), ...pair('2', -0.2, 10), ...pair('3', 0.2, 2), ...pair('4', -0.2, 5)];

test('the traversal noise is measured from pairs of traversals of one road', () => {
  const fit = fitNoise(ROADS)!;
  near(fit.s2, S2);
  near(fit.d2, D2);
  // no pair (each road once): nothing to measure
  assert.is(fitNoise([ob('1', 0.1, 10), ob('2', 0.3, 10)]), undefined);
  // no spread at all
  assert.equal(fitNoise([ob('1', 0.1, 10), ob('1', 0.1, 20)]), { s2: 0, d2: 0 });
});

test('a road driven in long traversals is trusted more than one seen in second-long pieces', () => {
  const r = roadShrinkage(ROADS)!;
  near(r.tripSd!, 0.05);
  near(r.timingS!, 0.5);
  // each road's mean is shrunk by tau^2 / (tau^2 + V), V = (s^2 + d^2 / w^2) / 2 for its two traversals
  const V: Record<string, number> = { '1': 0.0012625, '2': 0.0025, '3': 0.0325, '4': 0.00625 };
  const tau2 = r.sd! ** 2;
  // tau^2 is the fixed point of the weighted moments: sum (m^2 - V - tau^2) / (tau^2 + V)^2 = 0
  let eq = 0;
  for (const v of Object.values(V)) eq += (0.04 - v - tau2) / (tau2 + v) ** 2;
  near(eq, 0, 1e-6);
  for (const [k, v] of Object.entries(V))
    near(r.factors.get(k)!, (tau2 / (tau2 + v)) * (k === '1' || k === '3' ? 0.2 : -0.2), 1e-12);
  // the 100 s road keeps 96% of what it shows; the 2 s road, with the same mean, well under two thirds
  assert.ok(r.factors.get('1')! > 0.96 * 0.2 && r.factors.get('3')! < 0.2 * (2 / 3), JSON.stringify([...r.factors]));
  assert.equal(
    [...r.evidenceS],
    [
      ['1', 200],
      ['2', 20],
      ['3', 4],
      ['4', 10],
    ],
  );
});

test('a class in a band is trusted by its number of roads, not its seconds', () => {
  // three groups of 1,000 prior seconds: A over one road, B and C over four roads of 250 s, whose
  // speeds differ (0.8 and 1.25 of the group's); each traversal's v = ln(priorS / seconds)
  const o = (key: string, geom: number, priorS: number, seconds: number): Obs => ({
    key,
    geom,
    v: Math.log(priorS / seconds),
    priorS,
    seconds,
  });
  const four = (key: string, base: number, f: number) =>
    [f * 0.8, f * 1.25, f * 0.8, f * 1.25].map((x, i) => o(key, base + i, 250, 250 / x));
  const obs = [o('A', 1, 1000, 1000 / 0.7), ...four('B', 10, 0.6), ...four('C', 20, 0.9)];
  const s = classShrinkage(obs)!;
  // group means: ratios of sums
  const mean = (fs: number[]) => Math.log((250 * fs.length) / fs.reduce((a, f) => a + 250 / f, 0));
  const mA = Math.log(0.7),
    mB = mean([0.48, 0.75, 0.48, 0.75]),
    mC = mean([0.72, 1.125, 0.72, 1.125]);
  // sigma_w^2: the roads' spread about their group's mean, over sum (W - sum W_r^2 / W) = 0 + 750 + 750
  let ss = 0;
  for (const [m, fs] of [
    [mB, [0.48, 0.75]],
    [mC, [0.72, 1.125]],
  ] as const)
    for (const f of fs) ss += 2 * 250 * (Math.log(f) - m) ** 2;
  const sigmaW2 = ss / 1500;
  // V = sigma_w^2 x sum (W_r / W)^2: one road gives sigma_w^2, four equal ones a quarter of it
  const tau2 = s.sd! ** 2;
  near(s.factors.get('A')!, (tau2 / (tau2 + sigmaW2)) * mA);
  near(s.factors.get('B')!, (tau2 / (tau2 + sigmaW2 / 4)) * mB);
  near(s.factors.get('C')!, (tau2 / (tau2 + sigmaW2 / 4)) * mC);
});

test('the empirical model: much data gives the data, and no data the prior', () => {
  // four roads of one class in one band, driven 200 times each at 0.9, 1.1, 0.8 and 1.2 of the
  // prior with a trip-to-trip spread of +-5%: the roads' factors come out as the data, to 1%
  const data: BandTraversal[] = [];
  const speeds = [0.9, 1.1, 0.8, 1.2];
  for (let i = 0; i < 200; i++)
    speeds.forEach((f, geom) =>
      data.push({ geom, band: 'weekday-am', priorS: 60, seconds: 60 / (f * (i % 2 ? 1.05 : 1 / 1.05)) }),
    );
  // and two more bands over a road each, so that the class level has three groups
  data.push(
    { geom: 9, band: 'weekday-pm', priorS: 60, seconds: 80 },
    { geom: 10, band: 'weekend-am', priorS: 60, seconds: 60 },
  );
  const f = estimateFactors(data, () => 'primary');
  const shown = speeds.map((s, geom) => f.classes['weekday-am']!.primary! * f.roads[String(geom)]!);
  speeds.forEach((s, i) => assert.ok(Math.abs(shown[i]! / s - 1) < 0.01, `${shown[i]} vs ${s}`));
  // the trip-to-trip spread: traversals of equal length all, so no timing error can be told
  // apart; consecutive ones differ by 2 ln 1.05 (they alternate), so s^2 = (2 ln 1.05)^2 / 2
  near(f.spread!.tripSd, Math.SQRT2 * Math.log(1.05));
  near(f.spread!.timingS, 0);
  assert.equal(estimateFactors([], () => 'primary').classes, {});
});

test.run();
