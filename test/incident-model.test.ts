import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { JcrError } from '../server/core/errors.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const alice = { origin: 'operator' as const, actor: 'alice' };
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

function boot() {
  const clock = fakeClock(T0);
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, clock.now);
  return { clock, store, engine };
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof JcrError) return `${e.code}${e.path !== undefined ? ' ' + e.path : ''}`;
    throw e;
  }
  return 'no error';
}

test('create: type defaults (priority, lead agency, METHANE type) and status received', () => {
  const { engine } = boot();
  const [ev] = engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.77,
      lon: -0.21,
      address: '1 High St, Hatfield',
      methane: { hazards: 'gas cylinders' },
    },
    alice,
  );
  assert.is(ev?.type, 'incident.created');
  const inc = engine.room.incidents.require('INC-1');
  assert.equal(
    {
      id: inc.id,
      status: inc.status,
      priority: inc.priority,
      lead: inc.leadAgency,
      supp: inc.supportingAgencies,
      address: inc.address,
      m: inc.methane,
      createdBy: inc.createdBy,
      createdAt: inc.createdAt,
    },
    {
      id: 'INC-1',
      status: 'received',
      priority: 1,
      lead: 'fire',
      supp: [],
      address: '1 High St, Hatfield',
      m: {
        majorIncident: false,
        exactLocation: '',
        type: 'Dwelling fire',
        hazards: 'gas cylinders',
        access: '',
        casualties: null,
        servicesPresent: [],
        servicesRequired: [],
      },
      createdBy: 'alice',
      createdAt: T0,
    },
  );
});

test('create refuses an unknown type, naming the field', () => {
  const { engine, store } = boot();
  assert.is(
    code(() => engine.execute({ type: 'incident.create', typeId: 'volcano', lat: 51.77, lon: -0.21 }, alice)),
    'JCR_VALIDATION typeId',
  );
  assert.is(store.lastSeq(), 0);
});

test('lifecycle: received → mobilising → in attendance → closed, with per-resource times', () => {
  const { engine, clock } = boot();
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.21 }, alice);
  clock.advance(30_000);
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1', 'WGC1'], proposed: ['HAT1', 'WGC1'] },
    alice,
  );
  const inc = engine.room.incidents.require('INC-1');
  assert.is(inc.status, 'mobilising');
  assert.is(engine.room.fleet.require('HAT1').status, ResourceStatus.MOBILISED);
  assert.is(engine.room.fleet.require('HAT1').incidentId, 'INC-1');
  clock.advance(240_000);
  engine.execute(
    { type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AT_SCENE },
    { origin: 'avl', actor: 'feed-1' },
  );
  assert.is(inc.status, 'in-attendance');
  clock.advance(600_000);
  engine.execute({ type: 'incident.close', incidentId: 'INC-1', reason: 'fire out' }, alice);
  assert.is(inc.status, 'closed');
  assert.is(inc.closeReason, 'fire out');
  assert.equal(inc.attendances, [
    {
      resourceId: 'HAT1',
      agency: 'fire',
      mobilisedAt: T0 + 30_000,
      arrivedAt: T0 + 270_000,
      leftAt: T0 + 870_000,
      arrivalSource: 'avl',
      line: 'pump',
    },
    {
      resourceId: 'WGC1',
      agency: 'fire',
      mobilisedAt: T0 + 30_000,
      arrivedAt: null,
      leftAt: T0 + 870_000,
      arrivalSource: null,
      line: 'pump',
    },
  ]);
  // Closing stood both down.
  assert.is(engine.room.fleet.require('HAT1').status, ResourceStatus.RETURNING);
  assert.is(engine.room.fleet.require('WGC1').status, ResourceStatus.RETURNING);
  assert.is(
    code(() => engine.execute({ type: 'incident.update', incidentId: 'INC-1', patch: { address: 'x' } }, alice)),
    'JCR_CONFLICT incidentId',
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'resource.setStatus', resourceId: 'HAT2', status: ResourceStatus.MOBILISED, incidentId: 'INC-1' },
        alice,
      ),
    ),
    'JCR_CONFLICT incidentId',
  );
});

test('mobilise: a choice other than the proposal needs a reason; the decision is logged with who and why', () => {
  const { engine } = boot();
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.21 }, alice);
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT2'], proposed: ['HAT1', 'WGC1'] },
        alice,
      ),
    ),
    'JCR_VALIDATION reason',
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT2'], proposed: ['HAT1'], reason: '   ' },
        alice,
      ),
    ),
    'JCR_VALIDATION reason',
  );
  const evs = engine.execute(
    {
      type: 'incident.mobilise',
      incidentId: 'INC-1',
      resourceIds: ['HAT2'],
      proposed: ['HAT1', 'WGC1'],
      reason: 'HAT1 crew at hydrant test',
    },
    { origin: 'operator', actor: 'bob' },
  );
  assert.equal(
    evs.map((e) => [e.type, e.actor, e.data]),
    [
      [
        'incident.decision',
        'bob',
        {
          incidentId: 'INC-1',
          decision: 'overridden',
          proposed: ['HAT1', 'WGC1'],
          chosen: ['HAT2'],
          reason: 'HAT1 crew at hydrant test',
          recommendationSeq: null,
          actingAgency: null,
        },
      ],
      ['resource.status', 'bob', { resourceId: 'HAT2', status: 3, incidentId: 'INC-1', line: 'pump' }],
    ],
  );
  // Already committed: refused, naming the element.
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1', 'HAT2'], proposed: ['HAT1', 'HAT2'] },
        alice,
      ),
    ),
    'JCR_CONFLICT resourceIds[1]',
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['NOPE'], proposed: ['NOPE'] },
        alice,
      ),
    ),
    'JCR_NOT_FOUND resourceIds[0]',
  );
});

test('mobilise on the recommendation shown uses its proposal and logs it; nothing was recorded when shown', () => {
  // Issue 15 item 3: showing a recommendation writes nothing (it was an incident.recommended
  // event, and a decision on any but the latest was refused with JCR_CONFLICT recommendationSeq).
  // The decision carries what was shown, the log seq and time it was computed on.
  const { engine, store } = boot();
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.77, lon: -0.21 }, alice);
  const summary = {
    proposed: ['HAT1', 'WGC1'],
    lines: [
      {
        capability: 'pump',
        count: 2,
        outstanding: 2,
        candidates: [
          { resourceId: 'HAT1', etaS: 200 },
          { resourceId: 'WGC1', etaS: 400 },
        ],
        proposed: ['HAT1', 'WGC1'],
        unfilled: 0,
      },
    ],
    withheld: [],
  };
  const [dec] = engine.execute(
    {
      type: 'incident.mobilise',
      incidentId: 'INC-1',
      resourceIds: ['WGC1', 'HAT1'],
      proposed: [],
      recommended: summary,
      recommendationSeq: 1,
      recommendedAt: T0 - 5000,
    },
    alice,
  );
  assert.is(dec?.seq, 2);
  assert.equal(dec?.data, {
    incidentId: 'INC-1',
    decision: 'accepted',
    proposed: ['HAT1', 'WGC1'],
    chosen: ['WGC1', 'HAT1'],
    reason: null,
    recommendationSeq: 1,
    actingAgency: null,
    recommended: summary,
    recommendedAt: T0 - 5000,
  });
  assert.equal(
    [...store.events(0)].map((e) => e.type),
    ['incident.created', 'incident.decision', 'resource.status', 'resource.status'],
  );
  // The incident's last recommendation is the one decided on.
  assert.equal(engine.room.incidents.require('INC-1').lastRecommendation, {
    seq: 2,
    proposed: ['HAT1', 'WGC1'],
    lineOf: { HAT1: 'pump', WGC1: 'pump' },
    summary,
  });
});

test('joint request: police ask fire; fire accepts; the incident is shared with one location; agency checks in the core', () => {
  const { engine } = boot();
  const police = { origin: 'operator' as const, actor: 'pc-dispatch' };
  const fire = { origin: 'operator' as const, actor: 'fire-dispatch' };
  engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      leadAgency: 'police',
      lat: 51.766,
      lon: -0.227,
      actingAgency: 'police',
    },
    police,
  );
  // The police may not mobilise fire pumps.
  assert.is(
    code(() =>
      engine.execute(
        {
          type: 'incident.mobilise',
          incidentId: 'INC-1',
          resourceIds: ['HAT1'],
          proposed: ['HAT1'],
          actingAgency: 'police',
        },
        police,
      ),
    ),
    'JCR_FORBIDDEN resourceIds[0]',
  );
  // Fire cannot act on it before it is asked: to fire the incident does not exist yet (issue 22).
  assert.is(
    code(() =>
      engine.execute(
        {
          type: 'incident.mobilise',
          incidentId: 'INC-1',
          resourceIds: ['HAT1'],
          proposed: ['HAT1'],
          actingAgency: 'fire',
        },
        fire,
      ),
    ),
    'JCR_NOT_FOUND incidentId',
  );
  engine.execute(
    {
      type: 'incident.requestAssistance',
      incidentId: 'INC-1',
      fromAgency: 'police',
      toAgency: 'fire',
      note: 'smoke from roof',
    },
    police,
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.requestAssistance', incidentId: 'INC-1', fromAgency: 'police', toAgency: 'fire' },
        police,
      ),
    ),
    'JCR_CONFLICT toAgency',
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.acceptAssistance', incidentId: 'INC-1', requestId: 'INC-1-R1', actingAgency: 'ambulance' },
        fire,
      ),
    ),
    'JCR_NOT_FOUND incidentId', // the ambulance takes no part: as over REST
  );
  engine.execute(
    { type: 'incident.acceptAssistance', incidentId: 'INC-1', requestId: 'INC-1-R1', actingAgency: 'fire' },
    fire,
  );
  const inc = engine.room.incidents.require('INC-1');
  assert.equal(inc.supportingAgencies, ['fire']);
  assert.equal(
    inc.requests.map((r) => [r.requestId, r.status, r.requestedBy, r.acceptedBy]),
    [['INC-1-R1', 'accepted', 'pc-dispatch', 'fire-dispatch']],
  );
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1'], proposed: ['HAT1'], actingAgency: 'fire' },
    fire,
  );
  // One shared location, moved by the lead agency only (issue 22): the supporting fire is refused.
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.update', incidentId: 'INC-1', patch: { lat: 51.7665, lon: -0.2275 }, actingAgency: 'fire' },
        fire,
      ),
    ),
    'JCR_INCIDENT_LEAD_ONLY incidentId',
  );
  engine.execute(
    { type: 'incident.update', incidentId: 'INC-1', patch: { lat: 51.7665, lon: -0.2275 }, actingAgency: 'police' },
    police,
  );
  assert.equal([inc.lat, inc.lon], [51.7665, -0.2275]);
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.update', incidentId: 'INC-1', patch: { lat: 51.7 }, actingAgency: 'police' },
        police,
      ),
    ),
    'JCR_VALIDATION lon',
  );
  assert.is(
    code(() =>
      engine.execute(
        { type: 'incident.update', incidentId: 'INC-1', patch: { address: 'x' }, actingAgency: 'ambulance' },
        fire,
      ),
    ),
    'JCR_NOT_FOUND incidentId', // the ambulance takes no part: to it the incident does not exist
  );
});

test('the timeline holds every event of the incident, and a restart rebuilds incidents from the log', () => {
  const { engine, store, clock } = boot();
  engine.execute({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.77, lon: -0.21 }, alice);
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.8, lon: -0.2 }, alice);
  engine.execute({ type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['AMB1'], proposed: ['AMB1'] }, alice);
  engine.execute({ type: 'operator.note', text: 'caller doing CPR', incidentId: 'INC-1' }, alice);
  clock.advance(60_000);
  engine.execute({ type: 'resource.setStatus', resourceId: 'AMB1', status: ResourceStatus.AT_SCENE }, alice);
  engine.execute(
    {
      type: 'incident.flagQuicker',
      incidentId: 'INC-2',
      flags: [{ capability: 'pump', enRouteId: 'HAT2', enRouteEtaS: 400, quickerId: 'WGC1', quickerEtaS: 200 }],
    },
    { origin: 'system', actor: 'system' },
  );
  assert.equal(
    engine.room.incidents.timeline('INC-1').map((e) => [e.seq, e.type]),
    [
      [1, 'incident.created'],
      [3, 'incident.decision'],
      [4, 'resource.status'],
      [5, 'operator.note'],
      [6, 'resource.status'],
    ],
  );
  const again = Engine.boot(miniScenario(), store, clock.now);
  assert.equal(again.room.incidents.require('INC-1'), engine.room.incidents.require('INC-1'));
  assert.equal(again.room.incidents.require('INC-2').quicker, [
    {
      capability: 'pump',
      enRouteId: 'HAT2',
      enRouteEtaS: 400,
      quickerId: 'WGC1',
      quickerEtaS: 200,
      at: T0 + 60_000,
      seq: 7,
    },
  ]);
  assert.equal(
    again.room.incidents.timeline('INC-1').map((e) => e.seq),
    [1, 3, 4, 5, 6],
  );
});

test.run();
