/**
 * The "quicker resource available" alert (issue 17 item 3, docs/alerts.md kind `quicker`), with
 * exact data on the golden north London world: BG1 comes back into service 370 s from a
 * dwelling fire that BRM1 still has 471 s to reach, the quicker-resource policy flags it, and the
 * alert policy raises one alert naming both units and the time saved; nothing raises it twice,
 * and it clears when the flag drops (BRM1 arrives). Fake clock, the reactor as the server wires it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertMsg } from '../server/core/alerts/book.ts';
import { fakeClock } from '../server/core/clock.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { startReactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { goldenWorld } from './support/golden-world.ts';

const w = goldenWorld();
const ctx = { origin: 'operator' as const, actor: 'alice' };

test('a quicker resource available raises one alert with the units and the time saved, cleared when the flag drops', () => {
  const clock = fakeClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const engine = Engine.boot(w.scenario, Store.open(':memory:'), clock.now);
  const reactor = startReactor(engine, {
    mobilisation: { journeys: w.journeys, cover: (f) => w.cover.at(f) },
    log: createLogger('silent'),
  });
  engine.execute({ type: 'resource.setStatus', resourceId: 'BG1', status: ResourceStatus.UNAVAILABLE }, ctx);
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.603, lon: -0.1438 }, ctx);
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['FB1', 'BRM1'], proposed: ['FB1', 'BRM1'] },
    ctx,
  );
  const quicker = () => engine.room.alerts.active().filter((a) => a.kind === 'quicker');
  assert.equal(quicker(), []);
  clock.advance(30_000);
  const raisedAt = clock.now();
  // BG1 back at its station: 370 s away, BRM1 still 471 s: 101 s sooner.
  engine.execute({ type: 'resource.setStatus', resourceId: 'BG1', status: ResourceStatus.AVAILABLE_AT_STATION }, ctx);
  const [a] = quicker();
  assert.ok(a, 'no quicker alert');
  assert.equal(alertMsg(a), {
    id: 'AL-2', // AL-1: the new priority 1, cleared when FB1 and BRM1 were sent
    kind: 'quicker',
    cause: 'quicker:INC-1:BRM1:BG1',
    incidentId: 'INC-1',
    resourceId: 'BG1',
    agencies: ['fire'],
    priority: 1,
    text: 'BG1 would arrive 2 min sooner than BRM1: Dwelling fire, INC-1',
    raisedAtMs: raisedAt,
    clearedAtMs: 0,
    eventSeq: 10,
  });
  // Once for the cause: another availability change and the reactor's ticks raise nothing more.
  engine.execute({ type: 'resource.setStatus', resourceId: 'PC1', status: ResourceStatus.AVAILABLE_MOBILE }, ctx);
  clock.advance(10_000);
  reactor.tick();
  const raised = () =>
    [...engine.store.events(0)].filter((e) => e.type === 'alert.raised' && e.data.kind === 'quicker');
  assert.is(raised().length, 1);

  // BRM1 reaches the incident (AVL arrival): the flag drops, and the alert clears with it.
  const r = engine.room.fleet.require('BRM1');
  engine.room.fleet.applyFix(r, 51.60336, -0.1438, 180, 1, clock.now(), 5);
  engine.notifyPositions(['BRM1']);
  assert.equal(engine.room.incidents.require('INC-1').quicker, []);
  assert.equal(quicker(), []);
  assert.equal(
    [engine.room.alerts.get(a.id)?.clearedAt, engine.room.alerts.get(a.id)?.clearReason],
    [clock.now(), 'no longer quicker'],
  );
});

test.run();
