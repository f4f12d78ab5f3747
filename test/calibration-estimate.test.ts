/**
 * The calibration estimator (issue 19, item 3) and the held-out check (item 4) on literal
 * traversals, exact answers: no data gives the prior, much data gives the data, a little data is
 * shrunk towards the prior in proportion to its evidence, a slow road stands out from its class,
 * and a calibration is accepted only if it lowers the held-out error.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { estimateFactors, factorOf, type BandTraversal } from '../server/core/calibration/estimate.ts';
import { judge, tripError } from '../server/core/calibration/validate.ts';

const CLASS: Record<number, string> = { 1: 'primary', 2: 'primary', 3: 'residential', 4: 'motorway' };
const classOf = (g: number) => CLASS[g] ?? 'road';
const tr = (geom: number, band: string, priorS: number, seconds: number): BandTraversal => ({
  geom,
  band,
  priorS,
  seconds,
});
const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const near = (got: number, want: number) => assert.ok(Math.abs(got - want) < 1e-12, `${got} != ${want}`);

test('no data gives the prior: every factor is 1', () => {
  const f = estimateFactors([], classOf);
  assert.equal([f.classes, f.roads, f.evidenceS, f.traversals], [{}, {}, 0, 0]);
  assert.is(factorOf(f, 'weekday-am', 'primary', 1), 1);
  // unusable traversals (no time, no prior) are no data either
  assert.equal(estimateFactors([tr(1, 'weekday-am', 0, 10), tr(1, 'weekday-am', 10, 0)], classOf).classes, {});
});

test('much data gives the data: consistent traversals in three groups are taken as they are', () => {
  const data = [
    ...times(400, () => tr(1, 'weekday-am', 60, 75)), // 0.8 of the prior's speed
    ...times(400, () => tr(3, 'weekday-am', 30, 24)), // 1.25
    ...times(400, () => tr(4, 'weekend-night', 100, 200)), // 0.5
  ];
  const f = estimateFactors(data, classOf);
  // no spread within groups: sigma^2 = 0, so kappa = 0 and the data stand
  assert.ok(f.kappa.classS < 1e-20 && f.kappa.roadS < 1e-20, JSON.stringify(f.kappa));
  near(f.classes['weekday-am']!.primary!, 0.8);
  near(f.classes['weekday-am']!.residential!, 1.25);
  near(f.classes['weekend-night']!.motorway!, 0.5);
  near(factorOf(f, 'weekday-am', 'primary', 1), 0.8);
  assert.is(f.traversals, 1200);
  assert.is(f.evidenceS, 400 * 190);
});

test('a little data is shrunk towards the prior in proportion to its evidence', () => {
  const f = estimateFactors([tr(1, 'weekday-pm', 60, 120)], classOf, { empirical: false });
  const lnf = (60 / (60 + 600)) * Math.log(0.5);
  near(f.classes['weekday-pm']!.primary!, Math.exp(lnf));
  // the road has 60 s >= minRoadS: it keeps a share of what the class leaves
  near(f.roads['1']!, Math.exp((60 / (60 + 120)) * (Math.log(0.5) - lnf)));
  // ten times the evidence: nearer the data
  const f10 = estimateFactors(
    times(10, () => tr(1, 'weekday-pm', 60, 120)),
    classOf,
    { empirical: false },
  );
  near(f10.classes['weekday-pm']!.primary!, Math.exp((600 / 1200) * Math.log(0.5)));
  // under minRoadS a road gets no factor of its own
  assert.equal(estimateFactors([tr(1, 'weekday-pm', 20, 40)], classOf, { empirical: false }).roads, {});
});

test('a slow road stands out from its class', () => {
  // roads 1 and 2 are both primary; road 2 is driven at half the speed of road 1
  const data = [
    ...times(50, () => tr(1, 'weekday-inter', 100, 100)),
    ...times(50, () => tr(2, 'weekday-inter', 100, 200)),
  ];
  const f = estimateFactors(data, classOf, { empirical: false, classKappaS: 0, roadKappaS: 0 });
  // class: the ratio of sums, 5000 prior seconds over 15000 driven; each road: what is left
  near(f.classes['weekday-inter']!.primary!, 10000 / 15000);
  near(factorOf(f, 'weekday-inter', 'primary', 1), 1);
  near(factorOf(f, 'weekday-inter', 'primary', 2), 0.5);
});

test('held-out error: MAPE and bias per trip; a calibration is accepted only if it lowers the error', () => {
  // two trips, each over road 1 (primary) in the morning peak, driven at 0.8 of the prior's speed
  const heldOut = [[tr(1, 'weekday-am', 60, 75)], [tr(1, 'weekday-am', 40, 50), tr(3, 'weekday-am', 10, 10)]];
  const prior = tripError(heldOut, null, classOf);
  // trip 1: 60 vs 75 -> -20%; trip 2: 50 vs 60 -> -16.67%
  near(prior.mape, (15 / 75 + 10 / 60) / 2);
  near(prior.bias, -(15 / 75 + 10 / 60) / 2);
  const good = estimateFactors(
    times(100, () => tr(1, 'weekday-am', 60, 75)),
    classOf,
    {
      empirical: false,
      classKappaS: 0,
      roadKappaS: 0,
    },
  );
  const v = judge(heldOut, good, null, classOf);
  assert.is(v.accept, true);
  near(v.candidate.mape, (0 + 0) / 2);
  const bad = estimateFactors(
    times(100, () => tr(1, 'weekday-am', 60, 30)),
    classOf,
    {
      empirical: false,
      classKappaS: 0,
      roadKappaS: 0,
    },
  );
  const w = judge(heldOut, bad, good, classOf);
  assert.is(w.accept, false);
  assert.match(w.reason, /does not lower the held-out error/);
});

test.run();
