/**
 * Places as the screens read them (issue 16): the gazetteer's answers (GET /api/places) and an
 * incident's `location` (road, town, grid reference, where it meets the road network). The shapes
 * are the wire contract's (proto/wire.ts); these functions narrow the server's JSON into them,
 * dropping what does not fit.
 */
import { Checker, isObj, type Json } from '../../proto/checker.ts';
import type { CopLocationMsg } from '../../proto/wire.ts';
import {
  isPlaceKind,
  type IncidentLocation,
  type LocationDescription,
  type PlaceAnswer,
  type RoadSnap,
} from '../../proto/places.ts';

export type { IncidentLocation, LocationDescription, PlaceAnswer, RoadSnap };

const read = Checker.quiet();
const MAX_TEXT = 300;
const text = (o: Json, k: string): string | undefined => {
  const v = read.string(o[k], k, { optional: true });
  return v === undefined ? undefined : v.slice(0, MAX_TEXT);
};
const textOrNull = (o: Json, k: string): string | null => text(o, k) ?? null;
const metres = (o: Json, k: string): number | null => {
  const v = read.number(o[k], k, { optional: true });
  return v !== undefined && v >= 0 ? v : null;
};

function latLon(v: unknown): { lat: number; lon: number } | undefined {
  if (!isObj(v)) return undefined;
  const lat = v['lat'];
  const lon = v['lon'];
  if (typeof lat !== 'number' || typeof lon !== 'number' || !Number.isFinite(lat) || !Number.isFinite(lon))
    return undefined;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return undefined;
  return { lat, lon };
}

/** A snapped point with its distance, or null (also for anything that does not fit). */
export function parseRoadSnap(v: unknown): RoadSnap | null {
  const p = latLon(v);
  if (!p || !isObj(v)) return null;
  const d = metres(v, 'distanceM');
  return d === null ? null : { ...p, distanceM: d };
}

/** One gazetteer answer; undefined when it does not fit. */
export function parsePlace(o: Json): PlaceAnswer | undefined {
  const kind = o['kind'];
  const label = text(o, 'label');
  const point = latLon(o['point']);
  if (!isPlaceKind(kind) || label === undefined || label === '' || !point) return undefined;
  return {
    kind,
    label,
    detail: text(o, 'detail') ?? '',
    point,
    road: parseRoadSnap(o['road']),
    gridRef: textOrNull(o, 'gridRef'),
  };
}

/** GET /api/places → its answers, best first (at most `max`). */
export function parsePlaces(body: unknown, max = 20): PlaceAnswer[] {
  const list = isObj(body) ? (read.array(body['places'], 'places', { optional: true }) ?? []) : [];
  const out: PlaceAnswer[] = [];
  for (const x of list) {
    if (out.length >= max) break;
    const p = isObj(x) ? parsePlace(x) : undefined;
    if (p) out.push(p);
  }
  return out;
}

/** An incident's `location`; undefined when absent or when it does not fit. */
export function parseLocation(v: unknown): IncidentLocation | undefined {
  if (!isObj(v)) return undefined;
  const t = text(v, 'text');
  if (t === undefined) return undefined;
  return {
    road: textOrNull(v, 'road'),
    roadDistanceM: metres(v, 'roadDistanceM'),
    place: textOrNull(v, 'place'),
    placeDistanceM: metres(v, 'placeDistanceM'),
    gridRef: textOrNull(v, 'gridRef'),
    text: t,
    snapped: parseRoadSnap(v['snapped']),
    offRoad: textOrNull(v, 'offRoad'),
  };
}

/** An incident's location as the COP carries it ('' and 0 for none) in the REST answer's shape. */
export function locationFromCop(m: CopLocationMsg): IncidentLocation {
  const s = m.snapped;
  const at = s ? latLon({ lat: s.latE7 / 1e7, lon: s.lonE7 / 1e7 }) : undefined;
  return {
    road: m.road || null,
    roadDistanceM: m.road ? m.roadDistanceM : null,
    place: m.place || null,
    placeDistanceM: m.place ? m.placeDistanceM : null,
    gridRef: m.gridRef || null,
    text: m.text.slice(0, MAX_TEXT),
    snapped: s && at && s.distanceM >= 0 && s.distanceM < Infinity ? { ...at, distanceM: s.distanceM } : null,
    offRoad: m.offRoad || null,
  };
}

/** The point a chosen place puts in the create form: on the road for a name, exactly as typed for numbers. */
export function pointOfPlace(p: PlaceAnswer): { lat: number; lon: number } {
  if (p.kind === 'coordinates' || p.kind === 'gridref' || !p.road) return { ...p.point };
  return { lat: p.road.lat, lon: p.road.lon };
}

/** "on the road", "12 m from the road", "1.2 km from the road" for a snap distance. */
export function snapWords(distanceM: number): string {
  if (distanceM < 1) return 'on the road';
  if (distanceM < 1000) return `${Math.round(distanceM)} m from the road`;
  return `${(distanceM / 1000).toFixed(1)} km from the road`;
}
