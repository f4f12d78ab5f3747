/**
 * Map labels on the wire contract (beside ./wire.ts; GET /api/map/labels): the place and road
 * names the screens draw over the offline map.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

/** A town or village: drawn from `minZoom` up, higher `priority` placed first. */
export interface MapPlaceLabelMsg {
  text: string;
  lat: number;
  lon: number;
  minZoom: number;
  priority: number;
}

/** Numbers per anchor in MapRoadLabelMsg.anchors: lat, lon, angle, room. */
export const MAP_ANCHOR_STRIDE = 4;

/**
 * A road's ref ("A1(M)", drawn level in a shield) or name (drawn along the road), with the
 * points it may be drawn at: `anchors` is flat [lat, lon, angleDeg, roomM, ...]. angleDeg is
 * the road's direction on screen (clockwise from east, -90..90 so text reads left to right);
 * roomM is the length of the way it lies on: a name longer than that on screen is not drawn there.
 * Anchors come longest way first.
 */
export interface MapRoadLabelMsg {
  text: string;
  kind: 'ref' | 'name';
  /** OSM highway class of the road, links folded in ("motorway", "primary", "residential"). */
  highway: string;
  minZoom: number;
  priority: number;
  anchors: number[];
}

/** Every label of the loaded scenario, places then roads, each list best first. */
export interface MapLabelsMsg {
  places: MapPlaceLabelMsg[];
  roads: MapRoadLabelMsg[];
}
