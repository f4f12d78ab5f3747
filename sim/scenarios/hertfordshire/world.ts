/**
 * The Hertfordshire demo scenario (stations, fleet, incident types, standards, speed profiles,
 * posts and demand) built from the copied source data. Pure: build.ts does the I/O. The fleet
 * is illustrative (see source/NOTICE.md), shaped by public facts about HFRS, Hertfordshire
 * Constabulary and the East of England Ambulance Service.
 */
import type {
  Agency,
  Crewing,
  DemandPoint,
  IncidentType,
  Post,
  ResourceDef,
  ResponseStandard,
  Scenario,
  SpeedProfile,
  Station,
} from '../../../server/core/scenario/types.ts';
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
const CO_RESPONDER_MARGIN_S = 60;

/** HFRS station codes, in the order of source/fire-stations.json. */
const FIRE_CODES: Record<string, string> = {
  Wheathampstead: 'WHEA',
  Tring: 'TRIN',
  Berkhamsted: 'BERK',
  Rickmansworth: 'RICK',
  'Hemel Hempstead': 'HEME',
  Markyate: 'MARK',
  'Kings Langley': 'KLAN',
  Redbourn: 'REDB',
  Garston: 'GARS',
  Watford: 'WATF',
  Harpenden: 'HARP',
  'St Albans': 'STAL',
  Hitchin: 'HITC',
  Borehamwood: 'BORE',
  Hatfield: 'HATF',
  Welwyn: 'WELW',
  Stevenage: 'STEV',
  Baldock: 'BALD',
  'Welwyn Garden City': 'WGCY',
  'Potters Bar': 'POTB',
  Hertford: 'HERT',
  Royston: 'ROYS',
  Ware: 'WARE',
  Cheshunt: 'CHES',
  Hoddesdon: 'HODD',
  'Much Hadham': 'MHAD',
  'Bishops Stortford': 'BSTO',
  Sawbridgeworth: 'SAWB',
  Buntingford: 'BUNT',
};

/** Hertfordshire Constabulary site codes, in the order of source/police-stations.json. */
const POLICE_CODES: Record<string, string> = {
  'Headquarters, Welwyn Garden City': 'HQ',
  Watford: 'WATF',
  'Hemel Hempstead': 'HEME',
  'St Albans': 'STAL',
  Stevenage: 'STEV',
  Hatfield: 'HATF',
  Hertford: 'HERT',
  Cheshunt: 'CHES',
  "Bishop's Stortford": 'BSTO',
  Hitchin: 'HITC',
  'Letchworth Garden City': 'LETC',
  Borehamwood: 'BORE',
  Royston: 'ROYS',
  Hoddesdon: 'HODD',
  Harpenden: 'HARP',
  Rickmansworth: 'RICK',
  Berkhamsted: 'BERK',
  'Potters Bar': 'POTB',
};

/** Fire stations crewed wholetime (first pump); the rest are on-call or day-crewed. */
const WHOLETIME = ['WATF', 'GARS', 'HEME', 'STAL', 'STEV', 'HATF', 'WGCY', 'BORE', 'HITC', 'HERT', 'CHES', 'BSTO'];
const DAY_CREWED = ['RICK', 'ROYS', 'POTB', 'HODD', 'BALD'];
/** Stations with a second pump, crewed on-call. */
const SECOND_PUMP = ['WATF', 'HEME', 'STEV', 'STAL', 'HATF', 'HITC'];
/** Fire stations that host an East of England Ambulance Service ambulance (18 of 29). */
export const AMBULANCE_AT = [
  'WATF',
  'GARS',
  'HEME',
  'STAL',
  'STEV',
  'HATF',
  'WGCY',
  'BORE',
  'HITC',
  'HERT',
  'CHES',
  'BSTO',
  'ROYS',
  'BALD',
  'TRIN',
  'BERK',
  'RICK',
  'WARE',
];
/** Of those, stations that also host a rapid response car. */
const RRV_AT = ['WATF', 'STEV', 'HATF', 'HERT', 'HEME'];
/** Police sites with two response cars (the rest have one). */
const POLICE_TWO_CARS = ['WATF', 'HEME', 'STAL', 'STEV', 'HATF', 'CHES', 'BSTO', 'HITC'];

/** Two-letter call-sign prefixes per HFRS station. */
const FIRE_CALL: Record<string, string> = {
  WHEA: 'WH',
  TRIN: 'TR',
  BERK: 'BK',
  RICK: 'RK',
  HEME: 'HH',
  MARK: 'MY',
  KLAN: 'KL',
  REDB: 'RB',
  GARS: 'GA',
  WATF: 'WF',
  HARP: 'HP',
  STAL: 'SA',
  HITC: 'HI',
  BORE: 'BW',
  HATF: 'HF',
  WELW: 'WL',
  STEV: 'ST',
  BALD: 'BD',
  WGCY: 'WG',
  POTB: 'PB',
  HERT: 'HT',
  ROYS: 'RY',
  WARE: 'WA',
  CHES: 'CH',
  HODD: 'HD',
  MHAD: 'MH',
  BSTO: 'BS',
  SAWB: 'SW',
  BUNT: 'BT',
};

const PUMP_CAPS = ['pump', 'thermal-imaging', 'extrication', 'gaining-entry'];

function fireResources(): ResourceDef[] {
  const out: ResourceDef[] = [];
  const fire = (
    code: string,
    n: string,
    type: string,
    capabilities: string[],
    crewing: Crewing,
    extra: Partial<ResourceDef> = {},
  ): void => {
    out.push({
      id: `HFRS-${code}-${n}`,
      callSign: `${FIRE_CALL[code]!}${n.replace(/^P/, '')}`,
      agency: 'fire',
      type,
      capabilities,
      station: `HFRS-${code}`,
      crewing,
      vehicleClass: 'fire',
      ...extra,
    });
  };
  for (const code of Object.values(FIRE_CODES)) {
    const crewing: Crewing = WHOLETIME.includes(code)
      ? 'wholetime'
      : DAY_CREWED.includes(code)
        ? 'day-crewed'
        : 'on-call';
    const caps = code === 'WATF' || code === 'STEV' ? [...PUMP_CAPS, 'co-responder', 'defibrillator'] : PUMP_CAPS;
    fire(code, 'P1', 'pump', caps, crewing);
    if (SECOND_PUMP.includes(code)) fire(code, 'P2', 'pump', PUMP_CAPS, 'on-call');
  }
  fire('STEV', 'ALP', 'aerial-ladder-platform', ['aerial', 'high-reach'], 'wholetime', { callSign: 'ST-ALP' });
  fire('WATF', 'ALP', 'aerial-ladder-platform', ['aerial', 'high-reach'], 'wholetime', { callSign: 'WF-ALP' });
  fire('HATF', 'RT', 'rescue-tender', ['rescue', 'extrication', 'heavy-rescue', 'line-rescue'], 'wholetime', {
    callSign: 'HF-RT',
  });
  fire('HEME', 'RT', 'rescue-tender', ['rescue', 'extrication', 'heavy-rescue'], 'wholetime', { callSign: 'HH-RT' });
  fire('RICK', 'WR', 'water-rescue', ['water-rescue', 'boat'], 'day-crewed', { callSign: 'RK-WR' });
  fire('CHES', 'WR', 'water-rescue', ['water-rescue', 'boat'], 'wholetime', { callSign: 'CH-WR' });
  fire('WGCY', 'CU', 'command-unit', ['command'], 'on-call', { callSign: 'WG-CU' });
  // The drone: a fire asset the police task for missing-person searches (sharedWith).
  fire('WGCY', 'DR1', 'drone', ['drone', 'thermal-imaging', 'aerial-imaging'], 'wholetime', {
    callSign: 'WG-DR1',
    vehicleClass: 'drone',
    sharedWith: ['police'],
  });
  return out;
}

function policeResources(): ResourceDef[] {
  const out: ResourceDef[] = [];
  const add = (
    code: string,
    id: string,
    callSign: string,
    type: string,
    capabilities: string[],
    vehicleClass = 'police',
  ): void => {
    out.push({
      id: `HC-${code}-${id}`,
      callSign,
      agency: 'police',
      type,
      capabilities,
      station: `HC-${code}`,
      crewing: 'mobile',
      vehicleClass,
    });
  };
  for (const code of Object.values(POLICE_CODES)) {
    if (code === 'HQ') continue;
    const cars = POLICE_TWO_CARS.includes(code) ? 2 : 1;
    for (let k = 1; k <= cars; k++)
      add(code, `IRV${k}`, `${code}-IRV${k}`, 'police-response-car', ['police-response', 'search']);
  }
  add('HQ', 'ARV1', 'ARV-21', 'armed-response-vehicle', ['firearms', 'police-response']);
  add('STEV', 'ARV2', 'ARV-22', 'armed-response-vehicle', ['firearms', 'police-response']);
  add('WATF', 'ARV3', 'ARV-23', 'armed-response-vehicle', ['firearms', 'police-response']);
  add('HQ', 'DOG1', 'DOG-31', 'dog-unit', ['dog', 'search', 'police-response']);
  add('HEME', 'DOG2', 'DOG-32', 'dog-unit', ['dog', 'search', 'police-response']);
  add('HATF', 'RPU1', 'RPU-41', 'roads-policing', ['roads-policing', 'police-response', 'collision-investigation']);
  add('STEV', 'RPU2', 'RPU-42', 'roads-policing', ['roads-policing', 'police-response']);
  add('HEME', 'RPU3', 'RPU-43', 'roads-policing', ['roads-policing', 'police-response']);
  return out;
}

function ambulanceResources(): ResourceDef[] {
  const out: ResourceDef[] = [];
  AMBULANCE_AT.forEach((code, i) => {
    out.push({
      id: `EEAST-${code}-A1`,
      callSign: `EE-${400 + i + 1}`,
      agency: 'ambulance',
      type: 'ambulance',
      capabilities: ['paramedic', 'conveyance', 'defibrillator'],
      station: `HFRS-${code}`,
      crewing: 'mobile',
      vehicleClass: 'ambulance',
    });
  });
  RRV_AT.forEach((code, i) => {
    out.push({
      id: `EEAST-${code}-RRV`,
      callSign: `EE-RRV${60 + i + 1}`,
      agency: 'ambulance',
      type: 'rapid-response-car',
      capabilities: ['paramedic', 'defibrillator'],
      station: `HFRS-${code}`,
      crewing: 'mobile',
      vehicleClass: 'ambulance',
    });
  });
  return out;
}

export const STANDARDS: ResponseStandard[] = [
  {
    id: 'fire-first-second',
    name: 'Fire: first appliance within 10 min, second within 13 min, each on 90%',
    agency: 'fire',
    capability: 'pump',
    targets: [
      { nth: 1, withinS: 600, share: 0.9 },
      { nth: 2, withinS: 780, share: 0.9 },
    ],
  },
  {
    id: 'fire-first',
    name: 'Fire: first appliance within 10 min on 90%',
    agency: 'fire',
    capability: 'pump',
    targets: [{ nth: 1, withinS: 600, share: 0.9 }],
  },
  {
    id: 'ambulance-cat1',
    name: 'Ambulance life-threatening: 8 min on 75%',
    agency: 'ambulance',
    capability: 'paramedic',
    targets: [{ nth: 1, withinS: 480, share: 0.75 }],
  },
  {
    id: 'ambulance-cat2',
    name: 'Ambulance emergency (category 2): 40 min on 90%',
    agency: 'ambulance',
    capability: 'paramedic',
    targets: [{ nth: 1, withinS: 2400, share: 0.9 }],
  },
  {
    id: 'police-emergency',
    name: 'Police emergency response: 15 min on 90% (urban figure, scenario setting)',
    agency: 'police',
    capability: 'police-response',
    targets: [{ nth: 1, withinS: 900, share: 0.9 }],
  },
];

export const INCIDENT_TYPES: IncidentType[] = [
  {
    id: 'dwelling-fire',
    name: 'Dwelling fire',
    leadAgency: 'fire',
    priority: 1,
    attendance: [{ capability: 'pump', count: 2, agency: 'fire' }],
    standards: ['fire-first-second'],
  },
  {
    id: 'persons-reported-fire',
    name: 'Fire, persons reported',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 3, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1'],
  },
  {
    id: 'high-rise-fire',
    name: 'Fire in a high-rise building',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 4, agency: 'fire' },
      { capability: 'aerial', count: 1, agency: 'fire' },
      { capability: 'command', count: 1, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second'],
  },
  {
    id: 'rtc-persons-trapped',
    name: 'Road traffic collision, persons trapped',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'pump', count: 2, agency: 'fire' },
      { capability: 'rescue', count: 1, agency: 'fire' },
      { capability: 'paramedic', count: 2, agency: 'ambulance' },
      { capability: 'roads-policing', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1', 'police-emergency'],
  },
  {
    id: 'rtc-no-entrapment',
    name: 'Road traffic collision, injuries, no entrapment',
    leadAgency: 'police',
    priority: 2,
    attendance: [
      { capability: 'police-response', count: 1, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'pump', count: 1, agency: 'fire' },
    ],
    standards: ['police-emergency', 'ambulance-cat2'],
  },
  {
    id: 'cardiac-arrest',
    name: 'Cardiac arrest (ambulance plus fire co-responder)',
    leadAgency: 'ambulance',
    priority: 1,
    attendance: [
      { capability: 'paramedic', count: 2, agency: 'ambulance' },
      { capability: 'co-responder', count: 1, agency: 'fire' },
    ],
    standards: ['ambulance-cat1'],
    coResponse: ['co-responder'],
  },
  {
    id: 'missing-person-high-risk',
    name: 'High-risk missing person (police search, fire drone with thermal imaging)',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'search', count: 2, agency: 'police' },
      { capability: 'dog', count: 1, agency: 'police' },
      { capability: 'drone', count: 1 },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'gaining-entry',
    name: 'Gaining entry: person collapsed behind a door',
    leadAgency: 'ambulance',
    priority: 1,
    attendance: [
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'gaining-entry', count: 1, agency: 'fire' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['ambulance-cat1', 'fire-first'],
  },
  {
    id: 'water-rescue',
    name: 'Water rescue (person in water)',
    leadAgency: 'fire',
    priority: 1,
    attendance: [
      { capability: 'water-rescue', count: 1, agency: 'fire' },
      { capability: 'pump', count: 2, agency: 'fire' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
      { capability: 'police-response', count: 1, agency: 'police' },
    ],
    standards: ['fire-first-second', 'ambulance-cat1'],
  },
  {
    id: 'violent-disturbance',
    name: 'Violent disturbance',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'police-response', count: 3, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'firearms-incident',
    name: 'Firearms incident',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'firearms', count: 2, agency: 'police' },
      { capability: 'police-response', count: 2, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
    ],
    standards: ['police-emergency'],
  },
  {
    id: 'vehicle-fire',
    name: 'Vehicle fire',
    leadAgency: 'fire',
    priority: 2,
    attendance: [{ capability: 'pump', count: 1, agency: 'fire' }],
    standards: ['fire-first'],
  },
  {
    id: 'animal-rescue-height',
    name: 'Person or animal stuck at height',
    leadAgency: 'fire',
    priority: 2,
    attendance: [
      { capability: 'pump', count: 1, agency: 'fire' },
      { capability: 'aerial', count: 1, agency: 'fire' },
      { capability: 'rescue', count: 1, agency: 'fire' },
    ],
    standards: ['fire-first'],
  },
  {
    id: 'medical-emergency',
    name: 'Medical emergency (category 2)',
    leadAgency: 'ambulance',
    priority: 2,
    attendance: [{ capability: 'paramedic', count: 1, agency: 'ambulance' }],
    standards: ['ambulance-cat2'],
  },
];

/** Blue-light average speeds by OSM highway class, km/h (see docs/scenario.md for the basis). */
export const SPEED_PROFILES: Record<string, SpeedProfile> = {
  fire: {
    mode: 'road',
    highwayKmh: {
      motorway: 90,
      motorway_link: 55,
      trunk: 80,
      trunk_link: 50,
      primary: 65,
      primary_link: 45,
      secondary: 55,
      secondary_link: 40,
      tertiary: 45,
      tertiary_link: 35,
      unclassified: 40,
      residential: 30,
      living_street: 10,
      service: 15,
      default: 30,
    },
    maxspeedFactor: 1.1,
  },
  police: {
    mode: 'road',
    highwayKmh: {
      motorway: 115,
      motorway_link: 65,
      trunk: 95,
      trunk_link: 60,
      primary: 75,
      primary_link: 50,
      secondary: 65,
      secondary_link: 45,
      tertiary: 55,
      tertiary_link: 40,
      unclassified: 50,
      residential: 38,
      living_street: 12,
      service: 18,
      default: 35,
    },
    maxspeedFactor: 1.3,
  },
  ambulance: {
    mode: 'road',
    highwayKmh: {
      motorway: 105,
      motorway_link: 60,
      trunk: 88,
      trunk_link: 55,
      primary: 70,
      primary_link: 48,
      secondary: 60,
      secondary_link: 42,
      tertiary: 50,
      tertiary_link: 38,
      unclassified: 45,
      residential: 34,
      living_street: 11,
      service: 16,
      default: 32,
    },
    maxspeedFactor: 1.2,
  },
  /** A van-carried drone team: modelled as a straight line at a blue-light road average. */
  drone: { mode: 'air', airspeedKmh: 60 },
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
    crewing: {
      wholetime: { turnoutS: 90 },
      'day-crewed': { turnoutS: 180 },
      'on-call': { turnoutS: 300 },
      mobile: { turnoutS: 0 },
    },
    stations,
    posts: POSTS,
    resources: [...fireResources(), ...policeResources(), ...ambulanceResources()],
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
  };
}
