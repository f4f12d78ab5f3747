/**
 * Acceptance: predicted times agree within 0.5% with an independent, deliberately simple
 * Dijkstra (test/support/reference-router.ts) on real OSM networks, for 1,000 seeded random
 * pairs on each of north London and Cambridge; by the multi-source search, the reverse search
 * and point-to-point routes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { buildGraph, type RawNetwork, type RoadGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { seededRandom } from '../server/core/clock.ts';
import { haversineM } from '../server/core/geo.ts';
import type { SpeedProfile } from '../server/core/scenario/types.ts';
import { parseNetwork } from '../server/shell/network/load.ts';
import { ReferenceRouter } from './support/reference-router.ts';

const FIRE: SpeedProfile = {
  mode: 'road',
  highwayKmh: { motorway: 96, trunk: 80, primary: 64, secondary: 56, tertiary: 48, residential: 32, default: 30 },
  maxspeedFactor: 1.1,
};
const PROFILES = { fire: FIRE, plain: { mode: 'road' } satisfies SpeedProfile };

function check(file: string, format: 'osm-pbf' | 'osm-xml', seed: number, profile: 'fire' | 'plain') {
  const raw: RawNetwork = parseNetwork(readFileSync(file), format, file);
  const graph: RoadGraph = buildGraph(raw);
  const planner = new JourneyPlanner(graph, new SpeedModel(PROFILES));
  const ref = new ReferenceRouter(raw, PROFILES[profile]);
  // points whose coordinates no other point shares, so a snap lands on that very OSM node
  const seen = new Map<string, number>();
  for (let p = 0; p < graph.pointCount; p++) {
    const k = `${graph.lat[p]},${graph.lon[p]}`;
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const unique: number[] = [];
  for (let p = 0; p < graph.pointCount; p++) if (seen.get(`${graph.lat[p]},${graph.lon[p]}`) === 1) unique.push(p);
  const rnd = seededRandom(seed);
  const pick = () => unique[Math.floor(rnd() * unique.length)]!;
  const snapOf = (p: number) => planner.snap(graph.lat[p]!, graph.lon[p]!);
  let pairs = 0;
  let worst = 0;
  const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(b, 1e-9));
  for (let s = 0; s < 50; s++) {
    const from = pick();
    const targets = Array.from({ length: 20 }, pick);
    const want = ref.times(
      graph.nodeId[from]!,
      targets.map((t) => graph.nodeId[t]!),
    );
    const fromSnap = snapOf(from);
    assert.equal(fromSnap.offRoadM, 0);
    const field = planner.timesFromSources([{ snap: fromSnap }], profile, {
      maxS: Infinity,
      space: planner.newSpace(),
    });
    targets.forEach((t, i) => {
      const w = want[i]!;
      assert.ok(Number.isFinite(w), `reference finds no path ${graph.nodeId[from]} -> ${graph.nodeId[t]}`);
      const got = field.timeTo(snapOf(t)).seconds;
      const r = rel(got, w);
      worst = Math.max(worst, r);
      assert.ok(r <= 0.005, `${file} ${graph.nodeId[from]} -> ${graph.nodeId[t]}: ${got} s vs reference ${w} s`);
      pairs++;
      if (i < 4) {
        const route = planner.route(fromSnap, snapOf(t), profile, { maxS: Infinity });
        assert.ok(route, 'route found');
        assert.ok(rel(route.seconds, w) <= 0.005, `route ${route.seconds} vs ${w}`);
        assert.equal(route.coords[0], [graph.lat[from], graph.lon[from]]);
        assert.equal(route.coords[route.coords.length - 1], [graph.lat[t], graph.lon[t]]);
        // the geometry follows the roads driven: its length is the route's metres
        let len = 0;
        for (let j = 1; j < route.coords.length; j++)
          len += haversineM(route.coords[j - 1]![0], route.coords[j - 1]![1], route.coords[j]![0], route.coords[j]![1]);
        assert.ok(
          Math.abs(len - route.metres) <= 1e-3 * Math.max(1, route.metres),
          `geometry ${len} m vs metres ${route.metres}`,
        );
      }
      if (i === 0) {
        const back = planner.timesToTarget(snapOf(t), profile, { maxS: Infinity });
        assert.ok(rel(back.timeFrom(fromSnap), w) <= 0.005, `reverse search ${back.timeFrom(fromSnap)} vs ${w}`);
      }
    });
  }
  return { pairs, worst };
}

test('north London (OSM XML): 1,000 seeded pairs within 0.5% of the reference Dijkstra, fire profile', () => {
  const { pairs, worst } = check('test/fixtures/osm/north-london.osm', 'osm-xml', 11, 'fire');
  assert.equal(pairs, 1000);
  assert.ok(worst <= 0.005, `worst relative difference ${worst}`);
  console.log(`  worst relative difference ${worst.toExponential(2)} over ${pairs} pairs`);
});

test('Cambridge (OSM PBF): 1,000 seeded pairs within 0.5% of the reference Dijkstra, default table', () => {
  const { pairs, worst } = check('test/fixtures/osm/cambridge.osm.pbf', 'osm-pbf', 12, 'plain');
  assert.equal(pairs, 1000);
  assert.ok(worst <= 0.005, `worst relative difference ${worst}`);
  console.log(`  worst relative difference ${worst.toExponential(2)} over ${pairs} pairs`);
});

test('Cambridge: incident -> candidates (one reverse search that stops once all candidates are final) = reference, 10 x 30 pairs', () => {
  const raw = parseNetwork(readFileSync('test/fixtures/osm/cambridge.osm.pbf'), 'osm-pbf', 'cambridge');
  const graph = buildGraph(raw);
  const planner = new JourneyPlanner(graph, new SpeedModel(PROFILES));
  const ref = new ReferenceRouter(raw, FIRE);
  const rnd = seededRandom(13);
  const seen = new Map<string, number>();
  for (let p = 0; p < graph.pointCount; p++)
    seen.set(`${graph.lat[p]},${graph.lon[p]}`, (seen.get(`${graph.lat[p]},${graph.lon[p]}`) ?? 0) + 1);
  const unique = [...Array(graph.pointCount).keys()].filter((p) => seen.get(`${graph.lat[p]},${graph.lon[p]}`) === 1);
  const pick = () => unique[Math.floor(rnd() * unique.length)]!;
  let checked = 0;
  for (let k = 0; k < 10; k++) {
    const target = pick();
    const cands = Array.from({ length: 30 }, (_, i) => {
      const p = pick();
      return {
        id: `c${i}`,
        p,
        profile: 'fire',
        lat: graph.lat[p]!,
        lon: graph.lon[p]!,
        turnoutS: i % 2 === 0 ? 90 : 0,
      };
    });
    const got = planner.candidatesToTarget(planner.snap(graph.lat[target]!, graph.lon[target]!), cands, {
      maxS: Infinity,
    });
    assert.equal(got.length, 30);
    for (const c of cands) {
      const [want] = ref.times(graph.nodeId[c.p]!, [graph.nodeId[target]!]);
      const eta = got.find((x) => x.id === c.id)!;
      assert.ok(Math.abs(eta.driveS - want!) <= 0.005 * want!, `${c.id}: ${eta.driveS} vs ${want}`);
      assert.equal(eta.seconds, eta.driveS + c.turnoutS);
      checked++;
    }
    for (let i = 1; i < got.length; i++) assert.ok(got[i - 1]!.seconds <= got[i]!.seconds + 0.001);
  }
  assert.equal(checked, 300);
});

test.run();
