import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock, seededRandom } from '../server/core/clock.ts';
import { JcrError } from '../server/core/errors.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { parseControl, type CopChangeMsg, type CopCoverSummaryMsg, type CopFilter } from '../server/core/cop/frames.ts';
import type { Command } from '../server/core/room.ts';
import { CopHub } from '../server/core/cop/hub.ts';
import type { CopLimits } from '../server/core/cop/limits.ts';
import { Engine } from '../server/shell/engine.ts';
import { decodeClient, encodeServer } from '../server/shell/cop/codec.ts';
import { Store } from '../server/shell/store/store.ts';
import { FakeSocket } from './support/cop.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0); // fakeClock's start: 1767258000000
const op = { origin: 'operator' as const, actor: 'alice' };

/** Mini scenario refs (scenario order): HAT1 1, HAT2 2, WGC1 3, PC1 4, DRONE1 5, AMB1 6. */
function world(limits: Partial<CopLimits> = {}) {
  const clock = fakeClock();
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, clock.now);
  const hub = new CopHub({ room: engine.room, clock: clock.now, encode: encodeServer, epoch: 'epoch-1', limits });
  engine.onChanges((record) => hub.onChanges(record));
  engine.onPositions((ids) => hub.markMoved(ids));
  /** An accepted AVL fix, as the AVL service applies it, then the position hook. */
  const move = (id: string, lat: number, lon: number, heading = 0, speed = 0, acc = 0) => {
    engine.room.fleet.applyFix(engine.room.fleet.require(id), lat, lon, heading, speed, clock.now(), acc);
    engine.notifyPositions([id]);
  };
  const status = (resourceId: string, s: ResourceStatus, incidentId?: string) =>
    engine.execute({ type: 'resource.setStatus', resourceId, status: s, ...(incidentId ? { incidentId } : {}) }, op);
  /** Connect a fake socket and send its first frame (real bytes through the real decoder and validator). */
  const join = (filter?: CopFilter, sock: FakeSocket = new FakeSocket(), incidentScope: string | null = null) => {
    const id = hub.connect(sock, { id: 'test', via: 'test', incidentScope });
    hub.control(id, parseControl(decodeClient(encodeClientFrame(sock.picture.subscribeMessage(filter)))));
    return { sock, id };
  };
  const exec = (cmd: Command) => engine.execute(cmd, op);
  return { clock, store, engine, hub, move, status, join, exec };
}

/** A cover summary as the cover service would publish it (literal figures). */
function coverMsg(computedAtMs: number, eventSeq: number, covered: number): CopCoverSummaryMsg {
  return {
    computedAtMs,
    eventSeq,
    gapCells: Math.round((1 - covered) * 100),
    standbyMoves: 0,
    figures: [
      {
        surface: 'fire:pump',
        standardId: 'fire-appliances',
        standardName: 'First appliance 10 min, second 13 min',
        nth: 1,
        withinS: 600,
        coveredShare: covered,
        targetShare: 0.9,
        meetsStandard: covered >= 0.9,
        label: `fire pump 1st within 10 min: ${covered}`,
      },
    ],
  };
}

/** What a delta's changes say, compactly: status (ref:status:incident), incident (id:status:attendances) or cover. */
function kinds(changes: readonly CopChangeMsg[]): string[] {
  return changes.map((c) =>
    c.status
      ? `status ${c.status.ref}:${c.status.status}:${c.status.incidentId}`
      : c.incident
        ? `incident ${c.incident.incident.id}:${c.incident.removed ? 'removed' : `${c.incident.incident.status}:${c.incident.incident.attendances.map((a) => a.resourceId).join('+')}`}@${c.incident.eventSeq}`
        : c.cover
          ? `cover ${c.cover.summary?.figures[0]?.coveredShare}`
          : '?',
  );
}

/** Decoded messages (client/cop/codec.ts: enums as numbers) without unset sub-messages and empty lists, for exact comparisons. */
const plain = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x: unknown) => (x === null || (Array.isArray(x) && x.length === 0) ? undefined : x)),
  ) as unknown;

test('a subscriber gets a snapshot at the next tick: every resource, quantised, with seq and epoch', () => {
  const w = world();
  const { sock } = w.join();
  assert.is(sock.sent.length, 0, 'nothing before the tick');
  w.hub.tick();
  const [f] = sock.frames();
  const snap = f?.snapshot;
  assert.ok(snap);
  assert.is(snap.seq, 0);
  assert.is(snap.epoch, 'epoch-1');
  assert.is(snap.reason, 1); // INITIAL
  assert.is(snap.serverTimeMs, T0);
  assert.equal(
    snap.resources.map((r) => [r.ref, r.id, r.agency]),
    [
      [1, 'HAT1', 'fire'],
      [2, 'HAT2', 'fire'],
      [3, 'WGC1', 'fire'],
      [4, 'PC1', 'police'],
      [5, 'DRONE1', 'fire'],
      [6, 'AMB1', 'ambulance'],
    ],
  );
  assert.equal(plain(snap.resources[0]), {
    ref: 1,
    id: 'HAT1',
    callSign: 'HT-P1',
    agency: 'fire',
    type: 'pump',
    station: 'F-HAT',
    capabilities: ['pump', 'thermal-imaging'],
    status: 1,
    incidentId: '',
    latE7: 517636000,
    lonE7: -2247000,
    headingDeg: 0,
    speedDmps: 0,
    fixTimeMs: 0,
    accuracyM: 0,
  });
  assert.equal(sock.picture.resources.get('HAT1'), {
    ref: 1,
    id: 'HAT1',
    callSign: 'HT-P1',
    agency: 'fire',
    type: 'pump',
    station: 'F-HAT',
    capabilities: ['pump', 'thermal-imaging'],
    status: 1,
    incidentId: null,
    lat: 51.7636,
    lon: -0.2247,
    headingDeg: 0,
    speedMps: 0,
    fixTimeMs: 0,
    accuracyM: 0,
  });
  w.store.close();
});

test('positions are merged per resource: one delta per tick with the latest fix, one shared buffer for all unfiltered clients', () => {
  const w = world();
  const a = w.join();
  const b = w.join();
  w.hub.tick(); // snapshots
  w.clock.advance(1000);
  w.move('HAT1', 51.77, -0.21, 40, 10, 5);
  w.clock.advance(1000);
  w.move('HAT1', 51.771, -0.209, 44, 11, 5);
  w.clock.advance(1000);
  w.move('HAT1', 51.772, -0.208, 45.4, 12.34, 5.6);
  w.clock.advance(1000);
  w.move('PC1', 51.75, -0.3, 90);
  w.clock.advance(100);
  const r = w.hub.tick();
  assert.equal(r, { seq: 1, cut: true, sent: 2, behind: 0, encodes: 1 });
  assert.is(a.sock.sent.length, 2);
  assert.ok(a.sock.sent[1] === b.sock.sent[1], 'the very same encoded buffer goes to both');
  assert.equal(plain(a.sock.frames()[1]), {
    delta: {
      seq: 1,
      fromSeq: 0,
      serverTimeMs: T0 + 4100,
      positions: {
        ref: [1, 4],
        latE7: [517720000, 517500000],
        lonE7: [-2080000, -3000000],
        headingDeg: [45, 90],
        speedDmps: [123, 0],
        fixAgeMs: [1100, 100],
        accuracyM: [6, 0],
      },
    },
  });
  assert.equal(a.sock.picture.resources.get('HAT1'), {
    ref: 1,
    id: 'HAT1',
    callSign: 'HT-P1',
    agency: 'fire',
    type: 'pump',
    station: 'F-HAT',
    capabilities: ['pump', 'thermal-imaging'],
    status: 1,
    incidentId: null,
    lat: 51.772,
    lon: -0.208,
    headingDeg: 45,
    speedMps: 12.3,
    fixTimeMs: T0 + 3000,
    accuracyM: 6,
  });
  // A tick with nothing new cuts no delta and sends nothing.
  assert.equal(w.hub.tick(), { seq: 1, cut: false, sent: 0, behind: 0, encodes: 0 });
  w.store.close();
});

test('status changes are never coalesced: every event, in order, with its event seq', () => {
  const w = world();
  const { sock } = w.join();
  w.hub.tick();
  w.status('HAT1', ResourceStatus.MOBILISED, 'I-1');
  w.status('HAT1', ResourceStatus.AT_SCENE);
  w.status('PC1', ResourceStatus.UNAVAILABLE);
  w.status('HAT1', ResourceStatus.RETURNING);
  w.hub.tick();
  const d = sock.frames()[1]?.delta;
  assert.ok(d);
  assert.equal(plain(d.changes), [
    { status: { ref: 1, status: ResourceStatus.MOBILISED, incidentId: 'I-1', eventSeq: 1, atMs: T0 } },
    { status: { ref: 1, status: ResourceStatus.AT_SCENE, incidentId: 'I-1', eventSeq: 2, atMs: T0 } },
    { status: { ref: 4, status: ResourceStatus.UNAVAILABLE, incidentId: '', eventSeq: 3, atMs: T0 } },
    { status: { ref: 1, status: ResourceStatus.RETURNING, incidentId: '', eventSeq: 4, atMs: T0 } },
  ]);
  assert.equal(d.positions?.ref, [1, 4]);
  const hat1 = sock.picture.resources.get('HAT1');
  assert.equal([hat1?.status, hat1?.incidentId], [ResourceStatus.RETURNING, null]);
  assert.is(sock.picture.eventSeq, 4);
  w.store.close();
});

test('agency filter: a police screen gets police resources only, and an empty delta keeps its seq contiguous', () => {
  const w = world();
  const { sock } = w.join({ agencies: ['police'], bounds: null });
  w.hub.tick();
  assert.equal(
    sock.picture.list().map((r) => r.id),
    ['PC1'],
  );
  w.move('HAT1', 51.77, -0.21);
  w.move('PC1', 51.75, -0.3);
  w.hub.tick();
  w.move('AMB1', 51.78, -0.22);
  w.status('HAT1', ResourceStatus.MOBILISED, 'I-9');
  w.hub.tick();
  const frames = sock.frames();
  assert.equal(plain(frames[1]?.delta?.positions?.ref), [4]);
  assert.equal(plain(frames[2]), { delta: { seq: 2, fromSeq: 0, serverTimeMs: T0 } });
  assert.equal([sock.picture.seq, sock.results], [2, ['snapshot', 'delta', 'delta']]);
  w.store.close();
});

test('viewport filter: snapshot from the R-tree, then leave, enter and moves inside the view', () => {
  const w = world();
  const view: CopFilter = { agencies: [], bounds: { south: 51.76, west: -0.23, north: 51.77, east: -0.22 } };
  const { sock } = w.join(view);
  w.hub.tick();
  const snap = sock.frames()[0]?.snapshot;
  assert.equal(
    snap?.resources.map((r) => r.id),
    ['HAT1', 'HAT2', 'PC1', 'AMB1'],
  );
  assert.equal(plain(snap?.filter), { bounds: { south: 51.76, west: -0.23, north: 51.77, east: -0.22 } });
  w.move('HAT1', 51.8, -0.2); // leaves
  w.move('WGC1', 51.765, -0.225); // enters
  w.move('HAT2', 51.764, -0.224); // moves inside
  w.status('DRONE1', ResourceStatus.UNAVAILABLE); // outside the view: not sent
  w.status('HAT2', ResourceStatus.UNAVAILABLE);
  w.hub.tick();
  const d = sock.frames()[1]?.delta;
  assert.equal(plain(d?.changes), [
    { status: { ref: 2, status: ResourceStatus.UNAVAILABLE, incidentId: '', eventSeq: 2, atMs: T0 } },
  ]);
  assert.equal(plain(d?.leave), [1]);
  assert.equal(
    d?.enter.map((r) => [r.id, r.latE7, r.lonE7, r.status]),
    [['WGC1', 517650000, -2250000, 1]],
  );
  assert.equal(plain(d?.positions?.ref), [2]);
  assert.equal(
    sock.picture.list().map((r) => r.id),
    ['HAT2', 'WGC1', 'PC1', 'AMB1'],
  );
  assert.is(sock.picture.resources.get('HAT2')?.status, ResourceStatus.UNAVAILABLE);
  w.store.close();
});

test('a client that stops reading does not delay another: the fast one gets every tick at once, the slow one a merged catch-up', () => {
  const w = world({ highWaterBytes: 200 });
  const fast = w.join();
  const slow = w.join();
  slow.sock.slow = true;
  w.hub.tick(); // both get a snapshot; the slow one's queue is now over the high-water mark
  assert.ok(slow.sock.bufferedAmount > 200);
  const rnd = seededRandom(7);
  const ids = ['HAT1', 'HAT2', 'WGC1', 'PC1', 'DRONE1', 'AMB1'];
  for (let t = 1; t <= 10; t++) {
    w.clock.advance(100);
    for (const id of ids)
      w.move(id, 51.75 + rnd() * 0.05, -0.25 + rnd() * 0.05, Math.floor(rnd() * 360), rnd() * 20, 5);
    if (t === 3) w.status('PC1', ResourceStatus.MOBILISED, 'I-3');
    if (t === 6) w.status('PC1', ResourceStatus.AT_SCENE);
    const r = w.hub.tick();
    // The fast client holds tick t as soon as tick() returns; the slow one cost a comparison.
    assert.is(fast.sock.picture.seq, t);
    assert.equal([r.sent, r.behind], [1, 1]);
  }
  assert.is(slow.sock.sent.length, 1, 'nothing queued for the slow client after its snapshot');
  assert.equal(w.hub.clientInfo(slow.id)?.behind, true);
  slow.sock.drain();
  slow.sock.slow = false; // it reads again
  assert.is(slow.sock.picture.seq, 0);
  w.hub.tick(); // nothing new, but the slow client has drained: one merged catch-up
  const catchUp = slow.sock.frames()[1]?.delta;
  assert.ok(catchUp);
  assert.equal([catchUp.fromSeq, catchUp.seq], [1, 10]);
  assert.equal(plain(catchUp.positions?.ref), [1, 2, 3, 4, 5, 6], 'only the latest position of each resource');
  assert.equal(
    catchUp.changes.map((c) => c.status?.status),
    [ResourceStatus.MOBILISED, ResourceStatus.AT_SCENE],
    'status changes all kept, in order',
  );
  assert.equal(slow.sock.picture.list(), fast.sock.picture.list());
  assert.is(slow.sock.picture.seq, 10);
  w.store.close();
});

test('a client too far behind is resynchronised with a snapshot; one that never drains is terminated', () => {
  const w = world({ highWaterBytes: 200, maxCatchUpFrames: 3, stuckMs: 1000 });
  const fast = w.join();
  const lagging = w.join();
  const stuck = w.join();
  lagging.sock.slow = true;
  stuck.sock.slow = true;
  w.hub.tick();
  for (let t = 1; t <= 5; t++) {
    w.clock.advance(100);
    w.move('HAT1', 51.76 + t / 1000, -0.22);
    w.hub.tick();
  }
  lagging.sock.drain();
  lagging.sock.slow = false;
  w.hub.tick();
  const resync = lagging.sock.frames()[1]?.snapshot;
  assert.equal([resync?.reason, resync?.seq], [3, 5]); // RESYNC at seq 5
  assert.equal(lagging.sock.picture.list(), fast.sock.picture.list());
  assert.equal([stuck.sock.terminated, w.hub.clientCount], [false, 3]);
  w.clock.advance(1000);
  w.move('HAT1', 51.7, -0.22);
  w.hub.tick();
  assert.equal([stuck.sock.terminated, w.hub.clientCount], [true, 2]);
  assert.is(fast.sock.picture.seq, 6);
  w.store.close();
});

test('a screen that acks is never more than maxUnackedFrames ahead: beyond that it waits, then gets a merged catch-up', () => {
  const w = world({ maxUnackedFrames: 3 });
  const fast = w.join();
  const acking = w.join();
  acking.sock.slow = true; // frames reach it but it has not applied them yet (a kernel buffer, say)
  w.hub.tick(); // snapshot at seq 0
  acking.sock.drain();
  const ack = (seq: number) =>
    w.hub.control(acking.id, parseControl(decodeClient(encodeClientFrame({ ack: { seq } }))));
  ack(0);
  for (let t = 1; t <= 6; t++) {
    w.move('HAT1', 51.76 + t / 1000, -0.22);
    w.hub.tick();
  }
  // Sent 1, 2, 3 (three ahead of its ack of 0), then held back; bufferedAmount alone would not have noticed.
  assert.equal([acking.sock.sent.length, w.hub.clientInfo(acking.id)?.delivered, fast.sock.picture.seq], [4, 3, 6]);
  acking.sock.drain();
  ack(3);
  w.hub.tick();
  const d = acking.sock.frames()[4]?.delta;
  assert.equal([d?.fromSeq, d?.seq, d?.positions?.ref], [4, 6, [1]]);
  acking.sock.drain();
  assert.equal(acking.sock.picture.list(), fast.sock.picture.list());
  // An ack for a seq never sent is ignored.
  ack(99);
  assert.is(w.hub.clientInfo(acking.id)?.delivered, 6);
  w.store.close();
});

test('incident changes: created, mobilised, at scene, closed, each in event order with the status changes that cause it', () => {
  const w = world();
  const screen = w.join();
  w.hub.tick();
  const deltaChanges = () => {
    w.clock.advance(100);
    w.hub.tick();
    return kinds(screen.sock.frames().at(-1)?.delta?.changes ?? []);
  };
  w.exec({
    type: 'incident.create',
    typeId: 'dwelling-fire',
    lat: 51.7636,
    lon: -0.2232,
    address: 'Hatfield',
    priority: 2,
  });
  assert.equal(deltaChanges(), ['incident INC-1:received:@1']);
  assert.equal(screen.sock.picture.incidents.get('INC-1'), {
    id: 'INC-1',
    typeId: 'dwelling-fire',
    typeName: 'Dwelling fire',
    priority: 2,
    status: 'received',
    latE7: 517636000,
    lonE7: -2232000,
    address: 'Hatfield',
    leadAgency: 'fire',
    supportingAgencies: [],
    attendances: [],
    createdAtMs: T0,
    updatedAtMs: T0,
    closedAtMs: 0,
    majorIncident: false,
    requestedAgencies: [],
    requests: [],
    location: null,
  });
  // One command, three events (decision, two status changes): the incident's change follows the last of them.
  w.exec({ type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1', 'HAT2'], proposed: ['HAT1', 'HAT2'] });
  assert.equal(deltaChanges(), ['status 1:3:INC-1', 'status 2:3:INC-1', 'incident INC-1:mobilising:HAT1+HAT2@4']);
  w.status('HAT1', ResourceStatus.AT_SCENE);
  w.exec({ type: 'incident.update', incidentId: 'INC-1', patch: { methane: { majorIncident: true } } });
  // Two commands in one tick: two incident changes, never merged, in order.
  assert.equal(deltaChanges(), [
    'status 1:4:INC-1',
    'incident INC-1:in-attendance:HAT1+HAT2@5',
    'incident INC-1:in-attendance:HAT1+HAT2@6',
  ]);
  assert.equal(screen.sock.picture.incidents.get('INC-1')?.majorIncident, true);
  w.exec({ type: 'incident.close', incidentId: 'INC-1', reason: 'out' });
  assert.equal(deltaChanges(), ['status 1:5:', 'status 2:5:', 'incident INC-1:closed:HAT1+HAT2@9']);
  const closed = screen.sock.frames().at(-1)?.delta?.changes[2]?.incident?.incident;
  assert.equal(closed?.attendances, [
    { resourceId: 'HAT1', agency: 'fire', mobilisedAtMs: T0 + 100, arrivedAtMs: T0 + 200, leftAtMs: T0 + 300 },
    { resourceId: 'HAT2', agency: 'fire', mobilisedAtMs: T0 + 100, arrivedAtMs: 0, leftAtMs: T0 + 300 },
  ]);
  // A closed incident leaves the picture, as it is absent from a fresh snapshot.
  assert.equal([...screen.sock.picture.incidents.keys()], []);
  const fresh = w.join();
  w.hub.tick();
  assert.equal(fresh.sock.frames()[0]?.snapshot?.incidents, []);
  assert.equal(fresh.sock.picture.list(), screen.sock.picture.list());
  w.store.close();
});

test("incidents by agency: a dispatcher sees their agency's incidents, joins when asked to assist, and gets a removal when dropped", () => {
  const w = world();
  const wall = w.join();
  const police = w.join(undefined, new FakeSocket(), 'police');
  const ambView = w.join({ agencies: ['ambulance'], bounds: null });
  // A police dispatcher asking for fire's picture gets fire's resources, never fire's incidents.
  const policeAsFire = w.join({ agencies: ['fire'], bounds: null }, new FakeSocket(), 'police');
  w.hub.tick();
  const last = (c: { sock: FakeSocket }) => kinds(c.sock.frames().at(-1)?.delta?.changes ?? []);
  const tick = () => {
    w.clock.advance(100);
    return w.hub.tick();
  };
  w.exec({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 });
  w.exec({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.78, lon: -0.21 });
  const r = tick();
  assert.is(r.encodes, 4, 'four filter groups, one encode each');
  assert.equal(last(wall), ['incident INC-1:received:@1', 'incident INC-2:received:@2']);
  assert.equal(last(police), []);
  assert.equal(last(policeAsFire), []);
  assert.equal(last(ambView), ['incident INC-2:received:@2']);
  // Fire asks police to assist: police sees it at once (to accept it), the ambulance view does not.
  w.exec({
    type: 'incident.requestAssistance',
    incidentId: 'INC-1',
    fromAgency: 'fire',
    toAgency: 'police',
    note: 'cordon',
  });
  tick();
  assert.equal(last(police), ['incident INC-1:received:@3']);
  assert.equal(police.sock.picture.incidents.get('INC-1')?.requestedAgencies, ['police']);
  w.exec({ type: 'incident.acceptAssistance', incidentId: 'INC-1', requestId: 'INC-1-R1', actingAgency: 'police' });
  tick();
  assert.equal(police.sock.picture.incidents.get('INC-1')?.supportingAgencies, ['police']);
  // The lead takes police off: police gets a removal that carries nothing but the id.
  w.exec({ type: 'incident.update', incidentId: 'INC-1', patch: { supportingAgencies: [] } });
  tick();
  assert.equal(last(police), ['incident INC-1:removed@5']);
  assert.equal(police.sock.frames().at(-1)?.delta?.changes[0]?.incident?.incident.leadAgency, '');
  assert.equal(
    [
      [...police.sock.picture.incidents.keys()],
      [...wall.sock.picture.incidents.keys()],
      [...ambView.sock.picture.incidents.keys()],
    ],
    [[], ['INC-1', 'INC-2'], ['INC-2']],
  );
  assert.equal([policeAsFire.sock.picture.incidents.size, policeAsFire.sock.picture.resources.size], [0, 4]);
  // Fresh snapshots agree with what the deltas built, filter by filter.
  const fresh = [
    w.join(),
    w.join(undefined, new FakeSocket(), 'police'),
    w.join({ agencies: ['ambulance'], bounds: null }),
  ];
  w.hub.tick();
  assert.equal(
    fresh.map((f) => f.sock.picture.incidentList()),
    [wall, police, ambView].map((c) => c.sock.picture.incidentList()),
  );
  w.store.close();
});

test('cover changes go to every filter, in order with status changes, and are never dropped for a slow client', () => {
  const w = world({ highWaterBytes: 200 });
  w.hub.onCover(coverMsg(T0, 0, 0.95));
  w.hub.tick(); // seq 1: the first picture, before anyone watches
  const fast = w.join({ agencies: ['police'], bounds: { south: 51.7, west: -0.3, north: 51.8, east: -0.1 } });
  const slow = w.join();
  slow.sock.slow = true;
  w.hub.tick();
  assert.equal(fast.sock.frames()[0]?.snapshot?.cover, coverMsg(T0, 0, 0.95));
  for (let t = 1; t <= 6; t++) {
    w.clock.advance(100);
    w.move('PC1', 51.76 + t / 1000, -0.22);
    if (t === 2) w.status('HAT1', ResourceStatus.UNAVAILABLE);
    if (t === 2 || t === 4) w.hub.onCover(coverMsg(T0 + t * 100, 1, 0.95 - t / 100));
    w.hub.tick();
  }
  assert.equal(
    fast.sock.frames().flatMap((f) => kinds(f.delta?.changes ?? [])),
    ['cover 0.9299999999999999', 'cover 0.9099999999999999'],
    'the police view skips the fire status change, not the cover',
  );
  assert.is(slow.sock.sent.length, 1, 'the slow client got nothing after its snapshot');
  slow.sock.drain();
  slow.sock.slow = false;
  w.hub.tick();
  const catchUp = slow.sock.frames()[1]?.delta;
  assert.equal([catchUp?.fromSeq, catchUp?.seq], [2, 7]);
  assert.equal(kinds(catchUp?.changes ?? []), ['status 1:6:', 'cover 0.9299999999999999', 'cover 0.9099999999999999']);
  assert.equal(slow.sock.picture.cover, coverMsg(T0 + 400, 1, 0.95 - 4 / 100));
  assert.equal(fast.sock.picture.cover, slow.sock.picture.cover);
  w.store.close();
});

/**
 * Thirty ticks of seeded movement across the edge of `view`, with status changes on two
 * resources, two incidents (one fire, mobilised and closed; one ambulance-led with police asked
 * to assist) and a cover picture every fourth tick.
 */
function drive(w: ReturnType<typeof world>, from: number, to: number, onTick: (t: number) => void) {
  const rnd = seededRandom(42);
  const cycle = [
    ResourceStatus.MOBILISED,
    ResourceStatus.AT_SCENE,
    ResourceStatus.RETURNING,
    ResourceStatus.AVAILABLE_MOBILE,
  ];
  for (let t = 1; t <= to; t++) {
    const moves = ['HAT1', 'HAT2', 'WGC1', 'PC1', 'DRONE1', 'AMB1'].map(
      (id) => [id, 51.75 + rnd() * 0.04, -0.25 + rnd() * 0.05, rnd()] as const,
    );
    if (t < from) continue;
    w.clock.advance(100);
    for (const [id, lat, lon, p] of moves) if (p < 0.7) w.move(id, lat, lon, Math.floor(p * 360), p * 30, 3);
    if (t % 3 === 0) w.status('PC1', cycle[(t / 3 - 1) % 4] as ResourceStatus, `I-${t}`);
    if (t % 4 === 0) w.status('AMB1', cycle[(t / 4 - 1) % 4] as ResourceStatus, `I-${t}`);
    if (t === 2) w.exec({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 });
    if (t === 5) w.exec({ type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1'], proposed: ['HAT1'] });
    if (t === 9) w.exec({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.78, lon: -0.21 });
    if (t === 11)
      w.exec({ type: 'incident.requestAssistance', incidentId: 'INC-2', fromAgency: 'ambulance', toAgency: 'police' });
    if (t === 13) w.status('HAT1', ResourceStatus.AT_SCENE);
    if (t === 16) w.exec({ type: 'incident.close', incidentId: 'INC-1' });
    if (t % 4 === 1) w.hub.onCover(coverMsg(w.clock.now(), w.engine.room.lastSeq, (60 + t) / 100));
    w.hub.tick();
    onTick(t);
  }
}

test('a client that reconnects mid-stream ends with the same state as one that never disconnected', () => {
  const w = world();
  const view: CopFilter = {
    agencies: ['fire', 'police'],
    bounds: { south: 51.76, west: -0.235, north: 51.78, east: -0.21 },
  };
  const steady = w.join();
  const steadyView = w.join(view);
  let flaky = w.join();
  let flakyView = w.join(view);
  w.hub.tick();
  drive(w, 1, 30, (t) => {
    if (t === 6) {
      // Frames 7 and 8 will be in flight when the connection drops: sent, never read.
      flaky.sock.slow = true;
      flakyView.sock.slow = true;
    }
    if (t === 8) {
      w.hub.disconnect(flaky.id);
      w.hub.disconnect(flakyView.id);
    }
    if (t === 20) {
      assert.equal([flaky.sock.picture.seq, flakyView.sock.picture.seq], [6, 6]);
      flaky = w.join(undefined, new FakeSocket(flaky.sock.picture));
      flakyView = w.join(view, new FakeSocket(flakyView.sock.picture));
    }
  });
  w.hub.tick();
  assert.equal(w.hub.seq, 30);
  const resumed = flaky.sock.frames()[0]?.delta;
  assert.equal(
    [resumed?.fromSeq, resumed?.seq],
    [7, 21],
    'one merged delta from the ring (the tick after it rejoined), no snapshot',
  );
  assert.equal(flaky.sock.picture.list(), steady.sock.picture.list());
  assert.equal(flakyView.sock.frames()[0]?.delta?.fromSeq, 7);
  assert.equal(flakyView.sock.picture.list(), steadyView.sock.picture.list());
  // Incidents and cover changed while it was away (INC-2 created, INC-1 closed, new cover): the merged delta carried them.
  assert.equal(
    kinds(resumed?.changes ?? []).filter((k) => !k.startsWith('status')),
    [
      'incident INC-2:received:@9',
      'cover 0.69',
      'incident INC-2:received:@10',
      'incident INC-1:in-attendance:HAT1@13',
      'cover 0.73',
      'incident INC-1:closed:HAT1@17',
      'cover 0.77',
      'cover 0.81',
    ],
  );
  assert.equal(flaky.sock.picture.incidentList(), steady.sock.picture.incidentList());
  assert.equal(
    flaky.sock.picture.incidentList().map((i) => [i.id, i.requestedAgencies]),
    [['INC-2', ['police']]],
  );
  assert.equal(
    [flaky.sock.picture.cover, flakyView.sock.picture.cover],
    [steady.sock.picture.cover, steady.sock.picture.cover],
  );
  assert.equal(flaky.sock.picture.cover?.figures[0]?.coveredShare, 0.89);
  assert.equal(flakyView.sock.picture.incidentList(), steadyView.sock.picture.incidentList());
  assert.ok(steadyView.sock.results.every((r) => r === 'snapshot' || r === 'delta'));
  const viewFrames = steadyView.sock.frames();
  const entered = viewFrames.reduce((n, f) => n + (f.delta?.enter.length ?? 0), 0);
  const left = viewFrames.reduce((n, f) => n + (f.delta?.leave.length ?? 0), 0);
  assert.ok(entered > 3 && left > 3, `the walk crosses the view's edge (${entered} entries, ${left} exits)`);
  // And both equal what a fresh snapshot says now.
  const fresh = w.join();
  const freshView = w.join(view);
  w.hub.tick();
  assert.equal(fresh.sock.picture.list(), steady.sock.picture.list());
  assert.equal(freshView.sock.picture.list(), steadyView.sock.picture.list());
  assert.equal(
    [fresh.sock.picture.incidentList(), fresh.sock.picture.cover],
    [steady.sock.picture.incidentList(), steady.sock.picture.cover],
  );
  assert.equal(
    [freshView.sock.picture.incidentList(), freshView.sock.picture.cover],
    [steadyView.sock.picture.incidentList(), steadyView.sock.picture.cover],
  );
  w.store.close();
});

test('resume beyond the ring buffer, or from another epoch, gets a snapshot and still converges', () => {
  const w = world({ ringFrames: 5 });
  const steady = w.join();
  let flaky = w.join();
  w.hub.tick();
  drive(w, 1, 20, (t) => {
    if (t === 4) w.hub.disconnect(flaky.id);
    if (t === 15) flaky = w.join(undefined, new FakeSocket(flaky.sock.picture));
  });
  w.hub.tick();
  assert.equal(w.hub.ringSize.frames, 5);
  const snap = flaky.sock.frames()[0]?.snapshot;
  assert.equal([snap?.reason, snap?.seq], [2, 16]); // RESUME_TOO_OLD, at the tick after it rejoined
  assert.equal(flaky.sock.picture.list(), steady.sock.picture.list());
  assert.equal(
    [flaky.sock.picture.incidentList(), flaky.sock.picture.cover],
    [steady.sock.picture.incidentList(), steady.sock.picture.cover],
  );
  // Another server instance (restart): sequence numbers are not comparable, so a snapshot.
  const stale = new FakeSocket(steady.sock.picture);
  const id = w.hub.connect(stale, { id: 'x', via: 'test' });
  w.hub.control(id, parseControl({ subscribe: { lastSeq: 3, resumeEpoch: 'epoch-0' } }));
  w.hub.tick();
  assert.is(stale.frames()[0]?.snapshot?.reason, 2);
  w.store.close();
});

test('setFilter answers with a snapshot under the new filter', () => {
  const w = world();
  const c = w.join();
  w.hub.tick();
  w.hub.control(
    c.id,
    parseControl(
      decodeClient(encodeClientFrame(c.sock.picture.setFilterMessage({ agencies: ['ambulance'], bounds: null }))),
    ),
  );
  w.hub.tick();
  const snap = c.sock.frames()[1]?.snapshot;
  assert.equal([snap?.reason, snap?.resources.map((r) => r.id)], [4, ['AMB1']]);
  assert.equal(c.sock.picture.filter, { agencies: ['ambulance'], bounds: null });
  w.store.close();
});

test('item 6: filter changes are coalesced to one snapshot per interval and rate-limited with JCR_COP_FILTER_RATE', () => {
  const w = world({ filterChangeBurst: 3, filterChangesPerS: 1, filterSnapshotMs: 1_000 });
  const c = w.join();
  w.hub.tick(); // the initial snapshot
  const setFilter = (agencies: Array<'fire' | 'police' | 'ambulance'>) =>
    w.hub.control(
      c.id,
      parseControl(decodeClient(encodeClientFrame(c.sock.picture.setFilterMessage({ agencies, bounds: null })))),
    );
  const snapshots = () => c.sock.frames().filter((f) => f.snapshot?.reason === 4).length;
  setFilter(['ambulance']);
  w.hub.tick(); // the first change: its snapshot at once
  assert.is(snapshots(), 1);
  w.clock.advance(100);
  setFilter(['police']);
  w.hub.tick(); // within 1 s of the last: held
  w.clock.advance(100);
  setFilter(['fire']);
  w.hub.tick();
  assert.is(snapshots(), 1);
  w.clock.advance(800);
  w.hub.tick(); // 1 s after the last: one snapshot, under the latest filter
  const last = c.sock.frames().at(-1)?.snapshot;
  assert.equal(
    [snapshots(), last?.reason, last?.resources.map((r) => r.agency).every((a) => a === 'fire')],
    [2, 4, true],
  );
  // The bucket (3, refilled at 1/s, 1 s gone since the first change): a fourth change at once is one too many.
  setFilter(['police']);
  assert.is(c.sock.closed, null);
  setFilter(['ambulance']);
  assert.equal(c.sock.closed, {
    code: 1008,
    reason: 'JCR_COP_FILTER_RATE: more than 3 filter changes at once or 1 a second',
  });
  assert.is(w.hub.clientCount, 0);
  w.store.close();
});

test('heartbeat: a client that does not answer a ping is terminated; one that never subscribes is closed with 1007', () => {
  const w = world({ heartbeatMs: 15_000, subscribeTimeoutMs: 10_000 });
  const live = w.join();
  const dead = w.join();
  const idle = new FakeSocket();
  w.hub.connect(idle, { id: 'idle', via: 'test' });
  w.hub.heartbeat();
  assert.equal([live.sock.pings, dead.sock.pings, idle.pings], [1, 1, 1]);
  w.hub.pong(live.id);
  w.clock.advance(15_000);
  w.hub.heartbeat();
  assert.equal([live.sock.terminated, live.sock.pings, dead.sock.terminated], [false, 2, true]);
  assert.equal(idle.terminated, true); // it did not answer the ping either
  const idle2 = new FakeSocket();
  const idle2Id = w.hub.connect(idle2, { id: 'idle2', via: 'test' });
  w.hub.pong(live.id);
  w.hub.heartbeat();
  w.hub.pong(idle2Id);
  w.hub.pong(live.id);
  w.clock.advance(10_000);
  w.hub.heartbeat();
  assert.equal(idle2.closed, { code: 1007, reason: 'JCR_VALIDATION: subscribeTimeout' });
  assert.is(w.hub.clientCount, 1);
  w.store.close();
});

test('control frames are validated: bad fields are JCR_VALIDATION with the path', () => {
  const bad: Array<[unknown, string | undefined]> = [
    [{ subscribe: { filter: { agencies: ['coastguard'] } } }, 'subscribe.filter.agencies'],
    [{ subscribe: { filter: { bounds: { south: 52, west: 0, north: 51, east: 1 } } } }, 'subscribe.filter.bounds'],
    [{ subscribe: { filter: { bounds: { south: 51, west: 1, north: 52, east: 0 } } } }, 'subscribe.filter.bounds'],
    [
      { subscribe: { filter: { bounds: { south: 51, west: 0, north: 95, east: 1 } } } },
      'subscribe.filter.bounds.north',
    ],
    [{ subscribe: { lastSeq: -1 } }, 'subscribe.lastSeq'],
    [{ setFilter: { filter: { agencies: 'fire' } } }, 'setFilter.filter.agencies'],
    [{}, undefined],
  ];
  for (const [msg, path] of bad) {
    try {
      parseControl(msg);
      assert.unreachable(JSON.stringify(msg));
    } catch (e) {
      assert.instance(e, JcrError);
      assert.equal([(e as JcrError).code, (e as JcrError).path], ['JCR_VALIDATION', path]);
    }
  }
  // All three agencies and no bounds is the unfiltered view (shares the unfiltered frame).
  const all = parseControl({ subscribe: { filter: { agencies: ['police', 'fire', 'ambulance'] } } });
  assert.equal(all.type === 'subscribe' ? all.filter.key : null, '');
  const some = parseControl({
    setFilter: {
      filter: { agencies: ['police', 'fire', 'fire'], bounds: { south: 51, west: -1, north: 52, east: 0 } },
    },
  });
  assert.equal(some.type === 'setFilter' ? some.filter.key : null, 'fire,police|51,-1,52,0');
});

test('a police dispatcher resuming through a merged catch-up, with and without a viewport, never receives a fire-only incident', () => {
  const w = world();
  const view: CopFilter = { agencies: [], bounds: { south: 51.7, west: -0.3, north: 51.8, east: -0.1 } };
  let police = w.join(undefined, new FakeSocket(), 'police');
  let policeView = w.join(view, new FakeSocket(), 'police');
  w.hub.tick();
  w.hub.disconnect(police.id);
  w.hub.disconnect(policeView.id);
  const tick = () => {
    w.clock.advance(100);
    w.hub.tick();
  };
  // While away: a fire incident opened, attended and closed without police; a second one police
  // was asked to assist on and then taken off again; a third still asking police.
  w.exec({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 });
  tick();
  w.status('HAT1', ResourceStatus.MOBILISED, 'INC-1');
  tick();
  w.exec({ type: 'incident.close', incidentId: 'INC-1' });
  w.exec({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.771, lon: -0.221 });
  tick();
  w.exec({
    type: 'incident.requestAssistance',
    incidentId: 'INC-2',
    fromAgency: 'fire',
    toAgency: 'police',
    note: 'cordon',
  });
  tick();
  w.exec({ type: 'incident.acceptAssistance', incidentId: 'INC-2', requestId: 'INC-2-R1', actingAgency: 'police' });
  w.exec({ type: 'incident.update', incidentId: 'INC-2', patch: { supportingAgencies: [] } });
  w.exec({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.772, lon: -0.222 });
  w.exec({
    type: 'incident.requestAssistance',
    incidentId: 'INC-3',
    fromAgency: 'fire',
    toAgency: 'police',
    note: 'traffic',
  });
  tick();
  police = w.join(undefined, new FakeSocket(police.sock.picture), 'police');
  policeView = w.join(view, new FakeSocket(policeView.sock.picture), 'police');
  w.hub.tick();
  for (const c of [police, policeView]) {
    const d = c.sock.frames()[0]?.delta;
    assert.equal([d?.fromSeq, d?.seq], [1, 5], 'one merged delta, no snapshot');
    const incidents = kinds(d?.changes ?? []).filter((k) => k.startsWith('incident'));
    // INC-1 not at all; INC-2 while police was asked and supporting, then its removal
    assert.equal(incidents, [
      'incident INC-2:received:@6',
      'incident INC-2:received:@7',
      'incident INC-2:removed@8',
      'incident INC-3:received:@10',
    ]);
    assert.equal(
      c.sock.picture.incidentList().map((i) => i.id),
      ['INC-3'],
    );
  }
  w.store.close();
});

test.run();
