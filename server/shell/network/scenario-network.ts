import { dirname, resolve } from 'node:path';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import { SpeedModel } from '../../core/graph/speed.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Logger } from '../log.ts';
import { loadNetwork, type LoadOptions } from './load.ts';
import { loadRoadTable } from './road-table.ts';
import { Gazetteer, NO_SNAP, plannerSnap } from '../../core/places/gazetteer.ts';
import type { RoadTable } from '../../core/places/roads.ts';
import { mapLabels } from '../../core/basemap/labels.ts';
import type { MapLabelsMsg } from '../../../proto/map-labels.ts';
import { locator, type Locate } from '../../core/places/locate.ts';

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

/** The road table (names, refs, postcodes) of the scenario's network, cached beside the graph. */
export function loadScenarioRoadTable(scenarioPath: string, scenario: Scenario, opts: LoadOptions = {}): RoadTable {
  return loadRoadTable(resolve(dirname(scenarioPath), scenario.network.file), scenario.network.format, opts);
}

/**
 * The gazetteer of a scenario: its towns, stations and posts, and the road names of its network
 * (the road table, when there is one), snapped with the planner when there is one. Built once at start.
 */
export function scenarioGazetteer(
  scenario: Scenario,
  roads: RoadTable | undefined,
  planner: JourneyPlanner | undefined,
  log: Logger,
): Gazetteer {
  const t0 = performance.now();
  const places = new Gazetteer({ ...scenario, roads }, planner ? plannerSnap(planner) : NO_SNAP);
  if (roads) log.info('gazetteer built', { names: places.size, ms: Math.round(performance.now() - t0) });
  return places;
}

/**
 * Where incidents are, as an instance says it (its COP and REST): the scenario's network loaded
 * (cached on disk) for the snapped point, the gazetteer with the network's road names. A COP
 * gateway uses it so its pictures carry what a direct server's do.
 */
export function scenarioLocate(scenarioPath: string, scenario: Scenario, log: Logger): Locate | undefined {
  const { planner } = loadScenarioNetwork(scenarioPath, scenario, log);
  const roads = loadScenarioRoadTable(scenarioPath, scenario);
  return locator(scenarioGazetteer(scenario, roads, planner, log), planner);
}

/** The map's labels (GET /api/map/labels): the scenario's towns and the road table's refs and names. */
export function scenarioMapLabels(scenario: Scenario, roads: RoadTable | undefined, log: Logger): MapLabelsMsg {
  const t0 = performance.now();
  const labels = mapLabels({ demand: scenario.demand, roads });
  log.info('map labels built', {
    places: labels.places.length,
    roads: labels.roads.length,
    ms: Math.round(performance.now() - t0),
  });
  return labels;
}
