/**
 * A scenario for any English fire and rescue service (`npm run scenario -- build`, issue 16 item
 * 6; docs/scenario.md § Your own county): the service's stations from the Home Office list, the
 * default fleet (./fleet.ts), the Hertfordshire incident types and standards cut to that fleet
 * (./template.ts), police and ambulance sites and towns where given, and a road network (./network.ts)
 * real from an OSM extract or clearly synthetic, with stations and demand placed on it (./on-road.ts). The result is checked by the core validator
 * before anything is written. Pure: server/cli/scenario.ts reads the inputs and writes the files.
 */
import { buildGraph, type RawNetwork, type RoadGraph } from '../../../server/core/graph/build.ts';
import { DEFAULT_MAX_SNAP_M } from '../../../server/core/graph/snap.ts';
import { haversineM } from '../../../server/core/geo.ts';
import { validateScenario } from '../../../server/core/scenario/validate.ts';
import type { DemandPoint, Scenario, Station } from '../../../server/core/scenario/types.ts';
import { M_PER_DEG_LAT, mPerDegLon } from '../hertfordshire/net.ts';
import { SPEED_PROFILES } from '../hertfordshire/speeds.ts';
import { CO_RESPONDER_MARGIN_S, CREWING } from '../hertfordshire/world.ts';
import { ambulanceFleet, fireFleet, policeFleet, type Site, type Town } from './fleet.ts';
import { clipNetwork, extentOf, osmGeoJson, syntheticNetwork, type Bounds } from './network.ts';
import { matchService, serviceStations, shortCodes, type StationRow } from './services.ts';
import { templateFor } from './template.ts';
import { joinByAccessRoads, nearestOff, onRoad, uniformDemand } from './on-road.ts';

export type { Town } from './fleet.ts';

/** A police or ambulance site as given. */
export interface SiteInput {
  name: string;
  lat: number;
  lon: number;
  address?: string;
}

export interface BuildInput {
  rows: readonly StationRow[];
  /** The service as typed. */
  service: string;
  /** A real road network read from an OSM extract, and the extract's file name for messages. */
  osm?: { raw: RawNetwork; file: string };
  police?: readonly SiteInput[];
  ambulance?: readonly SiteInput[];
  towns?: readonly Town[];
  /** Keep only the stations the extract covers instead of refusing. */
  partial?: boolean;
  /** Bounds around the stations and sites, and the extract's clip box (default 5 km). */
  marginM?: number;
  /**
   * With an extract: join a station or site this far (metres) beyond the snapping allowance of
   * its roads by a straight synthetic access road, tagged `jcr:synthetic=access` (default 0: none).
   */
  accessM?: number;
}

export interface BuildOutput {
  /** scenario.json's contents: demand is in demandFile. */
  scenario: Omit<Scenario, 'demand'>;
  demand: DemandPoint[];
  networkFile: string;
  networkText: string;
  /** What was built and left out, a line each, for the operator. */
  summary: string[];
}

/** Bad input (unknown service, an extract that misses the stations): one line, exit 2. */
export class BuildError extends Error {
  override name = 'BuildError';
}

/** Written gzipped: a county's clipped OSM ways are tens of megabytes as text. */
export const NETWORK_FILE = 'network.geojson.gz';
export const DEMAND_FILE = 'demand.json';
const DEFAULT_MARGIN_M = 5_000;
/** Population of the town the synthetic network builds at a station, or a site, with no town given nearby. */
const STATION_TOWN_POP = 6_000;
const SITE_TOWN_POP = 2_000;
/** A station or site this near a town's centre is served by its streets (a 6,000 town reaches about 700 m). */
const TOWN_REACH_M = 500;

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

function boundsAround(points: readonly { lat: number; lon: number }[], marginM: number): Bounds {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const south = Math.min(...lats),
    north = Math.max(...lats);
  const dLat = marginM / M_PER_DEG_LAT;
  const dLon = marginM / mPerDegLon(Math.max(Math.abs(south), Math.abs(north)));
  const r4 = (x: number, up: boolean) => (up ? Math.ceil(x * 1e4) : Math.floor(x * 1e4)) / 1e4;
  return {
    south: r4(south - dLat, false),
    west: r4(Math.min(...lons) - dLon, false),
    north: r4(north + dLat, true),
    east: r4(Math.max(...lons) + dLon, true),
  };
}

const box = (b: Bounds): string =>
  `${b.south.toFixed(3)}..${b.north.toFixed(3)} N, ${b.west.toFixed(3)}..${b.east.toFixed(3)} E`;

const list = (names: readonly string[], max = 3): string =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;

interface Placed extends Station {
  code: string;
}

function sitesFrom(given: readonly SiteInput[], idPrefix: string, agency: 'police' | 'ambulance'): Placed[] {
  const codes = shortCodes(given.map((s) => s.name));
  return given.map((s, i) => ({
    id: `${idPrefix}-${codes[i]!}`,
    code: codes[i]!,
    name: s.name,
    agency,
    lat: s.lat,
    lon: s.lon,
    ...(s.address !== undefined ? { address: s.address } : {}),
  }));
}

export function buildServiceScenario(input: BuildInput): BuildOutput {
  const match = matchService(input.rows, input.service);
  if (match.name === null) {
    const hint = match.suggestions.length > 0 ? `; did you mean ${match.suggestions.join(' or ')}?` : '';
    throw new BuildError(`unknown fire and rescue service "${input.service}"${hint} (--list shows all 44)`);
  }
  const svc = serviceStations(input.rows, match.name);
  const summary: string[] = [];
  for (const l of svc.leftOut) summary.push(`left out ${l.name}: ${l.reason}`);
  const marginM = input.marginM ?? DEFAULT_MARGIN_M;
  let fire: Placed[] = svc.stations.map((s) => ({
    id: `${svc.prefix}-${s.code}`,
    code: s.code,
    name: `${s.name} fire station`,
    agency: 'fire',
    lat: s.lat,
    lon: s.lon,
    address: s.address,
  }));
  let police = sitesFrom(input.police ?? [], 'POL', 'police');
  let ambulance = sitesFrom(input.ambulance ?? [], 'AMB', 'ambulance');
  let bounds = boundsAround([...fire, ...police, ...ambulance], marginM);

  let graph: RoadGraph;
  let networkText: string;
  let network: Scenario['network'];
  const townsIn = (b: Bounds) =>
    (input.towns ?? []).filter((t) => t.lat >= b.south && t.lat <= b.north && t.lon >= b.west && t.lon <= b.east);
  if (input.osm !== undefined) {
    const file = input.osm.file;
    let raw = clipNetwork(input.osm.raw, bounds);
    if (raw.ways.length === 0) {
      const ext = extentOf(input.osm.raw);
      throw new BuildError(
        `${file} has no roads in the ${svc.name} area (${box(bounds)}): ${ext ? `its nodes span ${box(ext)}` : 'it has no nodes'}; use an extract of the service's county`,
      );
    }
    graph = buildGraph(raw);
    if ((input.accessM ?? 0) > 0) {
      const joined = joinByAccessRoads(raw, graph, [...fire, ...police, ...ambulance], input.accessM!);
      if (joined.length > 0) {
        raw = joined.raw;
        graph = buildGraph(raw);
        summary.push(
          `joined ${joined.length} stations and sites to the extract's roads by synthetic access roads (--access-km): ${list(
            joined.names,
            10,
          )}`,
        );
      }
    }
    const missed = fire.filter((s) => !onRoad(graph, s));
    if (missed.length === fire.length) {
      const near = nearestOff(graph, fire);
      throw new BuildError(
        `${file} covers none of the ${fire.length} ${svc.name} fire stations: ${near ? `the nearest, ${near.name}, is ${near.m} m from its roads, beyond the ${DEFAULT_MAX_SNAP_M} m allowance` : `none is within ${DEFAULT_MAX_SNAP_M} m of its roads`}; use an extract of the service's county, or --access-km to join stations just outside it`,
      );
    }
    if (missed.length > 0 && input.partial !== true)
      throw new BuildError(
        `${file} covers ${fire.length - missed.length} of the ${fire.length} ${svc.name} fire stations (not ${list(missed.map((s) => s.name))}); use an extract of the whole county, or --partial to keep only the stations it covers`,
      );
    if (missed.length > 0) {
      summary.push(
        `left out ${missed.length} fire stations the extract does not cover: ${list(
          missed.map((s) => s.name),
          10,
        )}`,
      );
      fire = fire.filter((s) => !missed.includes(s));
    }
    const uncoveredSites = [...police, ...ambulance].filter((s) => !onRoad(graph, s));
    if (uncoveredSites.length > 0) {
      if (input.partial !== true)
        throw new BuildError(
          `${file} does not cover ${uncoveredSites.length} of the police and ambulance sites given (${list(uncoveredSites.map((s) => s.name))}); use an extract of the whole county, or --partial`,
        );
      summary.push(
        `left out ${uncoveredSites.length} sites the extract does not cover: ${list(
          uncoveredSites.map((s) => s.name),
          10,
        )}`,
      );
      police = police.filter((s) => !uncoveredSites.includes(s));
      ambulance = ambulance.filter((s) => !uncoveredSites.includes(s));
    }
    if (missed.length > 0 || uncoveredSites.length > 0) {
      bounds = boundsAround([...fire, ...police, ...ambulance], marginM);
      raw = clipNetwork(raw, bounds);
      graph = buildGraph(raw);
    }
    networkText = osmGeoJson(raw, file);
    network = {
      file: NETWORK_FILE,
      format: 'geojson',
      synthetic: false,
      attribution: '© OpenStreetMap contributors, ODbL 1.0',
    };
    summary.push(`road network: ${file} clipped to ${box(bounds)}: ${raw.lat.length} nodes, ${raw.ways.length} ways`);
  } else {
    // The generator's towns: those given, and one at each station or site no given town serves.
    const given = townsIn(bounds);
    const towns: Town[] = [...given];
    const needTown = (p: { lat: number; lon: number }) =>
      !towns.some((t) => haversineM(p.lat, p.lon, t.lat, t.lon) <= TOWN_REACH_M);
    for (const s of fire)
      if (needTown(s))
        towns.push({
          name: s.name.replace(/ fire station$/, ''),
          lat: s.lat,
          lon: s.lon,
          population: STATION_TOWN_POP,
        });
    for (const s of [...police, ...ambulance])
      if (needTown(s)) towns.push({ name: s.name, lat: s.lat, lon: s.lon, population: SITE_TOWN_POP });
    let net = syntheticNetwork(towns, `${slug(svc.name)}-synthetic-network`);
    graph = buildGraph(net.raw);
    // A station beside a small given town may still lie beyond the allowance: give it a town too.
    for (let round = 0; ; round++) {
      const off = [...fire, ...police, ...ambulance].filter((s) => !onRoad(graph, s));
      if (off.length === 0) break;
      if (round === 2) throw new Error(`synthetic network misses ${list(off.map((s) => s.name))}`);
      for (const s of off) towns.push({ name: s.name, lat: s.lat, lon: s.lon, population: SITE_TOWN_POP });
      net = syntheticNetwork(towns, `${slug(svc.name)}-synthetic-network`);
      graph = buildGraph(net.raw);
    }
    networkText = net.geojson;
    network = {
      file: NETWORK_FILE,
      format: 'geojson',
      synthetic: true,
      attribution: 'Synthetic streets generated around the fire stations (npm run scenario -- build); not survey data',
    };
    summary.push(`road network: synthetic, ${net.nodes} nodes and ${net.ways} ways around ${towns.length} towns`);
  }

  const townList = townsIn(bounds);
  const fireSites: Site[] = fire;
  const resources = [
    ...fireFleet(fireSites, townList),
    ...policeFleet(police, fireSites, townList),
    ...ambulanceFleet(ambulance, fireSites, townList),
  ];
  const { incidentTypes, standards } = templateFor(resources);
  const demand: DemandPoint[] =
    townList.length > 0
      ? townList.map((t) => ({
          id: `town-${slug(t.name)}`,
          name: t.name,
          lat: t.lat,
          lon: t.lon,
          weight: Math.max(0.1, Math.round(t.population / 100) / 10),
        }))
      : uniformDemand(bounds, fire, graph);

  const strip = ({ code: _c, ...s }: Placed): Station => s;
  const roads = network.synthetic
    ? 'Roads: SYNTHETIC streets generated around the stations, not survey data; build with --osm and a real OSM extract for operational use.'
    : 'Roads: OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0), clipped to the area.';
  const scenario: Scenario = {
    id: slug(svc.name),
    name: `${svc.name} fire and rescue (built)`,
    description:
      `Built by npm run scenario -- build: ${fire.length} ${svc.name} fire stations at their published positions (Home Office fire stations list 2018, OGL v3.0)` +
      `${police.length > 0 ? `, ${police.length} police sites` : ''}${ambulance.length > 0 ? `, ${ambulance.length} ambulance sites` : ''}. ` +
      `Fleet by the builder's default rule (docs/scenario.md, Your own county), not the services' establishment. ` +
      `Demand: ${townList.length > 0 ? `${townList.length} towns by population` : 'uniform over the area'}. ${roads}`,
    timezone: 'Europe/London',
    bounds,
    crewing: CREWING,
    stations: [...fire, ...police, ...ambulance].map(strip),
    posts: [],
    resources,
    incidentTypes,
    standards,
    speedProfiles: SPEED_PROFILES,
    network,
    demand,
    rules: { coResponderRequiresCover: true, coResponderMarginS: CO_RESPONDER_MARGIN_S },
  };
  validateScenario(scenario, 'scenario.json');
  const { demand: _inline, ...written } = scenario;
  void _inline;
  summary.unshift(
    `${svc.name}: ${fire.length} fire stations, ${police.length} police and ${ambulance.length} ambulance sites; ` +
      `${resources.length} resources, ${incidentTypes.length} incident types, ${demand.length} demand points`,
  );
  return {
    scenario: { ...written, demandFile: DEMAND_FILE },
    demand,
    networkFile: NETWORK_FILE,
    networkText,
    summary,
  };
}
