import { readFileSync } from 'node:fs';
import { buildGraph, type RoadGraph } from '../../server/core/graph/build.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { parseOsmPbf } from '../../server/shell/network/pbf.ts';

/**
 * A cover test world on the real Cambridge OSM extract (test/fixtures/osm/cambridge.osm.pbf,
 * © OpenStreetMap contributors, ODbL): four fire stations (five pumps), an ambulance post and six demand
 * points at real places. Cherry Hinton has one pump of its own; Central has three.
 */
let graph: RoadGraph | undefined;
export function cambridgeGraph(): RoadGraph {
  graph ??= buildGraph(parseOsmPbf(readFileSync('test/fixtures/osm/cambridge.osm.pbf'), 'cambridge.osm.pbf'));
  return graph;
}

export function coverScenario(): Scenario {
  return {
    id: 'cover-cambridge',
    name: 'Cover test world (Cambridge)',
    timezone: 'Europe/London',
    bounds: { south: 52.151, west: 0.054, north: 52.243, east: 0.216 },
    crewing: {
      wholetime: { turnoutS: 90 },
      'day-crewed': { turnoutS: 180 },
      'on-call': { turnoutS: 300 },
      mobile: { turnoutS: 0 },
    },
    stations: [
      { id: 'F-CEN', name: 'Cambridge Central', agency: 'fire', lat: 52.2036, lon: 0.1303 },
      { id: 'F-CHH', name: 'Cherry Hinton', agency: 'fire', lat: 52.1885, lon: 0.1745 },
      { id: 'F-ARB', name: 'Arbury', agency: 'fire', lat: 52.224, lon: 0.118 },
      { id: 'F-TRU', name: 'Trumpington', agency: 'fire', lat: 52.175, lon: 0.112 },
      { id: 'A-CEN', name: 'Cambridge ambulance station', agency: 'ambulance', lat: 52.201, lon: 0.135 },
    ],
    posts: [{ id: 'DAP-NEW', name: 'Newmarket Road post', agencies: ['ambulance'], lat: 52.211, lon: 0.16 }],
    resources: [
      {
        id: 'CEN1',
        callSign: 'CB-P1',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-CEN',
        crewing: 'wholetime',
        vehicleClass: 'fire',
      },
      {
        id: 'CEN2',
        callSign: 'CB-P2',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-CEN',
        crewing: 'wholetime',
        vehicleClass: 'fire',
      },
      {
        id: 'CHH1',
        callSign: 'CH-P1',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-CHH',
        crewing: 'wholetime',
        vehicleClass: 'fire',
      },
      {
        id: 'ARB1',
        callSign: 'AR-P1',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-ARB',
        crewing: 'on-call',
        vehicleClass: 'fire',
      },
      {
        id: 'CEN3',
        callSign: 'CB-P3',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-CEN',
        crewing: 'wholetime',
        vehicleClass: 'fire',
      },
      {
        id: 'TRU1',
        callSign: 'TR-P1',
        agency: 'fire',
        type: 'pump',
        capabilities: ['pump'],
        station: 'F-TRU',
        crewing: 'day-crewed',
        vehicleClass: 'fire',
      },
      {
        id: 'AMB1',
        callSign: 'EE-A1',
        agency: 'ambulance',
        type: 'ambulance',
        capabilities: ['paramedic'],
        station: 'A-CEN',
        crewing: 'mobile',
        vehicleClass: 'ambulance',
      },
      {
        id: 'AMB2',
        callSign: 'EE-A2',
        agency: 'ambulance',
        type: 'ambulance',
        capabilities: ['paramedic'],
        station: 'A-CEN',
        crewing: 'mobile',
        vehicleClass: 'ambulance',
      },
    ],
    incidentTypes: [],
    standards: [
      {
        id: 'fire-test',
        name: 'First appliance 5 min, second 8 min',
        agency: 'fire',
        capability: 'pump',
        targets: [
          { nth: 1, withinS: 300, share: 0.9 },
          { nth: 2, withinS: 480, share: 0.9 },
        ],
      },
      {
        id: 'amb-test',
        name: 'Ambulance 8 min',
        agency: 'ambulance',
        capability: 'paramedic',
        targets: [{ nth: 1, withinS: 480, share: 0.75 }],
      },
    ],
    speedProfiles: {
      fire: {
        mode: 'road',
        highwayKmh: { motorway: 90, trunk: 80, primary: 60, secondary: 50, tertiary: 45, residential: 30, default: 30 },
        maxspeedFactor: 1.1,
      },
      ambulance: {
        mode: 'road',
        highwayKmh: {
          motorway: 100,
          trunk: 85,
          primary: 65,
          secondary: 55,
          tertiary: 50,
          residential: 32,
          default: 30,
        },
        maxspeedFactor: 1.2,
      },
    },
    network: {
      file: 'cambridge.osm.pbf',
      format: 'osm-pbf',
      synthetic: false,
      attribution: '© OpenStreetMap contributors (ODbL)',
    },
    demand: [
      { id: 'd-centre', name: 'City centre', lat: 52.2053, lon: 0.1218, weight: 50 },
      { id: 'd-cherry', name: 'Cherry Hinton', lat: 52.186, lon: 0.178, weight: 30 },
      { id: 'd-arbury', name: 'Arbury', lat: 52.225, lon: 0.12, weight: 15 },
      { id: 'd-chesterton', name: 'Chesterton', lat: 52.218, lon: 0.14, weight: 25 },
      { id: 'd-trumpington', name: 'Trumpington', lat: 52.172, lon: 0.113, weight: 20 },
      { id: 'd-fulbourn', name: 'Fulbourn Road', lat: 52.18, lon: 0.195, weight: 10 },
    ],
    rules: { coResponderRequiresCover: false },
  };
}

export function coverPlanner(s: Scenario = coverScenario()): JourneyPlanner {
  return new JourneyPlanner(cambridgeGraph(), new SpeedModel(s.speedProfiles));
}
