/**
 * A new leader reacts to what its predecessor had not (issue 21; server/shell/reactor.ts,
 * takeOver), without NATS: a leader's appends are kept as the cluster log's messages would be
 * (each with up to which seq it had reacted wholly), a standby follows some of them, then leads.
 * The leader "dies" between a trigger's append and its reaction's: the new leader derives the
 * reaction once; a reaction the old leader did append is not made again.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MaitMessage } from '../proto/mait.ts';
import { fakeClock } from '../server/core/clock.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { Engine, type Replication } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { startReactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { CONTENT } from './support/mait-samples.ts';

const op = { origin: 'operator' as const, actor: 'alice' };

interface Message {
  events: readonly JcrEvent[];
  reacted: number;
}

/** An instance: its engine and reactor, leading or not, its appends kept as log messages. */
function instance(clock: ReturnType<typeof fakeClock>, leading: boolean) {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now, { maitRoomId: 'herts' });
  const log: Message[] = [];
  const state = { leading };
  const replication: Replication = {
    leads: () => state.leading,
    appended: (events, reacted) => void log.push({ events, reacted }),
    pending: () => null,
  };
  engine.setReplication(replication);
  const reactor = startReactor(engine, { log: createLogger('silent'), mait: { theirType: () => 'dwelling-fire' } });
  return { engine, reactor, log, state };
}

function world() {
  const clock = fakeClock();
  const leader = instance(clock, true);
  const standby = instance(clock, false);
  /** The standby reads messages [from, to) of the leader's log. */
  const follow = (from: number, to = leader.log.length) => {
    for (const m of leader.log.slice(from, to)) standby.engine.follow(m.events, m.reacted);
  };
  /** The standby's own appends once it leads, as [type, actor, detail]. */
  const appendedByStandby = () =>
    standby.log.flatMap((m) =>
      m.events.map((e) => [
        e.type,
        e.actor,
        e.type === 'mait.queued'
          ? `${e.data.message.kind} ${'ackOf' in e.data.message ? e.data.message.ackOf : ''} about ${e.data.about}`
          : e.type === 'resource.status'
            ? `${e.data.resourceId} ${e.data.status}`
            : '',
      ]),
    );
  const takeOver = () => {
    standby.state.leading = true;
    standby.reactor.takeOver();
  };
  return { clock, leader, standby, follow, appendedByStandby, takeOver };
}

const create: MaitMessage = {
  messageId: 'beds-1',
  from: 'beds',
  to: 'herts',
  incident: { room: 'beds', id: 'B-7' },
  seq: 1,
  sentAt: Date.UTC(2026, 0, 1, 9, 0, 0),
  kind: 'Create',
  content: { ...CONTENT, type: 'dwelling-fire' },
};

test("a partner's Create appended without its acknowledgement is acknowledged by the new leader, once", () => {
  const w = world();
  w.leader.engine.execute(
    { type: 'mait.receive', partnerId: 'beds', message: create },
    { origin: 'partner', actor: 'beds' },
  );
  // The leader appended the Create (seq 1), then its Acknowledge (seq 2), both while reacting to nothing before 1.
  assert.equal(
    w.leader.log.map((m) => [m.events.map((e) => `${e.seq} ${e.type}`), m.reacted]),
    [
      [['1 mait.received'], 0],
      [['2 mait.queued'], 0],
    ],
  );
  w.follow(0, 1); // it died before the Acknowledge reached the log
  assert.equal(w.standby.engine.room.lastSeq, 1);
  assert.equal(w.standby.log, [], 'a standby reacts to nothing');
  assert.equal(
    w.standby.reactor.pending.map((r) => r.events.map((e) => e.seq)),
    [[1]],
  );
  w.takeOver();
  assert.equal(w.appendedByStandby(), [['mait.queued', 'mait', 'Acknowledge beds-1 about 1']]);
  w.standby.reactor.takeOver(); // a second pass finds nothing left to do
  assert.equal(w.standby.log.length, 1);
  assert.equal(w.standby.reactor.pending, []);
});

test('an acknowledgement the old leader did append is not made again', () => {
  const w = world();
  w.leader.engine.execute(
    { type: 'mait.receive', partnerId: 'beds', message: create },
    { origin: 'partner', actor: 'beds' },
  );
  w.follow(0);
  // The Acknowledge's message says only that nothing before 1 waits: both are replayed.
  assert.equal(
    w.standby.reactor.pending.map((r) => r.events.map((e) => e.seq)),
    [[1], [2]],
  );
  w.takeOver();
  assert.equal(w.appendedByStandby(), []);
});

test('a change from outside says its leader had reacted to everything before it: the tail ends there', () => {
  const w = world();
  w.leader.engine.execute(
    { type: 'mait.receive', partnerId: 'beds', message: create },
    { origin: 'partner', actor: 'beds' },
  );
  w.leader.engine.execute({ type: 'operator.note', text: 'crew on scene' }, op);
  assert.equal(w.leader.log[2]?.reacted, 2);
  w.follow(0);
  assert.equal(
    w.standby.reactor.pending.map((r) => r.events.map((e) => e.seq)),
    [[3]],
  );
  w.takeOver();
  assert.equal(w.appendedByStandby(), []);
});

test('an arrival decided from a shared fix its leader never appended is made by the new leader, once', () => {
  const w = world();
  w.leader.engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 }, op);
  w.leader.engine.execute(
    { type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.MOBILISED, incidentId: 'INC-1' },
    op,
  );
  w.follow(0);
  // The fix reached the standby through the shared live positions (cluster/live.ts), not the log.
  w.clock.advance(60_000);
  const r = w.standby.engine.room.fleet.get('HAT1')!;
  w.standby.engine.room.fleet.applyFix(r, 51.77, -0.22, 0, 0, w.clock.now(), 5);
  w.standby.engine.notifyPositions(['HAT1']);
  assert.equal(w.standby.log, [], 'a standby reacts to nothing');
  w.takeOver();
  assert.equal(w.appendedByStandby(), [['resource.status', 'arrival-detector', `HAT1 ${ResourceStatus.AT_SCENE}`]]);
  w.standby.reactor.takeOver();
  assert.equal(w.standby.log.length, 1);
});

test('a takeover told while its lease is unconfirmed for a moment is made once it leads, before anything else', () => {
  const w = world();
  w.leader.engine.execute(
    { type: 'mait.receive', partnerId: 'beds', message: create },
    { origin: 'partner', actor: 'beds' },
  );
  w.follow(0, 1); // it died before the Acknowledge reached the log
  // Promoted (ClusterNode.onLed), but the lease is unconfirmed that instant (a heartbeat gap): not leading.
  w.standby.reactor.takeOver();
  assert.equal(w.standby.log, []);
  w.standby.state.leading = true; // the renewal lands
  w.standby.reactor.tick();
  assert.equal(w.appendedByStandby(), [['mait.queued', 'mait', 'Acknowledge beds-1 about 1']]);
  w.standby.reactor.tick();
  assert.equal(w.standby.log.length, 1, 'once');
});

test("a change made first after such a takeover is reacted to after the old leader's tail, and its mark says so", () => {
  const w = world();
  w.leader.engine.execute(
    { type: 'mait.receive', partnerId: 'beds', message: create },
    { origin: 'partner', actor: 'beds' },
  );
  w.follow(0, 1);
  w.standby.reactor.takeOver(); // not leading that instant
  w.standby.state.leading = true;
  w.standby.engine.execute({ type: 'operator.note', text: 'crew on scene' }, op);
  assert.equal(
    w.standby.log.map((m) => [m.events.map((e) => `${e.seq} ${e.type}`), m.reacted]),
    [
      [['2 operator.note'], 0],
      [['3 mait.queued'], 0],
    ],
    'the Create (seq 1) is not yet reacted to when the note is appended',
  );
});

test.run();
