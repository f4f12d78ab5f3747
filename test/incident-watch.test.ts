import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { startReactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { bg1BackQuicker, goldenWorld } from './support/golden-world.ts';

/** Arrival detection from AVL and the quicker-resource flag, on the golden north London world. */
const w = goldenWorld();
const ctx = { origin: 'operator' as const, actor: 'alice' };

function boot() {
  const clock = fakeClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const engine = Engine.boot(w.scenario, Store.open(':memory:'), clock.now);
  startReactor(engine, {
    mobilisation: { journeys: w.journeys, cover: (f) => w.cover.at(f) },
    log: createLogger('silent'),
  });
  return { engine, clock };
}

test('a quicker resource becoming available is flagged against the slowest en-route one, then arrival from AVL clears it', () => {
  const { engine, clock } = boot();
  bg1BackQuicker(engine, clock);
  const inc = engine.room.incidents.require('INC-1');
  assert.equal(
    inc.quicker.map(({ seq: _s, at: _a, ...f }) => f),
    [{ capability: 'pump', enRouteId: 'BRM1', enRouteEtaS: 471, quickerId: 'BG1', quickerEtaS: 370 }],
  );
  // No repeat on the next availability change.
  engine.execute({ type: 'resource.setStatus', resourceId: 'PC1', status: ResourceStatus.AVAILABLE_MOBILE }, ctx);
  assert.is(inc.quicker.length, 1);

  // BRM1 creeps into the incident (40 m away, 1 m/s): AVL arrival.
  const r = engine.room.fleet.require('BRM1');
  engine.room.fleet.applyFix(r, 51.60336, -0.1438, 180, 1, clock.now(), 5);
  engine.notifyPositions(['BRM1']);
  assert.is(r.status, ResourceStatus.AT_SCENE);
  const att = inc.attendances.find((a) => a.resourceId === 'BRM1')!;
  assert.equal([att.arrivedAt, att.arrivalSource, inc.status, inc.quicker], [clock.now(), 'avl', 'in-attendance', []]);
  const last = engine.room.incidents.timeline('INC-1').at(-1)!;
  assert.equal([last.type, last.origin, last.actor], ['resource.status', 'avl', 'arrival-detector']);
});

test('no arrival while still moving fast or farther than 100 m', () => {
  const { engine, clock } = boot();
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.603, lon: -0.1438 }, ctx);
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['BG1', 'FB1'], proposed: ['BG1', 'FB1'] },
    ctx,
  );
  const r = engine.room.fleet.require('BG1');
  engine.room.fleet.applyFix(r, 51.6031, -0.1438, 0, 8, clock.now(), 5); // 11 m away at 8 m/s
  engine.notifyPositions(['BG1']);
  assert.is(r.status, ResourceStatus.MOBILISED);
  engine.room.fleet.applyFix(r, 51.6045, -0.1438, 0, 0, clock.now(), 5); // 167 m away, stopped
  engine.notifyPositions(['BG1']);
  assert.is(r.status, ResourceStatus.MOBILISED);
});

test.run();
