import { readFileSync } from 'node:fs';
import type { FakeClock } from '../../server/core/clock.ts';
import { Fleet } from '../../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { PlannerCover } from '../../server/core/cover/impact.ts';
import { PlannerJourneyTimes, stationPoints } from '../../server/core/incidents/journeys.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import type { Engine } from '../../server/shell/engine.ts';
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

/**
 * The golden world's quicker resource: with BG1 out of service a dwelling fire gets FB1 and BRM1;
 * 30 s on BG1 is back in service at its station, 370 s away, while BRM1 still has 471 s to drive
 * (FB1 464 s). Alice does all of it.
 */
export function bg1BackQuicker(engine: Engine, clock: FakeClock): void {
  const ctx = { origin: 'operator' as const, actor: 'alice' };
  engine.execute({ type: 'resource.setStatus', resourceId: 'BG1', status: ResourceStatus.UNAVAILABLE }, ctx);
  engine.execute({ type: 'incident.create', typeId: 'dwelling-fire', lat: 51.603, lon: -0.1438 }, ctx);
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['FB1', 'BRM1'], proposed: ['FB1', 'BRM1'] },
    ctx,
  );
  clock.advance(30_000);
  engine.execute({ type: 'resource.setStatus', resourceId: 'BG1', status: ResourceStatus.AVAILABLE_AT_STATION }, ctx);
}
