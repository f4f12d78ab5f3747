/**
 * AVL history to matched trips (issue 19, item 2): positions cut into trips by the status at the
 * time (MOBILISED blue, RETURNING routine, anything else no trip), and the same trips matched in
 * the worker thread answer exactly what the matcher answers inline.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TripMatcher, tripsOf, type Position, type StatusChange } from '../server/core/calibration/trips.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { MatchWorker } from '../server/shell/calibration/match-worker.ts';
import { fix, graph, NAMES, planner, PROFILES, T0 } from './support/calibration-net.ts';

const at = (id: string, s: number, lon: number): Position => ({ resourceId: id, ...fix(s, lon) });
const ch = (id: string, s: number, status: ResourceStatus): StatusChange => ({
  resourceId: id,
  t: T0 + s * 1000,
  status,
});

// E1: at station, mobilised at 0 s, drives east, at scene at 60 s, returning at 100 s, home at 160 s.
const positions: Position[] = [
  at('E1', -10, 0.004),
  ...[0, 10, 20, 30, 40, 50].map((s) => at('E1', s, 0.004 + 0.0001 * s)),
  at('E1', 70, 0.0095),
  ...[100, 110, 120, 130, 140, 150].map((s) => at('E1', s, 0.0095 - 0.0001 * (s - 100))),
  at('E1', 170, 0.0035),
  at('X9', 0, 0.005), // no status known: no trip
  at('X9', 10, 0.006),
];
const changes: StatusChange[] = [
  ch('E1', -100, ResourceStatus.AVAILABLE_AT_STATION),
  ch('E1', 0, ResourceStatus.MOBILISED),
  ch('E1', 60, ResourceStatus.AT_SCENE),
  ch('E1', 100, ResourceStatus.RETURNING),
  ch('E1', 160, ResourceStatus.AVAILABLE_AT_STATION),
];

test('trips are the stretches of MOBILISED (blue) and RETURNING (routine) positions', () => {
  const trips = tripsOf(positions, changes, (id) => (id === 'E1' || id === 'X9' ? 'ten' : undefined));
  assert.equal(
    trips.map((t) => [t.resourceId, t.blue, t.fixes.map((f) => (f.t - T0) / 1000)]),
    [
      ['E1', true, [0, 10, 20, 30, 40, 50]],
      ['E1', false, [100, 110, 120, 130, 140, 150]],
    ],
  );
});

test('the worker thread matches trips exactly as the matcher does inline', async () => {
  const trips = tripsOf(positions, changes, () => 'ten');
  const inline = trips.map((t) => new TripMatcher(planner).match(t));
  assert.equal(
    inline.map((r) => [r.blue, r.runs, r.traversals.map((x) => [NAMES.get(x.geom), x.dir, x.seconds])]),
    [
      [true, 1, [['M2', 1, 50]]],
      [false, 1, [['M2', -1, 50]]],
    ],
  );
  const worker = new MatchWorker(graph, PROFILES);
  try {
    assert.equal(await worker.match(trips), inline);
  } finally {
    await worker.close();
  }
});

test.run();
