/**
 * The lazy incident → candidates search (JourneyPlanner.lazyTimesToTarget, SearchSpace.resume):
 * on the real north London network, every answer equals the whole bounded search's answer to the
 * bit (or Infinity exactly when that answer exceeds the limit), whatever order and limits the
 * questions come in; a search resumed in steps settles the same distances as one run; and a
 * question with a small limit settles fewer nodes than the whole search.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { seededRandom } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import type { Snap } from '../server/core/graph/snap.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { loadNetwork } from '../server/shell/network/load.ts';

const scenario = JSON.parse(readFileSync('test/fixtures/golden/north-london.json', 'utf8')) as Scenario;
const { graph } = loadNetwork('test/fixtures/osm/north-london.osm.pbf', 'osm-pbf', { cacheDir: null });
const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
const B = scenario.bounds;

function snaps(seed: number, n: number): Snap[] {
  const rnd = seededRandom(seed);
  const out: Snap[] = [];
  while (out.length < n) {
    try {
      const heading = rnd() < 0.5 ? { headingDeg: rnd() * 360 } : {};
      out.push(planner.snap(B.south + rnd() * (B.north - B.south), B.west + rnd() * (B.east - B.west), heading));
    } catch {
      // off the network: draw again
    }
  }
  return out;
}

test('lazy answers equal the whole search, bit for bit, in any order and with any limits', () => {
  const rnd = seededRandom(11);
  const full = planner.newSpace();
  const lazySpace = planner.newSpace();
  let compared = 0;
  let finite = 0;
  let beyond = 0;
  for (const profile of ['fire', 'ambulance']) {
    for (let k = 0; k < 6; k++) {
      const [target, ...points] = snaps(100 * k + (profile === 'fire' ? 1 : 2), 81);
      const whole = planner.timesToTarget(target!, profile, { maxS: 100_000, space: full });
      const lazy = planner.lazyTimesToTarget(target!, profile, { space: lazySpace });
      for (const s of points) {
        const want = whole.timeFrom(s);
        // limits below, at and above the true time, and far beyond it
        const limit = [want * rnd(), want, want + 0.001, 5 + rnd() * 900, 100_000][Math.floor(rnd() * 5)]!;
        const got = lazy.timeFrom(s, limit);
        assert.is(
          got,
          want <= limit ? want : Infinity,
          `${profile} target ${k}: limit ${limit}, whole ${want}, lazy ${got}`,
        );
        compared++;
        if (got < Infinity) finite++;
        else beyond++;
      }
    }
  }
  assert.is(compared, 960);
  // both outcomes were exercised
  assert.ok(finite > 100 && beyond > 100, `finite ${finite}, beyond ${beyond}`);
});

test('a question with a small limit settles fewer nodes than the whole search; growing it resumes', () => {
  const [target, near, far] = snaps(7, 3);
  const whole = planner.timesToTarget(target!, 'fire', { maxS: 100_000, space: planner.newSpace() });
  const wholeSpace = planner.newSpace();
  planner.timesToTarget(target!, 'fire', { maxS: 100_000, space: wholeSpace });
  const lazy = planner.lazyTimesToTarget(target!, 'fire', { space: planner.newSpace() });
  assert.is(lazy.settled, 0);
  assert.is(lazy.timeFrom(far!, 1), Infinity);
  const small = lazy.settled;
  assert.ok(small < wholeSpace.settled, `${small} < ${wholeSpace.settled}`);
  const tNear = lazy.timeFrom(near!, 100_000);
  const afterNear = lazy.settled;
  const tFar = lazy.timeFrom(far!, 100_000);
  assert.is(tNear, whole.timeFrom(near!));
  assert.is(tFar, whole.timeFrom(far!));
  // nothing was settled twice: never more than the whole search settles
  assert.ok(
    afterNear >= small && lazy.settled <= wholeSpace.settled,
    `${small} ${afterNear} ${lazy.settled} ${wholeSpace.settled}`,
  );
});

test('a search resumed in steps (with need() stops between) settles the same distances as one run', () => {
  const [target, ...stops] = snaps(23, 6);
  const one = planner.newSpace();
  const steps = planner.newSpace();
  planner.timesToTarget(target!, 'fire', { maxS: 1200, space: one });
  const lazy = planner.lazyTimesToTarget(target!, 'fire', { space: steps });
  // questions whose answers stop runs early at their end nodes, then a limit that settles all to 1,200 s
  for (const s of stops) lazy.timeFrom(s, 1200);
  steps.resume(1200);
  steps.run(graph, planner.weights('fire').rev, true);
  let same = 0;
  for (let v = 0; v < graph.nodeCount; v++) {
    const a = one.time(v);
    const b = steps.settledTime(v);
    if (a <= 1200) {
      assert.is(b, a, `node ${v}`);
      same++;
    } else assert.is(b, Infinity, `node ${v} beyond the bound`);
  }
  assert.ok(same > 1000, `${same} nodes within 1,200 s`);
});

test.run();
