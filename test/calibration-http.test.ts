/**
 * The calibration as the duty officer sees it (issue 19, item 4): GET /api/calibration answers
 * what is in force with its held-out error and the versions; the map layer of the roads changed
 * most, biggest change first (over the literal calibration network); a rollback needs the duty
 * officer and a reason, and refuses with JCR_CONFLICT when the prior is in force.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { fakeClock } from '../server/core/clock.ts';
import { roadsChangedMost } from '../server/shell/http/calibration.ts';
import { CalibrationStore, networkKey, type CalibrationRecord } from '../server/shell/store/calibrations.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';
import { geomAt, graph, PROFILES } from './support/calibration-net.ts';

const M2 = geomAt(0.006),
  M3 = geomAt(0.014),
  S = geomAt(0.01, -0.002);
const factors = (roads: Record<string, number>): SpeedFactors => ({
  classes: { 'weekday-am': { residential: 0.8 } },
  roads,
  evidenceS: 600,
  traversals: 10,
  kappa: { classS: 600, roadS: 120 },
});
const record = (roads: Record<string, number>): Omit<CalibrationRecord, 'version'> => ({
  createdAt: 1000,
  network: 'none',
  learnedFrom: 0,
  learnedTo: 500,
  heldOutTrips: 40,
  mapeBefore: 0.11,
  mapeAfter: 0.058,
  biasAfter: -0.013,
  accepted: true,
  reason: 'lowers the held-out error from 11.0% to 5.8% over 40 trips',
  factors: { blue: factors(roads), routine: factors({}) },
});

test('the map layer: the roads changed most, biggest change first, as GeoJSON', () => {
  const layer = roadsChangedMost(
    graph,
    { version: 1, ...record({ [M2]: 0.5, [M3]: 1.5, [S]: 0.95, 99999: 0.1 }) },
    2,
  ) as { features: Array<{ properties: Record<string, unknown>; geometry: { coordinates: number[][] } }> };
  // |ln 0.5| = |ln 2| > |ln 1.5|: M2 first; an unknown road (99999) is ignored; the limit is 2
  assert.equal(
    layer.features.map((f) => [f.properties.road, f.properties.factor, f.properties.change, f.properties.highway]),
    [
      [M2, 0.5, 'slower', 'residential'],
      [M3, 1.5, 'faster', 'residential'],
    ],
  );
  const m2 = layer.features[0]!.geometry.coordinates.map(([lon]) => lon).sort();
  assert.equal(m2, [0.002, 0.01]);
});

test('GET /api/calibration and the rollback: in force, its error, versions; duty officer only, with a reason', async () => {
  const server = await miniServer({ clock: fakeClock().now });
  try {
    const viewer = await tokenFor(server, 'wall-viewer');
    const duty = await tokenFor(server, 'duty-officer');
    const fire = await tokenFor(server, 'fire-dispatcher');
    let r = await api(server, 'GET', '/api/calibration', { token: viewer });
    assert.equal(r.body, { inForce: null, versions: [], roads: { type: 'FeatureCollection', features: [] } });
    const cal = new CalibrationStore(server.store);
    cal.add(record({}));
    server.engine.execute(
      { type: 'calibration.bringIntoForce', version: 1, network: 'none', reason: 'lowers the error' },
      { origin: 'operator', actor: 'calibrate-cli' },
    );
    r = await api(server, 'GET', '/api/calibration?roads=5', { token: viewer });
    const body = r.body as { inForce: Record<string, unknown>; versions: unknown[] };
    assert.equal(
      [body.inForce.version, body.inForce.mapeBefore, body.inForce.mapeAfter, body.versions.length],
      [1, 0.11, 0.058, 1],
    );
    r = await api(server, 'GET', '/api/calibration?roads=many', { token: viewer });
    assert.equal([r.status, errorCode(r.body)], [400, 'JCR_VALIDATION']);
    r = await api(server, 'POST', '/api/calibration/rollback', { token: fire, body: { reason: 'x' } });
    assert.equal([r.status, errorCode(r.body)], [403, 'JCR_FORBIDDEN']);
    r = await api(server, 'POST', '/api/calibration/rollback', { token: duty, body: {} });
    assert.equal([r.status, errorCode(r.body)], [400, 'JCR_VALIDATION']);
    r = await api(server, 'POST', '/api/calibration/rollback', { token: duty, body: { reason: 'roads look wrong' } });
    assert.equal([r.status, r.body], [200, { inForce: null }]);
    const last = [...server.store.events(0)].at(-1)!;
    assert.equal([last.type, last.origin, last.actor], ['calibration.inForce', 'operator', 'duty-officer']);
    r = await api(server, 'POST', '/api/calibration/rollback', { token: duty, body: { reason: 'again' } });
    assert.equal([r.status, errorCode(r.body)], [409, 'JCR_CONFLICT']);
  } finally {
    await server.close();
  }
});

test('POST /api/calibration/activate: a saved version of this network comes into force by hand, as a change', async () => {
  const server = await miniServer({
    clock: fakeClock().now,
    roads: { graph, planner: new JourneyPlanner(graph, new SpeedModel(PROFILES)) },
  });
  try {
    const duty = await tokenFor(server, 'duty-officer');
    const fire = await tokenFor(server, 'fire-dispatcher');
    const cal = new CalibrationStore(server.store);
    cal.add({ ...record({ [M2]: 0.5 }), network: networkKey(graph), accepted: false });
    cal.add(record({}));
    const activate = (token: string, body: unknown) =>
      api(server, 'POST', '/api/calibration/activate', { token, body });
    let r = await activate(fire, { version: 1, reason: 'x' });
    assert.equal([r.status, errorCode(r.body)], [403, 'JCR_FORBIDDEN']);
    r = await activate(duty, { version: 1 });
    assert.equal([r.status, errorCode(r.body)], [400, 'JCR_VALIDATION']);
    r = await activate(duty, { version: 'one', reason: 'x' });
    assert.equal([r.status, errorCode(r.body)], [400, 'JCR_VALIDATION']);
    r = await activate(duty, { version: 9, reason: 'x' });
    assert.equal([r.status, errorCode(r.body)], [404, 'JCR_NOT_FOUND']);
    // version 2 was learnt on another network: its road numbers would time the wrong roads
    r = await activate(duty, { version: 2, reason: 'x' });
    assert.equal([r.status, errorCode(r.body)], [409, 'JCR_CONFLICT']);
    // version 1 was rejected by the held-out check; the duty officer may still force it
    r = await activate(duty, { version: 1, reason: 'checked by hand' });
    assert.equal([r.status, r.body], [200, { inForce: 1 }]);
    r = await activate(duty, { version: 1, reason: 'again' });
    assert.equal([r.status, errorCode(r.body)], [409, 'JCR_CONFLICT']);
    const last = [...server.store.events(0)].at(-1)!;
    assert.equal(
      [last.type, last.origin, last.actor, last.data],
      [
        'calibration.inForce',
        'operator',
        'duty-officer',
        { version: 1, network: networkKey(graph), rollback: false, reason: 'checked by hand' },
      ],
    );
    r = await api(server, 'GET', '/api/calibration?roads=1', { token: duty });
    const body = r.body as { inForce: { version: number }; roads: { features: Array<{ properties: unknown }> } };
    assert.equal(
      [body.inForce.version, body.roads.features.map((f) => f.properties)],
      [1, [{ road: M2, factor: 0.5, change: 'slower', highway: 'residential' }]],
    );
  } finally {
    await server.close();
  }
});

test.run();
