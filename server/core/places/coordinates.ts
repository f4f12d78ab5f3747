/**
 * Locations typed as numbers rather than names: latitude and longitude in decimal degrees
 * ("51.9038, -0.1966", "51.9038N 0.1966W") or degrees, minutes and seconds ("51°54'13.7\"N
 * 0°11'47.8\"W", "51 54 13.7 N 0 11 47.8 W"), OS grid references (./os-grid.ts) and UK postcodes
 * typed without their space.
 */
import { isValidLatLon } from '../geo.ts';
import { fromGrid, parseGridRef } from './os-grid.ts';

export interface TypedPoint {
  kind: 'coordinates' | 'gridref';
  lat: number;
  lon: number;
  /** For a grid reference, the side of the square it names, metres. */
  precisionM?: number;
}

const DECIMAL = /^([+-]?\d{1,2}(?:\.\d+)?)\s*([NS])?\s*[,;\s]\s*([+-]?\d{1,3}(?:\.\d+)?)\s*([EW])?$/i;
const DMS_PART =
  /(\d{1,3}(?:\.\d+)?)\s*(?:°|º|d|deg|\s)\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:'|′|m|min|\s)\s*(?:(\d{1,2}(?:\.\d+)?)\s*(?:"|″|''|s|sec)?)?)?\s*([NSEW])/gi;

/** A point the text spells out as coordinates or a grid reference, or null. */
export function parseTypedPoint(text: string): TypedPoint | null {
  const s = text.trim();
  const grid = parseGridRef(s);
  if (grid) {
    const p = fromGrid(grid.easting, grid.northing);
    return { kind: 'gridref', lat: p.lat, lon: p.lon, precisionM: grid.precisionM };
  }
  const d = DECIMAL.exec(s);
  if (d) {
    let lat = Number(d[1]);
    let lon = Number(d[3]);
    if (d[2]?.toUpperCase() === 'S') lat = -Math.abs(lat);
    if (d[4]?.toUpperCase() === 'W') lon = -Math.abs(lon);
    // Bare integers ("12 34") are more likely house numbers than coordinates.
    if (!d[1]!.includes('.') && !d[3]!.includes('.') && !d[2] && !d[4]) return null;
    return isValidLatLon(lat, lon) ? { kind: 'coordinates', lat, lon } : null;
  }
  return parseDms(s);
}

function parseDms(s: string): TypedPoint | null {
  let lat: number | undefined;
  let lon: number | undefined;
  let rest = s;
  for (const m of s.matchAll(DMS_PART)) {
    const deg = Number(m[1]) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
    if (Number(m[2] ?? 0) >= 60 || Number(m[3] ?? 0) >= 60) return null;
    const h = m[4]!.toUpperCase();
    if (h === 'N' || h === 'S') {
      if (lat !== undefined) return null;
      lat = h === 'S' ? -deg : deg;
    } else {
      if (lon !== undefined) return null;
      lon = h === 'W' ? -deg : deg;
    }
    rest = rest.replace(m[0], '');
  }
  if (lat === undefined || lon === undefined || /[a-z0-9]/i.test(rest)) return null;
  return isValidLatLon(lat, lon) ? { kind: 'coordinates', lat, lon } : null;
}

const POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/i;

/** A UK postcode written in its usual form ("SG1 1HS"), or null. */
export function postcodeOf(text: string): string | null {
  const m = POSTCODE.exec(text.trim());
  return m ? `${m[1]!.toUpperCase()} ${m[2]!.toUpperCase()}` : null;
}

/** The postcode at the end of an address ("Marford Road, Wheathampstead, AL4 8AY"), or null. */
export function postcodeInAddress(address: string): string | null {
  const m = /\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\s*$/i.exec(address.trim());
  return m ? `${m[1]!.toUpperCase()} ${m[2]!.toUpperCase()}` : null;
}
