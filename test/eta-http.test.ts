/**
 * GET /api/eta over the real north London network: seconds, metres and a GeoJSON LineString;
 * a drone's straight line; and every refusal with its code (validation, unknown profile, off-road,
 * unauthenticated, no network loaded).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { buildGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { haversineM } from '../server/core/geo.ts';
import { parseOsmPbf } from '../server/shell/network/pbf.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { createLogger } from '../server/shell/log.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

const scenario = miniScenario();
const graph = buildGraph(parseOsmPbf(readFileSync('test/fixtures/osm/north-london.osm.pbf')));
const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
// Bounds Green station area to Palmers Green (both on roads of the extract)
const FROM = '51.6071,-0.1240';
const TO = '51.6180,-0.1100';

let server: RunningServer;
let bare: RunningServer;
let token = '';

test.before(async () => {
  server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    log: createLogger('silent'),
    roads: { graph, planner },
  });
  bare = await startServer({ scenario, db: ':memory:', port: 0, log: createLogger('silent') });
  token = await tokenFor(server, 'wall-viewer');
});
test.after(async () => {
  await server.close();
  await bare.close();
});

test('a fire route: seconds and metres as the planner predicts, geometry from the start point to the end point', async () => {
  const r = await api(server, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=fire`, { token });
  assert.equal(r.status, 200);
  const want = planner.eta({ lat: 51.6071, lon: -0.124 }, { lat: 51.618, lon: -0.11 }, 'fire')!;
  const body = r.body as {
    profile: string;
    seconds: number;
    metres: number;
    geometry: { type: string; coordinates: number[][] };
    from: { offRoadM: number };
    to: { offRoadM: number };
  };
  assert.equal(body.profile, 'fire');
  assert.equal(body.seconds, Math.round(want.seconds * 10) / 10);
  assert.equal(body.metres, Math.round(want.metres * 10) / 10);
  assert.equal(body.geometry.type, 'LineString');
  assert.equal(body.geometry.coordinates.length, want.coords.length);
  assert.equal(body.geometry.coordinates[0], [-0.124, 51.6071]);
  assert.equal(body.geometry.coordinates[body.geometry.coordinates.length - 1], [-0.11, 51.618]);
  // by road it is longer than the straight line, and the geometry's length is the metres
  const straight = haversineM(51.6071, -0.124, 51.618, -0.11);
  assert.ok(body.metres > straight);
  let len = 0;
  for (let i = 1; i < body.geometry.coordinates.length; i++) {
    const [lo1, la1] = body.geometry.coordinates[i - 1]!;
    const [lo2, la2] = body.geometry.coordinates[i]!;
    len += haversineM(la1!, lo1!, la2!, lo2!);
  }
  assert.ok(Math.abs(len - body.metres) < 0.01 * body.metres, `geometry ${len} m vs metres ${body.metres}`);
  // the police profile is faster than fire on the same roads
  const police = await api(server, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=police`, { token });
  assert.ok((police.body as { seconds: number }).seconds < body.seconds);
});

test('a drone flies a straight line at its airspeed', async () => {
  const r = await api(server, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=drone`, { token });
  assert.equal(r.status, 200);
  const m = haversineM(51.6071, -0.124, 51.618, -0.11);
  assert.equal(r.body, {
    profile: 'drone',
    seconds: Math.round(((m * 3.6) / 60) * 10) / 10,
    metres: Math.round(m * 10) / 10,
    geometry: {
      type: 'LineString',
      coordinates: [
        [-0.124, 51.6071],
        [-0.11, 51.618],
      ],
    },
    from: null,
    to: null,
  });
});

test('refusals: bad points and unknown profile (JCR_VALIDATION), off-road (JCR_OFF_ROAD), not signed in, no network', async () => {
  const bad = await api(server, 'GET', `/api/eta?from=51.6,&to=${TO}&profile=fire`, { token });
  assert.equal(
    [bad.status, errorCode(bad.body), (bad.body as { error: { path: string } }).error.path],
    [400, 'JCR_VALIDATION', 'from'],
  );
  const missing = await api(server, 'GET', `/api/eta?from=${FROM}&profile=fire`, { token });
  assert.equal(
    [missing.status, errorCode(missing.body), (missing.body as { error: { path: string } }).error.path],
    [400, 'JCR_VALIDATION', 'to'],
  );
  const prof = await api(server, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=hovercraft`, { token });
  assert.equal(
    [prof.status, errorCode(prof.body), (prof.body as { error: { path: string } }).error.path],
    [400, 'JCR_VALIDATION', 'profile'],
  );
  const off = await api(server, 'GET', `/api/eta?from=51.7,-0.124&to=${TO}&profile=fire`, { token });
  assert.equal([off.status, errorCode(off.body)], [422, 'JCR_OFF_ROAD']);
  const anon = await api(server, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=fire`);
  assert.equal([anon.status, errorCode(anon.body)], [401, 'JCR_UNAUTHENTICATED']);
  const t2 = await tokenFor(bare, 'wall-viewer');
  const none = await api(bare, 'GET', `/api/eta?from=${FROM}&to=${TO}&profile=fire`, { token: t2 });
  assert.equal([none.status, errorCode(none.body)], [503, 'JCR_NOT_READY']);
});

test.run();
