/**
 * The Hertfordshire demo scenario (stations, fleet, incident types, standards, speed profiles,
 * posts and demand) built from the copied source data. Pure: build.ts does the I/O. The fleet
 * is illustrative (see source/NOTICE.md), shaped by public facts about HFRS, Hertfordshire
 * Constabulary and the East of England Ambulance Service. Its parts: fleet.ts (station codes and
 * vehicles), incident-types.ts (standards and attendances), speeds.ts (blue-light speeds).
 */
import type { Agency, DemandPoint, Post, Scenario, Station } from '../../../server/core/scenario/types.ts';
import { FIRE_CODES, fleetResources, POLICE_CODES } from './fleet.ts';
import { INCIDENT_TYPES, STANDARDS } from './incident-types.ts';
import { SPEED_PROFILES } from './speeds.ts';
import type { Hamlet, Town } from './streets.ts';

export interface FireStationSrc {
  name: string;
  address: string;
  postcode: string;
  lat: number;
  lon: number;
}

export interface PoliceStationSrc {
  name: string;
  lat: number;
  lon: number;
}

export const NETWORK_FILE = 'network.geojson';

/**
 * A co-responder is sent only when it should arrive a minute before the first paramedic: a
 * minute of CPR and defibrillation sooner is the point of co-responding; a pump arriving with or
 * after the ambulance only thins fire cover (docs/scenario.md, rules).
 */
export const CO_RESPONDER_MARGIN_S = 60;

/** Turnout by crewing: wholetime crews are in the station, on-call crews come from home. */
export const CREWING: Scenario['crewing'] = {
  wholetime: { turnoutS: 90 },
  'day-crewed': { turnoutS: 180 },
  'on-call': { turnoutS: 300 },
  mobile: { turnoutS: 0 },
};

export const POSTS: Post[] = [
  { id: 'DAP-A1M-J1', name: 'A1(M) J1 South Mimms', agencies: ['ambulance', 'police'], lat: 51.6913, lon: -0.2319 },
  { id: 'DAP-A1M-J4', name: 'A1(M) J4 Hatfield', agencies: ['ambulance'], lat: 51.7625, lon: -0.2245 },
  { id: 'DAP-A1M-J7', name: 'A1(M) J7 Stevenage South', agencies: ['ambulance'], lat: 51.8844, lon: -0.205 },
  { id: 'DAP-M1-J8', name: 'M1 J8 Hemel Hempstead', agencies: ['ambulance'], lat: 51.7521, lon: -0.4143 },
  { id: 'DAP-M25-J21A', name: 'M25 J21A, A405 Bricket Wood', agencies: ['ambulance'], lat: 51.7089, lon: -0.3643 },
  { id: 'DAP-M25-J25', name: 'M25 J25 Waltham Cross', agencies: ['ambulance'], lat: 51.6879, lon: -0.0344 },
];

/** Demand: towns weighted by population (thousands), plus a handful of rural hamlets. */
export function demandPoints(towns: readonly Town[], hamlets: readonly Hamlet[]): DemandPoint[] {
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  const out: DemandPoint[] = towns.map((t) => ({
    id: `town-${slug(t.name)}`,
    name: t.name,
    lat: t.lat,
    lon: t.lon,
    weight: Math.round(t.population / 100) / 10,
  }));
  for (const h of hamlets.slice(0, 10)) out.push({ id: h.id, name: h.name, lat: h.lat, lon: h.lon, weight: 0.5 });
  return out;
}

export function buildScenario(fire: readonly FireStationSrc[], police: readonly PoliceStationSrc[]): Scenario {
  const stations: Station[] = [];
  for (const f of fire) {
    const code = FIRE_CODES[f.name];
    if (code === undefined) throw new Error(`no station code for fire station ${f.name}`);
    stations.push({
      id: `HFRS-${code}`,
      name: `${f.name} fire station`,
      agency: 'fire',
      lat: f.lat,
      lon: f.lon,
      address: `${f.address}, ${f.postcode}`,
    });
  }
  for (const p of police) {
    const code = POLICE_CODES[p.name];
    if (code === undefined) throw new Error(`no site code for police station ${p.name}`);
    stations.push({
      id: `HC-${code}`,
      name: code === 'HQ' ? 'Hertfordshire Constabulary Headquarters' : `${p.name} police station`,
      agency: 'police' satisfies Agency,
      lat: p.lat,
      lon: p.lon,
    });
  }
  return {
    id: 'hertfordshire',
    name: 'Hertfordshire joint control room (demo)',
    description:
      'Demo world: the 29 HFRS fire stations at their real positions (Home Office data, OGL v3.0), 18 approximate police sites and an illustrative joint fleet. Roads: synthetic streets on an approximate trunk skeleton; operational use imports a real OSM extract of the county.',
    timezone: 'Europe/London',
    bounds: { south: 51.55, west: -0.8, north: 52.12, east: 0.28 },
    crewing: CREWING,
    stations,
    posts: POSTS,
    resources: fleetResources(),
    incidentTypes: INCIDENT_TYPES,
    standards: STANDARDS,
    speedProfiles: SPEED_PROFILES,
    network: {
      file: NETWORK_FILE,
      format: 'geojson',
      synthetic: true,
      attribution: 'Synthetic streets on an approximate trunk skeleton (hand-made); not survey data',
    },
    demand: [],
    demandFile: 'demand.json',
    rules: { coResponderRequiresCover: true, coResponderMarginS: CO_RESPONDER_MARGIN_S },
    // The control room's two 12-hour shifts (performance figures have a "current shift" window).
    shifts: [
      { id: 'day', name: 'Day shift', start: '07:00' },
      { id: 'night', name: 'Night shift', start: '19:00' },
    ],
  };
}
