import { dirname, resolve } from 'node:path';
import { JourneyPlanner } from '../../core/graph/planner.ts';
import { SpeedModel } from '../../core/graph/speed.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { Logger } from '../log.ts';
import { loadNetwork, type LoadOptions } from './load.ts';

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
