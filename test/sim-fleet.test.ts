import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { haversineM } from '../server/core/geo.ts';
import { FleetSim, type Router } from '../sim/fleet/fleet-sim.ts';
import {
  bearingDeg,
  cadenceMs,
  DEFAULT_CADENCE,
  hashUnit,
  makePath,
  noisyFix,
  positionAlong,
} from '../sim/fleet/movement.ts';
import { generateIncidents, pickWeighted } from '../sim/incidents/generator.ts';
import { DEFAULT_RATES_PER_YEAR } from '../sim/incidents/rates.ts';
import { TIME_OF_DAY } from '../sim/incidents/time-of-day.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

test('a path is driven at constant speed and arrives at its planned time', () => {
  // Two legs along a meridian: 0.01 degrees of latitude each (1111.95 m on the spherical Earth).
  const path = makePath(
    [
      [51.7, -0.2],
      [51.71, -0.2],
      [51.72, -0.2],
    ],
    200,
  );
  assert.is(Math.round(path.metres * 100) / 100, 2223.9);
  const mid = positionAlong(path, 100);
  assert.is(Math.round(mid.lat * 1e6) / 1e6, 51.71);
  assert.is(mid.lon, -0.2);
  assert.is(mid.headingDeg, 0);
  assert.is(Math.round(mid.speedMps * 1000) / 1000, 11.12);
  assert.is(mid.done, false);
  const end = positionAlong(path, 250);
  assert.equal([end.lat, end.lon, end.speedMps, end.done], [51.72, -0.2, 0, true]);
});

test('bearings are clockwise from north', () => {
  assert.is(Math.round(bearingDeg(51.7, -0.2, 51.7, -0.1)), 90);
  assert.is(Math.round(bearingDeg(51.7, -0.2, 51.6, -0.2)), 180);
  assert.is(Math.round(bearingDeg(51.7, -0.2, 51.7, -0.3)), 270);
});

test('GNSS noise is deterministic per (seed, key) and sized by sigma', () => {
  const a = noisyFix({ lat: 51.7, lon: -0.2 }, { sigmaM: 4 }, 7, 'HAT1:1000');
  const b = noisyFix({ lat: 51.7, lon: -0.2 }, { sigmaM: 4 }, 7, 'HAT1:1000');
  const c = noisyFix({ lat: 51.7, lon: -0.2 }, { sigmaM: 4 }, 7, 'HAT1:6000');
  assert.equal(a, b);
  assert.not.equal(a, c);
  assert.is(a.accuracyM, 6);
  assert.equal(noisyFix({ lat: 51.7, lon: -0.2 }, { sigmaM: 0 }, 7, 'x'), { lat: 51.7, lon: -0.2, accuracyM: 0 });
  assert.is(hashUnit(1, 'a'), hashUnit(1, 'a'));
  assert.ok(hashUnit(1, 'a') !== hashUnit(2, 'a'));
});

test('cadence: every 5 s on the move, every 60 s parked', () => {
  assert.is(cadenceMs(DEFAULT_CADENCE, true), 5000);
  assert.is(cadenceMs(DEFAULT_CADENCE, false), 60000);
});

/** A straight-line router at 36 km/h (10 m/s): easy exact times. */
const straight: Router = (from, to) => {
  const p = makePath(
    [
      [from.lat, from.lon],
      [to.lat, to.lon],
    ],
    0,
  );
  return {
    coords: [
      [from.lat, from.lon],
      [to.lat, to.lon],
    ],
    seconds: p.metres / 10,
  };
};

function sim(seed = 3): FleetSim {
  return new FleetSim(miniScenario(), straight, { seed, startMs: T0, noise: { sigmaM: 0 } });
}

test('parked vehicles report once a minute, spread over the minute', () => {
  const s = sim();
  s.advance(T0 + 120_000);
  const { reports } = s.drain();
  // six resources, two reports each in two minutes, all position-only at their stations
  assert.is(reports.length, 12);
  assert.ok(reports.every((r) => r.status === 0 && r.speedMps === 0));
  const hat1 = reports.filter((r) => r.resourceId === 'HAT1').map((r) => r.fixTimeMs - T0);
  assert.is(hat1[1]! - hat1[0]!, 60_000);
});

test('a mobilised crew turns out, drives at its route speed, reports AT_SCENE, RETURNING and home', () => {
  const s = sim();
  s.advance(T0);
  s.drain();
  // WGC1 (wholetime, 90 s turnout) to a point 0.01 deg north of Welwyn Garden City station: 1111.95 m = 111.2 s at 10 m/s.
  s.order('WGC1', { kind: 'incident', taskId: 'INC-1', lat: 51.8112, lon: -0.2013, sceneS: 600 }, T0);
  const v = s.vehicles.get('WGC1')!;
  assert.is(v.status, ResourceStatus.MOBILISED);
  assert.is(v.phase, 'turnout');
  s.advance(T0 + 90_000 + 111_195 + 600_000 + 111_195 + 1000);
  const { reports, events } = s.drain();
  const mine = reports.filter((r) => r.resourceId === 'WGC1');
  assert.equal(
    events.filter((e) => e.resourceId === 'WGC1').map((e) => [e.t - T0, e.status, e.taskId]),
    [
      [201_195, ResourceStatus.AT_SCENE, 'INC-1'],
      [801_195, ResourceStatus.RETURNING, null],
      [912_390, ResourceStatus.AVAILABLE_AT_STATION, null],
    ],
  );
  // status messages carry the status; everything else is position only
  assert.equal(
    mine.filter((r) => r.status !== 0).map((r) => [r.fixTimeMs - T0, r.status]),
    [
      [201_195, ResourceStatus.AT_SCENE],
      [801_195, ResourceStatus.RETURNING],
      [912_390, ResourceStatus.AVAILABLE_AT_STATION],
    ],
  );
  // on the way out: one report every 5 s, at 10 m/s, heading north
  const outbound = mine.filter((r) => r.fixTimeMs > T0 + 90_000 && r.fixTimeMs < T0 + 201_195);
  assert.is(outbound.length, 22);
  assert.ok(outbound.every((r) => r.speedMps === 10 && r.headingDeg === 0));
  assert.is(v.status, ResourceStatus.AVAILABLE_AT_STATION);
  assert.equal(v.pos, v.home);
});

test('the same seed and orders give the same reports', () => {
  const run = () => {
    const s = new FleetSim(miniScenario(), straight, { seed: 11, startMs: T0 });
    s.order('PC1', { kind: 'incident', taskId: 'I1', lat: 51.78, lon: -0.2, sceneS: 300 }, T0 + 10_000);
    s.order('AMB1', { kind: 'standby', taskId: 'SB1', lat: 51.78, lon: -0.215 }, T0 + 20_000);
    s.advance(T0 + 1_800_000);
    return s.drain();
  };
  assert.equal(run(), run());
});

test('a standby move: no status message (the control room set it), a position report at once on arrival, parked there', () => {
  const s = sim();
  s.advance(T0 + 1000);
  s.drain();
  s.order('AMB1', { kind: 'standby', taskId: 'SB-AMB1-1', lat: 51.78, lon: -0.215 }, T0 + 1000);
  const v = s.vehicles.get('AMB1')!;
  assert.equal([v.status, v.phase], [ResourceStatus.AVAILABLE_MOBILE, 'driving']);
  s.advance(T0 + 600_000);
  const { reports, events } = s.drain();
  // Hatfield station → the post: 1941.9 m straight at 10 m/s, parked at T0 + 1 s + 194.19 s.
  assert.equal(
    events.map((e) => [e.t - T0, e.resourceId, e.status, e.taskId]),
    [[195_190, 'AMB1', ResourceStatus.AVAILABLE_MOBILE, 'SB-AMB1-1']],
  );
  const mine = reports.filter((r) => r.resourceId === 'AMB1');
  assert.ok(mine.every((r) => r.status === 0));
  const arrival = mine.find((r) => r.fixTimeMs === T0 + 195_190);
  assert.equal(arrival && [arrival.lat, arrival.lon, arrival.speedMps], [51.78, -0.215, 0]);
  assert.equal(
    [v.phase, v.status, v.pos, v.task],
    ['idle', ResourceStatus.AVAILABLE_MOBILE, { lat: 51.78, lon: -0.215 }, null],
  );
  // parked: once a minute after the arrival report
  assert.equal(
    mine.filter((r) => r.fixTimeMs > T0 + 195_190).map((r) => r.fixTimeMs - T0),
    [255_190, 315_190, 375_190, 435_190, 495_190, 555_190],
  );
});

test('a standby move to a station: the crew is at station there on arrival, as the server books it', () => {
  const s = sim();
  s.order('HAT1', { kind: 'standby', taskId: 'SB-HAT1-1', lat: 51.8012, lon: -0.2013, atStation: true }, T0);
  s.advance(T0 + 1_800_000);
  const { events } = s.drain();
  assert.equal(
    events.map((e) => [e.resourceId, e.status, e.taskId]),
    [['HAT1', ResourceStatus.AVAILABLE_AT_STATION, 'SB-HAT1-1']],
  );
  const v = s.vehicles.get('HAT1')!;
  assert.equal(
    [v.phase, v.status, v.pos],
    ['idle', ResourceStatus.AVAILABLE_AT_STATION, { lat: 51.8012, lon: -0.2013 }],
  );
});

test('a standby move stopped on the way (cancelled) parks where the vehicle is', () => {
  const s = sim();
  s.order('AMB1', { kind: 'standby', taskId: 'SB-AMB1-1', lat: 51.78, lon: -0.215 }, T0);
  s.order('AMB1', { kind: 'stop', status: ResourceStatus.AVAILABLE_MOBILE }, T0 + 100_000);
  s.advance(T0 + 600_000);
  const v = s.vehicles.get('AMB1')!;
  // 1000 m of the 1941.9 m
  assert.equal(
    [v.phase, v.status, v.task, Math.round(haversineM(51.7636, -0.2247, v.pos.lat, v.pos.lon))],
    ['idle', ResourceStatus.AVAILABLE_MOBILE, null, 1000],
  );
  assert.equal(s.drain().events, []);
});

test('incident generator: seeded, in time order, only scenario types, locations near demand', () => {
  const sc = miniScenario();
  const day = 24 * 3_600_000;
  const rates = { 'dwelling-fire': 3650, 'cardiac-arrest': 1825 }; // 10 and 5 a day
  const a = generateIncidents(sc, seededRandom(42), T0, T0 + 7 * day, {
    ratesPerYear: rates,
    hourOf: (t) => ((t - T0) / 3_600_000 + 9) % 24,
  });
  const b = generateIncidents(sc, seededRandom(42), T0, T0 + 7 * day, {
    ratesPerYear: rates,
    hourOf: (t) => ((t - T0) / 3_600_000 + 9) % 24,
  });
  assert.equal(a, b);
  const fires = a.filter((x) => x.typeId === 'dwelling-fire').length;
  const arrests = a.filter((x) => x.typeId === 'cardiac-arrest').length;
  assert.equal([a.length, fires, arrests], [97, 64, 33]); // with the profiles of sim/incidents/time-of-day.json
  assert.ok(a.every((x, i) => i === 0 || a[i - 1]!.t <= x.t));
  assert.equal(
    a.slice(0, 2).map((x) => x.ref),
    ['I1', 'I2'],
  );
  assert.ok(a.every((x) => Math.abs(x.lat - 51.78) < 0.1 && Math.abs(x.lon + 0.21) < 0.15));
});

test('weighted demand picks by cumulative weight', () => {
  const pts = [
    { id: 'a', lat: 0, lon: 0, weight: 1 },
    { id: 'b', lat: 0, lon: 0, weight: 3 },
  ];
  assert.equal(
    [0, 0.24, 0.25, 0.99].map((u) => pickWeighted(pts, u).id),
    ['a', 'a', 'b', 'b'],
  );
});

test('time-of-day profiles average 1 and every Hertfordshire type has a default rate', () => {
  for (const p of Object.values(TIME_OF_DAY)) {
    assert.is(p.length, 24);
    assert.is(Math.round(p.reduce((x, y) => x + y, 0) * 1e9) / 1e9, 24);
  }
  assert.is(Object.keys(DEFAULT_RATES_PER_YEAR).length, 14);
});

test.run();
