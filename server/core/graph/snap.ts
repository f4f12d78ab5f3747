/**
 * Snapping: put a point on the nearest drivable road segment, found through the graph's Flatbush
 * index over segments. The answer names the routing edge that runs the segment's geometry
 * forwards, the segment (slot) within that geometry, the projected position as a fraction `t`
 * along the segment, and which ways a vehicle there may drive off (or arrive) along it.
 *
 * Off-road allowance: a point up to `maxSnapM` (default 500 m) from a road snaps, and the planner
 * counts the straight gap at OFF_ROAD_KMH; farther than that is JCR_OFF_ROAD.
 *
 * Heading (degrees clockwise from north, for a vehicle on the move): among segments up to
 * HEADING_SLACK_M farther than the nearest, prefer the one best aligned with the heading, and on
 * a two-way road let the vehicle leave only in the direction(s) within 90 degrees of its heading
 * (a moving engine does not turn on the spot).
 */
import { JcrError } from '../errors.ts';
import { EARTH_RADIUS_M } from '../geo.ts';
import type { RoadGraph } from './build.ts';
import { geomOfSlot } from './compress.ts';

export const DEFAULT_MAX_SNAP_M = 500;
export const HEADING_SLACK_M = 25;
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;

export interface Snap {
  /** The point asked for. */
  lat: number;
  lon: number;
  /** The routing edge that runs the geometry forwards; its twin (if any) runs it backwards. */
  edge: number;
  /** The geometry, and the segment within it: points geomPoint[slot] -> geomPoint[slot + 1]. */
  geom: number;
  slot: number;
  /** Position along the segment, 0..1 (by length). */
  t: number;
  /** The projected position on the road. */
  snappedLat: number;
  snappedLon: number;
  /** Straight distance from the point to the road, metres. */
  offRoadM: number;
  /** The routing vertex the point snapped onto exactly (a junction or dead end), else -1: from or to a vertex every road there is open. */
  vertex: number;
  /** May travel along `edge` (towards its head). */
  forward: boolean;
  /** May travel along the twin (towards the edge's tail); false on a one-way segment. */
  backward: boolean;
}

export interface SnapOptions {
  maxSnapM?: number;
  /** Degrees clockwise from north; NaN or undefined = unknown. */
  headingDeg?: number;
}

export function snapPoint(g: RoadGraph, lat: number, lon: number, opts: SnapOptions = {}): Snap {
  const maxM = opts.maxSnapM ?? DEFAULT_MAX_SNAP_M;
  const heading = opts.headingDeg;
  const useHeading = heading !== undefined && Number.isFinite(heading);
  const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180);
  const ky = M_PER_DEG;
  let r = Math.min(maxM, 60);
  for (;;) {
    const dLat = r / ky;
    const dLon = r / Math.max(kx, 1e-6);
    const hits = g.segIndex.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat);
    let best = Infinity;
    const cand: Array<{ seg: number; d: number; t: number }> = [];
    for (const s of hits) {
      const slot = g.segSlot[s];
      if (slot === undefined) continue;
      const a = g.geomPoint[slot]!,
        b = g.geomPoint[slot + 1]!;
      const ax = (g.lon[a]! - lon) * kx,
        ay = (g.lat[a]! - lat) * ky;
      const bx = (g.lon[b]! - lon) * kx,
        by = (g.lat[b]! - lat) * ky;
      const dx = bx - ax,
        dy = by - ay;
      const L2 = dx * dx + dy * dy;
      let t = L2 > 0 ? -(ax * dx + ay * dy) / L2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const px = ax + t * dx,
        py = ay + t * dy;
      const d = Math.sqrt(px * px + py * py);
      if (d <= r) cand.push({ seg: s, d, t });
      if (d < best) best = d;
    }
    if (best <= r) {
      let pick = cand[0]!;
      if (!useHeading) {
        for (const c of cand) if (c.d < pick.d || (c.d === pick.d && c.seg < pick.seg)) pick = c;
        return makeSnap(g, lat, lon, g.segSlot[pick.seg]!, pick.t, pick.d, true, true);
      }
      let bestScore = Infinity;
      let fwd = true,
        bwd = false;
      for (const c of cand) {
        if (c.d > best + HEADING_SLACK_M) continue;
        const slot = g.segSlot[c.seg]!;
        const hasTwin = g.twin[g.geomEdge[geomOfSlot(g.geomStart, slot)]!]! >= 0;
        const a = g.geomPoint[slot]!,
          b = g.geomPoint[slot + 1]!;
        const brg = bearingDeg(g.lat[a]!, g.lon[a]!, g.lat[b]!, g.lon[b]!);
        const dF = angleDiff(brg, heading);
        const dB = hasTwin ? angleDiff(brg + 180, heading) : Infinity;
        const score = c.d + (Math.min(dF, dB) * HEADING_SLACK_M) / 90;
        if (score < bestScore || (score === bestScore && c.seg < pick.seg)) {
          bestScore = score;
          pick = c;
          fwd = dF <= 90 || !hasTwin;
          bwd = hasTwin && dB <= 90;
        }
      }
      return makeSnap(g, lat, lon, g.segSlot[pick.seg]!, pick.t, pick.d, fwd, bwd);
    }
    if (r >= maxM) break;
    r = Math.min(maxM, r * 3);
  }
  throw new JcrError('JCR_OFF_ROAD', `no drivable road within ${maxM} m of ${lat.toFixed(6)},${lon.toFixed(6)}`, {
    details: { lat, lon, maxSnapM: maxM },
  });
}

/** A Snap of point (lat, lon) onto segment `slot` at fraction t, d metres off the road; `backward` only where the road has a twin. */
export function makeSnap(
  g: RoadGraph,
  lat: number,
  lon: number,
  slot: number,
  t: number,
  d: number,
  forward: boolean,
  backward: boolean,
): Snap {
  const a = g.geomPoint[slot]!,
    b = g.geomPoint[slot + 1]!;
  const geom = geomOfSlot(g.geomStart, slot);
  const edge = g.geomEdge[geom]!;
  const vertex =
    t === 0 && slot === g.geomStart[geom]
      ? g.tail[edge]!
      : t === 1 && slot + 2 === g.geomStart[geom + 1]
        ? g.head[edge]!
        : -1;
  return {
    lat,
    lon,
    edge,
    geom,
    slot,
    t,
    snappedLat: g.lat[a]! + t * (g.lat[b]! - g.lat[a]!),
    snappedLon: g.lon[a]! + t * (g.lon[b]! - g.lon[a]!),
    offRoadM: d,
    vertex,
    forward,
    backward: backward && g.twin[edge]! >= 0,
  };
}

/** Initial bearing, degrees clockwise from north, on a local flat approximation. */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const x = (lon2 - lon1) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180);
  const y = lat2 - lat1;
  const deg = (Math.atan2(x, y) * 180) / Math.PI;
  return deg < 0 ? deg + 360 : deg;
}

function angleDiff(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 360) % 360);
  return d > 180 ? 360 - d : d;
}
