/**
 * Station trees (server/core/graph/station-trees.ts) and the landmark A* (landmarks.ts) on the
 * real north London network: a station tree's time to any incident equals the incident's reverse
 * search's time from the station, to the bit; the A* with station trees as landmarks equals the
 * reverse search to the bit (or Infinity exactly when that exceeds the limit); the landmark lower
 * bound never exceeds the true road time; and PlannerJourneyTimes with station trees answers every
 * question as it does without them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { seededRandom } from '../server/core/clock.ts';
import {
  buildLandmarks,
  landmarkTarget,
  LANDMARKS_PER_PROFILE,
  LandmarkSearch,
  lowerBound,
} from '../server/core/graph/landmarks.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import type { Snap } from '../server/core/graph/snap.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { StationTrees } from '../server/core/graph/station-trees.ts';
import { PlannerJourneyTimes } from '../server/core/incidents/journeys.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { loadNetwork } from '../server/shell/network/load.ts';

const scenario = JSON.parse(readFileSync('test/fixtures/golden/north-london.json', 'utf8')) as Scenario;
const { graph } = loadNetwork('test/fixtures/osm/north-london.osm.pbf', 'osm-pbf', { cacheDir: null });
const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
const B = scenario.bounds;

/** Random points on the network (redrawn when off it), with the snap a search would make of them. */
function points(
  seed: number,
  n: number,
  headings: boolean,
): Array<{ lat: number; lon: number; heading?: number; snap: Snap }> {
  const rnd = seededRandom(seed);
  const out: Array<{ lat: number; lon: number; heading?: number; snap: Snap }> = [];
  while (out.length < n) {
    const lat = B.south + rnd() * (B.north - B.south);
    const lon = B.west + rnd() * (B.east - B.west);
    const heading = headings && rnd() < 0.7 ? rnd() * 360 : undefined;
    try {
      out.push({
        lat,
        lon,
        ...(heading === undefined ? {} : { heading }),
        snap: planner.snap(lat, lon, heading === undefined ? {} : { headingDeg: heading }),
      });
    } catch {
      // off the network: draw again
    }
  }
  return out;
}

test('weights and positions are whole multiples of the profile quantum', () => {
  const w = planner.weights('fire');
  assert.ok(w.q > 0 && Math.log2(w.q) === Math.round(Math.log2(w.q)), `q ${w.q}`);
  let checked = 0;
  for (let e = 0; e < graph.edgeCount; e += 7) {
    assert.is(w.fwd[e]! / w.q, Math.round(w.fwd[e]! / w.q), `edge ${e}`);
    checked++;
  }
  for (const p of points(3, 50, true)) assert.is(planner.position(p.snap, w).pos % w.q, 0);
  assert.ok(checked > 100);
});

test('a station tree gives the reverse search time exactly, for 40 stations x 30 incidents per profile', () => {
  const trees = new StationTrees(planner);
  const space = planner.newSpace();
  let compared = 0;
  let finite = 0;
  for (const profile of ['fire', 'ambulance', 'police']) {
    const stations = points(profile.length * 13, 40, false);
    const incidents = points(profile.length * 17 + 1, 30, false);
    for (const inc of incidents) {
      const whole = planner.timesToTarget(inc.snap, profile, { maxS: 100_000, space });
      for (const st of stations) {
        const tree = trees.tree(profile, st.lat, st.lon)!;
        const want = whole.timeFrom(st.snap);
        assert.is(tree.timeTo(inc.snap), want, `${profile} ${st.lat},${st.lon} -> ${inc.lat},${inc.lon}`);
        compared++;
        if (want < Infinity) finite++;
      }
    }
  }
  assert.is(compared, 3 * 40 * 30);
  assert.ok(finite > 3000, `finite ${finite}`);
  // one tree per (point, profile), never rebuilt; 8 bytes a routing vertex
  assert.is(trees.size, 120);
  assert.is(trees.builds, 120);
  assert.is(trees.bytes, 120 * 8 * graph.nodeCount);
});

test('landmark A* (station trees, peripheral landmarks, both) equals the reverse search to the bit, or Infinity exactly beyond the limit; the lower bound holds', () => {
  const rnd = seededRandom(5);
  const trees = new StationTrees(planner);
  const search = new LandmarkSearch(graph.nodeCount);
  const space = planner.newSpace();
  let compared = 0;
  let finite = 0;
  let beyond = 0;
  let tight = 0;
  for (const profile of ['fire', 'ambulance']) {
    for (const st of points(profile.length * 31, 12, false)) trees.tree(profile, st.lat, st.lon);
    const lm = buildLandmarks(planner, profile);
    assert.is(lm.vertices.length, LANDMARKS_PER_PROFILE);
    assert.is(new Set(lm.vertices).size, LANDMARKS_PER_PROFILE);
    for (const [n, inc] of points(profile.length * 37, 12, false).entries()) {
      const whole = planner.timesToTarget(inc.snap, profile, { maxS: 100_000, space });
      // station trees only, peripheral landmarks only (forward and reverse), both
      const lt = landmarkTarget(
        planner,
        inc.snap,
        profile,
        n % 3 === 1 ? [] : trees.built(profile),
        n % 3 === 0 ? null : lm,
      );
      assert.is(lt.fwd.length, (n % 3 === 1 ? 0 : 12) + (n % 3 === 0 ? 0 : LANDMARKS_PER_PROFILE));
      assert.is(lt.rev.length, n % 3 === 0 ? 0 : LANDMARKS_PER_PROFILE);
      for (const p of points(Math.floor(rnd() * 1e6), 40, true)) {
        const want = whole.timeFrom(p.snap);
        // the off-road gaps added in the order every time adds them (road + from + to)
        const lb = lowerBound(lt, p.snap, graph) + planner.offRoadS(p.snap) + planner.offRoadS(inc.snap);
        assert.ok(lb <= want, `lower bound ${lb} > ${want}`);
        if (lb === want) tight++;
        const limit = [want * rnd(), want, want + 0.001, 5 + rnd() * 900, 100_000][Math.floor(rnd() * 5)]!;
        const got = search.timeTo(planner, lt, p.snap, limit);
        assert.is(got, want <= limit ? want : Infinity, `${profile}: limit ${limit}, whole ${want}, A* ${got}`);
        compared++;
        if (got < Infinity) finite++;
        else beyond++;
      }
    }
  }
  assert.is(compared, 2 * 12 * 40);
  assert.ok(finite > 100 && beyond > 100, `finite ${finite}, beyond ${beyond}`);
  // the bound is sometimes exact (a landmark behind the point on its fastest road)
  assert.ok(tight > 0, `tight ${tight}`);
});

test('landmark bound and A* for points on the incident road itself, heading either way (may drive straight there, or must go round)', () => {
  const trees = new StationTrees(planner);
  const search = new LandmarkSearch(graph.nodeCount);
  const space = planner.newSpace();
  const g = graph;
  let sameRoad = 0;
  let roundabout = 0;
  for (const profile of ['fire', 'police']) {
    for (const st of points(profile.length * 53, 12, false)) trees.tree(profile, st.lat, st.lon);
    const lm = buildLandmarks(planner, profile);
    for (const inc of points(profile.length * 59, 40, false)) {
      const whole = planner.timesToTarget(inc.snap, profile, { maxS: 100_000, space });
      const lt = landmarkTarget(planner, inc.snap, profile, trees.built(profile), lm);
      // points on the same geometry: the segment's ends and middle, both headings along it
      const geomStart = g.geomStart[inc.snap.geom]!;
      const seg = inc.snap.slot;
      const a = g.geomPoint[seg]!,
        b = g.geomPoint[seg + 1]!;
      const bearing =
        (Math.atan2((g.lon[b]! - g.lon[a]!) * Math.cos((g.lat[a]! * Math.PI) / 180), g.lat[b]! - g.lat[a]!) * 180) /
        Math.PI;
      for (const f of [0.05, 0.5, 0.95]) {
        const lat = g.lat[a]! + f * (g.lat[b]! - g.lat[a]!);
        const lon = g.lon[a]! + f * (g.lon[b]! - g.lon[a]!);
        for (const heading of [bearing, bearing + 180]) {
          const s = planner.snap(lat, lon, { headingDeg: (heading + 360) % 360 });
          if (s.geom !== inc.snap.geom) continue;
          sameRoad++;
          const want = whole.timeFrom(s);
          // the straight drive along the road is not the answer (heading away, or a one-way road)
          if (
            !(
              planner.sameGeometry(s, inc.snap, planner.weights(profile)) +
                planner.offRoadS(s) +
                planner.offRoadS(inc.snap) <=
              want
            )
          )
            roundabout++;
          const lb = lowerBound(lt, s, g) + planner.offRoadS(s) + planner.offRoadS(inc.snap);
          assert.ok(lb <= want, `${profile}: lower bound ${lb} > ${want} (geometry ${s.geom} from ${geomStart})`);
          assert.is(search.timeTo(planner, lt, s, 100_000), want);
          assert.is(search.timeTo(planner, lt, s, want), want);
        }
      }
    }
  }
  assert.ok(sameRoad > 200, `${sameRoad} points on the incident's road`);
  // some had to go round (heading away from the incident): the case a reverse bound would get wrong
  assert.ok(roundabout > 20, `${roundabout} went round`);
});

test('PlannerJourneyTimes with station trees answers as the search alone: cold, part warm, warm, and built on demand', () => {
  const rnd = seededRandom(9);
  const stations = points(41, 15, false);
  const plain = new PlannerJourneyTimes(planner);
  const sp = stations.map((s) => ({ lat: s.lat, lon: s.lon, profile: 'fire' }));
  const treed = new PlannerJourneyTimes(planner, { stations: sp, reverseS: 60 });
  const onDemand = new PlannerJourneyTimes(planner, { stations: sp, reverseS: 60, buildOnDemand: true });
  let compared = 0;
  const compare = (n: number) => {
    for (const inc of points(43 + n, 5, false)) {
      const a = plain.within(inc.lat, inc.lon, 'fire');
      const b = treed.within(inc.lat, inc.lon, 'fire');
      const c = onDemand.within(inc.lat, inc.lon, 'fire');
      for (const p of [...stations, ...points(Math.floor(rnd() * 1e6), 30, true)]) {
        const limit = [60, 300, 900, 3600][Math.floor(rnd() * 4)]!;
        const want = a(p.lat, p.lon, limit, p.heading);
        assert.is(b(p.lat, p.lon, limit, p.heading), want, `${p.lat},${p.lon} limit ${limit}`);
        assert.is(c(p.lat, p.lon, limit, p.heading), want, `on demand: ${p.lat},${p.lon} limit ${limit}`);
        compared++;
      }
    }
  };
  // cold: nothing built, no request builds anything (but on demand)
  compare(0);
  assert.is(treed.trees!.size, 0);
  assert.not.ok(treed.isLookup(stations[0]!.lat, stations[0]!.lon, 'fire'));
  assert.is(onDemand.trees!.size, 15);
  // part warm: the landmarks (first call) and 7 of the 15 trees
  for (let i = 0; i < 8; i++) assert.ok(treed.warmOne());
  assert.is(treed.trees!.size, 7);
  compare(1);
  assert.is(treed.trees!.size, 7);
  // warm
  while (treed.warmOne());
  assert.is(treed.trees!.size, 15);
  compare(2);
  assert.is(compared, 3 * 5 * 45);
  assert.ok(treed.isLookup(stations[0]!.lat, stations[0]!.lon, 'fire'));
  assert.not.ok(treed.isLookup(stations[0]!.lat, stations[0]!.lon, 'ambulance'));
});

test.run();
