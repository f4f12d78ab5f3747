/**
 * The road graph and JourneyPlanner on small literal networks with exact answers: one-way
 * streets both ways (the reverse trip longer), oneway=-1, roundabouts, access, the largest-SCC
 * filter and its report, snapping with partial edges, heading, the off-road allowance and error,
 * candidates with turnout and a drone, the multi-source search and route geometry.
 *
 * Coordinates are on the equator so the numbers are easy to check: at speed 36 km/h (10 m/s),
 * a segment of 0.01 degrees of longitude (1,111.95 m) takes 111.195 s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildGraph, type RoadGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel, turnoutS, DEFAULT_HIGHWAY_KMH } from '../server/core/graph/speed.ts';
import { classifyWay, parseMaxspeed } from '../server/core/graph/osm-tags.ts';
import { haversineM } from '../server/core/geo.ts';
import { JcrError } from '../server/core/errors.ts';
import type { SpeedProfile } from '../server/core/scenario/types.ts';
import { parseGeoJsonNetwork } from '../server/shell/network/geojson.ts';

type Coord = [number, number]; // [lon, lat]
const line = (coords: Coord[], props: Record<string, string>) => ({
  type: 'Feature',
  properties: props,
  geometry: { type: 'LineString', coordinates: coords },
});
const fc = (...features: unknown[]) => JSON.stringify({ type: 'FeatureCollection', features });
const graphOf = (...features: unknown[]): RoadGraph => buildGraph(parseGeoJsonNetwork(fc(...features)));

const TEN: SpeedProfile = { mode: 'road', highwayKmh: { default: 36 } };
const PROFILES: Record<string, SpeedProfile> = {
  ten: TEN,
  fast: { mode: 'road', highwayKmh: { primary: 100, default: 36 }, maxspeedFactor: 1.25 },
  drone: { mode: 'air', airspeedKmh: 72 },
};
const planner = (g: RoadGraph) => new JourneyPlanner(g, new SpeedModel(PROFILES));

// A(0,0) - B(0.01,0) two-way; B -> C(0.02,0) one-way; C - D(0.02,0.01) - E(0.01,0.01) - B two-way.
const A: Coord = [0, 0],
  B: Coord = [0.01, 0],
  C: Coord = [0.02, 0],
  D: Coord = [0.02, 0.01],
  E: Coord = [0.01, 0.01];
const m = (p: Coord, q: Coord) => haversineM(p[1], p[0], q[1], q[0]);
const s10 = (...legs: Array<[Coord, Coord]>) => legs.reduce((t, [p, q]) => t + m(p, q) / 10, 0);
const close = (got: number, want: number, what = '') =>
  assert.ok(Math.abs(got - want) < 1e-6 * Math.max(1, want), `${what} ${got} != ${want}`);

function loopNetwork(oneway: Record<string, string> = { oneway: 'yes' }, bc: Coord[] = [B, C]) {
  return graphOf(
    line([A, B], { highway: 'residential' }),
    line(bc, { highway: 'residential', ...oneway }),
    line([C, D, E, B], { highway: 'residential' }),
  );
}
const at = (p: Coord) => ({ lat: p[1], lon: p[0] });

test('tags: drivable classes, access precedence, oneway forms, roundabout and motorway imply one-way', () => {
  assert.equal(classifyWay({ highway: 'footway' }), { drivable: false, reason: 'not-a-road' });
  assert.equal(classifyWay({ highway: 'service', access: 'private' }), { drivable: false, reason: 'no-access' });
  assert.equal(classifyWay({ highway: 'residential', motor_vehicle: 'no' }), { drivable: false, reason: 'no-access' });
  assert.equal(classifyWay({ highway: 'residential', access: 'no', motor_vehicle: 'yes' }).drivable, true);
  assert.equal(classifyWay({ highway: 'residential', access: 'destination' }).drivable, true);
  assert.equal(classifyWay({ highway: 'primary', oneway: 'reversible' }), { drivable: false, reason: 'reversible' });
  assert.equal(classifyWay({ highway: 'primary', oneway: '-1' }), {
    drivable: true,
    highway: 'primary',
    forward: false,
    backward: true,
    maxspeedKmh: 0,
  });
  assert.equal(classifyWay({ highway: 'tertiary', junction: 'roundabout' }), {
    drivable: true,
    highway: 'tertiary',
    forward: true,
    backward: false,
    maxspeedKmh: 0,
  });
  assert.equal(classifyWay({ highway: 'tertiary', junction: 'roundabout', oneway: 'no' }), {
    drivable: true,
    highway: 'tertiary',
    forward: true,
    backward: true,
    maxspeedKmh: 0,
  });
  assert.equal(classifyWay({ highway: 'motorway', maxspeed: '70 mph' }), {
    drivable: true,
    highway: 'motorway',
    forward: true,
    backward: false,
    maxspeedKmh: 70 * 1.609344,
  });
});

test('maxspeed: km/h, mph, zone codes, lists take the lowest, junk is no limit', () => {
  assert.equal(parseMaxspeed('50'), 50);
  assert.equal(parseMaxspeed('50 km/h'), 50);
  assert.equal(parseMaxspeed('30 mph'), 30 * 1.609344);
  assert.equal(parseMaxspeed('20mph'), 20 * 1.609344);
  assert.equal(parseMaxspeed('GB:nsl_single'), 60 * 1.609344);
  assert.equal(parseMaxspeed('50;30'), 30);
  assert.equal(parseMaxspeed('none'), 0);
  assert.equal(parseMaxspeed('signals'), 0);
  assert.equal(parseMaxspeed(undefined), 0);
});

test('speed model: profile class, link from parent, profile default, built-in table, maxspeed factor, calibration, turnout', () => {
  const sm = new SpeedModel(
    {
      p: { mode: 'road', highwayKmh: { primary: 80, residential: 30 }, maxspeedFactor: 1.2 },
      q: { mode: 'road', highwayKmh: { default: 25 } },
      d: { mode: 'air', airspeedKmh: 90 },
    },
    { calibration: { q: { residential: 0.5 } } },
  );
  assert.equal(sm.roadKmh('p', 'primary', 0), 80);
  assert.equal(sm.roadKmh('p', 'primary_link', 0), 60);
  assert.equal(sm.roadKmh('p', 'service', 0), DEFAULT_HIGHWAY_KMH.service);
  assert.equal(sm.roadKmh('p', 'primary', 50), 60); // min(80, 50 x 1.2)
  assert.equal(sm.roadKmh('p', 'residential', 48), 30); // the limit is above the class speed
  assert.equal(sm.roadKmh('q', 'motorway', 0), 25); // the profile's default beats the built-in table
  assert.equal(sm.roadKmh('q', 'residential', 0), 12.5); // calibrated
  assert.equal(sm.airSeconds('d', 1000), 40);
  assert.throws(
    () => sm.roadKmh('nope', 'primary', 0),
    (e: unknown) => e instanceof JcrError && e.code === 'JCR_VALIDATION',
  );
  const crewing = {
    wholetime: { turnoutS: 90 },
    'day-crewed': { turnoutS: 120 },
    'on-call': { turnoutS: 300 },
    mobile: { turnoutS: 0 },
  };
  assert.equal(turnoutS({ crewing: 'on-call' }, crewing), 300);
  assert.equal(turnoutS({ crewing: 'on-call', turnoutS: 240 }, crewing), 240);
});

test('one-way street: B -> C is direct, C -> B goes round by D and E (three times longer)', () => {
  const p = planner(loopNetwork());
  const bc = p.eta(at(B), at(C), 'ten')!;
  const cb = p.eta(at(C), at(B), 'ten')!;
  close(bc.seconds, s10([B, C]), 'B->C');
  close(cb.seconds, s10([C, D], [D, E], [E, B]), 'C->B');
  assert.ok(cb.seconds > 2.9 * bc.seconds);
  close(cb.metres, m(C, D) + m(D, E) + m(E, B), 'C->B metres');
  assert.equal(cb.coords, [
    [0, 0.02],
    [0.01, 0.02],
    [0.01, 0.01],
    [0, 0.01],
  ]);
  assert.equal(bc.coords, [
    [0, 0.01],
    [0, 0.02],
  ]);
});

test('oneway=-1 is one-way against the drawing direction; a roundabout is one-way', () => {
  const p = planner(loopNetwork({ oneway: '-1' }, [C, B]));
  close(p.eta(at(B), at(C), 'ten')!.seconds, s10([B, C]));
  close(p.eta(at(C), at(B), 'ten')!.seconds, s10([C, D], [D, E], [E, B]));
  const r = planner(loopNetwork({ junction: 'roundabout' }));
  close(r.eta(at(C), at(B), 'ten')!.seconds, s10([C, D], [D, E], [E, B]));
  const two = planner(loopNetwork({ oneway: 'no' }));
  close(two.eta(at(C), at(B), 'ten')!.seconds, s10([B, C]));
});

test('the reverse search, the multi-source search and routes agree on the one-way loop', () => {
  const p = planner(loopNetwork());
  const toB = p.timesToTarget(p.snap(0, 0.01), 'ten', { space: p.newSpace() });
  close(toB.timeFrom(p.snap(0, 0.02)), s10([C, D], [D, E], [E, B]));
  close(toB.timeFrom(p.snap(0, 0)), s10([A, B]));
  const fromB = p.timesFromSources([{ snap: p.snap(0, 0.01), offsetS: 7 }], 'ten');
  const toC = fromB.timeTo(p.snap(0, 0.02));
  assert.equal(toC.source, 0);
  close(toC.seconds, 7 + s10([B, C]), 'B->C with offset'); // edge seconds are Float32: equal to ~1e-7
});

test('access=private, motor_vehicle=no and footways are left out; the largest SCC is kept and the rest reported', () => {
  const F: Coord = [-0.01, 0];
  const G: Coord = [0, -0.01];
  const H: Coord = [0, 0.01];
  const g = graphOf(
    line([A, B], { highway: 'residential' }),
    line([B, C], { highway: 'residential' }),
    line([A, F], { highway: 'residential', oneway: 'yes' }), // F can be reached but never left
    line([A, G], { highway: 'service', access: 'private' }),
    line([A, H], { highway: 'footway' }),
    line([C, D], { highway: 'residential', motor_vehicle: 'no' }),
  );
  assert.equal(g.report, {
    waysRead: 6,
    waysDrivable: 3,
    waysDropped: { notARoad: 1, noAccess: 2, area: 0, reversible: 0, degenerate: 0 },
    nodesDrivable: 4,
    edgesDrivable: 5,
    oneWayEdges: 1,
    components: 2,
    nodes: 3,
    edges: 4,
    vertices: 2,
    routingEdges: 2,
    nodesDropped: 1,
    edgesDropped: 1,
  });
  assert.equal(g.pointCount, 3);
});

test('snapping: projection, partial edges at both ends, off-road allowance and JCR_OFF_ROAD', () => {
  const p = planner(loopNetwork());
  // 55.6 m north of the middle of A-B
  const s = p.snap(0.0005, 0.005);
  assert.equal([s.snappedLat, s.snappedLon, s.t], [0, 0.005, 0.5]);
  close(s.offRoadM, 0.0005 * 111195.07973436875, 'offRoadM');
  assert.equal([s.forward, s.backward, s.vertex], [true, true, -1]);
  // from the middle of A-B to the middle of B-C: half of A-B, half of B-C, plus the off-road gap at 15 km/h
  const r = p.eta({ lat: 0.0005, lon: 0.005 }, { lat: 0, lon: 0.015 }, 'ten')!;
  close(r.seconds, s10([A, B]) / 2 + s10([B, C]) / 2 + (s.offRoadM * 3.6) / 15, 'partial');
  assert.equal(r.coords, [
    [0.0005, 0.005],
    [0, 0.005],
    [0, 0.01],
    [0, 0.015],
  ]);
  // from the middle of B-C (one-way) back to its start: all the way round
  const back = p.eta({ lat: 0, lon: 0.015 }, { lat: 0, lon: 0.0125 }, 'ten')!;
  close(back.seconds, s10([B, C]) / 2 + s10([C, D], [D, E], [E, B]) + s10([B, C]) / 4, 'around');
  // same segment, forwards: no search needed
  close(p.eta({ lat: 0, lon: 0.0125 }, { lat: 0, lon: 0.015 }, 'ten')!.seconds, s10([B, C]) / 4, 'same segment');
  assert.throws(
    () => p.snap(0.05, 0.05),
    (e: unknown) => e instanceof JcrError && e.code === 'JCR_OFF_ROAD',
  );
});

test('heading: a vehicle on a two-way road may only drive on in the direction it faces', () => {
  const p = planner(loopNetwork());
  // on C-D (two-way), halfway, facing north (towards D) or south (towards C)
  const north = p.snap(0.005, 0.02, { headingDeg: 0 });
  const south = p.snap(0.005, 0.02, { headingDeg: 180 });
  // exactly one way out, opposite for the two headings (which one is "forward" depends on how the geometry was drawn)
  assert.equal(north.forward !== north.backward, true);
  assert.equal([south.forward, south.backward], [north.backward, north.forward]);
  const toB = p.timesToTarget(p.snap(0, 0.01), 'ten');
  close(toB.timeFrom(north), s10([C, D], [D, E], [E, B]) / 1 - s10([C, D]) / 2, 'facing D');
  // facing C: back to C, then round the whole loop (B -> C is one-way the other way)
  close(toB.timeFrom(south), s10([C, D]) / 2 + s10([C, D], [D, E], [E, B]), 'facing C');
});

test('candidates: one reverse search, turnout added, drones fly, slow ones beyond maxS left out', () => {
  const p = planner(loopNetwork());
  const target = p.snap(0, 0.01); // B
  const got = p.candidatesToTarget(
    target,
    [
      { id: 'at-A', profile: 'ten', lat: 0, lon: 0, turnoutS: 60 },
      { id: 'at-C', profile: 'ten', lat: 0, lon: 0.02 },
      { id: 'drone', profile: 'drone', lat: 0, lon: 0.02, turnoutS: 30 },
    ],
    { maxS: 400 },
  );
  assert.equal(
    got.map((c) => c.id),
    ['drone', 'at-A', 'at-C'],
  );
  close(got[0]!.seconds, 30 + m(C, B) / 20, 'drone');
  close(got[1]!.seconds, 60 + s10([A, B]), 'at-A');
  assert.equal(got[1]!.turnoutS, 60);
  close(got[2]!.seconds, s10([C, D], [D, E], [E, B]), 'at-C');
  const tight = p.candidatesToTarget(target, [{ id: 'at-C', profile: 'ten', lat: 0, lon: 0.02 }], { maxS: 200 });
  assert.equal(tight, []);
});

test('maxspeed caps a fast class: 20 mph x 1.25 on a 100 km/h primary', () => {
  const p = planner(
    graphOf(line([A, B], { highway: 'primary', maxspeed: '20 mph' }), line([A, B], { highway: 'primary' })),
  );
  const kmh = 20 * 1.609344 * 1.25;
  // the two ways between A and B are the same segment twice; the faster one (no limit) wins
  close(p.eta(at(A), at(B), 'fast')!.seconds, (m(A, B) * 3.6) / 100, 'unlimited twin');
  const q = planner(graphOf(line([A, B], { highway: 'primary', maxspeed: '20 mph' })));
  close(q.eta(at(A), at(B), 'fast')!.seconds, (m(A, B) * 3.6) / kmh, 'limited');
});

test('a stale field throws rather than answer from a later search', () => {
  const p = planner(loopNetwork());
  const f1 = p.timesToTarget(p.snap(0, 0.01), 'ten');
  p.timesToTarget(p.snap(0, 0.02), 'ten');
  assert.throws(() => f1.timeFrom(p.snap(0, 0)), /overwritten/);
});

test.run();
