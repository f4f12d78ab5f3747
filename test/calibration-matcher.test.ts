/**
 * The HMM map matcher (issue 19, item 2) on literal traces over a small literal network, with
 * exact answers: a straight run at 0.1 Hz with GPS noise of tens of metres beside a parallel road
 * 30 m away, a U-turn across a junction, and a gap bridged at 1 Hz (and broken when longer than
 * maxGapS). Traversal times are interpolated between fixes by prior seconds.
 *
 * On the equator, 0.001 degrees of longitude is 111.195 m. The network:
 *
 *        P  (0.002,+30 m) ------------------------------------ (0.018,+30 m)   parallel road
 *              |                                                     |
 *   A (0,0) - J1 (0.002,0) ------- B (0.01,0) ------------- J2 (0.018,0) - C (0.02,0)   main road
 *                                   |
 *                                   S (0.01,-0.005)   side road
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { candidatesNear } from '../server/core/calibration/candidates.ts';
import { matchTrace, type Fix } from '../server/core/calibration/matcher.ts';
import { traversalsOf } from '../server/core/calibration/traversals.ts';
import { fix, graph, NAMES, router, T0, w } from './support/calibration-net.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
/** [road, dir, full, enter s, exit s] of every traversal of every run. */
function traversals(fixes: Fix[], opts = {}) {
  return matchTrace(router, fixes, opts).map((run) =>
    traversalsOf(router, w, run).map((t) => [
      NAMES.get(t.geom),
      t.dir,
      t.full,
      r3((t.enterT - T0) / 1000),
      r3((t.exitT - T0) / 1000),
    ]),
  );
}

test('the network has the six roads the picture shows', () => {
  assert.is(NAMES.size, 6);
});

test('a straight run at 0.1 Hz with tens of metres of noise stays on the main road, not the parallel one', () => {
  // 100.08 m every 10 s; noise north and south, several fixes nearer the parallel road than the main one
  const north = [5, 25, -20, 18, 22, -10, 20, -25, 16, 24, 0, -15, 19, 21, -5, 17, 23, -20, 10, 20, -8, 5];
  const fixes = north.map((n, i) => fix(10 * i, 0.0005 + 0.0009 * i, n));
  const got = traversals(fixes);
  // at a constant speed, J1 (0.002) is passed at 16.667 s, B (0.01) at 105.556 s, J2 (0.018) at 194.444 s
  assert.equal(got, [
    [
      ['M1', 1, false, 0, 16.667],
      ['M2', 1, true, 16.667, 105.556],
      ['M3', 1, true, 105.556, 194.444],
      ['M4', 1, false, 194.444, 210],
    ],
  ]);
  // the nearest road alone would have put these fixes on the parallel road
  const nearestP = fixes.filter((f) => NAMES.get(candidatesNear(graph, f.lat, f.lon, 100, 1)[0]!.geom) === 'P');
  assert.is(nearestP.length, 10);
});

test('a U-turn across a junction: out along M2 and M3, back along M3 and M2', () => {
  const xs = [0.0065, 0.0075, 0.0085, 0.0095, 0.0105, 0.0115, 0.0125, 0.0115, 0.0105, 0.0095, 0.0085, 0.0075, 0.0065];
  const got = traversals(xs.map((x, i) => fix(10 * i, x, i % 2 === 0 ? 8 : -8)));
  assert.equal(got, [
    [
      ['M2', 1, false, 0, 35],
      ['M3', 1, false, 35, 60],
      ['M3', -1, false, 60, 85],
      ['M2', -1, false, 85, 120],
    ],
  ]);
});

test('a 60 s gap at 1 Hz is bridged along the roads; longer than maxGapS it breaks the trace', () => {
  const fixes: Fix[] = [];
  for (let s = 0; s < 15; s++) fixes.push(fix(s, 0.005 + 0.00009 * s, (s % 3) - 1));
  for (let s = 75; s < 90; s++) fixes.push(fix(s, 0.005 + 0.00009 * s, (s % 3) - 1));
  // 9 m a second: B (0.01) at 55.556 s
  assert.equal(traversals(fixes, { minMoveM: 5 }), [
    [
      ['M2', 1, false, 0, 55.556],
      ['M3', 1, false, 55.556, 89],
    ],
  ]);
  assert.equal(traversals(fixes, { minMoveM: 5, maxGapS: 30 }), [
    [['M2', 1, false, 0, 14]],
    [['M3', 1, false, 75, 89]],
  ]);
});

test('a halt before setting off (turnout) is not spread over the roads driven after it', () => {
  const fixes = [0, 10, 20, 30, 40, 50, 60].map((s, i) => fix(s, 0.004, i % 3));
  for (let k = 1; k <= 5; k++) fixes.push(fix(60 + 10 * k, 0.004 + 0.0009 * k));
  assert.equal(traversals(fixes), [[['M2', 1, false, 60, 110]]]);
});

test('a fix with no road in reach is skipped; a single fix is no run', () => {
  const fixes = [fix(0, 0.004), fix(10, 0.005, 500), fix(20, 0.006)];
  assert.equal(traversals(fixes), [[['M2', 1, false, 0, 20]]]);
  assert.equal(traversals([fix(0, 0.004)]), []);
});

test.run();
