/**
 * The live cover follows the calibration in force (issue 19, item 3): told a calibration's band
 * speeds, the cover worker times with them from then on (every surface recomputed, the answer
 * equal to an in-process computation over the calibrated planner), and told the prior again it
 * gives the prior's picture exactly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calibratedModel } from '../server/core/calibration/apply.ts';
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { fakeClock } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { CoverCalc } from '../server/shell/cover/calc.ts';
import { CoverService, type CoverSnapshot } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { manualTimer } from './support/timers.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const slow: Record<string, number> = { default: 0.5 };
for (const hw of planner.graph.highwayNames) slow[hw] = 0.5;
const factors: SpeedFactors = {
  classes: { 'weekday-am': slow },
  roads: {},
  evidenceS: 1,
  traversals: 1,
  kappa: { classS: 600, roadS: 120 },
};
const covered = (s: CoverSnapshot) => s.surfaces.map((x) => x.figures.map((f) => f.coveredWeight));

test('the cover worker times with the band speeds it is told, and with the prior again after', async () => {
  const clock = fakeClock();
  const timer = manualTimer();
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({ engine, planner, clock: clock.now, timers: timer });
  try {
    const prior = await cover.flushAsync();
    assert.equal(covered(prior), [[125, 110], [140]]);
    cover.setSpeeds({ version: 1, band: 'weekday-am', factors });
    const slowed = await cover.flushAsync();
    // the same computation on this thread over the calibrated planner
    const calc = new CoverCalc(
      new JourneyPlanner(planner.graph, calibratedModel(scenario.speedProfiles, planner.graph, factors, 'weekday-am')),
      scenario,
    );
    calc.apply(
      [...engine.room.fleet.all()].map((r) => ({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon })),
    );
    const inProcess = calc.compute(calc.model.surfaces.map((s) => s.key));
    assert.equal(
      covered(slowed),
      inProcess.map((x) => x.figures.map((f) => f.coveredWeight)),
    );
    assert.not.equal(covered(slowed), covered(prior));
    cover.setSpeeds(null);
    assert.equal(covered(await cover.flushAsync()), [[125, 110], [140]]);
  } finally {
    await cover.close();
  }
});

test.run();
