/**
 * Calibrations as versioned artefacts in the database (issue 19, items 3 and 4): saved and read
 * back whole, brought into force, rolled back step by step to the prior, and refused with stable
 * codes for an unknown version or nothing to roll back.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { isJcrError } from '../server/core/errors.ts';
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
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isJcrError(e) ? e.code : String(e);
  }
  return 'no error';
};

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

test('in force: the prior until one is brought in; rollbacks step back to the prior', () => {
  const cal = new CalibrationStore(Store.open(':memory:'));
  cal.add(run(1));
  cal.add(run(2));
  assert.is(cal.inForce(), null);
  assert.is(
    code(() => cal.rollBack(1, 'duty', 'nothing')),
    'JCR_CONFLICT',
  );
  cal.bringIntoForce(1, 10, 'calibrate', 'lowers the error');
  cal.bringIntoForce(2, 20, 'calibrate', 'lowers the error');
  assert.is(cal.inForce(), 2);
  assert.is(cal.rollBack(30, 'duty', 'roads look wrong'), 1);
  assert.is(cal.inForce(), 1);
  assert.is(cal.rollBack(40, 'duty', 'still wrong'), null);
  assert.is(cal.inForce(), null);
  assert.is(
    code(() => cal.rollBack(50, 'duty', 'again')),
    'JCR_CONFLICT',
  );
  assert.is(
    code(() => cal.bringIntoForce(9, 60, 'duty', 'x')),
    'JCR_NOT_FOUND',
  );
  assert.equal(
    cal.forceLog().map((e) => [e.version, e.actor, e.reason]),
    [
      [1, 'calibrate', 'lowers the error'],
      [2, 'calibrate', 'lowers the error'],
      [1, 'duty', 'rollback: roads look wrong'],
      [null, 'duty', 'rollback: still wrong'],
    ],
  );
});

test.run();
