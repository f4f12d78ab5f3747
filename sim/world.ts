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
import type { Router } from './fleet/fleet-sim.ts';
import type { LatLon } from './fleet/movement.ts';
import { trueRouter } from './traffic/true-router.ts';
import { TrueTraffic } from './traffic/true-traffic.ts';

export const HERTS_SCENARIO = 'sim/scenarios/hertfordshire/scenario.json';

export interface World {
  scenario: Scenario;
  planner: JourneyPlanner;
  /** Snap a point to the road (within 300 m); null if it is farther from any road. */
  onRoad: (p: LatLon) => LatLon | null;
  /** Set with the true-traffic model: vehicles drive the planner's routes at true speeds (sim/traffic/). */
  router?: Router;
  trueTraffic?: TrueTraffic;
}

export interface WorldOptions {
  /** Seed of the true-traffic model; absent (the default): vehicles drive at the planner's speeds. */
  trueTrafficSeed?: number;
}

export function loadWorld(scenarioPath: string = HERTS_SCENARIO, opts: WorldOptions = {}): World {
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
  if (opts.trueTrafficSeed === undefined) return { scenario, planner, onRoad };
  const trueTraffic = new TrueTraffic(net.graph, scenario.speedProfiles, {
    seed: opts.trueTrafficSeed,
    zone: scenario.timezone,
  });
  return { scenario, planner, onRoad, trueTraffic, router: trueRouter(planner, trueTraffic) };
}
