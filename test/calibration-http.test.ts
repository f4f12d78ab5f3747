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
import { startServer } from '../server/shell/server.ts';
import { CalibrationStore, type CalibrationRecord } from '../server/shell/store/calibrations.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { geomAt, graph } from './support/calibration-net.ts';

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
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
  });
  try {
    const viewer = await tokenFor(server, 'wall-viewer');
    const duty = await tokenFor(server, 'duty-officer');
    const fire = await tokenFor(server, 'fire-dispatcher');
    let r = await api(server, 'GET', '/api/calibration', { token: viewer });
    assert.equal(r.body, { inForce: null, versions: [], roads: { type: 'FeatureCollection', features: [] } });
    const cal = new CalibrationStore(server.store);
    cal.add(record({}));
    cal.bringIntoForce(1, 2000, 'calibrate-cli', 'lowers the error');
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
    assert.equal(cal.forceLog().at(-1)!.actor, 'duty-officer');
    r = await api(server, 'POST', '/api/calibration/rollback', { token: duty, body: { reason: 'again' } });
    assert.equal([r.status, errorCode(r.body)], [409, 'JCR_CONFLICT']);
  } finally {
    await server.close();
  }
});

test.run();
