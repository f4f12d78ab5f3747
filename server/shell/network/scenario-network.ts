import { dirname, resolve } from 'node:path';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import { SpeedModel } from '../../core/graph/speed.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Logger } from '../log.ts';
import { loadNetwork, type LoadOptions } from './load.ts';
import { loadRoadTable } from './road-table.ts';
import { Gazetteer, plannerSnap } from '../../core/places/gazetteer.ts';

/** Load the scenario's road network (path relative to the scenario file) and its JourneyPlanner. */
export function loadScenarioNetwork(
  scenarioPath: string,
  scenario: Scenario,
  log: Logger,
  opts: LoadOptions = {},
): { graph: RoadGraph; planner: JourneyPlanner } {
  const file = resolve(dirname(scenarioPath), scenario.network.file);
  const net = loadNetwork(file, scenario.network.format, opts);
  const r = net.graph.report;
  log.info('road network loaded', {
    file,
    fromCache: net.fromCache,
    ms: Math.round(net.ms),
    nodes: r.nodes,
    vertices: r.vertices,
    routingEdges: r.routingEdges,
    nodesDropped: r.nodesDropped,
    edgesDropped: r.edgesDropped,
    components: r.components,
  });
  return { graph: net.graph, planner: new JourneyPlanner(net.graph, new SpeedModel(scenario.speedProfiles)) };
}

/**
 * The gazetteer of a scenario: its towns, stations and posts, and the road names of its network
 * (road table cached beside the graph), snapped with the planner. Built once at start.
 */
export function loadScenarioPlaces(
  scenarioPath: string,
  scenario: Scenario,
  planner: JourneyPlanner,
  log: Logger,
  opts: LoadOptions = {},
): Gazetteer {
  const t0 = performance.now();
  const file = resolve(dirname(scenarioPath), scenario.network.file);
  const roads = loadRoadTable(file, scenario.network.format, opts);
  const places = new Gazetteer({ ...scenario, roads }, plannerSnap(planner));
  log.info('gazetteer built', { names: places.size, ms: Math.round(performance.now() - t0) });
  return places;
}
