/**
 * Warming the station trees off the request path (server/shell/incidents/mobilisation.ts): one
 * tree per macrotask until every (station, vehicle class) of the scenario has one, then it stops;
 * the stop function ends it early.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlannerJourneyTimes, stationPoints } from '../server/core/incidents/journeys.ts';
import { mobilisationFromPlanner, warmStationTrees } from '../server/shell/incidents/mobilisation.ts';
import { goldenWorld } from './support/golden-world.ts';

const w = goldenWorld();
const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

test('warms every station tree of the scenario, one per macrotask, then stops', async () => {
  const m = mobilisationFromPlanner(w.planner, w.scenario);
  const j = m.journeys;
  assert.instance(j, PlannerJourneyTimes);
  if (!(j instanceof PlannerJourneyTimes)) return;
  const roadPoints = stationPoints(w.scenario).filter((p) => !w.planner.speed.isAir(p.profile));
  assert.ok(roadPoints.length > 3, `${roadPoints.length} points`);
  assert.is(j.trees!.size, 0);
  warmStationTrees(m);
  // the first turns build the road profiles' landmarks, then one tree a turn
  let turns = 0;
  while (j.trees!.size < roadPoints.length && turns < 1000) {
    await turn();
    turns++;
  }
  assert.is(j.trees!.size, roadPoints.length);
  assert.ok(turns >= roadPoints.length, `${turns} turns`);
  // nothing left to warm
  assert.not.ok(j.warmOne());
  for (const p of roadPoints) assert.ok(j.isLookup(p.lat, p.lon, p.profile));
});

test('the stop function ends warming early', async () => {
  const m = mobilisationFromPlanner(w.planner, w.scenario);
  const j = m.journeys as PlannerJourneyTimes;
  const stop = warmStationTrees(m);
  stop();
  for (let i = 0; i < 5; i++) await turn();
  assert.is(j.trees!.size, 0);
});

test.run();
