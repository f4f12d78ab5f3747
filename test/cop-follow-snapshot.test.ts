/**
 * A following hub's snapshot (a COP gateway, a standby: cluster mode) shows each resource where
 * the leader's records up to its seq put it (and each incident as they showed it), not where the live bucket has since put the replica's
 * fleet (server/core/cop/recorded.ts). A fix reaches a replica through the live bucket at once,
 * often before the record the leader cut before it; a snapshot labelled with the earlier seq
 * showed the later fix, and the next delta then moved the resource back on the screen.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { normalizeFilter, UNFILTERED, type CopSnapshotMsg } from '../server/core/cop/frames.ts';
import { CopHub } from '../server/core/cop/hub.ts';
import type { TickRecord } from '../server/core/cop/journal.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { Engine } from '../server/shell/engine.ts';
import { encodeServer } from '../server/shell/cop/codec.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
/** Two fixes of HAT1 (ref 1), a minute apart, a kilometre and more apart. */
const P1 = { lat: 51.75, lon: -0.23, at: T0 + 60_000 };
const P2 = { lat: 51.78, lon: -0.2, at: T0 + 120_000 };

function room(onCut?: (record: TickRecord) => void) {
  const clock = fakeClock(T0);
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, clock.now);
  const hub = new CopHub({
    room: engine.room,
    clock: clock.now,
    encode: encodeServer,
    epoch: 'room-epoch',
    ...(onCut ? { onCut } : {}),
  });
  engine.onChanges((record) => hub.onChanges(record));
  engine.onPositions((ids) => hub.markMoved(ids));
  /** A fix applied as AVL ingest (the leader) or the live bucket (a replica) applies it. */
  const fix = (p: typeof P1) => {
    engine.room.fleet.applyFix(engine.room.fleet.require('HAT1'), p.lat, p.lon, 90, 10, p.at, 5);
    engine.notifyPositions(['HAT1']);
  };
  const hat1 = (s: CopSnapshotMsg) => s.resources.find((r) => r.id === 'HAT1');
  return { engine, hub, fix, hat1, close: () => (engine.close(), store.close()) };
}

test('a following snapshot shows the fix its seq carried, though the live bucket brought a newer one', () => {
  const records: TickRecord[] = [];
  // What crosses the COP stream: the record as JSON, its bytes left out.
  const leader = room((r) => records.push(JSON.parse(JSON.stringify({ ...r, bytes: 0 })) as TickRecord));
  leader.fix(P1);
  leader.hub.tick(); // record 1: HAT1 at P1
  leader.fix(P2);
  leader.hub.tick(); // record 2: HAT1 at P2
  assert.equal(
    records.map((r) => [r.seq, r.touched.map((t) => [t.ref, t.view.fixTimeMs])]),
    [
      [1, [[1, P1.at]]],
      [2, [[1, P2.at]]],
    ],
  );

  const gateway = room();
  gateway.hub.follow(0);
  gateway.fix(P1); // the live bucket: both fixes arrive before either record
  gateway.fix(P2);
  gateway.hub.ingest(records[0]!);
  const atSeq1 = gateway.hub.snapshot(UNFILTERED, 0);
  assert.is(atSeq1.seq, 1);
  assert.equal(gateway.hat1(atSeq1), records[0]!.touched[0]!.view);
  assert.equal([gateway.hat1(atSeq1)?.latE7, gateway.hat1(atSeq1)?.fixTimeMs], [517500000, P1.at]);
  // A viewport around P1 holds HAT1 at seq 1; one around P2 does not, yet.
  const aroundP1 = normalizeFilter({ bounds: { south: 51.74, west: -0.24, north: 51.76, east: -0.22 } });
  const aroundP2 = normalizeFilter({ bounds: { south: 51.77, west: -0.21, north: 51.79, east: -0.19 } });
  assert.equal(
    gateway.hub.snapshot(aroundP1, 0).resources.map((r) => r.id),
    ['HAT1'],
  );
  assert.equal(
    gateway.hub.snapshot(aroundP2, 0).resources.map((r) => r.id),
    [],
  );
  gateway.hub.ingest(records[1]!);
  const atSeq2 = gateway.hub.snapshot(UNFILTERED, 0);
  assert.equal([atSeq2.seq, gateway.hat1(atSeq2)?.fixTimeMs], [2, P2.at]);
  assert.equal(
    gateway.hub.snapshot(aroundP2, 0).resources.map((r) => r.id),
    ['HAT1'],
  );
  // A resource no record touched is shown as the replica has it (here, as the leader's).
  assert.equal(
    atSeq2.resources.filter((r) => r.id !== 'HAT1'),
    leader.hub.snapshot(UNFILTERED, 0).resources.filter((r) => r.id !== 'HAT1'),
  );
  leader.close();
  gateway.close();
});

test('a following snapshot shows an incident as its seq carried it, though the log brought a later change', () => {
  const records: TickRecord[] = [];
  const leader = room((r) => records.push(JSON.parse(JSON.stringify({ ...r, bytes: 0 })) as TickRecord));
  const events: JcrEvent[] = [];
  leader.engine.onChanges((record) => events.push(...record.changes.map((c) => c.event)));
  const op = { origin: 'operator' as const, actor: 'alice' };
  leader.engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 }, op);
  leader.hub.tick(); // record 1: INC-1 received, fire's only
  const ask = { incidentId: 'INC-1', fromAgency: 'fire', toAgency: 'police', note: 'cordon' } as const;
  leader.engine.execute({ type: 'incident.requestAssistance', ...ask }, op);
  leader.hub.tick(); // record 2: police asked, so police sees it

  const gateway = room();
  gateway.hub.follow(0);
  gateway.engine.follow(events); // the log brought both changes before either record
  gateway.hub.ingest(records[0]!);
  const police = normalizeFilter({ agencies: ['police'] });
  const asked = (s: CopSnapshotMsg) => s.incidents.map((i) => [i.id, i.requestedAgencies]);
  assert.equal(asked(gateway.hub.snapshot(UNFILTERED, 0)), [['INC-1', []]]);
  assert.equal(asked(gateway.hub.snapshot(police, 0)), []);
  gateway.hub.ingest(records[1]!);
  assert.equal(asked(gateway.hub.snapshot(UNFILTERED, 0)), [['INC-1', ['police']]]);
  assert.equal(asked(gateway.hub.snapshot(police, 0)), [['INC-1', ['police']]]);
  // As the leader shows it.
  assert.equal(gateway.hub.snapshot(UNFILTERED, 0).incidents, leader.hub.snapshot(UNFILTERED, 0).incidents);
  leader.close();
  gateway.close();
});

test('a hub that leads again shows its own fleet, not the records it took', () => {
  const records: TickRecord[] = [];
  const leader = room((r) => records.push(JSON.parse(JSON.stringify({ ...r, bytes: 0 })) as TickRecord));
  leader.fix(P1);
  leader.hub.tick();
  const standby = room();
  standby.hub.follow(0);
  standby.fix(P2);
  standby.hub.ingest(records[0]!);
  assert.is(standby.hat1(standby.hub.snapshot(UNFILTERED, 0))?.fixTimeMs, P1.at);
  standby.hub.lead(1); // the old leader died: the standby's fleet is the room's now
  assert.is(standby.hat1(standby.hub.snapshot(UNFILTERED, 0))?.fixTimeMs, P2.at);
  leader.close();
  standby.close();
});

test.run();
