/**
 * The pure movement model: a vehicle follows a route polyline (from the journey planner) at a
 * constant speed chosen so that it arrives when the planner said it would; its position at any
 * virtual time is interpolated along the polyline by distance. GNSS noise and report cadence
 * live here too. No clock, no Math.random: times and randomness come in as arguments.
 */
import { EARTH_RADIUS_M, haversineM } from '../../server/core/geo.ts';

export interface LatLon {
  lat: number;
  lon: number;
}

/** A route prepared for interpolation: cumulative metres at each vertex. */
export interface Path {
  coords: ReadonlyArray<readonly [number, number]>;
  /** cum[i] = metres from coords[0] to coords[i]. */
  cum: Float64Array;
  metres: number;
  /** Planned driving time, seconds (> 0 unless metres is 0). */
  seconds: number;
  /**
   * Seconds from coords[0] to coords[i] when the speed varies along the path (true traffic,
   * sim/traffic/); absent: one constant speed over the whole path.
   */
  cumS?: Float64Array;
}

/** A path over `coords` taking `seconds`; with `times` (cumulative seconds per point, last = seconds) its speed varies by segment. */
export function makePath(
  coords: ReadonlyArray<readonly [number, number]>,
  seconds: number,
  times?: ArrayLike<number>,
): Path {
  const cum = new Float64Array(coords.length);
  for (let i = 1; i < coords.length; i++) {
    const a = coords[i - 1]!;
    const b = coords[i]!;
    cum[i] = cum[i - 1]! + haversineM(a[0], a[1], b[0], b[1]);
  }
  const metres = coords.length > 0 ? cum[coords.length - 1]! : 0;
  const path: Path = { coords, cum, metres, seconds: metres > 0 ? Math.max(seconds, 1e-3) : 0 };
  if (times && times.length === coords.length && metres > 0) path.cumS = Float64Array.from(times);
  return path;
}

/** Initial bearing from a to b, degrees clockwise from north, [0, 360). */
export function bearingDeg(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const R = Math.PI / 180;
  const y = Math.sin((bLon - aLon) * R) * Math.cos(bLat * R);
  const x =
    Math.cos(aLat * R) * Math.sin(bLat * R) - Math.sin(aLat * R) * Math.cos(bLat * R) * Math.cos((bLon - aLon) * R);
  const d = Math.atan2(y, x) / R;
  return ((d % 360) + 360) % 360;
}

export interface PathPosition extends LatLon {
  headingDeg: number;
  speedMps: number;
  done: boolean;
}

/** Where a vehicle is `elapsedS` seconds after setting off along `path`. */
export function positionAlong(path: Path, elapsedS: number): PathPosition {
  const n = path.coords.length;
  const last = path.coords[n - 1] ?? [0, 0];
  const speed = path.seconds > 0 ? path.metres / path.seconds : 0;
  if (n < 2 || elapsedS >= path.seconds || path.metres === 0) {
    const prev = path.coords[Math.max(0, n - 2)] ?? last;
    return {
      lat: last[0],
      lon: last[1],
      headingDeg: n >= 2 ? bearingDeg(prev[0], prev[1], last[0], last[1]) : 0,
      speedMps: 0,
      done: true,
    };
  }
  // binary search the segment holding distance d (or, with per-point times, time elapsedS)
  const byTime = path.cumS;
  const key = byTime ? Math.max(0, elapsedS) : Math.max(0, elapsedS) * speed;
  const along = byTime ?? path.cum;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (along[mid]! <= key) lo = mid;
    else hi = mid;
  }
  const a = path.coords[lo]!;
  const b = path.coords[hi]!;
  const span = along[hi]! - along[lo]!;
  const f = span > 0 ? Math.min(1, (key - along[lo]!) / span) : 0;
  const segS = byTime ? byTime[hi]! - byTime[lo]! : 0;
  return {
    lat: a[0] + (b[0] - a[0]) * f,
    lon: a[1] + (b[1] - a[1]) * f,
    headingDeg: bearingDeg(a[0], a[1], b[0], b[1]),
    speedMps: byTime ? (segS > 0 ? (path.cum[hi]! - path.cum[lo]!) / segS : 0) : speed,
    done: false,
  };
}

/**
 * A deterministic uniform number in [0, 1) from a seed and a key (FNV-1a over the key, then a
 * mulberry32 round). Used where a draw must not depend on the order in which things are asked,
 * e.g. the GNSS noise of one report of one vehicle at one time.
 */
export function hashUnit(seed: number, key: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let t = (h + 0x6d2b79f5) >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A standard normal draw from two uniforms (Box-Muller). */
export function gaussian(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-12))) * Math.cos(2 * Math.PI * u2);
}

/** Offset a point by (north, east) metres. */
export function offsetM(lat: number, lon: number, northM: number, eastM: number): LatLon {
  const dLat = (northM / EARTH_RADIUS_M) * (180 / Math.PI);
  const dLon = (eastM / (EARTH_RADIUS_M * Math.cos((lat * Math.PI) / 180))) * (180 / Math.PI);
  return { lat: lat + dLat, lon: lon + dLon };
}

/** GNSS noise model: horizontal error is a 2-D Gaussian with `sigmaM` per axis. */
export interface GnssNoise {
  sigmaM: number;
}

/** A noisy fix of a true position; the same (seed, key) always gives the same fix. */
export function noisyFix(truth: LatLon, noise: GnssNoise, seed: number, key: string): LatLon & { accuracyM: number } {
  if (noise.sigmaM <= 0) return { lat: truth.lat, lon: truth.lon, accuracyM: 0 };
  const n = gaussian(hashUnit(seed, key + ':n1'), hashUnit(seed, key + ':n2')) * noise.sigmaM;
  const e = gaussian(hashUnit(seed, key + ':e1'), hashUnit(seed, key + ':e2')) * noise.sigmaM;
  const p = offsetM(truth.lat, truth.lon, n, e);
  // Reported accuracy: the receiver's 68% radius estimate, which is about 1.5 sigma for 2-D.
  return { lat: round6(p.lat), lon: round6(p.lon), accuracyM: Math.round(noise.sigmaM * 1.5 * 10) / 10 };
}

/** Round to 6 decimals (about 0.1 m): keeps recordings small and exact through JSON. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** How often a terminal reports: more often on the move. */
export interface Cadence {
  movingMs: number;
  parkedMs: number;
}

export const DEFAULT_CADENCE: Cadence = { movingMs: 5_000, parkedMs: 60_000 };

export function cadenceMs(c: Cadence, moving: boolean): number {
  return moving ? c.movingMs : c.parkedMs;
}
