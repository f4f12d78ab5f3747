/**
 * A deliberately simple, independent router to check the real one against: plain objects and
 * arrays, a Map adjacency keyed by OSM node id, its own tag rules, its own haversine and its own
 * speed lookup, and a textbook Dijkstra with a plain binary heap of [seconds, node] pairs. It
 * shares nothing with server/core/graph except the parsed input (nodes and ways with tags).
 * Its rules are written out again from docs/journey-time.md, not imported.
 */
import type { RawNetwork } from '../../server/core/graph/build.ts';
import type { SpeedProfile } from '../../server/core/scenario/types.ts';

const ROADS = [
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
];
const TABLE: Record<string, number> = {
  motorway: 100,
  motorway_link: 60,
  trunk: 85,
  trunk_link: 55,
  primary: 65,
  primary_link: 45,
  secondary: 55,
  secondary_link: 40,
  tertiary: 45,
  tertiary_link: 35,
  unclassified: 40,
  residential: 30,
  living_street: 15,
  service: 20,
  road: 30,
  default: 30,
};

interface Arc {
  to: number;
  seconds: number;
}

function distance(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const R = 6371008.8;
  const toRad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * toRad) / 2) ** 2 +
    Math.cos(lat1 * toRad) * Math.cos(lat2 * toRad) * Math.sin(((lon2 - lon1) * toRad) / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

function limitKmh(v: string | undefined): number {
  if (!v) return 0;
  const values = v.split(';').map((x) => {
    const t = x.trim();
    if (t === 'GB:nsl_single' || t === 'UK:nsl_single') return 60 * 1.609344;
    if (t === 'GB:nsl_dual' || t === 'GB:motorway' || t === 'UK:nsl_dual' || t === 'UK:motorway') return 70 * 1.609344;
    const m = t.match(/^([0-9.]+)\s*(mph)?/i);
    if (!m) return 0;
    return m[2] ? Number(m[1]) * 1.609344 : Number(m[1]);
  });
  const ok = values.filter((x) => x > 0);
  return ok.length ? Math.min(...ok) : 0;
}

function speedKmh(p: SpeedProfile, highway: string, limit: number): number {
  const t = p.highwayKmh ?? {};
  let v: number | undefined = t[highway];
  if (v === undefined && highway.endsWith('_link') && t[highway.replace('_link', '')] !== undefined)
    v = t[highway.replace('_link', '')]! * 0.75;
  if (v === undefined) v = t.default ?? TABLE[highway] ?? 30;
  if (limit > 0) v = Math.min(v, limit * (p.maxspeedFactor ?? 1));
  return Math.max(5, v);
}

export class ReferenceRouter {
  private readonly arcs = new Map<number, Arc[]>();

  constructor(raw: RawNetwork, profile: SpeedProfile) {
    for (const way of raw.ways) {
      const tags = way.tags;
      if (!ROADS.includes(tags.highway ?? '') || tags.area === 'yes') continue;
      const access = tags.motor_vehicle ?? tags.vehicle ?? tags.access;
      if (access === 'no' || access === 'private') continue;
      const ow = tags.oneway;
      if (ow === 'reversible' || ow === 'alternating') continue;
      let forward = true;
      let backward = true;
      if (ow === 'yes' || ow === 'true' || ow === '1') backward = false;
      else if (ow === '-1' || ow === 'reverse') forward = false;
      else if (
        ow !== 'no' &&
        ow !== 'false' &&
        ow !== '0' &&
        (tags.junction === 'roundabout' || tags.junction === 'circular' || tags.highway === 'motorway')
      )
        backward = false;
      const kmh = speedKmh(profile, tags.highway!, limitKmh(tags.maxspeed));
      const ids = Array.from(way.refs, (r) => r);
      for (let i = 0; i + 1 < ids.length; i++) {
        const a = ids[i]!;
        const b = ids[i + 1]!;
        if (a === b) continue;
        const seconds = distance(raw.lat[a]!, raw.lon[a]!, raw.lat[b]!, raw.lon[b]!) / (kmh / 3.6);
        const idA = raw.nodeId[a]!;
        const idB = raw.nodeId[b]!;
        if (forward) this.add(idA, idB, seconds);
        if (backward) this.add(idB, idA, seconds);
      }
    }
  }

  private add(from: number, to: number, seconds: number): void {
    const list = this.arcs.get(from);
    if (list) list.push({ to, seconds });
    else this.arcs.set(from, [{ to, seconds }]);
  }

  /** Seconds from one OSM node to each of the given OSM nodes (Infinity if unreachable). */
  times(from: number, targets: number[]): number[] {
    const best = new Map<number, number>([[from, 0]]);
    const done = new Set<number>();
    const heap: Array<[number, number]> = [[0, from]];
    const wanted = new Set(targets);
    while (heap.length > 0 && wanted.size > 0) {
      const [d, v] = popMin(heap);
      if (done.has(v)) continue;
      done.add(v);
      wanted.delete(v);
      for (const arc of this.arcs.get(v) ?? []) {
        const nd = d + arc.seconds;
        if (nd < (best.get(arc.to) ?? Infinity)) {
          best.set(arc.to, nd);
          pushHeap(heap, [nd, arc.to]);
        }
      }
    }
    return targets.map((t) => (done.has(t) ? best.get(t)! : Infinity));
  }
}

function pushHeap(h: Array<[number, number]>, x: [number, number]): void {
  h.push(x);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (h[p]![0] <= h[i]![0]) break;
    [h[p], h[i]] = [h[i]!, h[p]!];
    i = p;
  }
}

function popMin(h: Array<[number, number]>): [number, number] {
  const top = h[0]!;
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let s = i;
      if (l < h.length && h[l]![0] < h[s]![0]) s = l;
      if (r < h.length && h[r]![0] < h[s]![0]) s = r;
      if (s === i) break;
      [h[s], h[i]] = [h[i]!, h[s]!];
      i = s;
    }
  }
  return top;
}
