/**
 * Issue 15 item 9: bad input that got 500 (or a wrong answer) gets a stable code instead: an
 * undecodable path, a device id nested 20,000 arrays deep, hex coordinates, positions far outside
 * the scenario's area, and a what-if naming a resource twice.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { buildGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { createLogger, type Logger } from '../server/shell/log.ts';
import { parseOsmPbf } from '../server/shell/network/pbf.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { DEV_TOKEN, T0 } from './support/avl.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { neverTimers } from './support/timers.ts';

const scenario = miniScenario();
const planner = new JourneyPlanner(
  buildGraph(parseOsmPbf(readFileSync('test/fixtures/osm/north-london.osm.pbf'))),
  new SpeedModel(scenario.speedProfiles),
);
const errors: string[] = [];
const logger: Logger = { ...createLogger('silent'), error: (msg) => errors.push(msg) };

let server: RunningServer;
let token = '';
test.before(async () => {
  server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: fakeClock(T0).now,
    log: logger,
    avl: { token: DEV_TOKEN },
    roads: { planner },
  });
  token = await tokenFor(server, 'duty-officer', 'duty');
});
test.after(async () => {
  await server.close();
});

const answer = (r: { status: number; body: unknown }) => [
  r.status,
  errorCode(r.body),
  (r.body as { error?: { path?: string } }).error?.path,
];

test('item 9: an undecodable path is 400 JCR_MALFORMED_URL, and nothing is logged as an error', async () => {
  for (const path of ['/api/resources/%ZZ', '/api/incidents/%E0%A4%A', '/api/resources/%ZZ/status']) {
    const r = await api(server, 'GET', path, { token });
    assert.equal(answer(r), [400, 'JCR_MALFORMED_URL', undefined], path);
  }
  assert.equal(errors, []);
});

test('item 9: an OsmAnd device_id nested 20,000 arrays deep is 400 JCR_VALIDATION', async () => {
  const deep = '['.repeat(20_000) + '"phone-amb1"' + ']'.repeat(20_000);
  const body = `{"device_id":${deep},"location":{"timestamp":"2026-01-01T08:59:00Z","coords":{"latitude":51.77,"longitude":-0.22}}}`;
  const res = await fetch(`${server.url}/osmand?token=${DEV_TOKEN}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(answer({ status: res.status, body: await res.json() }), [400, 'JCR_VALIDATION', 'id']);
  assert.equal(errors, []);
});

test('item 9: hex numbers are not coordinates (eta 400 JCR_VALIDATION, OsmAnd 422 JCR_AVL_BAD_COORDINATES)', async () => {
  const eta = await api(server, 'GET', '/api/eta?from=0x33,-0.124&to=51.618,-0.11&profile=fire', { token });
  assert.equal(answer(eta), [400, 'JCR_VALIDATION', 'from']);
  const eta2 = await api(server, 'GET', '/api/eta?from=51.6071,-0.124&to=51.618,-0x0&profile=fire', { token });
  assert.equal(answer(eta2), [400, 'JCR_VALIDATION', 'to']);
  const res = await fetch(`${server.url}/osmand?token=${DEV_TOKEN}&id=phone-amb1&lat=0x33&lon=-0.22`, {
    method: 'POST',
  });
  assert.equal([res.status, errorCode(await res.json())], [422, 'JCR_AVL_BAD_COORDINATES']);
  assert.is(server.engine.room.fleet.require('AMB1').fixTimeMs, 0);
});

test('item 9: incidents and journeys far outside the scenario area are 422 JCR_OUTSIDE_AREA', async () => {
  const sydney = { lat: -33.8688, lon: 151.2093 };
  const drone = await api(server, 'GET', `/api/eta?from=51.75,-0.2&to=${sydney.lat},${sydney.lon}&profile=drone`, {
    token,
  });
  assert.equal(answer(drone), [422, 'JCR_OUTSIDE_AREA', 'to']);
  const from = await api(server, 'GET', `/api/eta?from=${sydney.lat},${sydney.lon}&to=51.75,-0.2&profile=drone`, {
    token,
  });
  assert.equal(answer(from), [422, 'JCR_OUTSIDE_AREA', 'from']);
  // Just over the border (about 11 km south of the bounds) is still a place the room may send to.
  const near = await api(server, 'GET', `/api/eta?from=51.75,-0.2&to=51.5,-0.2&profile=drone`, { token });
  assert.is(near.status, 200);

  const far = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'dwelling-fire', ...sydney, actingAgency: 'fire' },
  });
  assert.equal(answer(far), [422, 'JCR_OUTSIDE_AREA', 'lat']);
  assert.is(server.engine.room.incidents.size, 0);
  const ok = await api(server, 'POST', '/api/incidents', {
    token,
    // Inside the area but beyond the north London road extract: created once confirmed off-road.
    body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.21, actingAgency: 'fire', confirmOffRoad: true },
  });
  assert.is(ok.status, 201);
  const id = (ok.body as { id: string }).id;
  const moved = await api(server, 'PATCH', `/api/incidents/${id}`, {
    token,
    body: { ...sydney, actingAgency: 'fire' },
  });
  assert.equal(answer(moved), [422, 'JCR_OUTSIDE_AREA', 'lat']);
  const after = await api(server, 'GET', `/api/incidents/${id}`, { token });
  assert.equal([(after.body as { lat: number }).lat, (after.body as { lon: number }).lon], [51.77, -0.21]);
});

test('item 9: a what-if naming a resource twice is 400 JCR_VALIDATION at the repeat', async () => {
  const cs = coverScenario();
  const cover = await startServer({
    scenario: cs,
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
    roads: { planner: coverPlanner(cs), cover: { timers: neverTimers } },
  });
  try {
    const duty = await tokenFor(cover, 'duty-officer');
    const r = await api(cover, 'POST', '/api/cover/what-if', {
      token: duty,
      body: { resourceIds: ['TRU1', 'CHH1', 'TRU1'] },
    });
    assert.equal(answer(r), [400, 'JCR_VALIDATION', 'resourceIds[2]']);
  } finally {
    await cover.close();
  }
});

test.run();
