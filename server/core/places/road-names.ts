/**
 * The road table (./roads.ts) arranged for the gazetteer: roads grouped by name (one group per
 * connected stretch, so each town's Station Road is its own answer) and by ref (one group per
 * ref: the A1(M) is one road), the junctions of two roads by their keys, the way postcodes, and
 * a segment index for "the nearest named road" of a point.
 */
import Flatbush from 'flatbush';
import { EARTH_RADIUS_M } from '../geo.ts';
import { key } from './normalize.ts';
import type { RoadTable } from './roads.ts';

export interface RoadGroup {
  kind: 'name' | 'ref';
  label: string;
  /** The ref(s) of a named road, or the names along a ref. */
  detail: string;
  highway: string;
  /** A point on the road near the middle of the group. */
  lat: number;
  lon: number;
  /** Comparison keys this group answers to in a junction query (its name and its refs). */
  keys: string[];
  /** How many points its ways have: of two stretches with one label, the longer answers. */
  size: number;
}

const HIGHWAY_RANK = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential'];
const M_PER_DEG = (EARTH_RADIUS_M * Math.PI) / 180;
/** Junction points of the same two roads closer than this are one junction (dual carriageways). */
const SAME_JUNCTION_M = 150;

export class RoadNames {
  readonly groups: RoadGroup[] = [];
  readonly postcodes: Array<{ postcode: string; detail: string; lat: number; lon: number }> = [];
  private readonly junctions = new Map<string, Array<{ label: string; lat: number; lon: number }>>();
  private readonly table: RoadTable;
  private readonly segWay: Uint32Array;
  private readonly segAt: Uint32Array;
  private readonly segIndex: Flatbush | null;

  constructor(table: RoadTable) {
    this.table = table;
    const ways = table.ways;
    // Groups by name: union ways of one name that share a point.
    const parent = ways.map((_, i) => i);
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
      return i;
    };
    const byPoint = new Map<string, number>();
    ways.forEach((w, i) => {
      if (w.name === '') return;
      const k = key(w.name);
      for (let p = 0; p < w.points.length; p += 2) {
        const pk = `${k}@${w.points[p]},${w.points[p + 1]}`;
        const j = byPoint.get(pk);
        if (j === undefined) byPoint.set(pk, i);
        else parent[find(i)] = find(j);
      }
    });
    const named = new Map<number, number[]>();
    const byRef = new Map<string, number[]>();
    ways.forEach((w, i) => {
      if (w.name !== '') {
        const r = find(i);
        const l = named.get(r);
        if (l) l.push(i);
        else named.set(r, [i]);
      }
      if (w.ref !== '') {
        const k = key(w.ref);
        const l = byRef.get(k);
        if (l) l.push(i);
        else byRef.set(k, [i]);
      }
    });
    for (const members of named.values()) {
      const refs = unique(members.map((i) => ways[i]!.ref).filter((r) => r !== ''));
      this.groups.push({
        kind: 'name',
        label: commonest(members.map((i) => ways[i]!.name)),
        detail: refs.join(', '),
        highway: bestHighway(members.map((i) => ways[i]!.highway)),
        ...this.middle(members),
        keys: unique([key(ways[members[0]!]!.name), ...refs.map(key)]),
        size: this.size(members),
      });
    }
    for (const [k, members] of byRef) {
      const names = unique(members.map((i) => ways[i]!.name).filter((n) => n !== ''));
      this.groups.push({
        kind: 'ref',
        label: commonest(members.map((i) => ways[i]!.ref)),
        detail: names.slice(0, 3).join(', ') + (names.length > 3 ? ', ...' : ''),
        highway: bestHighway(members.map((i) => ways[i]!.highway)),
        ...this.middle(members),
        keys: [k],
        size: this.size(members),
      });
    }
    // Postcodes of ways: one answer per postcode.
    const pcs = new Map<string, number>();
    ways.forEach((w, i) => {
      if (w.postcode !== '' && !pcs.has(w.postcode.toUpperCase())) pcs.set(w.postcode.toUpperCase(), i);
    });
    for (const [pc, i] of pcs) {
      const w = ways[i]!;
      this.postcodes.push({ postcode: pc, detail: w.name || w.ref, ...this.middle([i]) });
    }
    // Junctions by the two roads' keys.
    for (const j of table.junctions) {
      const a = ways[j.a]!,
        b = ways[j.b]!;
      const ka = [a.name, a.ref].filter((s) => s !== '');
      const kb = [b.name, b.ref].filter((s) => s !== '');
      for (const x of ka)
        for (const y of kb) {
          const kx = key(x),
            ky = key(y);
          if (kx === ky) continue;
          const pair = kx < ky ? `${kx}|${ky}` : `${ky}|${kx}`;
          let l = this.junctions.get(pair);
          if (!l) this.junctions.set(pair, (l = []));
          if (l.some((p) => approxM(p.lat, p.lon, j.lat, j.lon) < SAME_JUNCTION_M)) continue;
          l.push({ label: `${x} / ${y}`, lat: j.lat, lon: j.lon });
        }
    }
    // Segment index over every way, for the nearest named road.
    let segs = 0;
    for (const w of ways) segs += w.points.length / 2 - 1;
    this.segWay = new Uint32Array(segs);
    this.segAt = new Uint32Array(segs);
    if (segs === 0) {
      this.segIndex = null;
      return;
    }
    const fb = new Flatbush(segs);
    let s = 0;
    ways.forEach((w, i) => {
      for (let p = 0; p + 3 < w.points.length; p += 2) {
        const la = w.points[p]!,
          lo = w.points[p + 1]!,
          lb = w.points[p + 2]!,
          lob = w.points[p + 3]!;
        fb.add(Math.min(lo, lob), Math.min(la, lb), Math.max(lo, lob), Math.max(la, lb));
        this.segWay[s] = i;
        this.segAt[s++] = p;
      }
    });
    fb.finish();
    this.segIndex = fb;
  }

  /** Junctions of the roads with keys a and b. */
  junctionsOf(a: string, b: string): ReadonlyArray<{ label: string; lat: number; lon: number }> {
    return this.junctions.get(a < b ? `${a}|${b}` : `${b}|${a}`) ?? [];
  }

  /** The nearest road with a ref or name within maxM: its ref if it has one, else its name. */
  nearest(lat: number, lon: number, maxM: number): { label: string; distanceM: number } | null {
    if (!this.segIndex) return null;
    const kx = M_PER_DEG * Math.cos((lat * Math.PI) / 180),
      ky = M_PER_DEG;
    const hits = this.segIndex.search(lon - maxM / kx, lat - maxM / ky, lon + maxM / kx, lat + maxM / ky);
    let best = -1,
      bestD = maxM;
    for (const s of hits) {
      const w = this.table.ways[this.segWay[s]!]!;
      const p = this.segAt[s]!;
      const ax = (w.points[p + 1]! - lon) * kx,
        ay = (w.points[p]! - lat) * ky;
      const bx = (w.points[p + 3]! - lon) * kx,
        by = (w.points[p + 2]! - lat) * ky;
      const dx = bx - ax,
        dy = by - ay;
      const L2 = dx * dx + dy * dy;
      let t = L2 > 0 ? -(ax * dx + ay * dy) / L2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const d = Math.hypot(ax + t * dx, ay + t * dy);
      if (d < bestD || (d === bestD && best >= 0 && this.segWay[s]! < this.segWay[best]!)) {
        bestD = d;
        best = s;
      }
    }
    if (best < 0) return null;
    const w = this.table.ways[this.segWay[best]!]!;
    return { label: w.ref || w.name, distanceM: bestD };
  }

  private size(members: number[]): number {
    let n = 0;
    for (const i of members) n += this.table.ways[i]!.points.length / 2;
    return n;
  }

  /** The vertex of the member ways nearest their points' mean. */
  private middle(members: number[]): { lat: number; lon: number } {
    let sl = 0,
      so = 0,
      n = 0;
    for (const i of members) {
      const pts = this.table.ways[i]!.points;
      for (let p = 0; p < pts.length; p += 2) {
        sl += pts[p]!;
        so += pts[p + 1]!;
        n++;
      }
    }
    const ml = sl / n,
      mo = so / n;
    let best = { lat: ml, lon: mo },
      bestD = Infinity;
    for (const i of members) {
      const pts = this.table.ways[i]!.points;
      for (let p = 0; p < pts.length; p += 2) {
        const d = approxM(ml, mo, pts[p]!, pts[p + 1]!);
        if (d < bestD) {
          bestD = d;
          best = { lat: pts[p]!, lon: pts[p + 1]! };
        }
      }
    }
    return best;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function commonest(xs: string[]): string {
  const c = new Map<string, number>();
  for (const x of xs) c.set(x, (c.get(x) ?? 0) + 1);
  let best = xs[0]!,
    n = 0;
  for (const [x, k] of c) if (k > n) [best, n] = [x, k];
  return best;
}

function bestHighway(hs: string[]): string {
  let best = hs[0] ?? '',
    r = Infinity;
  for (const h of hs) {
    const i = HIGHWAY_RANK.indexOf(h.replace(/_link$/, ''));
    if (i >= 0 && i < r) [best, r] = [h.replace(/_link$/, ''), i];
  }
  return best;
}

function approxM(la1: number, lo1: number, la2: number, lo2: number): number {
  const kx = M_PER_DEG * Math.cos((la1 * Math.PI) / 180);
  return Math.hypot((lo2 - lo1) * kx, (la2 - la1) * M_PER_DEG);
}
