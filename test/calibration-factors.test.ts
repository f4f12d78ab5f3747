/**
 * A calibration changes how long journeys take, never which journeys exist (docs/calibration.md,
 * "The allowed range"). Every factor must be a number in 0.2..5: the estimator clamps what it
 * builds, and a stored artefact with a factor outside the range (a string, null, 0, 1e300 in a
 * database row) is refused with JCR_CALIBRATION_INVALID, by the planner and the duty officer's
 * activation, and a room with it in force times with the prior. Before the rule, a class factor
 * stored as a string made every road of its class NaN seconds, so the planner found no route
 * between the two stations of the literal network, and 1e300 made them 0 s. Property: with any
 * factors in the range, every pair the prior routes the calibration routes, in at most 25 times
 * the prior's seconds, over a grid with one-way roads, several classes and posted limits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { calibratedModel } from '../server/core/calibration/apply.ts';
import { estimateFactors, type SpeedFactors } from '../server/core/calibration/estimate.ts';
import { FACTOR_MAX, FACTOR_MAX_SLOWER, FACTOR_MIN, factorProblem } from '../server/core/calibration/factor-range.ts';
import { fakeClock, seededRandom } from '../server/core/clock.ts';
import { isJcrError } from '../server/core/errors.ts';
import { buildGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { stationPoints } from '../server/core/incidents/journeys.ts';
import { parseGeoJsonNetwork } from '../server/shell/network/geojson.ts';
import { startServer } from '../server/shell/server.ts';
import { CalibrationStore, networkKey } from '../server/shell/store/calibrations.ts';
import { graph, netScenario, PROFILES, T0 } from './support/calibration-net.ts';
import { calibratedJourneys, calibrationRoom, calibrationRow } from './support/calibration-room.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

const BAND = 'weekday-am'; // T0, Monday 08:00 London
/** One mode's factors as a database row holds them: JSON, whatever wrote it. */
const stored = (classes: string, roads = '{}'): SpeedFactors =>
  JSON.parse(
    `{"classes":{"${BAND}":${classes}},"roads":${roads},"evidenceS":1,"traversals":1,"kappa":{"classS":600,"roadS":120}}`,
  ) as SpeedFactors;
/** A row of this network, accepted, as another tool might have written it. */
const saved = (blue: SpeedFactors, routine: SpeedFactors) => calibrationRow(blue, routine, 'written by another tool');
const codeOf = (f: () => unknown): string => {
  try {
    f();
    return 'no error';
  } catch (e) {
    return isJcrError(e) ? e.code : String(e);
  }
};
// Hatfield's and Welwyn's stations, at the two ends of the main road
const HAT = { lat: 0, lon: 0.001 },
  WGC = { lat: 0, lon: 0.019 };

test('a stored factor out of the range is refused with JCR_CALIBRATION_INVALID, not made into a planner without routes', () => {
  const prior = new JourneyPlanner(graph, new SpeedModel(PROFILES));
  assert.is(Math.round(prior.eta(HAT, WGC, 'ten')!.seconds), 200);
  const cases: Array<[string, string, string]> = [
    ['{"residential":"fast"}', '{}', `factors.classes.${BAND}.residential`],
    ['{"residential":1e300}', '{}', `factors.classes.${BAND}.residential`],
    ['{"residential":0}', '{}', `factors.classes.${BAND}.residential`],
    ['{"residential":-1}', '{}', `factors.classes.${BAND}.residential`],
    ['{"residential":5.01}', '{}', `factors.classes.${BAND}.residential`],
    ['{"residential":0.8}', '{"1":null}', 'factors.roads.1'],
    ['{"residential":0.8}', '{"1":0.19}', 'factors.roads.1'],
    ['{"residential":0.8}', '{"x":1}', 'factors.roads.x'],
  ];
  for (const [classes, roads, path] of cases) {
    const f = stored(classes, roads);
    assert.is(factorProblem(f, 'factors')?.path, path, classes + roads);
    assert.is(
      codeOf(() => calibratedModel(PROFILES, graph, f, BAND)),
      'JCR_CALIBRATION_INVALID',
      classes + roads,
    );
  }
  // the ends of the range are in it, and route
  for (const [classes, roads] of [
    ['{"residential":0.2}', '{"1":5}'],
    ['{"residential":5}', '{"1":0.2}'],
  ] as const) {
    const f = stored(classes, roads);
    assert.is(factorProblem(f, 'factors'), null);
    const r = new JourneyPlanner(graph, calibratedModel(PROFILES, graph, f, BAND)).eta(HAT, WGC, 'ten');
    assert.ok(r !== null && r.seconds > 0);
  }
});

test('a room with an out-of-range artefact in force times with the prior; the duty officer cannot bring one in', async () => {
  const { scenario, clock, timers, store, engine } = calibrationRoom();
  const { cal } = calibratedJourneys({ engine, scenario, clock: clock.now, timers });
  const bad = stored('{"residential":"fast"}');
  const version = new CalibrationStore(store).add(saved(bad, bad));
  const hatfield = stationPoints(scenario).find((s) => s.lon === 0.001)!;
  const eta = () =>
    cal.timing(clock.now()).journeys.within(0, 0.008, hatfield.profile)(hatfield.lat, hatfield.lon, 3600);
  const priorEta = eta();
  try {
    engine.execute(
      { type: 'calibration.bringIntoForce', version, network: networkKey(graph), reason: 'test' },
      { origin: 'system', actor: 'test' },
    );
    timers.tick(60_000);
    await cal.settled();
    assert.equal([cal.timing(clock.now()).calibration, eta()], [null, priorEta]);
    assert.ok(Number.isFinite(priorEta));
  } finally {
    cal.close();
    store.close();
  }
  const server = await startServer({
    scenario: netScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock(T0).now,
    log: 'silent',
    roads: { graph, planner: new JourneyPlanner(graph, new SpeedModel(PROFILES)) },
  });
  try {
    new CalibrationStore(server.store).add(saved(stored('{"residential":0.8}', '{"1":1e300}'), stored('{}')));
    const duty = await tokenFor(server, 'duty-officer');
    const r = await api(server, 'POST', '/api/calibration/activate', {
      token: duty,
      body: { version: 1, reason: 'x' },
    });
    assert.equal(
      [r.status, errorCode(r.body), (r.body as { error: { message: string } }).error.message],
      [
        422,
        'JCR_CALIBRATION_INVALID',
        'calibration version 1: factors.blue.roads.1 is 1e+300; every factor must be a number in 0.2..5',
      ],
    );
    assert.is(server.engine.room.calibration.inForce, null);
  } finally {
    await server.close();
  }
});

test('the estimator clamps a factor to the range: much data ten times faster or slower than the prior', () => {
  const data = [
    ...Array.from({ length: 10 }, () => ({ geom: 0, band: BAND, priorS: 1000, seconds: 100 })),
    ...Array.from({ length: 10 }, () => ({ geom: 1, band: 'weekend-am', priorS: 100, seconds: 1000 })),
  ];
  const f = estimateFactors(data, (geom) => (geom === 0 ? 'primary' : 'residential'), {
    empirical: false,
    classKappaS: 1,
    minRoadS: 1e9,
  });
  assert.equal(f.classes, { [BAND]: { primary: FACTOR_MAX }, 'weekend-am': { residential: FACTOR_MIN } });
});

/** A 4 x 4 grid 300 m apart: rows of each class, the second row and column one-way, limits on some. */
function grid() {
  const step = 300 / 111_195;
  const classes = ['primary', 'residential', 'service', 'tertiary'];
  const features: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    const row = Array.from({ length: 4 }, (_, j) => [j * step, i * step]);
    const col = Array.from({ length: 4 }, (_, j) => [i * step, j * step]);
    const props = (k: number) => ({
      highway: classes[k]!,
      ...(k === 1 ? { oneway: 'yes' } : {}),
      ...(k === 3 ? { maxspeed: '20 mph' } : {}),
    });
    features.push({ type: 'Feature', properties: props(i), geometry: { type: 'LineString', coordinates: row } });
    features.push({
      type: 'Feature',
      properties: props((i + 1) % 4),
      geometry: { type: 'LineString', coordinates: col },
    });
  }
  const g = buildGraph(parseGeoJsonNetwork(JSON.stringify({ type: 'FeatureCollection', features })));
  const points = [];
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) points.push({ lat: i * step + step / 3, lon: j * step });
  return { g, points, classes };
}

test('property: with any factors in the range every pair the prior routes is routed, in at most 25 times its seconds', () => {
  const { g, points, classes } = grid();
  const profiles = { pump: { mode: 'road' as const, highwayKmh: { primary: 80, residential: 30, service: 15 } } };
  const prior = new JourneyPlanner(g, new SpeedModel(profiles));
  const snaps = points.map((p) => prior.snap(p.lat, p.lon));
  const priorS = snaps.map((a) => snaps.map((b) => prior.route(a, b, 'pump', { maxS: Infinity })?.seconds ?? Infinity));
  const routed = priorS.flat().filter(Number.isFinite).length;
  assert.ok(routed > 200); // the one-way rows and columns leave most pairs routable
  const rnd = seededRandom(19);
  // log-uniform over the range, and the ends of it a quarter of the time
  const factor = () => {
    const u = rnd();
    if (u < 0.125) return FACTOR_MIN;
    if (u < 0.25) return FACTOR_MAX;
    return FACTOR_MIN * (FACTOR_MAX / FACTOR_MIN) ** rnd();
  };
  let checked = 0;
  for (let run = 0; run < 25; run++) {
    const roads: Record<string, number> = {};
    for (let geom = 0; geom < g.geomStart.length - 1; geom++) if (rnd() < 0.7) roads[String(geom)] = factor();
    const f: SpeedFactors = {
      classes: { [BAND]: Object.fromEntries(classes.map((c) => [c, factor()])) },
      roads,
      evidenceS: 1,
      traversals: 1,
      kappa: { classS: 600, roadS: 120 },
    };
    const cal = new JourneyPlanner(g, calibratedModel(profiles, g, f, BAND));
    snaps.forEach((a, i) =>
      snaps.forEach((b, j) => {
        const p = priorS[i]![j]!;
        if (!Number.isFinite(p)) return;
        const c = cal.route(a, b, 'pump', { maxS: Infinity });
        assert.ok(c !== null, `run ${run}: ${i} -> ${j} routed by the prior in ${p} s, not by the calibration`);
        assert.ok(c.seconds <= p * FACTOR_MAX_SLOWER + 1e-3, `run ${run}: ${i} -> ${j}: ${c.seconds} s against ${p} s`);
        checked++;
      }),
    );
  }
  assert.is(checked, 25 * routed);
});

test.run();
