/**
 * `npm run calibrate`'s run (issue 19, item 4) against a database with literal AVL history and
 * status events over the small literal network (the resource HAT1 of the mini scenario, so the
 * room replays the same log): ten blue-light trips along the main road driven
 * at half the prior's speed; the run matches them in the worker thread, learns, is accepted on the
 * held-out trips (the prior's error there is 50%) and comes into force as version 1. The same
 * run again cannot lower the error of version 1, so version 2 is saved as rejected and 1 stays.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { forceThrough, runCalibration } from '../server/shell/calibration/run.ts';
import { Engine } from '../server/shell/engine.ts';
import { CalibrationStore } from '../server/shell/store/calibrations.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { graph, history, PROFILES, T0 } from './support/calibration-net.ts';

test('a calibration run learns, passes the held-out check and comes into force; a run that cannot do better does not', async () => {
  const store = history(Store.open(':memory:'));
  // the room over the same log: what is in force, and the one path to change it
  const engine = Engine.boot(miniScenario(), store, fakeClock(T0 + 86_400_000).now);
  const opts = {
    store,
    graph,
    speedProfiles: PROFILES,
    zone: 'Europe/London',
    profileOf: (id: string) => (id === 'HAT1' ? 'ten' : undefined),
    sinceMs: T0 - 3_600_000,
    now: T0 + 86_400_000,
    force: forceThrough(engine, { origin: 'operator', actor: 'test' }),
  };
  const first = await runCalibration(opts);
  assert.equal([first.version, first.accepted, first.inForce, first.trips], [1, true, 1, 10]);
  assert.ok(Math.abs(first.mapeBefore - 0.5) < 1e-3, `prior's held-out error ${first.mapeBefore}`);
  assert.ok(first.mapeAfter < first.mapeBefore);
  const cal = new CalibrationStore(store);
  const v1 = cal.get(1)!;
  // blue-light factors learnt for the main road's class in the morning peak, routine none
  assert.ok(v1.factors.blue.classes['weekday-am']!.residential! < 1);
  assert.equal(v1.factors.routine.classes, {});
  const again = await runCalibration(opts);
  assert.equal([again.version, again.accepted, again.inForce], [2, false, 1]);
  assert.match(again.reason, /does not lower the held-out error/);
  assert.equal(engine.room.calibration.inForce, { version: 1, network: v1.network });
  // brought into force once, as a change of the room with its origin and actor
  assert.equal(
    [...store.events(0)].filter((e) => e.type === 'calibration.inForce').map((e) => [e.data, e.origin, e.actor]),
    [[{ version: 1, network: v1.network, rollback: false, reason: first.reason }, 'operator', 'test']],
  );
});

test.run();
