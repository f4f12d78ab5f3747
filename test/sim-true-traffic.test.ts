/**
 * The simulator's true traffic (issue 19, item 1): the class factor table and the blue-light rule,
 * time bands in local time, a path driven at per-segment speeds, and a route timed at true speeds
 * over a small literal network, with exact answers. Off by default: the FleetSim without a timed
 * router drives at the planner's constant speed (test/sim-fleet.test.ts).
 *
 * The network is on the equator: 0.01 degrees of longitude is 1,111.95 m.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bandOf, BANDS, dayPartOfHour } from '../server/core/calibration/time-band.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { haversineM } from '../server/core/geo.ts';
import { buildGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import type { SpeedProfile } from '../server/core/scenario/types.ts';
import { parseGeoJsonNetwork } from '../server/shell/network/geojson.ts';
import { FleetSim, type Router, type Trip } from '../sim/fleet/fleet-sim.ts';
import { makePath, positionAlong } from '../sim/fleet/movement.ts';
import { timeRoute, trueRouter, type TimedTrip } from '../sim/traffic/true-router.ts';
import { classFactor, classGroup, ROUTINE_FACTOR, TrueTraffic } from '../sim/traffic/true-traffic.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const MON_0800 = Date.UTC(2026, 0, 5, 8, 0, 0); // Monday, GMT = UTC in January
const SAT_0300 = Date.UTC(2026, 0, 10, 3, 0, 0);
const M = haversineM(0, 0, 0, 0.01);

const PROFILES: Record<string, SpeedProfile> = { ten: { mode: 'road', highwayKmh: { primary: 72, default: 36 } } };
const line = (coords: Array<[number, number]>, highway: string) => ({
  type: 'Feature',
  properties: { highway },
  geometry: { type: 'LineString', coordinates: coords },
});
// A(0,0) -primary- B(0.01,0) -residential- C(0.02,0), and a spur B - D(0.01,0.01) so B is a junction
const graph = buildGraph(
  parseGeoJsonNetwork(
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        line(
          [
            [0, 0],
            [0.01, 0],
          ],
          'primary',
        ),
        line(
          [
            [0.01, 0],
            [0.02, 0],
          ],
          'residential',
        ),
        line(
          [
            [0.01, 0],
            [0.01, 0.01],
          ],
          'residential',
        ),
      ],
    }),
  ),
);
const planner = new JourneyPlanner(graph, new SpeedModel(PROFILES));

test('bands: local hours and day types', () => {
  assert.equal(BANDS.length, 10);
  assert.equal([0, 5, 6, 9, 10, 15, 16, 18, 19, 21, 22, 23].map(dayPartOfHour), [
    'night',
    'night',
    'am',
    'am',
    'inter',
    'inter',
    'pm',
    'pm',
    'evening',
    'evening',
    'night',
    'night',
  ]);
  assert.is(bandOf('Europe/London', MON_0800).band, 'weekday-am');
  assert.is(bandOf('Europe/London', SAT_0300).band, 'weekend-night');
  // 07:30 UTC on 1 July is 08:30 BST: still the morning peak, in local time
  assert.equal(bandOf('Europe/London', Date.UTC(2026, 6, 1, 7, 30)).hour, 8.5);
});

test('class factors: routine takes the table x ROUTINE_FACTOR, blue lights its square root', () => {
  assert.is(classGroup('motorway_link'), 'motorway');
  assert.is(classGroup('residential'), 'minor');
  assert.is(classFactor('weekday', 'am', 'motorway', false), ROUTINE_FACTOR * 0.5);
  assert.is(classFactor('weekday', 'am', 'motorway', true), Math.sqrt(0.5));
  assert.is(classFactor('weekday', 'night', 'primary', true), 1);
  assert.is(classFactor('weekend', 'inter', 'primary', true), Math.sqrt(0.7));
});

test('a path with per-point times is driven segment by segment at those times', () => {
  const path = makePath(
    [
      [0, 0],
      [0, 0.01],
      [0, 0.02],
    ],
    30,
    [0, 10, 30],
  );
  const a = positionAlong(path, 5);
  assert.equal(
    [Math.round(a.lon * 1e7) / 1e7, Math.round(a.speedMps * 1000) / 1000],
    [0.005, Math.round((M / 10) * 1000) / 1000],
  );
  const b = positionAlong(path, 20);
  assert.equal(
    [Math.round(b.lon * 1e7) / 1e7, Math.round(b.speedMps * 1000) / 1000],
    [0.015, Math.round((M / 20) * 1000) / 1000],
  );
  assert.is(positionAlong(path, 30).done, true);
});

test('a route is timed at the true speeds of its roads at the departure time', () => {
  const flat = new TrueTraffic(graph, PROFILES, { seed: 1, zone: 'Europe/London', roadSigma: 0, tripSigma: 0 });
  const coords: Array<[number, number]> = [
    [0, 0],
    [0, 0.01],
    [0, 0.02],
  ];
  const trip: Trip = { resourceId: 'R1', t: MON_0800, blue: true };
  const got = timeRoute(planner, flat, coords, 'ten', trip);
  const want1 = (M * 3.6) / (72 * Math.sqrt(0.55));
  const want2 = want1 + (M * 3.6) / (36 * Math.sqrt(0.8));
  assert.ok(Math.abs(got.times[1]! - want1) < 1e-9 && Math.abs(got.seconds - want2) < 1e-9, JSON.stringify(got));
  assert.is(got.geoms.length, 2);
  // routine at 3 a.m. on a Saturday: ROUTINE_FACTOR x 1 on both roads
  const night = timeRoute(planner, flat, coords, 'ten', { resourceId: 'R1', t: SAT_0300, blue: false });
  const wantN = (M * 3.6) / (72 * ROUTINE_FACTOR) + (M * 3.6) / (36 * ROUTINE_FACTOR);
  assert.ok(Math.abs(night.seconds - wantN) < 1e-9);
  // per-road and per-trip factors multiply the speed; the same seed draws the same factors
  const t1 = new TrueTraffic(graph, PROFILES, { seed: 9, zone: 'Europe/London' });
  const t2 = new TrueTraffic(graph, PROFILES, { seed: 9, zone: 'Europe/London' });
  assert.equal([...t1.roads], [...t2.roads]);
  assert.ok(t1.roads[0] !== 1 && t1.roads[0]! > 0);
  const drawn = timeRoute(planner, t1, coords, 'ten', trip);
  const [g0, g1] = got.geoms as [number, number];
  const tf = t1.tripFactor(`R1:${MON_0800}`);
  const wantD =
    (M * 3.6) / (72 * Math.sqrt(0.55) * t1.roads[g0]! * tf) + (M * 3.6) / (36 * Math.sqrt(0.8) * t1.roads[g1]! * tf);
  assert.ok(Math.abs(drawn.seconds - wantD) < 1e-6, `${drawn.seconds} vs ${wantD}`);
  // the true model as a SpeedModel routes the same as timeRoute times (without the trip factor)
  const truth = new JourneyPlanner(graph, t1.modelAt(MON_0800, true));
  const r = truth.eta({ lat: 0, lon: 0 }, { lat: 0, lon: 0.02 }, 'ten')!;
  assert.ok(Math.abs(r.seconds - wantD * tf) < 1e-3, `${r.seconds} vs ${wantD * tf}`);
});

test('the FleetSim drives a true-traffic route: arrival at the true time, trip recorded', () => {
  const flat = new TrueTraffic(graph, PROFILES, { seed: 1, zone: 'Europe/London', roadSigma: 0, tripSigma: 0 });
  const trips: TimedTrip[] = [];
  const router: Router = trueRouter(planner, flat, (t) => trips.push(t));
  const scenario = miniScenario();
  const res = scenario.resources[0]!;
  const st = scenario.stations.find((s) => s.id === res.station)!;
  // put the station at A and use our profile
  const world = {
    ...scenario,
    stations: scenario.stations.map((s) => (s.id === st.id ? { ...s, lat: 0, lon: 0 } : s)),
    resources: [{ ...res, vehicleClass: 'ten', turnoutS: 0 }],
  };
  const sim = new FleetSim(world, router, { seed: 1, startMs: MON_0800, reports: false });
  sim.order(res.id, { kind: 'incident', taskId: 'I1', lat: 0, lon: 0.02, sceneS: 600 }, MON_0800);
  sim.advance(MON_0800 + 3_600_000);
  const { events } = sim.drain();
  const arrived = events.find((e) => e.status === ResourceStatus.AT_SCENE)!;
  const want = (M * 3.6) / (72 * Math.sqrt(0.55)) + (M * 3.6) / (36 * Math.sqrt(0.8));
  assert.is(arrived.t, MON_0800 + Math.round(want * 1000));
  assert.equal(
    trips.map((t) => [t.trip.blue, t.trip.t]),
    [
      [true, MON_0800],
      [false, arrived.t + 600_000],
    ],
  );
  assert.ok(Math.abs(trips[0]!.priorS - (M * 3.6) / 72 - (M * 3.6) / 36) < 1e-3);
});

test.run();
