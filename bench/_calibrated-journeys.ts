/**
 * For `npm run bench -- recommend --calibrated`: the journey times of a calibration in force as
 * the server has them (server/shell/calibration/journeys.ts CalibratedJourneys over an Engine,
 * brought in as a change), with a seeded synthetic calibration: every class at 0.7 of the prior
 * in the band of BENCH_NOW and each road its own log-normal factor (sigma 0.2), as the true
 * traffic of the simulator draws them; or (--neutral) a calibration of no factors at all, whose
 * weights are the prior's, so that what it costs over the prior is the switch alone.
 */
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { bandOf } from '../server/core/calibration/time-band.ts';
import { seededRandom } from '../server/core/clock.ts';
import type { JourneyPlanner } from '../server/core/graph/planner.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { stationPoints } from '../server/core/incidents/journeys.ts';
import { inlineBands } from '../server/shell/calibration/band-worker.ts';
import { CalibratedJourneys } from '../server/shell/calibration/journeys.ts';
import { Engine } from '../server/shell/engine.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';
import { CalibrationStore, networkKey } from '../server/shell/store/calibrations.ts';
import { Store } from '../server/shell/store/store.ts';

export function syntheticFactors(planner: JourneyPlanner, band: string, seed: number): SpeedFactors {
  const g = planner.graph;
  const rnd = seededRandom(seed);
  const roads: Record<string, number> = {};
  for (let geom = 0; geom < g.geomStart.length - 1; geom++) {
    const z = Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
    roads[String(geom)] = Math.exp(0.2 * z);
  }
  const classes: Record<string, number> = {};
  for (const hw of g.highwayNames) classes[hw] = 0.7;
  classes.default = 0.7;
  return { classes: { [band]: classes }, roads, evidenceS: 1, traversals: 1, kappa: { classS: 600, roadS: 120 } };
}

/** A CalibratedJourneys with the synthetic calibration in force at `now`, its band's trees built inline and adopted. */
export async function calibratedAt(
  scenario: Scenario,
  planner: JourneyPlanner,
  now: number,
  neutral = false,
): Promise<CalibratedJourneys> {
  const store = Store.open(':memory:');
  const engine = Engine.boot(scenario, store, () => now);
  // neutral: no factor at all, so the band's weights are the prior's and only the switch costs
  const f: SpeedFactors = neutral
    ? { classes: {}, roads: {}, evidenceS: 0, traversals: 0, kappa: { classS: 600, roadS: 120 } }
    : syntheticFactors(planner, bandOf(scenario.timezone, now).band, 19);
  const version = new CalibrationStore(store).add({
    createdAt: now,
    network: networkKey(planner.graph),
    learnedFrom: 0,
    learnedTo: now,
    heldOutTrips: 0,
    mapeBefore: 0,
    mapeAfter: 0,
    biasAfter: 0,
    accepted: true,
    reason: 'bench',
    factors: { blue: f, routine: f },
  });
  const never = () => undefined;
  const cal = new CalibratedJourneys({
    engine,
    planner,
    scenario,
    prior: mobilisationFromPlanner(planner, scenario),
    clock: () => now,
    timers: { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never },
    bands: inlineBands(
      {
        graph: planner.graph,
        speedProfiles: scenario.speedProfiles,
        maxSnapM: planner.maxSnapM,
        offRoadKmh: planner.offRoadKmh,
      },
      stationPoints(scenario),
    ),
  });
  engine.execute(
    { type: 'calibration.bringIntoForce', version, network: networkKey(planner.graph), reason: 'bench' },
    { origin: 'system', actor: 'bench' },
  );
  await cal.settled();
  return cal;
}
