/**
 * The offline basemap the screens draw when there is no tile server: a simplified copy of the
 * loaded road network as compact JSON. Major classes (motorway, trunk, primary, secondary and
 * their links, tertiary) keep every road, simplified to `majorToleranceM`; minor streets are
 * simplified harder and the shortest are dropped, so a county of 100k+ nodes ships in a few MB.
 * Pure: it reads the graph's typed arrays and returns plain data.
 */
import type { RoadGraph } from '../graph/build.ts';
import { DRIVABLE_HIGHWAYS } from '../graph/osm-tags.ts';

/** The major classes: the drivable highway classes from motorway down to tertiary links. */
export const MAJOR_CLASSES: readonly string[] = DRIVABLE_HIGHWAYS.slice(
  0,
  DRIVABLE_HIGHWAYS.indexOf('tertiary_link') + 1,
);

export interface BasemapOptions {
  majorToleranceM?: number;
  minorToleranceM?: number;
  /** Minor roads shorter than this are left out. */
  minorMinLengthM?: number;
}

export interface BasemapRoads {
  /** Per class (link roads folded into their class): lines as flat [lat, lon, ...], 5 decimals. */
  roads: { class: string; lines: number[][] }[];
  lines: number;
  points: number;
  /** Points in the source geometries, for the ratio. */
  sourcePoints: number;
}

const M_PER_DEG = 111_320;

/** Douglas–Peucker on an equirectangular projection (fine at county scale). Returns kept indices. */
export function simplify(lat: readonly number[], lon: readonly number[], toleranceM: number): number[] {
  const n = lat.length;
  if (n <= 2) return Array.from({ length: n }, (_, i) => i);
  const k = Math.cos(((lat[0] ?? 0) * Math.PI) / 180);
  const x = lon.map((v) => v * M_PER_DEG * k);
  const y = lat.map((v) => v * M_PER_DEG);
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  const stack: [number, number][] = [[0, n - 1]];
  const tol2 = toleranceM * toleranceM;
  while (stack.length > 0) {
    const [a, b] = stack.pop() as [number, number];
    const ax = x[a] ?? 0;
    const ay = y[a] ?? 0;
    const dx = (x[b] ?? 0) - ax;
    const dy = (y[b] ?? 0) - ay;
    const len2 = dx * dx + dy * dy;
    let best = -1;
    let bestD = tol2;
    for (let i = a + 1; i < b; i++) {
      const px = (x[i] ?? 0) - ax;
      const py = (y[i] ?? 0) - ay;
      let d2: number;
      if (len2 === 0) d2 = px * px + py * py;
      else {
        const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
        const qx = px - t * dx;
        const qy = py - t * dy;
        d2 = qx * qx + qy * qy;
      }
      if (d2 > bestD) {
        bestD = d2;
        best = i;
      }
    }
    if (best > 0) {
      keep[best] = 1;
      stack.push([a, best], [best, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(i);
  return out;
}

const round5 = (v: number) => Math.round(v * 1e5) / 1e5;

export function basemapFromGraph(g: RoadGraph, opts: BasemapOptions = {}): BasemapRoads {
  const majorTol = opts.majorToleranceM ?? 15;
  const minorTol = opts.minorToleranceM ?? 30;
  const minorMin = opts.minorMinLengthM ?? 120;
  const byClass = new Map<string, number[][]>();
  let lines = 0;
  let points = 0;
  let sourcePoints = 0;
  const geoms = g.geomEdge.length;
  for (let gi = 0; gi < geoms; gi++) {
    const start = g.geomStart[gi] ?? 0;
    const end = g.geomStart[gi + 1] ?? start;
    if (end - start < 2) continue;
    const name = g.highwayNames[g.slotHighway[start] ?? 0] ?? 'unclassified';
    const cls = name.replace(/_link$/, '');
    const major = MAJOR_CLASSES.includes(name);
    const lat: number[] = [];
    const lon: number[] = [];
    let lengthM = 0;
    for (let i = start; i < end; i++) {
      const p = g.geomPoint[i] ?? 0;
      lat.push(g.lat[p] ?? 0);
      lon.push(g.lon[p] ?? 0);
      if (i < end - 1) lengthM += g.slotLenM[i] ?? 0;
    }
    sourcePoints += lat.length;
    if (!major && lengthM < minorMin) continue;
    const kept = simplify(lat, lon, major ? majorTol : minorTol);
    const flat: number[] = [];
    for (const i of kept) flat.push(round5(lat[i] ?? 0), round5(lon[i] ?? 0));
    let list = byClass.get(cls);
    if (!list) byClass.set(cls, (list = []));
    list.push(flat);
    lines++;
    points += kept.length;
  }
  const order = (c: string) => {
    const i = MAJOR_CLASSES.indexOf(c);
    return i < 0 ? MAJOR_CLASSES.length : i;
  };
  const roads = [...byClass.entries()]
    .sort((a, b) => order(a[0]) - order(b[0]) || a[0].localeCompare(b[0]))
    .map(([c, l]) => ({ class: c, lines: l }));
  return { roads, lines, points, sourcePoints };
}
