/**
 * The scenario's area: positions an operator or a journey query may name. A call just over the
 * border is real (the bounds are drawn around stations, not around every street a crew may be sent
 * to), so a margin of AREA_MARGIN_M is allowed; a point farther out (a drone journey to Sydney) is
 * refused with JCR_OUTSIDE_AREA (docs/scenario.md § bounds).
 */
import { JcrError } from '../errors.ts';
import { haversineM } from '../geo.ts';
import type { Scenario } from './types.ts';

export type Bounds = Scenario['bounds'];

/** How far outside the scenario's bounds a position may lie. */
export const AREA_MARGIN_M = 50_000;

/** Metres from (lat, lon) to the nearest point of `bounds` (0 inside). */
export function metresOutside(bounds: Bounds, lat: number, lon: number): number {
  const inLat = Math.min(bounds.north, Math.max(bounds.south, lat));
  const inLon = Math.min(bounds.east, Math.max(bounds.west, lon));
  return inLat === lat && inLon === lon ? 0 : haversineM(lat, lon, inLat, inLon);
}

/** Throws JCR_OUTSIDE_AREA when (lat, lon) lies more than the margin outside `bounds`. */
export function requireInArea(bounds: Bounds, lat: number, lon: number, path: string): void {
  const out = metresOutside(bounds, lat, lon);
  if (out > AREA_MARGIN_M)
    throw new JcrError(
      'JCR_OUTSIDE_AREA',
      `${lat},${lon} is ${Math.round(out / 1000)} km outside the scenario's area (at most ${AREA_MARGIN_M / 1000} km beyond its bounds)`,
      { path },
    );
}
