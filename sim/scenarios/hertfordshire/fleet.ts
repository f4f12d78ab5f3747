/**
 * The Hertfordshire demo fleet: HFRS stations and their pumps and specials, Hertfordshire
 * Constabulary sites and their cars, and the East of England Ambulance Service vehicles hosted at
 * fire stations. Illustrative (see source/NOTICE.md), shaped by public facts about the three
 * services; world.ts puts it in the scenario.
 */
import type { Crewing, ResourceDef } from '../../../server/core/scenario/types.ts';

/** HFRS station codes, in the order of source/fire-stations.json. */
export const FIRE_CODES: Record<string, string> = {
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
export const POLICE_CODES: Record<string, string> = {
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
const AMBULANCE_AT = [
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

/** Every resource of the demo fleet: fire, then police, then ambulance. */
export function fleetResources(): ResourceDef[] {
  return [...fireResources(), ...policeResources(), ...ambulanceResources()];
}
