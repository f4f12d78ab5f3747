/**
 * Builds the Hertfordshire demo scenario from source/ (copied reference data, see
 * source/NOTICE.md): writes scenario.json, demand.json and network.geojson next to this file.
 * Deterministic: the same sources give the same bytes (test/scenario-hertfordshire.test.ts
 * checks the committed outputs against a fresh build).
 *
 *   node --import tsx sim/scenarios/hertfordshire/build.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildNetwork, networkGeoJson } from './streets.ts';
import type { BuiltNetwork, Town, TrunkFeature } from './streets.ts';
import { NETWORK_FILE, buildScenario, demandPoints } from './world.ts';
import type { FireStationSrc, PoliceStationSrc } from './world.ts';

export const HERE = dirname(fileURLToPath(import.meta.url));

export interface HertfordshireOutputs {
  scenarioJson: string;
  demandJson: string;
  networkGeoJson: string;
  network: BuiltNetwork;
}

function readJson(name: string): unknown {
  return JSON.parse(readFileSync(join(HERE, 'source', name), 'utf8')) as unknown;
}

/** Everything the build writes, as text. */
export function buildHertfordshire(): HertfordshireOutputs {
  const towns = readJson('towns.json') as Town[];
  const trunk = (readJson('trunk-roads.geojson') as { features: TrunkFeature[] }).features;
  const fire = readJson('fire-stations.json') as FireStationSrc[];
  const police = readJson('police-stations.json') as PoliceStationSrc[];
  const network = buildNetwork(towns, trunk);
  const { demand: _inline, ...scenario } = buildScenario(fire, police);
  void _inline;
  const demand = demandPoints(towns, network.hamlets);
  return {
    scenarioJson: JSON.stringify(scenario, null, 2) + '\n',
    demandJson: JSON.stringify(demand, null, 2) + '\n',
    networkGeoJson: networkGeoJson(network),
    network,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = buildHertfordshire();
  writeFileSync(join(HERE, 'scenario.json'), out.scenarioJson);
  writeFileSync(join(HERE, 'demand.json'), out.demandJson);
  writeFileSync(join(HERE, NETWORK_FILE), out.networkGeoJson);
  const s = out.network.stats;
  process.stdout.write(
    `wrote scenario.json, demand.json and ${NETWORK_FILE} (${s.nodes} nodes, ${s.ways} ways, ${(out.networkGeoJson.length / 1e6).toFixed(2)} MB)\n${JSON.stringify(s)}\n`,
  );
}
