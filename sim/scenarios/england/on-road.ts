/**
 * Where a built scenario meets its road network: whether a point is on a road, the station
 * nearest the network (to name in a refusal), access roads for stations just outside a clipped
 * extract, and the uniform demand grid kept on the roads. buildServiceScenario (./build.ts) calls
 * these.
 */
import type { RawNetwork, RoadGraph } from '../../../server/core/graph/build.ts';
import { DEFAULT_MAX_SNAP_M, snapPoint } from '../../../server/core/graph/snap.ts';
import { haversineM } from '../../../server/core/geo.ts';
import type { DemandPoint } from '../../../server/core/scenario/types.ts';
import { M_PER_DEG_LAT, mPerDegLon } from '../hertfordshire/net.ts';
import type { Bounds } from './network.ts';

/** A station or site as these read it: its name and where it is. */
type Named = { name: string; lat: number; lon: number };

/** Uniform demand: at most about this many points, at least this far apart, this near a fire station. */
const UNIFORM_POINTS = 400;
const UNIFORM_MIN_SPACING_M = 1_000;
const UNIFORM_REACH_M = 15_000;

export function onRoad(g: RoadGraph, p: { lat: number; lon: number }): boolean {
  try {
    snapPoint(g, p.lat, p.lon);
    return true;
  } catch {
    return false;
  }
}

/** The station nearest the network and its distance from it (within 50 km), for the refusal. */
export function nearestOff(g: RoadGraph, stations: readonly Named[]): { name: string; m: number } | null {
  let best: { name: string; m: number } | null = null;
  for (const s of stations) {
    try {
      const m = Math.round(snapPoint(g, s.lat, s.lon, { maxSnapM: 50_000 }).offRoadM);
      if (best === null || m < best.m) best = { name: s.name.replace(/ fire station$/, ''), m };
    } catch {
      // farther than 50 km: not the nearest worth naming
    }
  }
  return best;
}

/**
 * A station just outside a clipped extract (or beside a road the extract leaves out) can still be
 * routed from: a straight two-way road, tagged synthetic, from it to the nearer end of the
 * segment it would snap to within `accessM`. Journey times over it are a guess and the build
 * says so; stations nearer than the snapping allowance need none.
 */
export function joinByAccessRoads(
  raw: RawNetwork,
  g: RoadGraph,
  sites: readonly Named[],
  accessM: number,
): { raw: RawNetwork; names: string[]; length: number } {
  const lat = Array.from(raw.lat),
    lon = Array.from(raw.lon),
    nodeId = Array.from(raw.nodeId);
  const ways = [...raw.ways];
  const names: string[] = [];
  let rawIndex: Map<number, number> | null = null;
  for (const s of sites) {
    if (onRoad(g, s)) continue;
    let snap;
    try {
      snap = snapPoint(g, s.lat, s.lon, { maxSnapM: DEFAULT_MAX_SNAP_M + accessM });
    } catch {
      continue; // beyond the access allowance too: left for the caller's refusal
    }
    const a = g.geomPoint[snap.slot]!,
      b = g.geomPoint[snap.slot + 1]!;
    const end = snap.t <= 0.5 ? a : b;
    rawIndex ??= new Map(nodeId.map((id, i) => [id, i]));
    const to = rawIndex.get(g.nodeId[end]!);
    if (to === undefined) continue;
    const from = lat.length;
    nodeId.push(-(from + 1));
    lat.push(s.lat);
    lon.push(s.lon);
    ways.push({
      id: -(ways.length + 1),
      refs: [from, to],
      tags: { highway: 'unclassified', name: `${s.name} access`, 'jcr:synthetic': 'access' },
    });
    names.push(`${s.name} (${Math.round(haversineM(s.lat, s.lon, g.lat[end]!, g.lon[end]!))} m)`);
  }
  return {
    raw: { nodeId: Float64Array.from(nodeId), lat: Float64Array.from(lat), lon: Float64Array.from(lon), ways },
    names,
    length: names.length,
  };
}

/**
 * Uniform demand: a square grid over the bounds, kept where it lies near a fire station and
 * within the snapping allowance of a road; the grid is made finer (down to 1 km) until enough
 * points lie on the roads.
 */
export function uniformDemand(bounds: Bounds, fire: readonly Named[], g: RoadGraph): DemandPoint[] {
  const midLat = (bounds.south + bounds.north) / 2;
  const w = (bounds.east - bounds.west) * mPerDegLon(midLat);
  const h = (bounds.north - bounds.south) * M_PER_DEG_LAT;
  let spacing = Math.max(UNIFORM_MIN_SPACING_M, Math.ceil(Math.sqrt((w * h) / UNIFORM_POINTS) / 500) * 500);
  for (;;) {
    const out: DemandPoint[] = [];
    for (let y = spacing / 2; y < h; y += spacing) {
      for (let x = spacing / 2; x < w; x += spacing) {
        const lat = Math.round((bounds.south + y / M_PER_DEG_LAT) * 1e5) / 1e5;
        const lon = Math.round((bounds.west + x / mPerDegLon(midLat)) * 1e5) / 1e5;
        if (!fire.some((f) => haversineM(lat, lon, f.lat, f.lon) <= UNIFORM_REACH_M)) continue;
        if (!onRoad(g, { lat, lon })) continue;
        out.push({ id: `grid-${out.length + 1}`, lat, lon, weight: 1 });
      }
    }
    if (out.length >= UNIFORM_POINTS / 4 || spacing <= UNIFORM_MIN_SPACING_M) return out;
    spacing = Math.max(UNIFORM_MIN_SPACING_M, spacing / 2);
  }
}
