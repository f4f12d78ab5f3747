/**
 * The road table: names, refs and postcodes of the drivable roads, which the routing graph does
 * not keep, taken from the same parsed OSM ways (./../graph/build.ts's RawNetwork). Each named
 * way keeps its points; a point shared by two differently named roads is a junction. The shell
 * caches the table beside the graph (server/shell/network/road-table.ts); the gazetteer
 * (./gazetteer.ts) indexes it.
 */
import type { RawNetwork } from '../graph/build.ts';
import { classifyWay } from '../graph/osm-tags.ts';
import { key } from './normalize.ts';

/** Bump when the table's rules or layout change: it invalidates cached tables. */
export const ROAD_TABLE_VERSION = 1;

export interface RoadWay {
  /** OSM `name`, '' if none. */
  name: string;
  /** OSM `ref` ("A1(M)", "A602;A1072" split to its first), '' if none. */
  ref: string;
  highway: string;
  /** `addr:postcode`, '' if none. */
  postcode: string;
  /** Points as [lat, lon, lat, lon, ...], rounded to 1e-6 degrees (about 0.1 m). */
  points: number[];
}

export interface RoadJunction {
  /** Indices of two ways with different names (or refs) that share this point. */
  a: number;
  b: number;
  lat: number;
  lon: number;
}

export interface RoadTable {
  version: number;
  ways: RoadWay[];
  junctions: RoadJunction[];
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The road table of a parsed network: drivable ways with a name, ref or postcode. */
export function extractRoadTable(raw: RawNetwork): RoadTable {
  const ways: RoadWay[] = [];
  const waysAt = new Map<number, number[]>();
  for (const w of raw.ways) {
    const name = (w.tags.name ?? '').trim();
    const ref = (w.tags.ref ?? '').split(';')[0]!.trim();
    const postcode = (w.tags['addr:postcode'] ?? '').trim();
    if (name === '' && ref === '' && postcode === '') continue;
    if (!classifyWay(w.tags).drivable || w.refs.length < 2) continue;
    const points: number[] = [];
    const index = ways.length;
    for (let i = 0; i < w.refs.length; i++) {
      const n = w.refs[i]!;
      points.push(r6(raw.lat[n]!), r6(raw.lon[n]!));
      if (name === '' && ref === '') continue;
      let at = waysAt.get(n);
      if (!at) waysAt.set(n, (at = []));
      if (at[at.length - 1] !== index) at.push(index);
    }
    ways.push({ name, ref, highway: w.tags.highway ?? '', postcode, points });
  }
  const junctions: RoadJunction[] = [];
  const label = (i: number) => key(ways[i]!.name || ways[i]!.ref);
  for (const [n, at] of waysAt) {
    if (at.length < 2) continue;
    const seen = new Set<string>();
    for (let x = 0; x < at.length; x++)
      for (let y = x + 1; y < at.length; y++) {
        const la = label(at[x]!),
          lb = label(at[y]!);
        if (la === lb) continue;
        const pair = la < lb ? `${la}|${lb}` : `${lb}|${la}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        junctions.push({ a: at[x]!, b: at[y]!, lat: r6(raw.lat[n]!), lon: r6(raw.lon[n]!) });
      }
  }
  return { version: ROAD_TABLE_VERSION, ways, junctions };
}
