/**
 * The builder's default fleet (docs/scenario.md § Your own county): a documented rule, not any
 * service's establishment. Sites are ranked by size, and size is read from the data the builder
 * has: with towns, the population within SIZE_RADIUS_M of the site, a town counting less the
 * farther it is (full at the site, nothing at the radius); without, how many fire stations lie
 * within that distance (an urban station has neighbours, a rural one has none).
 *
 * - Fire: a pump at every station. The largest quarter (at least one) are wholetime with a
 *   second, on-call pump; the next quarter day-crewed; the rest on-call. The two largest
 *   stations' first pumps co-respond (with a defibrillator). Specials at the largest:
 *   k = max(1, round(stations / 15)) aerial ladder platforms and k rescue tenders at the k
 *   largest stations; one water rescue unit, one command unit and one drone (shared with the
 *   police) at the largest.
 * - Police, at the sites given: a response car at each, a second at the largest quarter; at the
 *   largest sites in turn max(2, round(sites / 6)) armed response vehicles, max(1, round(sites / 9))
 *   dog units and max(1, round(sites / 6)) roads policing cars.
 * - Ambulance, at the sites given: an ambulance at each, a rapid response car at the largest quarter.
 */
import { haversineM } from '../../../server/core/geo.ts';
import type { Agency, Crewing, ResourceDef, Station } from '../../../server/core/scenario/types.ts';

export const SIZE_RADIUS_M = 10_000;

export interface Town {
  name: string;
  lat: number;
  lon: number;
  population: number;
}

/** A site the fleet is placed at: its station id, a short code for call signs, its position. */
export interface Site {
  id: string;
  code: string;
  lat: number;
  lon: number;
}

/** Indices of `sites`, largest first (ties by id, so the order is stable). */
export function rankBySize(sites: readonly Site[], fire: readonly Site[], towns: readonly Town[]): number[] {
  const size = sites.map((s) =>
    towns.length > 0
      ? towns.reduce(
          (a, t) => a + t.population * Math.max(0, 1 - haversineM(s.lat, s.lon, t.lat, t.lon) / SIZE_RADIUS_M),
          0,
        )
      : fire.reduce(
          (a, f) => a + (f.id !== s.id && haversineM(s.lat, s.lon, f.lat, f.lon) <= SIZE_RADIUS_M ? 1 : 0),
          0,
        ),
  );
  return sites.map((_, i) => i).sort((a, b) => size[b]! - size[a]! || (sites[a]!.id < sites[b]!.id ? -1 : 1));
}

const quarter = (n: number): number => Math.max(1, Math.ceil(n / 4));
const PUMP_CAPS = ['pump', 'thermal-imaging', 'extrication', 'gaining-entry'];

function resource(
  site: Site,
  agency: Agency,
  suffix: string,
  callSign: string,
  type: string,
  capabilities: string[],
  crewing: Crewing,
  extra: Partial<ResourceDef> = {},
): ResourceDef {
  return {
    id: `${site.id}-${suffix}`,
    callSign,
    agency,
    type,
    capabilities,
    station: site.id,
    crewing,
    vehicleClass: agency,
    ...extra,
  };
}

export function fireFleet(stations: readonly Site[], towns: readonly Town[]): ResourceDef[] {
  const order = rankBySize(stations, stations, towns);
  const rank = new Map(order.map((i, r) => [stations[i]!.id, r]));
  const q = quarter(stations.length);
  const out: ResourceDef[] = [];
  for (const s of stations) {
    const r = rank.get(s.id)!;
    const crewing: Crewing = r < q ? 'wholetime' : r < 2 * q ? 'day-crewed' : 'on-call';
    const caps = r < 2 ? [...PUMP_CAPS, 'co-responder', 'defibrillator'] : PUMP_CAPS;
    out.push(resource(s, 'fire', 'P1', `${s.code}1`, 'pump', caps, crewing));
    if (r < q) out.push(resource(s, 'fire', 'P2', `${s.code}2`, 'pump', PUMP_CAPS, 'on-call'));
  }
  const k = Math.max(1, Math.round(stations.length / 15));
  const largest = order.map((i) => stations[i]!);
  for (const s of largest.slice(0, k)) {
    out.push(
      resource(s, 'fire', 'ALP', `${s.code}-ALP`, 'aerial-ladder-platform', ['aerial', 'high-reach'], 'wholetime'),
    );
    out.push(
      resource(
        s,
        'fire',
        'RT',
        `${s.code}-RT`,
        'rescue-tender',
        ['rescue', 'extrication', 'heavy-rescue'],
        'wholetime',
      ),
    );
  }
  const top = largest[0]!;
  out.push(resource(top, 'fire', 'WR', `${top.code}-WR`, 'water-rescue', ['water-rescue', 'boat'], 'wholetime'));
  out.push(resource(top, 'fire', 'CU', `${top.code}-CU`, 'command-unit', ['command'], 'on-call'));
  out.push(
    resource(
      top,
      'fire',
      'DR1',
      `${top.code}-DR1`,
      'drone',
      ['drone', 'thermal-imaging', 'aerial-imaging'],
      'wholetime',
      {
        vehicleClass: 'drone',
        sharedWith: ['police'],
      },
    ),
  );
  return out;
}

export function policeFleet(sites: readonly Site[], fire: readonly Site[], towns: readonly Town[]): ResourceDef[] {
  if (sites.length === 0) return [];
  const order = rankBySize(sites, fire, towns);
  const largest = order.map((i) => sites[i]!);
  const q = quarter(sites.length);
  const out: ResourceDef[] = [];
  const resp = ['police-response', 'search'];
  largest.forEach((s, r) => {
    out.push(resource(s, 'police', 'IRV1', `${s.code}-IRV1`, 'police-response-car', resp, 'mobile'));
    if (r < q) out.push(resource(s, 'police', 'IRV2', `${s.code}-IRV2`, 'police-response-car', resp, 'mobile'));
  });
  const specials = (n: number, tag: string, type: string, caps: string[]) => {
    for (let i = 0; i < n; i++) {
      const s = largest[i % largest.length]!;
      const id = `${tag}${i + 1}`;
      out.push(resource(s, 'police', id, `${s.code}-${id}`, type, caps, 'mobile'));
    }
  };
  specials(Math.max(2, Math.round(sites.length / 6)), 'ARV', 'armed-response-vehicle', ['firearms', 'police-response']);
  specials(Math.max(1, Math.round(sites.length / 9)), 'DOG', 'dog-unit', ['dog', 'search', 'police-response']);
  specials(Math.max(1, Math.round(sites.length / 6)), 'RPU', 'roads-policing', ['roads-policing', 'police-response']);
  return out;
}

export function ambulanceFleet(sites: readonly Site[], fire: readonly Site[], towns: readonly Town[]): ResourceDef[] {
  if (sites.length === 0) return [];
  const order = rankBySize(sites, fire, towns);
  const q = quarter(sites.length);
  const out: ResourceDef[] = [];
  order.forEach((i, r) => {
    const s = sites[i]!;
    out.push(
      resource(
        s,
        'ambulance',
        'A1',
        `${s.code}-A1`,
        'ambulance',
        ['paramedic', 'conveyance', 'defibrillator'],
        'mobile',
      ),
    );
    if (r < q)
      out.push(
        resource(
          s,
          'ambulance',
          'RRV',
          `${s.code}-RRV`,
          'rapid-response-car',
          ['paramedic', 'defibrillator'],
          'mobile',
        ),
      );
  });
  return out;
}

/** The station records' sites (id and position), with codes for call signs. */
export function sitesOf(stations: readonly Station[], codes: readonly string[]): Site[] {
  return stations.map((s, i) => ({ id: s.id, code: codes[i]!, lat: s.lat, lon: s.lon }));
}
