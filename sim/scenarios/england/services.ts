/**
 * The 44 English fire and rescue services of the Home Office fire stations list (2018,
 * fire-stations-2018.json beside this file, OGL v3.0): finding one by the name an operator types,
 * its stations at their published grid positions (converted with the one OS grid transform,
 * server/core/places/os-grid.ts), with readable names and short codes for ids and call signs.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editDistance, key } from '../../../server/core/places/normalize.ts';
import { fromGrid, onGrid } from '../../../server/core/places/os-grid.ts';

export const STATIONS_FILE = join(dirname(fileURLToPath(import.meta.url)), 'fire-stations-2018.json');

/** One row of fire-stations-2018.json (README.md beside it). */
export interface StationRow {
  service: string;
  code: string;
  station: string;
  address: string;
  postcode: string;
  easting: number;
  northing: number;
  lat: number;
  lon: number;
}

/** A service's fire station as the builder uses it. */
export interface FireStation {
  /** Short upper-case code, unique in the service: "BEDF". */
  code: string;
  /** Readable name: "Leighton Buzzard" from "Leighton Buzzard Fire Station". */
  name: string;
  address: string;
  lat: number;
  lon: number;
  easting: number;
  northing: number;
}

export interface Service {
  name: string;
  /** ONS code of the service's area. */
  ons: string;
  /** Id prefix: "BFRS", "LFB". */
  prefix: string;
  stations: FireStation[];
  /** Rows left out: a position off the grid or far from the rest of the service (source errors). */
  leftOut: { name: string; reason: string }[];
}

export function readStationRows(file = STATIONS_FILE): StationRow[] {
  return JSON.parse(readFileSync(file, 'utf8')) as StationRow[];
}

/** The services and their station counts, by name. */
export function serviceList(rows: readonly StationRow[]): { name: string; stations: number }[] {
  const count = new Map<string, number>();
  for (const r of rows) count.set(r.service, (count.get(r.service) ?? 0) + 1);
  return [...count]
    .map(([name, stations]) => ({ name, stations }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

/** Words a service's name is typed with that do not tell services apart. */
const NOISE = /\b(fire|and|rescue|service|services|authority|brigade|frs|fb|&)\b/g;
const serviceKey = (s: string): string => key(key(s).replace(NOISE, ' '));

/**
 * The service a typed name means ("bedfordshire", "Bedfordshire Fire and Rescue Service",
 * "London Fire Brigade"), or, when none, up to three names it may have meant (closest first).
 */
export function matchService(
  rows: readonly StationRow[],
  typed: string,
): { name: string } | { name: null; suggestions: string[] } {
  const names = serviceList(rows).map((s) => s.name);
  const want = serviceKey(typed);
  const exact = names.find((n) => serviceKey(n) === want);
  if (exact !== undefined && want !== '') return { name: exact };
  const scored = names
    .map((n) => {
      const k = serviceKey(n);
      const d = want === '' ? 99 : k.startsWith(want) || want.startsWith(k) ? 0 : editDistance(k, want, 4);
      return { n, d };
    })
    .filter((x) => x.d <= 3)
    .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n));
  // A beginning only one service has ("hertford", "devon") means that service.
  const prefixed = scored.filter((x) => x.d === 0);
  if (prefixed.length === 1 && want.length >= 3) return { name: prefixed[0]!.n };
  return { name: null, suggestions: scored.slice(0, 3).map((x) => x.n) };
}

/** Id prefix of a service: its initials and FRS ("Devon and Somerset" -> "DSFRS"); London's brigade is LFB. */
export function servicePrefix(name: string): string {
  if (name === 'London') return 'LFB';
  const initials = name
    .split(/[^A-Za-z]+/)
    .filter((w) => w !== '' && !/^(and|of)$/i.test(w))
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return `${initials}FRS`;
}

/**
 * A station's readable name from the list's many styles: "Kimbolton Fire Station Fgc26",
 * "W73 Waltham Abbey", "Tet - Tettenhall", "Station A09 - Freshwater", "Stn 11 Misterton",
 * "16 Lingfield", "Thorne Fire Stn.", "Belford Retained Fire Station".
 */
export function stationName(raw: string): string {
  let s = raw.trim();
  s = s.replace(/^(station|stn)\s+[A-Z]?\d+\s*-?\s*/i, '');
  s = s.replace(/^[A-Z]\d{1,3}\s+/, '');
  s = s.replace(/^\d{1,3}\s+/, '');
  s = s.replace(/^[A-Z][a-z]{2}\s+-\s+/, '');
  s = s.replace(/\s+fgc\d+$/i, '');
  s = s.replace(
    /\s+((community|retained|wholetime|on-call)\s+)?(fire|fire and rescue|fire & rescue)\s+(station|stn\.?)(\s.*)?$/i,
    '',
  );
  s = s.replace(/\s+(fire\s+)?(stn|sation)\b[.,]?$/i, '');
  // Lancashire's names end in their district letter: "BisphamW", "EarbyP".
  s = s.replace(/([a-z])[NSEWP]$/, '$1');
  s = s.trim();
  return s === '' ? raw.trim() : s;
}

/** Short codes, unique within the list: the first four letters, else initials and more letters. */
export function shortCodes(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const letters = n.toUpperCase().replace(/[^A-Z]/g, '');
    const ws = n
      .toUpperCase()
      .split(/[^A-Z]+/)
      .filter((w) => w !== '');
    const tries = [
      letters.slice(0, 4),
      ws.length > 1 ? (ws[0]!.slice(0, 2) + ws[1]!.slice(0, 2)).slice(0, 4) : '',
      ws.length > 1 ? ws[0]!.slice(0, 1) + ws[1]!.slice(0, 3) : '',
      letters.slice(0, 3) + letters.slice(-1),
    ];
    let code = tries.find((c) => c.length >= 3 && !used.has(c));
    for (let k = 2; code === undefined; k++)
      if (!used.has(`${letters.slice(0, 3)}${k}`)) code = `${letters.slice(0, 3)}${k}`;
    used.add(code);
    return code;
  });
}

/** A source row is an outlier this many times the service's 90th-centile distance from its median (and 50 km beyond it). */
const OUTLIER_FACTOR = 2.5;
const OUTLIER_SLACK_M = 50_000;

/** A service's stations, positions from the published easting and northing; source errors left out with the reason. */
export function serviceStations(rows: readonly StationRow[], name: string): Service {
  const mine = rows.filter((r) => r.service === name);
  const leftOut: Service['leftOut'] = [];
  const onMap = mine.filter((r) => {
    const ok = Number.isFinite(r.easting) && Number.isFinite(r.northing) && onGrid(r.easting, r.northing);
    if (!ok) leftOut.push({ name: stationName(r.station), reason: 'grid position off the National Grid' });
    return ok;
  });
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const me = median(onMap.map((r) => r.easting));
  const mn = median(onMap.map((r) => r.northing));
  const dist = (r: StationRow) => Math.hypot(r.easting - me, r.northing - mn);
  const sorted = onMap.map(dist).sort((a, b) => a - b);
  const p90 = sorted[Math.floor((sorted.length - 1) * 0.9)] ?? 0;
  const limit = Math.max(OUTLIER_FACTOR * p90, p90 + OUTLIER_SLACK_M);
  const kept = onMap.filter((r) => {
    const d = dist(r);
    if (d > limit)
      leftOut.push({
        name: stationName(r.station),
        reason: `published position ${Math.round(d / 1000)} km from the rest of the service (a source error)`,
      });
    return d <= limit;
  });
  const names = kept.map((r) => stationName(r.station));
  const codes = shortCodes(names);
  const stations = kept.map((r, i): FireStation => {
    const p = fromGrid(r.easting, r.northing);
    return {
      code: codes[i]!,
      name: names[i]!,
      address: [r.address, r.postcode].filter((x) => x.trim() !== '').join(', '),
      lat: Math.round(p.lat * 1e5) / 1e5,
      lon: Math.round(p.lon * 1e5) / 1e5,
      easting: r.easting,
      northing: r.northing,
    };
  });
  return { name, ons: mine[0]?.code ?? '', prefix: servicePrefix(name), stations, leftOut };
}
