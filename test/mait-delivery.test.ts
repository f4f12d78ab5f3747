/**
 * Issue 18 items 3 and 2 (acceptance, without HTTP): two rooms, Hertfordshire ('herts') and
 * Bedfordshire ('beds'), exchange messages through their outboxes, couriers and inboxes on a
 * fake clock. A transfer goes create -> acknowledged -> accepted -> updates both ways -> close;
 * a rejection carries its reason; a message twice is applied once; messages out of order are
 * held and applied in order; an unknown type is refused with nothing applied; ten minutes with
 * the partner down, then all delivered in order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MaitIncidentContent, MaitMessage } from '../proto/mait.ts';
import { JcrError } from '../server/core/errors.ts';
import { incidentContent } from '../server/core/mait/content.ts';
import type { Engine } from '../server/shell/engine.ts';
import { roomPair, type TestRoom } from './support/mait-rooms.ts';

const fire = { origin: 'operator', actor: 'fiona' } as const;

function openIncident(engine: Engine): string {
  const [ev] = engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.77,
      lon: -0.21,
      address: '1 High Street',
      actingAgency: 'fire',
    },
    fire,
  );
  return (ev!.data as { incidentId: string }).incidentId;
}

/** Transfer our incident to the partner, as the "Transfer to partner" route does. */
function transfer(room: TestRoom, to: string, incidentId: string): void {
  const inc = room.engine.room.incidents.get(incidentId)!;
  const content = incidentContent(inc, room.engine.room.scenario, inc.typeId, []);
  room.engine.execute(
    {
      type: 'mait.send',
      partnerId: to,
      incidentId,
      draft: { kind: 'Create', incident: { room: room.id, id: incidentId }, content },
      actingAgency: 'fire',
    },
    fire,
  );
}

function timeline(room: TestRoom, incidentId: string): string[] {
  return room.engine.room.incidents.timeline(incidentId).map((e) => {
    const kind = e.type === 'mait.queued' || e.type === 'mait.received' ? ` ${e.data.message.kind}` : '';
    return `${e.type}${kind} ${e.origin}:${e.actor}`;
  });
}

const CONTENT: MaitIncidentContent = {
  type: 'dwelling-fire',
  typeText: 'House fire',
  priority: 1,
  location: { lat: 51.78, lon: -0.2, gridRef: 'TL 2340 1230', uprn: null, address: '2 Mill Lane' },
  methane: {
    majorIncident: false,
    exactLocation: '',
    type: 'House fire',
    hazards: '',
    access: '',
    casualties: null,
    servicesPresent: [],
    servicesRequired: ['fire'],
  },
  casualties: [],
  callerAccount: 'Smoke from the roof',
  timeline: [],
};

/** A message from 'beds' about its incident B-7, number `seq`: Create first, then Updates. */
function fromBeds(seq: number, over: Partial<MaitIncidentContent> = {}): MaitMessage {
  const header = {
    messageId: `beds:beds:B-7:${seq}`,
    from: 'beds',
    to: 'herts',
    incident: { room: 'beds', id: 'B-7' },
    seq,
    sentAt: 1,
  };
  const content = { ...CONTENT, ...over, typeText: `v${seq}` };
  return seq === 1 ? { ...header, kind: 'Create', content } : { ...header, kind: 'Update', content };
}

test('create -> acknowledged -> accepted -> updates both ways -> close', async () => {
  const { a, b, settle } = roomPair();
  const ours = openIncident(a.engine);
  transfer(a, 'beds', ours);
  const out = [...a.engine.room.transfers.all()][0]!;
  assert.is(a.mait.status(out), 'queued');
  await settle();
  // beds applied the Create and acknowledged it as received at once (its reaction).
  const inbound = [...b.engine.room.transfers.all()][0]!;
  assert.equal(
    [inbound.direction, inbound.status, inbound.content?.location.address],
    ['in', 'pending', '1 High Street'],
  );
  assert.equal([a.mait.status(out), out.ackStage], ['acknowledged', 'received']);

  b.engine.execute({ type: 'mait.consider', transferId: inbound.id }, { origin: 'operator', actor: 'bob' });
  b.engine.execute(
    { type: 'mait.accept', transferId: inbound.id, actingAgency: 'fire', note: 'Ours now' },
    { origin: 'operator', actor: 'bob' },
  );
  await settle();
  assert.equal([out.status, out.ackStage, out.partnerIncidentId], ['accepted', 'considering', 'INC-1']);
  assert.equal([inbound.status, inbound.incidentId], ['accepted', 'INC-1']);
  const theirs = inbound.incidentId!;
  assert.is(b.engine.room.incidents.get(theirs)?.address, '1 High Street');

  a.engine.execute(
    { type: 'operator.note', incidentId: ours, text: 'Caller rang back: all out', actingAgency: 'fire' },
    fire,
  );
  b.engine.execute(
    { type: 'operator.note', incidentId: theirs, text: 'Two pumps mobilised', actingAgency: 'fire' },
    { origin: 'operator', actor: 'bob' },
  );
  await settle();
  const update = b.engine.room.incidents.timeline(theirs).find((e) => e.type === 'mait.received');
  assert.equal(
    update?.type === 'mait.received' && update.data.message.kind === 'Update'
      ? update.data.message.content.timeline.map((t) => t.text)
      : null,
    ['Caller rang back: all out'],
  );
  a.engine.execute({ type: 'incident.close', incidentId: ours, reason: 'handed over', actingAgency: 'fire' }, fire);
  await settle();
  assert.is(inbound.closed, true);
  assert.equal(timeline(a, ours), [
    'incident.created operator:fiona',
    'mait.queued Create operator:fiona',
    'mait.received Acknowledge partner:beds',
    'mait.received Acknowledge partner:beds',
    'mait.received Accept partner:beds',
    'operator.note operator:fiona',
    'mait.queued Update system:mait',
    'mait.received Update partner:beds',
    'incident.closed operator:fiona',
    'mait.queued Close system:mait',
  ]);
  assert.equal(timeline(b, theirs), [
    'incident.created operator:bob',
    'mait.queued Accept operator:bob',
    'operator.note operator:bob',
    'mait.queued Update system:mait',
    'mait.received Update partner:herts',
    'mait.received Close partner:herts',
  ]);
  // Every message was applied once and in order: nothing held, nothing left to send.
  assert.equal(
    b.got.map((g) => `${g.kind}#${g.seq} ${g.outcome}`),
    ['Create#1 applied', 'Update#2 applied', 'Close#3 applied'],
  );
  assert.is(a.mait.outbox.pendingCount() + b.mait.outbox.pendingCount(), 0);
});

test('a rejection carries its reason back, and the incident stays ours', async () => {
  const { a, b, settle } = roomPair();
  const ours = openIncident(a.engine);
  transfer(a, 'beds', ours);
  await settle();
  const inbound = [...b.engine.room.transfers.all()][0]!;
  assert.throws(
    () =>
      b.engine.execute(
        { type: 'mait.reject', transferId: inbound.id, reason: '  ' },
        { origin: 'operator', actor: 'bob' },
      ),
    (e: unknown) => e instanceof JcrError && e.code === 'JCR_VALIDATION',
  );
  b.engine.execute(
    { type: 'mait.reject', transferId: inbound.id, reason: 'Outside our area' },
    { origin: 'operator', actor: 'bob' },
  );
  await settle();
  const out = [...a.engine.room.transfers.all()][0]!;
  assert.equal([a.mait.status(out), out.reason], ['rejected', 'Outside our area']);
  assert.is(b.engine.room.incidents.get('INC-1'), undefined);
  assert.is(a.engine.room.incidents.get(ours)?.status, 'received');
  // A second answer to the same transfer is refused.
  assert.throws(
    () => b.engine.execute({ type: 'mait.accept', transferId: inbound.id }, { origin: 'operator', actor: 'bob' }),
    (e: unknown) => e instanceof JcrError && e.code === 'JCR_REQUEST_ANSWERED',
  );
});

test('the same message twice is applied once', () => {
  const { a } = roomPair();
  const before = a.engine.room.lastSeq;
  assert.is(a.mait.inbox.receive('beds', fromBeds(1)), 'applied');
  const afterFirst = a.engine.room.lastSeq;
  assert.is(a.mait.inbox.receive('beds', fromBeds(1)), 'duplicate');
  assert.is(a.engine.room.lastSeq, afterFirst);
  // Applied once: one mait.received, then our acknowledgement (the reaction) queued once.
  const types = [...a.engine.store.events(before)].map((e) => e.type);
  assert.equal(types, ['mait.received', 'mait.queued']);
  assert.is([...a.engine.room.transfers.all()].length, 1);
});

test('out of order: held in the database, then applied in order when the gap fills', () => {
  const { a } = roomPair();
  assert.equal(
    [3, 2].map((s) => a.mait.inbox.receive('beds', fromBeds(s))),
    ['held', 'held'],
  );
  assert.is(a.mait.held.count(), 2);
  assert.is([...a.engine.room.transfers.all()].length, 0);
  assert.is(a.mait.inbox.receive('beds', fromBeds(3)), 'held'); // held twice: kept once
  assert.is(a.mait.held.count(), 2);
  assert.is(a.mait.inbox.receive('beds', fromBeds(1)), 'applied');
  const applied = [...a.engine.store.events(0)]
    .filter((e) => e.type === 'mait.received')
    .map((e) => (e.type === 'mait.received' ? e.data.message.seq : 0));
  assert.equal(applied, [1, 2, 3]);
  assert.is(a.mait.held.count(), 0);
  assert.is([...a.engine.room.transfers.all()][0]?.content?.typeText, 'v3');
  assert.is(a.mait.inbox.receive('beds', fromBeds(2)), 'duplicate');
});

test('an unknown incident type is refused with its code and nothing is applied', () => {
  const { a } = roomPair();
  const before = a.engine.room.lastSeq;
  assert.throws(
    () => a.mait.inbox.receive('beds', fromBeds(1, { type: 'volcano' })),
    (e: unknown) => e instanceof JcrError && e.code === 'JCR_MAIT_UNKNOWN_TYPE',
  );
  assert.is(a.engine.room.lastSeq, before);
  assert.is(a.engine.room.transfers.expectedSeq('beds', { room: 'beds', id: 'B-7' }), 1);
  // The next try, with a type we know, is message 1 still.
  assert.is(a.mait.inbox.receive('beds', fromBeds(1)), 'applied');
});

test('the partner down for 10 minutes of fake time, then back: all delivered, in order, once', async () => {
  const { a, b, clock, timers, net, settle } = roomPair();
  net.down = true;
  const ours = openIncident(a.engine);
  transfer(a, 'beds', ours);
  for (let i = 1; i <= 5; i++)
    a.engine.execute({ type: 'operator.note', incidentId: ours, text: `note ${i}`, actingAgency: 'fire' }, fire);
  assert.is(a.mait.outbox.pendingCount('beds'), 6);
  for (let s = 0; s < 600; s++) {
    clock.advance(1000);
    timers.fire();
    await a.mait.courier.settled();
  }
  assert.is(a.mait.outbox.pendingCount('beds'), 6);
  assert.is(a.mait.outbox.head('beds')?.attempts, 15);
  net.down = false;
  await settle();
  assert.equal(
    b.got.map((g) => `${g.kind}#${g.seq} ${g.outcome}`),
    [
      'Create#1 applied',
      'Update#2 applied',
      'Update#3 applied',
      'Update#4 applied',
      'Update#5 applied',
      'Update#6 applied',
    ],
  );
  const inbound = [...b.engine.room.transfers.all()][0]!;
  assert.is(inbound.content?.timeline[0]?.text, 'note 5');
});

test.run();
