import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { alice, bootLines } from './support/lines-world.ts';

/**
 * Attendance lines that stay true (issue 22 item 3): each committed resource counts against the
 * line it was sent for; one line per capability. World: test/support/lines-world.ts (straight
 * lines at 10 m/s).
 */

// A missing person 300 m north of Hatfield police station.
const MP = { type: 'incident.create' as const, typeId: 'missing-person-high-risk', lat: 51.769, lon: -0.227 };

test('accepting a full missing-person proposal: the next recommendation counts the dog against the dog line', () => {
  const { engine, recommendNow } = bootLines();
  engine.execute(MP, alice);
  const first = recommendNow('INC-1');
  assert.equal(
    first.rec.lines.filter((l) => !l.offered).map((l) => [l.capability, l.proposed]),
    [
      ['search', ['PS1', 'PS2']],
      ['dog', ['DOG1']],
      ['drone', ['DRONE1']],
    ],
  );
  engine.execute(
    {
      type: 'incident.mobilise',
      incidentId: 'INC-1',
      resourceIds: first.rec.proposed,
      proposed: first.rec.proposed,
      recommended: first.summary,
      recommendationSeq: first.seq,
    },
    alice,
  );
  // Each attendance carries the line it was sent for, and so does its status event.
  const inc = engine.room.incidents.require('INC-1');
  assert.equal(
    inc.attendances.map((a) => [a.resourceId, a.line]),
    [
      ['PS1', 'search'],
      ['PS2', 'search'],
      ['DOG1', 'dog'],
      ['DRONE1', 'drone'],
    ],
  );
  const ev = engine.room.incidents
    .timeline('INC-1')
    .find((e) => e.type === 'resource.status' && e.data.resourceId === 'DOG1');
  assert.equal(ev?.type === 'resource.status' ? ev.data.line : null, 'dog');
  // The full attendance is committed: nothing outstanding, nothing proposed (before: the dog
  // filled the search line and DOG2, 29 minutes away, was proposed as a second dog).
  const next = recommendNow('INC-1').rec;
  assert.equal(
    next.lines.filter((l) => !l.offered).map((l) => [l.capability, l.attending, l.outstanding]),
    [
      ['search', ['PS1', 'PS2'], 0],
      ['dog', ['DOG1'], 0],
      ['drone', ['DRONE1'], 0],
    ],
  );
  assert.equal(next.proposed, []);
});

test('a resource sent by a bare status change (no line recorded) fills the first line it fits', () => {
  const { engine, recommendNow } = bootLines();
  engine.execute(MP, alice);
  engine.execute(
    { type: 'resource.setStatus', resourceId: 'DOG1', status: ResourceStatus.MOBILISED, incidentId: 'INC-1' },
    alice,
  );
  assert.equal(engine.room.incidents.require('INC-1').attendances[0]!.line, undefined);
  const rec = recommendNow('INC-1').rec;
  assert.equal(
    rec.lines.filter((l) => !l.offered).map((l) => [l.capability, l.attending, l.proposed]),
    [
      ['search', ['DOG1'], ['PS1']],
      ['dog', [], ['DOG2']],
      ['drone', [], ['DRONE1']],
    ],
  );
});

test('a mobilisation without a recommendation records the first line each resource fits that needs one', () => {
  const { engine } = bootLines();
  engine.execute(MP, alice);
  engine.execute(
    {
      type: 'incident.mobilise',
      incidentId: 'INC-1',
      resourceIds: ['PS1', 'DOG1', 'PS2', 'DOG2'],
      proposed: [],
      reason: 'sent by hand',
    },
    alice,
  );
  assert.equal(
    engine.room.incidents.require('INC-1').attendances.map((a) => [a.resourceId, a.line]),
    [
      ['PS1', 'search'],
      ['DOG1', 'search'],
      ['PS2', 'search'],
      ['DOG2', 'dog'],
    ],
  );
});

test('one line per capability: the drone asked for by the type is not offered again', () => {
  const { engine, recommendNow } = bootLines();
  engine.execute(MP, alice);
  const rec = recommendNow('INC-1').rec;
  assert.equal(
    rec.lines.map((l) => [l.capability, l.count, l.offered]),
    [
      ['search', 2, false],
      ['dog', 1, false],
      ['drone', 1, false],
      ['thermal-imaging', 1, true],
    ],
  );
  assert.equal(rec.proposed, ['PS1', 'PS2', 'DOG1', 'DRONE1']);
});

test('a co-responder arriving after the ambulance is not proposed; it is listed with the reason', () => {
  const { engine, recommendNow } = bootLines();
  // 300 m east of Hatfield: AMB1 (mobile crew, no turnout) 30 s away; WGC1, the only
  // co-responder, 90 s turnout + 4.4 km from Welwyn Garden City: 528 s.
  engine.execute({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.7636, lon: -0.2204 }, alice);
  const rec = recommendNow('INC-1').rec;
  const co = rec.lines.find((l) => l.capability === 'co-responder')!;
  assert.equal(
    [co.candidates.map((c) => [c.resourceId, c.etaS, c.withheld]), co.proposed, co.unfilled],
    [[['WGC1', 528, 'co-responder rule: arrives in 8:48, not 1:00 before the first paramedic (0:30)']], [], 1],
  );
  assert.equal(rec.proposed, ['AMB1']);
  assert.equal(
    rec.excluded.filter((e) => e.resourceId === 'WGC1').map((e) => [e.reason, e.detail]),
    [['co-responder-late', 'co-responder rule: arrives in 8:48, not 1:00 before the first paramedic (0:30)']],
  );
  assert.is(rec.rules.coResponderMarginS, 60);
});

test('a co-responder is proposed when it arrives the margin before the ambulance, not within it', () => {
  // Beside Welwyn Garden City fire station: WGC1 in 90 s + 69 m; AMB1 from Hatfield in 451 s.
  const run = (marginS: number) => {
    const s = bootLines().engine.room.scenario;
    const { engine, recommendNow } = bootLines({ ...s, rules: { ...s.rules, coResponderMarginS: marginS } });
    engine.execute({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.8012, lon: -0.2003 }, alice);
    const rec = recommendNow('INC-1').rec;
    return [rec.proposed, rec.lines.map((l) => l.candidates.map((c) => c.etaS))];
  };
  assert.equal(run(60), [
    ['AMB1', 'WGC1'],
    [[451], [97]],
  ]);
  assert.equal(run(350), [
    ['AMB1', 'WGC1'],
    [[451], [97]],
  ]);
  assert.equal(run(360), [['AMB1'], [[451], [97]]]);
});

test('the ambulance already committed counts: en route 451 s away, then at scene', () => {
  const { engine, recommendNow } = bootLines();
  engine.execute({ type: 'incident.create', typeId: 'cardiac-arrest', lat: 51.8012, lon: -0.2003 }, alice);
  engine.execute(
    { type: 'resource.setStatus', resourceId: 'AMB1', status: ResourceStatus.MOBILISED, incidentId: 'INC-1' },
    alice,
  );
  assert.equal(recommendNow('INC-1').rec.proposed, ['WGC1']);
  engine.execute(
    { type: 'resource.setStatus', resourceId: 'AMB1', status: ResourceStatus.AT_SCENE, incidentId: 'INC-1' },
    alice,
  );
  const rec = recommendNow('INC-1').rec;
  assert.equal(
    [rec.proposed, rec.lines[1]!.candidates[0]!.withheld],
    [[], 'co-responder rule: arrives in 1:37, not 1:00 before the first paramedic (0:00)'],
  );
});

test.run();
