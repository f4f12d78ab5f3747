/**
 * The places part of the wire contract (GET /api/places, an incident's `location`;
 * server/core/places/): what a gazetteer answer names, the answer itself and a point described
 * in words. Shared by the server and the screens like ./wire.ts.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

/** What a gazetteer answer names. */
export const PLACE_KINDS = [
  'place',
  'station',
  'post',
  'road',
  'junction',
  'postcode',
  'gridref',
  'coordinates',
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];

export function isPlaceKind(v: unknown): v is PlaceKind {
  return typeof v === 'string' && (PLACE_KINDS as readonly string[]).includes(v);
}

/** A point snapped onto the drivable road network and how far it moved. */
export interface RoadSnap {
  lat: number;
  lon: number;
  distanceM: number;
}

/** One answer of GET /api/places (`{ query, places: PlaceAnswer[] }`), best first. */
export interface PlaceAnswer {
  kind: PlaceKind;
  label: string;
  /** More words: an address, the road's ref, the town it is near. */
  detail: string;
  point: { lat: number; lon: number };
  /** The point snapped onto the drivable road network, or null beyond the allowance. */
  road: RoadSnap | null;
  /** 10-figure OS grid reference, null off the grid. */
  gridRef: string | null;
}

/** Where a point is, in words: "A602, near Stevenage · TL 2453 2310". */
export interface LocationDescription {
  road: string | null;
  roadDistanceM: number | null;
  place: string | null;
  placeDistanceM: number | null;
  gridRef: string | null;
  text: string;
}

/**
 * An incident's `location` in the REST answers: its description, and where it meets the road
 * network (the snapped point and how far), or `offRoad` in words ("no road within 250 m") when
 * no drivable road is within the allowance.
 */
export interface IncidentLocation extends LocationDescription {
  snapped: RoadSnap | null;
  offRoad: string | null;
}
