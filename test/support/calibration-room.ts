/**
 * A room on the calibration tests' literal network (./calibration-net.ts) with the planner's
 * calibrated journey times over it, as the server wires them (issue 19): the morning factors the
 * band and planner tests bring in, the stored row that carries them, and the room itself.
 */
import type { SpeedFactors } from '../../server/core/calibration/estimate.ts';
import { fakeClock } from '../../server/core/clock.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { stationPoints } from '../../server/core/incidents/journeys.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { inlineBands, type BandBuilder } from '../../server/shell/calibration/band-worker.ts';
import {
  CalibratedJourneys,
  type BandSpeeds,
  type CalibratedJourneysOptions,
} from '../../server/shell/calibration/journeys.ts';
import { Engine } from '../../server/shell/engine.ts';
import { mobilisationFromPlanner } from '../../server/shell/incidents/mobilisation.ts';
import { networkKey, type CalibrationRecord } from '../../server/shell/store/calibrations.ts';
import { Store } from '../../server/shell/store/store.ts';
import { geomAt, graph, netScenario, T0 } from './calibration-net.ts';
import { manualTimer } from './timers.ts';

/** Weekday mornings: residential roads at half the prior's speed, and M2 at 0.4 of that. */
export const FACTORS: SpeedFactors = {
  classes: { 'weekday-am': { residential: 0.5 } },
  roads: { [geomAt(0.006)]: 0.4 },
  evidenceS: 600,
  traversals: 10,
  kappa: { classS: 600, roadS: 120 },
};
export const NIGHT = Date.UTC(2026, 0, 5, 23, 0, 0); // Monday 23:00 London: weekday-night

/** An accepted calibration row of the literal network, as the learning job stores one. */
export const calibrationRow = (
  blue: SpeedFactors,
  routine: SpeedFactors,
  reason: string,
): Omit<CalibrationRecord, 'version'> => ({
  createdAt: T0,
  network: networkKey(graph),
  learnedFrom: 0,
  learnedTo: T0,
  heldOutTrips: 40,
  mapeBefore: 0.2,
  mapeAfter: 0.1,
  biasAfter: 0,
  accepted: true,
  reason,
  factors: { blue, routine },
});

/** Calibrated journey times over `engine`'s room, with inline band builds unless `bands` is given. */
export function calibratedJourneys(
  room: Pick<CalibratedJourneysOptions, 'engine' | 'scenario' | 'clock' | 'timers'>,
  opts: { bands?: BandBuilder; onSpeeds?: (s: BandSpeeds | null) => void } = {},
) {
  const { engine, scenario, clock, timers } = room;
  const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
  const prior = mobilisationFromPlanner(planner, scenario);
  const cal = new CalibratedJourneys({
    engine,
    planner,
    scenario,
    prior,
    clock,
    timers,
    bands:
      opts.bands ??
      inlineBands(
        { graph, speedProfiles: scenario.speedProfiles, maxSnapM: planner.maxSnapM, offRoadKmh: planner.offRoadKmh },
        stationPoints(scenario),
      ),
    ...(opts.onSpeeds ? { onSpeeds: opts.onSpeeds } : {}),
  });
  return { planner, prior, cal };
}

/** A room booted on the network's scenario at T0 (Monday 08:00 London, weekday-am), in memory. */
export function calibrationRoom(scenario: Scenario = netScenario()) {
  const clock = fakeClock(T0);
  const timers = manualTimer();
  const store = Store.open(':memory:');
  const engine = Engine.boot(scenario, store, clock.now);
  return { scenario, clock, timers, store, engine };
}
