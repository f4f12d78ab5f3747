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

test.run();
