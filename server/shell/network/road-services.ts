/**
 * What the server builds over its road network before anything else: the graph and planner (a
 * scenario's network loaded from disk, or ones passed in), the road names, the gazetteer, the
 * map labels and the journey times recommendations use. Without a network: no planner, and
 * places and labels from the scenario alone.
 */
import type { RoadGraph } from '../../core/graph/build.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { Gazetteer } from '../../core/places/gazetteer.ts';
import type { Scenario } from '../../core/scenario/types.ts';
import type { MapLabelsMsg } from '../../../proto/map-labels.ts';
import { mobilisationFromPlanner, type Mobilisation } from '../incidents/mobilisation.ts';
import type { Logger } from '../log.ts';
import type { RoadOptions } from '../server-options.ts';
import {
  loadScenarioNetwork,
  loadScenarioRoadTable,
  scenarioGazetteer,
  scenarioMapLabels,
} from './scenario-network.ts';

export interface RoadServices {
  graph: RoadGraph | undefined;
  planner: JourneyPlanner | undefined;
  places: Gazetteer;
  labels: MapLabelsMsg;
  /** Journey times for recommendations, before calibration and live cover; undefined without them. */
  journeys: Mobilisation | undefined;
}

export function roadServices(scenario: Scenario, roads: RoadOptions, log: Logger): RoadServices {
  const { graph, planner } = roads.scenarioFile
    ? loadScenarioNetwork(roads.scenarioFile, scenario, log)
    : { graph: roads.graph, planner: roads.planner };
  // Road names are read from the network file when it was loaded (cached beside the graph).
  const roadTable =
    roads.roadTable ??
    (roads.scenarioFile && planner ? loadScenarioRoadTable(roads.scenarioFile, scenario) : undefined);
  const places = roads.places ?? scenarioGazetteer(scenario, roadTable, planner, log);
  const labels = scenarioMapLabels(scenario, roadTable, log);
  const journeys =
    roads.mobilisation === 'planner' ? planner && mobilisationFromPlanner(planner, scenario) : roads.mobilisation;
  return { graph, planner, places, labels, journeys };
}
