/**
 * Load a scenario with its road network and journey planner, for the simulator's commands.
 * The graph comes through the network loader's disk cache (var/cache), so only the first run
 * builds it.
 */
import { dirname, resolve } from 'node:path';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { loadNetwork } from '../server/shell/network/load.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import type { LatLon } from './fleet/movement.ts';

export const HERTS_SCENARIO = 'sim/scenarios/hertfordshire/scenario.json';

export interface World {
  scenario: Scenario;
  planner: JourneyPlanner;
  /** Snap a point to the road (within 300 m); null if it is farther from any road. */
  onRoad: (p: LatLon) => LatLon | null;
}

export function loadWorld(scenarioPath: string = HERTS_SCENARIO): World {
  const scenario = loadScenario(scenarioPath);
  const net = loadNetwork(resolve(dirname(scenarioPath), scenario.network.file), scenario.network.format);
  const planner = new JourneyPlanner(net.graph, new SpeedModel(scenario.speedProfiles));
  const onRoad = (p: LatLon): LatLon | null => {
    try {
      const s = planner.snap(p.lat, p.lon);
      return s.offRoadM <= 300 ? { lat: s.snappedLat, lon: s.snappedLon } : null;
    } catch {
      return null;
    }
  };
  return { scenario, planner, onRoad };
}
