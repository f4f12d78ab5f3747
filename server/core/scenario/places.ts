/**
 * The scenario's geography: its bounds, the stations and standby posts (one id namespace), and
 * the demand points, inline or from a demand file.
 */
import { type Checker, type Json } from '../../../proto/checker.ts';
import { agencyList, checkInside, eachObject, IdSet, latLon, type Bounds } from './check.ts';
import { AGENCIES } from './types.ts';

export function checkBounds(c: Checker, root: Json): Bounds | undefined {
  const b = c.obj(root, 'bounds', '');
  if (b === undefined) return undefined;
  const south = c.num(b, 'south', 'bounds', { min: -90, max: 90, what: 'latitude' });
  const north = c.num(b, 'north', 'bounds', { min: -90, max: 90, what: 'latitude' });
  const west = c.num(b, 'west', 'bounds', { min: -180, max: 180, what: 'longitude' });
  const east = c.num(b, 'east', 'bounds', { min: -180, max: 180, what: 'longitude' });
  if (south === undefined || north === undefined || west === undefined || east === undefined) return undefined;
  let ok = true;
  if (south >= north) {
    c.fail('bounds', `south ${south} must be below north ${north}`);
    ok = false;
  }
  if (west >= east) {
    c.fail('bounds', `west ${west} must be below east ${east}`);
    ok = false;
  }
  return ok ? { south, west, north, east } : undefined;
}

/** Station and post ids (one namespace), and which of them are stations. */
export interface Places {
  places: IdSet;
  stationIds: Set<string>;
}

export function checkPlaces(c: Checker, r: Json, bounds: Bounds | undefined): Places {
  const places = new IdSet(c);
  const stationIds = new Set<string>();
  eachObject(c, c.arr(r, 'stations', ''), 'stations', (s, p) => {
    const id = c.str(s, 'id', p);
    places.add(id, p);
    if (id !== undefined) stationIds.add(id);
    c.str(s, 'name', p);
    c.oneOf(s, 'agency', p, AGENCIES);
    checkInside(c, latLon(c, s, p), bounds, p);
    c.str(s, 'address', p, { optional: true });
  });
  eachObject(c, c.arr(r, 'posts', ''), 'posts', (s, p) => {
    places.add(c.str(s, 'id', p), p);
    c.str(s, 'name', p);
    agencyList(c, s, 'agencies', p, { nonEmpty: true });
    checkInside(c, latLon(c, s, p), bounds, p);
  });
  return { places, stationIds };
}

/** Demand points, inline (`demand`) or the contents of a demand file (then `path` is ''). */
export function checkDemandList(c: Checker, list: unknown, path: string, bounds: Bounds | undefined): void {
  if (!Array.isArray(list)) {
    c.fault(path, { kind: 'type', want: 'array', got: list });
    return;
  }
  const ids = new IdSet(c);
  eachObject(c, list, path, (d, p) => {
    ids.add(c.str(d, 'id', p), p);
    checkInside(c, latLon(c, d, p), bounds, p);
    c.num(d, 'weight', p, { min: 0, minOpen: true, what: 'weight' });
    c.str(d, 'name', p, { optional: true });
  });
}
