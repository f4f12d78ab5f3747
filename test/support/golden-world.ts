import { readFileSync } from 'node:fs';
import { Fleet } from '../../server/core/fleet/fleet.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { PlannerCover } from '../../server/core/cover/impact.ts';
import { PlannerJourneyTimes, stationPoints } from '../../server/core/incidents/journeys.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { loadNetwork } from '../../server/shell/network/load.ts';

/** The golden mobilisation world: test/fixtures/golden/north-london.json on the real north London OSM network (journey times with station trees, as the server has them). */
export function goldenWorld() {
  const scenario = JSON.parse(readFileSync('test/fixtures/golden/north-london.json', 'utf8')) as Scenario;
  const { graph } = loadNetwork('test/fixtures/osm/north-london.osm.pbf', 'osm-pbf', { cacheDir: null });
  const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
  // station trees and landmarks warmed, as the server warms them after starting
  const journeys = new PlannerJourneyTimes(planner, { stations: stationPoints(scenario) });
  while (journeys.warmOne());
  return {
    scenario,
    graph,
    planner,
    journeys,
    cover: new PlannerCover(planner, scenario),
    fleet: () => new Fleet(scenario),
  };
}
