/**
 * The built scenario's road network, either way it comes:
 * - real: an OSM extract's drivable ways clipped to the scenario's bounds (a way leaving the box
 *   keeps one node beyond it, so roads reach the edge), written as GeoJSON with the OSM tags;
 * - synthetic: the Hertfordshire street generator (../hertfordshire/streets.ts) run over towns at
 *   the stations (and the towns given), joined by straight primary roads (a minimum spanning
 *   tree plus each town's two nearest), clearly labelled synthetic.
 * Pure: the caller reads the extract and writes the file.
 */
import type { RawNetwork, RawWay } from '../../../server/core/graph/build.ts';
import { classifyWay } from '../../../server/core/graph/osm-tags.ts';
import { haversineM } from '../../../server/core/geo.ts';
import type { Scenario } from '../../../server/core/scenario/types.ts';
import {
  buildNetwork,
  DEFAULT_STREET_OPTIONS,
  networkGeoJson,
  type Town,
  type TrunkFeature,
} from '../hertfordshire/streets.ts';

export type Bounds = Scenario['bounds'];

export const SYNTHETIC_NOTE =
  'synthetic streets around the fire stations, joined by straight primary roads; generated, not survey data: operational use builds with --osm and a real OSM extract';

const inBox = (b: Bounds, lat: number, lon: number): boolean =>
  lat >= b.south && lat <= b.north && lon >= b.west && lon <= b.east;

/** The drivable ways of `raw` inside `box`, as a smaller RawNetwork (OSM node ids kept). */
export function clipNetwork(raw: RawNetwork, box: Bounds): RawNetwork {
  const keep = new Int32Array(raw.lat.length).fill(-1);
  const nodeId: number[] = [];
  const lat: number[] = [];
  const lon: number[] = [];
  const ways: RawWay[] = [];
  const idx = (n: number): number => {
    if (keep[n]! < 0) {
      keep[n] = nodeId.length;
      nodeId.push(raw.nodeId[n]!);
      lat.push(raw.lat[n]!);
      lon.push(raw.lon[n]!);
    }
    return keep[n]!;
  };
  for (const w of raw.ways) {
    if (!classifyWay(w.tags).drivable) continue;
    const n = w.refs.length;
    const inside = (i: number) => inBox(box, raw.lat[w.refs[i]!]!, raw.lon[w.refs[i]!]!);
    // Runs of nodes inside, each with one neighbour beyond either end.
    let i = 0;
    while (i < n) {
      if (!inside(i)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < n && inside(j + 1)) j++;
      const from = Math.max(0, i - 1);
      const to = Math.min(n - 1, j + 1);
      if (to > from) {
        const refs: number[] = [];
        for (let k = from; k <= to; k++) refs.push(idx(w.refs[k]!));
        ways.push({ id: w.id, refs, tags: w.tags });
      }
      i = j + 1;
    }
  }
  return { nodeId: Float64Array.from(nodeId), lat: Float64Array.from(lat), lon: Float64Array.from(lon), ways };
}

/** The extent of a network's nodes, or null when it has none. */
export function extentOf(raw: RawNetwork): Bounds | null {
  if (raw.lat.length === 0) return null;
  let south = Infinity,
    north = -Infinity,
    west = Infinity,
    east = -Infinity;
  for (let i = 0; i < raw.lat.length; i++) {
    south = Math.min(south, raw.lat[i]!);
    north = Math.max(north, raw.lat[i]!);
    west = Math.min(west, raw.lon[i]!);
    east = Math.max(east, raw.lon[i]!);
  }
  return { south, west, north, east };
}

/** A clipped network as GeoJSON text with the OSM tags as properties, one way a line. */
export function osmGeoJson(raw: RawNetwork, source: string): string {
  const head = JSON.stringify({
    type: 'FeatureCollection',
    name: 'osm-clipped-network',
    synthetic: false,
    note: `drivable OpenStreetMap ways of ${source}, clipped to the scenario's bounds. © OpenStreetMap contributors, ODbL 1.0`,
  });
  const lines = raw.ways.map((w) => {
    const coords = Array.from(w.refs, (r) => [raw.lon[r]!, raw.lat[r]!]);
    return JSON.stringify({
      type: 'Feature',
      id: w.id,
      properties: w.tags,
      geometry: { type: 'LineString', coordinates: coords },
    });
  });
  return `${head.slice(0, -1)},"features":[\n${lines.join(',\n')}\n]}\n`;
}

/** Straight primary roads between towns: a minimum spanning tree plus each town's two nearest. */
function skeleton(towns: readonly Town[]): TrunkFeature[] {
  const n = towns.length;
  const d = (a: number, b: number) => haversineM(towns[a]!.lat, towns[a]!.lon, towns[b]!.lat, towns[b]!.lon);
  const pairs = new Set<string>();
  const add = (a: number, b: number) => pairs.add(a < b ? `${a}-${b}` : `${b}-${a}`);
  // Prim's tree.
  const inTree = new Uint8Array(n);
  const best = new Float64Array(n).fill(Infinity);
  const from = new Int32Array(n).fill(-1);
  if (n > 0) best[0] = 0;
  for (let k = 0; k < n; k++) {
    let u = -1;
    for (let v = 0; v < n; v++) if (!inTree[v] && (u < 0 || best[v]! < best[u]!)) u = v;
    inTree[u] = 1;
    if (from[u]! >= 0) add(u, from[u]!);
    for (let v = 0; v < n; v++) {
      const dv = d(u, v);
      if (!inTree[v] && dv < best[v]!) {
        best[v] = dv;
        from[v] = u;
      }
    }
  }
  for (let a = 0; a < n; a++) {
    const near = towns
      .map((_, b) => b)
      .filter((b) => b !== a)
      .sort((x, y) => d(a, x) - d(a, y) || x - y)
      .slice(0, 2);
    for (const b of near) add(a, b);
  }
  return [...pairs].sort().map((p) => {
    const [a, b] = p.split('-').map(Number) as [number, number];
    return {
      properties: { highway: 'primary' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [towns[a]!.lon, towns[a]!.lat],
          [towns[b]!.lon, towns[b]!.lat],
        ],
      },
    };
  });
}

export interface SyntheticNetwork {
  geojson: string;
  raw: RawNetwork;
  nodes: number;
  ways: number;
}

/** The generated network over `towns` (stations and sites already made towns by the caller). */
export function syntheticNetwork(towns: readonly Town[], name: string): SyntheticNetwork {
  const hamlets = Math.min(DEFAULT_STREET_OPTIONS.hamlets, 2 * towns.length);
  const b = buildNetwork(towns, skeleton(towns), { ...DEFAULT_STREET_OPTIONS, hamlets });
  const raw: RawNetwork = {
    nodeId: Float64Array.from(b.lon, (_, i) => i + 1),
    lat: Float64Array.from(b.lat),
    lon: Float64Array.from(b.lon),
    ways: b.ways.map((w, i) => ({ id: i + 1, refs: w.nodes, tags: w.tags })),
  };
  return {
    geojson: networkGeoJson(b, { name, note: SYNTHETIC_NOTE }),
    raw,
    nodes: b.stats.nodes,
    ways: b.stats.ways,
  };
}
