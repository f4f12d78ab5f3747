/**
 * Calibrations as versioned artefacts in the database (issue 19, item 3): saved and read back
 * whole. What is in force is the room's (test/calibration-force.test.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { CalibrationStore, type CalibrationRecord } from '../server/shell/store/calibrations.ts';
import { MIGRATIONS } from '../server/shell/store/migrations.ts';
import { Store } from '../server/shell/store/store.ts';

const F: SpeedFactors = {
  classes: { 'weekday-am': { primary: 0.8 } },
  roads: { '12': 0.5 },
  evidenceS: 600,
  traversals: 10,
  kappa: { classS: 600, roadS: 120 },
};
const run = (n: number): Omit<CalibrationRecord, 'version'> => ({
  createdAt: 1000 * n,
  network: 'g6-e10-p12',
  learnedFrom: 0,
  learnedTo: 100 * n,
  heldOutTrips: 40,
  mapeBefore: 0.2,
  mapeAfter: 0.1,
  biasAfter: -0.01,
  accepted: true,
  reason: `run ${n}`,
  factors: { blue: F, routine: { ...F, roads: {} } },
});
test('a calibration is saved as a version and read back whole', () => {
  const store = Store.open(':memory:');
  assert.is(store.schemaVersion, MIGRATIONS.length);
  const cal = new CalibrationStore(store);
  assert.is(cal.add(run(1)), 1);
  assert.is(cal.add(run(2)), 2);
  assert.equal(cal.get(1), { version: 1, ...run(1) });
  assert.equal(
    cal.list().map((c) => c.version),
    [2, 1],
  );
  assert.is(cal.get(3), undefined);
});

test.run();
