/**
 * Which calibration is in force is a change of the room (issue 19, items 3 and 4): brought into
 * force and rolled back through Engine.execute, each a durable `calibration.inForce` event with
 * its origin and actor that listeners hear; rollbacks step back to the prior; refusals carry
 * stable codes (nothing to roll back, already in force, a bad version or reason); a restart
 * replays the log to the same calibration in force.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { isJcrError } from '../server/core/errors.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return isJcrError(e) ? e.code : String(e);
  }
  return 'no error';
};
const run = { origin: 'system' as const, actor: 'calibrate' };
const duty = { origin: 'operator' as const, actor: 'duty' };

test('in force: the prior until one is brought in; rollbacks step back to the prior; every step an event', () => {
  const store = Store.open(':memory:');
  const clock = fakeClock(1000);
  const engine = Engine.boot(miniScenario(), store, clock.now);
  const heard: JcrEvent[] = [];
  engine.onEvents((es) => heard.push(...es));
  const book = engine.room.calibration;
  assert.is(book.inForce, null);
  assert.is(
    code(() => engine.execute({ type: 'calibration.rollBack', reason: 'nothing' }, duty)),
    'JCR_CONFLICT',
  );
  engine.execute({ type: 'calibration.bringIntoForce', version: 1, network: 'g6-e10-p12', reason: 'lowers' }, run);
  engine.execute({ type: 'calibration.bringIntoForce', version: 2, network: 'g6-e10-p12', reason: 'lowers' }, run);
  assert.equal(book.inForce, { version: 2, network: 'g6-e10-p12' });
  assert.is(
    code(() =>
      engine.execute({ type: 'calibration.bringIntoForce', version: 2, network: 'g6-e10-p12', reason: 'x' }, duty),
    ),
    'JCR_CONFLICT',
  );
  engine.execute({ type: 'calibration.rollBack', reason: 'roads look wrong' }, duty);
  assert.equal(book.inForce, { version: 1, network: 'g6-e10-p12' });
  // a restart replays the log to the same calibration in force
  assert.equal(Engine.boot(miniScenario(), store, clock.now).room.calibration.inForce, {
    version: 1,
    network: 'g6-e10-p12',
  });
  engine.execute({ type: 'calibration.rollBack', reason: 'still wrong' }, duty);
  assert.is(book.inForce, null);
  assert.is(
    code(() => engine.execute({ type: 'calibration.rollBack', reason: 'again' }, duty)),
    'JCR_CONFLICT',
  );
  assert.is(
    code(() => engine.execute({ type: 'calibration.bringIntoForce', version: 0, network: 'n', reason: 'x' }, duty)),
    'JCR_VALIDATION',
  );
  assert.is(
    code(() => engine.execute({ type: 'calibration.bringIntoForce', version: 3, network: 'n', reason: ' ' }, duty)),
    'JCR_VALIDATION',
  );
  const log = [...store.events(0)].map((e) => [e.type, e.origin, e.actor, e.data]);
  assert.equal(log, [
    [
      'calibration.inForce',
      'system',
      'calibrate',
      { version: 1, network: 'g6-e10-p12', rollback: false, reason: 'lowers' },
    ],
    [
      'calibration.inForce',
      'system',
      'calibrate',
      { version: 2, network: 'g6-e10-p12', rollback: false, reason: 'lowers' },
    ],
    [
      'calibration.inForce',
      'operator',
      'duty',
      { version: 1, network: 'g6-e10-p12', rollback: true, reason: 'roads look wrong' },
    ],
    ['calibration.inForce', 'operator', 'duty', { version: null, rollback: true, reason: 'still wrong' }],
  ]);
  // listeners heard every change
  assert.equal(
    heard.map((e) => e.type === 'calibration.inForce' && e.data.version),
    [1, 2, 1, null],
  );
  assert.is(Engine.boot(miniScenario(), store, clock.now).room.calibration.inForce, null);
});

test.run();
