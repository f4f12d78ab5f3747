/**
 * The Ordnance Survey National Grid (OSGB36 / British National Grid, EPSG:27700) and WGS84, both
 * ways, and grid references as UK control rooms write them ("TL 23456 12345", "TL2345612345",
 * 6 to 10 figures, "523456, 212345").
 *
 * The transform is proj4's transverse Mercator on the Airy 1830 ellipsoid with the published
 * 7-parameter Helmert shift to WGS84 (a few metres; OSTN15 would be centimetres but needs a grid
 * file). We do not write our own projection maths: proj4 is pure JavaScript with no I/O.
 */
import proj4 from 'proj4';

const BNG =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';
const toBng = proj4('WGS84', BNG);

export interface GridPoint {
  easting: number;
  northing: number;
}

/** Easting and northing in metres of a WGS84 point (not rounded). */
export function toGrid(lat: number, lon: number): GridPoint {
  const [easting, northing] = toBng.forward([lon, lat]);
  return { easting: easting!, northing: northing! };
}

/** WGS84 latitude and longitude of an OSGB36 easting and northing. */
export function fromGrid(easting: number, northing: number): { lat: number; lon: number } {
  const [lon, lat] = toBng.inverse([easting, northing]);
  return { lat: lat!, lon: lon! };
}

/** The grid's extent: the lettered 100 km squares cover easting 0..700 km, northing 0..1300 km. */
export function onGrid(easting: number, northing: number): boolean {
  return easting >= 0 && easting < 700_000 && northing >= 0 && northing < 1_300_000;
}

// The 500 km squares (first letter) and the 100 km squares within one (second letter) are both
// 5x5 letter blocks without I, lettered from the north-west corner.
const LETTERS = 'ABCDEFGHJKLMNOPQRSTUVWXYZ';

function squareLetters(easting: number, northing: number): string {
  const e100 = Math.floor(easting / 100_000);
  const n100 = Math.floor(northing / 100_000);
  // False origin is square SV: 500 km square S is column 2, row 1 (from the south-west) of the big grid.
  const e500 = Math.floor(e100 / 5) + 2;
  const n500 = Math.floor(n100 / 5) + 1;
  const first = LETTERS[(4 - n500) * 5 + e500]!;
  const second = LETTERS[(4 - (n100 % 5)) * 5 + (e100 % 5)]!;
  return first + second;
}

/**
 * "TL 24530 23100" (digits 10), "TL 2453 2310" (8), "TL 245 231" (6): the south-west corner of
 * the square of that size containing the point. Null off the grid.
 */
export function formatGridRef(easting: number, northing: number, digits: 4 | 6 | 8 | 10 = 10): string | null {
  if (!onGrid(easting, northing)) return null;
  const half = digits / 2;
  const unit = 10 ** (5 - half);
  // To the millimetre first, so a reference read and converted both ways prints as it was typed.
  easting = Math.round(easting * 1000) / 1000;
  northing = Math.round(northing * 1000) / 1000;
  const e = Math.floor((easting % 100_000) / unit);
  const n = Math.floor((northing % 100_000) / unit);
  return `${squareLetters(easting, northing)} ${String(e).padStart(half, '0')} ${String(n).padStart(half, '0')}`;
}

/** The grid reference of a WGS84 point, or null if it is off the grid. */
export function gridRefOf(lat: number, lon: number, digits: 4 | 6 | 8 | 10 = 10): string | null {
  const g = toGrid(lat, lon);
  return formatGridRef(g.easting, g.northing, digits);
}

export interface ParsedGridRef extends GridPoint {
  /** The side of the square the reference names, metres (1 for a 10-figure or numeric one). */
  precisionM: number;
}

const LETTERED = /^([A-HJ-Z])([A-HJ-Z])\s*(\d+)(?:\s+(\d+))?$/;
const NUMERIC = /^(\d{5,7}(?:\.\d+)?)\s*[,\s]\s*(\d{5,7}(?:\.\d+)?)$/;

/**
 * Read a grid reference: two letters and 4 to 10 digits (split by a space or not), or a numeric
 * "easting, northing" in metres. A lettered reference names a square; the answer is its centre,
 * with the square's side in `precisionM`. Null if the text is not a grid reference.
 */
export function parseGridRef(text: string): ParsedGridRef | null {
  const s = text.trim().toUpperCase();
  const m = LETTERED.exec(s);
  if (m) {
    const [, a, b, d1, d2] = m;
    let es: string, ns: string;
    if (d2 !== undefined) {
      if (d1!.length !== d2.length) return null;
      es = d1!;
      ns = d2;
    } else {
      if (d1!.length % 2 !== 0) return null;
      es = d1!.slice(0, d1!.length / 2);
      ns = d1!.slice(d1!.length / 2);
    }
    if (es.length < 2 || es.length > 5) return null;
    const i1 = LETTERS.indexOf(a!);
    const i2 = LETTERS.indexOf(b!);
    const e500 = (i1 % 5) - 2;
    const n500 = 4 - Math.floor(i1 / 5) - 1;
    const e100 = e500 * 5 + (i2 % 5);
    const n100 = n500 * 5 + (4 - Math.floor(i2 / 5));
    const unit = 10 ** (5 - es.length);
    const easting = e100 * 100_000 + Number(es) * unit + unit / 2;
    const northing = n100 * 100_000 + Number(ns) * unit + unit / 2;
    if (!onGrid(easting, northing)) return null;
    // Integer-metre references name a point, not a square: no half-metre shift.
    const shift = unit === 1 ? 0.5 : 0;
    return { easting: easting - shift, northing: northing - shift, precisionM: unit };
  }
  const n = NUMERIC.exec(s);
  if (n) {
    const easting = Number(n[1]);
    const northing = Number(n[2]);
    if (!onGrid(easting, northing)) return null;
    return { easting, northing, precisionM: 1 };
  }
  return null;
}
