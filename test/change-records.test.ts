/**
 * Changes as records (server/core/changes.ts): the room's rules live in one place and the COP and
 * the cover service follow them by reading what Room.apply recorded, holding no copy of their own.
 * Each test changes or exercises a rule of the room and checks that what they push follows.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock } from '../server/core/clock.ts';
import { CopHub } from '../server/core/cop/hub.ts';
import { parseControl } from '../server/core/cop/frames.ts';
import { holdsIncident, ResourceStatus } from '../server/core/fleet/status.ts';
import type { Command } from '../server/core/room.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { decodeClient, encodeServer } from '../server/shell/cop/codec.ts';
import { CoverService } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { FakeSocket } from './support/cop.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { neverTimers } from './support/timers.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const op = { origin: 'operator' as const, actor: 'alice' };

/** A room (with the given incident rule) and a COP screen; `changes()` ticks and says what the last delta carried. */
function copWorld(rule?: (s: ResourceStatus) => boolean) {
  const clock = fakeClock(T0);
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now, rule ? { holdsIncident: rule } : {});
  const hub = new CopHub({ room: engine.room, clock: clock.now, encode: encodeServer, epoch: 'e', limits: {} });
  engine.onChanges((record) => hub.onChanges(record));
  const sock = new FakeSocket();
  const id = hub.connect(sock, { id: 'test', via: 'test', incidentScope: null });
  hub.control(id, parseControl(decodeClient(encodeClientFrame(sock.picture.subscribeMessage()))));
  hub.tick();
  const exec = (cmd: Command) => engine.execute(cmd, op);
  const changes = () => {
    clock.advance(1_000);
    hub.tick();
    return (sock.frames().at(-1)?.delta?.changes ?? []).map((c) =>
      c.status
        ? `status ${c.status.ref}:${c.status.status}:${c.status.incidentId}`
        : `incident ${c.incident?.incident.id}:${c.incident?.incident.attendances.map((a) => `${a.resourceId}/left@${a.leftAtMs === 0 ? '-' : a.leftAtMs - T0}`).join('+')}`,
    );
  };
  exec({
    type: 'incident.create',
    typeId: 'dwelling-fire',
    lat: 51.7636,
    lon: -0.2232,
    address: 'Hatfield',
    priority: 2,
  });
  exec({ type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1'], proposed: ['HAT1'] });
  exec({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AT_SCENE });
  changes();
  return { engine, sock, exec, changes };
}

test('the COP follows the room incident rule: changed in one place (a Room option), the deltas say what the fleet holds', () => {
  // The rule as shipped: a returning crew has left its incident.
  const std = copWorld();
  std.exec({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.RETURNING });
  assert.equal(std.changes(), ['status 1:5:', 'incident INC-1:HAT1/left@1000']);
  assert.is(std.engine.room.fleet.require('HAT1').incidentId, undefined);

  // The variant: a returning crew stays on its incident until it books available. Only the room
  // is told; the hub's status change and attendance follow the fleet and the incident book.
  const kept = copWorld((s) => holdsIncident(s) || s === ResourceStatus.RETURNING);
  kept.exec({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.RETURNING });
  assert.equal(kept.changes(), ['status 1:5:INC-1', 'incident INC-1:HAT1/left@-']);
  assert.is(kept.engine.room.fleet.require('HAT1').incidentId, 'INC-1');
  assert.is(kept.sock.picture.resources.get('HAT1')?.incidentId, 'INC-1');
  kept.exec({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AVAILABLE_AT_STATION });
  assert.equal(kept.changes(), ['status 1:1:', 'incident INC-1:HAT1/left@2000']);
  assert.is(kept.sock.picture.resources.get('HAT1')?.incidentId, null);
});

/** The cover world plus an ambulance officer's car: no capability any standard counts, so no cover surface. */
function coverWithOfficer(): Scenario {
  const s = coverScenario();
  return {
    ...s,
    resources: [
      ...s.resources,
      {
        id: 'OFF1',
        callSign: 'EE-OFF1',
        agency: 'ambulance',
        type: 'officer',
        capabilities: ['command'],
        station: 'A-CEN',
        crewing: 'mobile',
        vehicleClass: 'ambulance',
      },
    ],
  };
}

test('the cover follows the room standby rule: a status change that ends a standby move drops it from the picture', async () => {
  const scenario = coverWithOfficer();
  const clock = fakeClock(T0);
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({
    engine,
    planner: coverPlanner(scenario),
    clock: clock.now,
    timers: neverTimers,
    mode: 'inline',
  });
  try {
    await cover.flushAsync();
    engine.execute({ type: 'cover.standbyMove', resourceId: 'OFF1', destinationId: 'DAP-NEW' }, op);
    assert.equal(
      (await cover.flushAsync()).standby.map((m) => [m.resourceId, m.destination.id]),
      [['OFF1', 'DAP-NEW']],
    );
    // StandbyBook's rule: any status but AVAILABLE_MOBILE ends the move. No cover surface counts
    // OFF1, so nothing needs recomputing: only the record says the move has gone.
    engine.execute({ type: 'resource.setStatus', resourceId: 'OFF1', status: ResourceStatus.UNAVAILABLE }, op);
    assert.equal(engine.room.standby.active(), []);
    const s = await cover.flushAsync();
    assert.equal([s.standby, s.eventSeq], [[], engine.room.lastSeq]);
  } finally {
    await cover.close();
  }
});

test.run();
