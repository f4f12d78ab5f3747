import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { JOURNEYS, linesScenario, T0 } from './support/lines-world.ts';

/**
 * A dispatcher adds or removes an attendance line with a reason (issue 22 item 3): a boat for a
 * missing person by a canal. REST over a real server (port 0, ':memory:'), straight-line journeys
 * at 10 m/s (test/support/lines-world.ts).
 */
let server: RunningServer;
const tok: Record<string, string> = {};
test.before(async () => {
  server = await startServer({
    scenario: linesScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock(T0).now,
    log: 'silent',
    roads: { mobilisation: { journeys: JOURNEYS, cover: null } },
  });
  tok.police = await tokenFor(server, 'police-dispatcher', 'pat');
  tok.fire = await tokenFor(server, 'fire-dispatcher', 'fred');
  tok.ambulance = await tokenFor(server, 'ambulance-desk', 'amy');
  tok.duty = await tokenFor(server, 'duty-officer', 'dora');
});
test.after(async () => {
  await server.close();
});

const call = (who: string, method: string, path: string, body?: unknown) =>
  api(server, method, path, { token: tok[who]!, ...(body !== undefined ? { body } : {}) });
const err = (r: { status: number; body: unknown }) => [
  r.status,
  errorCode(r.body),
  (r.body as { error?: { path?: string } }).error?.path,
];
interface Rec {
  proposed: string[];
  lines: Array<{
    capability: string;
    proposed: string[];
    candidates: Array<{ resourceId: string; viaJointRequest: boolean }>;
  }>;
}

test('police add a boat line for a missing person by the canal; the recommendation covers it; the log says who and why', async () => {
  // Last seen on the towpath 100 m from Welwyn Garden City fire station.
  const c = await call('police', 'POST', '/api/incidents', {
    typeId: 'missing-person-high-risk',
    lat: 51.8012,
    lon: -0.1999,
  });
  assert.is(c.status, 201);
  const before = (await call('police', 'GET', '/api/incidents/INC-1/recommendation')).body as Rec;
  assert.not.ok(before.lines.some((l) => l.capability === 'boat'));

  const add = await call('police', 'POST', '/api/incidents/INC-1/lines', {
    capability: 'boat',
    count: 1,
    reason: 'last seen on the canal towpath',
  });
  assert.is(add.status, 201);
  const lines = add.body as { lines: Array<Record<string, unknown>>; changes: Array<Record<string, unknown>> };
  assert.equal(
    lines.lines.map((l) => [l.lineId, l.count, l.source, l.offered, l.outstanding]),
    [
      ['search', 2, 'type', false, 2],
      ['dog', 1, 'type', false, 1],
      ['drone', 1, 'type', false, 1],
      ['boat', 1, 'dispatcher', false, 1],
      ['thermal-imaging', 1, 'offer', true, 1],
    ],
  );
  assert.equal(lines.changes, [
    { capability: 'boat', count: 1, reason: 'last seen on the canal towpath', by: 'pat', at: T0 },
  ]);

  // The boat line is proposed: the fire boat, through a joint request (police cannot task it).
  const rec = (await call('police', 'GET', '/api/incidents/INC-1/recommendation')).body as Rec;
  const boat = rec.lines.find((l) => l.capability === 'boat')!;
  assert.equal(
    [boat.proposed, boat.candidates[0]!.resourceId, boat.candidates[0]!.viaJointRequest],
    [['BOAT1'], 'BOAT1', true],
  );
  assert.ok(rec.proposed.includes('BOAT1'));

  const log = (await call('police', 'GET', '/api/incidents/INC-1/log')).body as {
    events: Array<{ type: string; actor: string; data: Record<string, unknown> }>;
  };
  const set = log.events.find((e) => e.type === 'incident.lineSet')!;
  assert.equal(
    [set.actor, set.data],
    ['pat', { incidentId: 'INC-1', capability: 'boat', count: 1, reason: 'last seen on the canal towpath' }],
  );
});

test('removing a line needs a reason; the recommendation then leaves it out; an unknown line is 404', async () => {
  assert.equal(err(await call('police', 'POST', '/api/incidents/INC-1/lines/dog/remove', {})), [
    400,
    'JCR_VALIDATION',
    'reason',
  ]);
  const rm = await call('police', 'POST', '/api/incidents/INC-1/lines/dog/remove', {
    reason: 'dogs stood down: water',
  });
  assert.is(rm.status, 200);
  assert.equal(
    (rm.body as { lines: Array<{ lineId: string }> }).lines.map((l) => l.lineId),
    ['search', 'drone', 'boat', 'thermal-imaging'],
  );
  const rec = (await call('police', 'GET', '/api/incidents/INC-1/recommendation')).body as Rec;
  assert.equal(
    rec.lines.map((l) => l.capability),
    ['search', 'drone', 'boat', 'thermal-imaging'],
  );
  // No dog line; DOG1 can search, and ties with PS1 for the search line.
  assert.equal(rec.proposed, ['DOG1', 'PS1', 'DRONE1', 'BOAT1']);
  assert.equal(err(await call('police', 'POST', '/api/incidents/INC-1/lines/dog/remove', { reason: 'again' })), [
    404,
    'JCR_NOT_FOUND',
    'lineId',
  ]);
});

test('bad lines are refused with the field; only the lead agency and the duty officer change lines', async () => {
  const post = (who: string, body: unknown) => call(who, 'POST', '/api/incidents/INC-1/lines', body);
  assert.equal(err(await post('police', { capability: 'boat', count: 0, reason: 'x' })), [
    400,
    'JCR_VALIDATION',
    'count',
  ]);
  assert.equal(err(await post('police', { capability: 'hovercraft', count: 1, reason: 'x' })), [
    400,
    'JCR_VALIDATION',
    'capability',
  ]);
  assert.equal(err(await post('police', { capability: 'boat', count: 1, reason: '  ' })), [
    400,
    'JCR_VALIDATION',
    'reason',
  ]);
  assert.equal(err(await post('police', { capability: 'boat', count: 1 })), [400, 'JCR_VALIDATION', 'reason']);
  // Fire takes no part: the incident does not exist for it.
  assert.equal(err(await post('fire', { capability: 'pump', count: 1, reason: 'x' })), [
    404,
    'JCR_NOT_FOUND',
    'incidentId',
  ]);
  assert.equal(err(await call('fire', 'GET', '/api/incidents/INC-1/lines')), [404, 'JCR_NOT_FOUND', 'incidentId']);
  // A supporting agency sees the lines but may not change them.
  assert.is((await call('police', 'PATCH', '/api/incidents/INC-1', { supportingAgencies: ['ambulance'] })).status, 200);
  assert.is((await call('ambulance', 'GET', '/api/incidents/INC-1/lines')).status, 200);
  assert.equal(err(await post('ambulance', { capability: 'paramedic', count: 1, reason: 'x' })), [
    403,
    'JCR_INCIDENT_LEAD_ONLY',
    'incidentId',
  ]);
  // The duty officer may: the boat line now asks for two.
  const two = await post('duty', { capability: 'boat', count: 2, reason: 'two stretches of canal' });
  assert.is(two.status, 201);
  const boat = (two.body as { lines: Array<{ lineId: string; count: number; source: string }> }).lines.find(
    (l) => l.lineId === 'boat',
  )!;
  assert.equal([boat.count, boat.source], [2, 'dispatcher']);
});

test.run();
