/**
 * One town's streets: a grid-and-jitter network sized by population, with its junctions, and the
 * pieces that tie towns to the trunk (roundabouts, connectors). buildNetwork (./streets.ts) calls
 * these in a fixed order with one seeded random source, so the output stays byte-identical.
 */
import type { Random } from '../../../server/core/clock.ts';
import { frame, M_PER_DEG_LAT, nearestNode, pick, toLat, toLon, UnionFind, type Net, type Tags } from './net.ts';
import { STREET_A, STREET_B } from './names.ts';

/** A town of the scenario (towns.json): where it is and how many live there. */
export interface Town {
  name: string;
  lat: number;
  lon: number;
  population: number;
}

export interface TownNet {
  town: Town;
  radiusM: number;
  /** Grid junction nodes, for connectors and lanes. */
  junctions: number[];
  /** Junctions on the outer edge of the town. */
  edge: number[];
}

/** Grid-and-jitter street network for one town: returns its junctions. */
export function buildTown(net: Net, town: Town, targetNodes: number, rnd: Random): TownNet {
  const f = frame(town.lat, town.lon);
  const cells = Math.max(12, targetNodes / 4.6);
  const R = Math.max(2, Math.sqrt(cells / Math.PI));
  const s = 85 + rnd() * 25; // metres between junctions
  const angle = rnd() * (Math.PI / 2);
  const ca = Math.cos(angle);
  const sa = Math.sin(angle);
  const lobe = rnd() * Math.PI * 2;
  const Ri = Math.ceil(R * 1.15);
  const grid = new Map<string, number>();
  const pos = new Map<number, [number, number]>();
  const junctions: number[] = [];
  const inside = (i: number, j: number): boolean => {
    const th = Math.atan2(j, i);
    const rr = R * (0.9 + 0.15 * Math.sin(3 * th + lobe) + 0.05 * Math.cos(5 * th));
    return i * i + j * j <= rr * rr;
  };
  for (let i = -Ri; i <= Ri; i++) {
    for (let j = -Ri; j <= Ri; j++) {
      if (!inside(i, j)) continue;
      const gx = (i + (rnd() - 0.5) * 0.35) * s;
      const gy = (j + (rnd() - 0.5) * 0.35) * s;
      const x = gx * ca - gy * sa;
      const y = gx * sa + gy * ca;
      const id = net.node(toLon(f, x), toLat(f, y));
      grid.set(`${i},${j}`, id);
      pos.set(id, [x, y]);
      junctions.push(id);
    }
  }
  const edge = junctions.filter((id) => {
    const p = pos.get(id)!;
    return Math.hypot(p[0], p[1]) > (R - 1.5) * s;
  });

  // Candidate edges; a random spanning tree keeps the town connected, some others are dropped.
  interface E {
    a: number;
    b: number;
    i: number;
    j: number;
    dir: 'h' | 'v';
  }
  const edges: E[] = [];
  for (let i = -Ri; i <= Ri; i++) {
    for (let j = -Ri; j <= Ri; j++) {
      const a = grid.get(`${i},${j}`);
      if (a === undefined) continue;
      const h = grid.get(`${i + 1},${j}`);
      const v = grid.get(`${i},${j + 1}`);
      if (h !== undefined) edges.push({ a, b: h, i, j, dir: 'h' });
      if (v !== undefined) edges.push({ a, b: v, i, j, dir: 'v' });
    }
  }
  const order = edges.map((_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const m = Math.floor(rnd() * (k + 1));
    [order[k], order[m]] = [order[m]!, order[k]!];
  }
  const uf = new UnionFind(net.lon.length + 1);
  const keep = new Set<string>();
  const ekey = (e: E): string => `${e.dir}${e.i},${e.j}`;
  const mainLine = (e: E): boolean => (e.dir === 'h' ? e.j % 6 === 0 : e.i % 6 === 0);
  for (const k of order) {
    const e = edges[k]!;
    if (uf.union(e.a, e.b) || mainLine(e) || rnd() > 0.14) keep.add(ekey(e));
  }

  const tertiaryName = new Map<string, string>();
  const streetName = (line: string, cls: string): string => {
    let n = tertiaryName.get(line);
    if (n === undefined) {
      n =
        cls === 'tertiary'
          ? `${pick(rnd, STREET_A)} ${pick(rnd, ['Road', 'Way', 'Avenue', 'Street'])}`
          : `${pick(rnd, STREET_A)} ${pick(rnd, STREET_B)}`;
      tertiaryName.set(line, n);
    }
    return n;
  };
  const twentyZone = rnd() < 0.45;

  // Walk each grid line, turning runs of kept edges into ways of a few blocks each.
  const lines: { dir: 'h' | 'v'; fixed: number }[] = [];
  for (let k = -Ri; k <= Ri; k++) lines.push({ dir: 'h', fixed: k }, { dir: 'v', fixed: k });
  for (const line of lines) {
    let run: number[] = [];
    let blocks = 0;
    let want = 2 + Math.floor(rnd() * 6);
    const main = line.fixed % 6 === 0;
    const flush = () => {
      if (run.length >= 2) {
        const cls = main ? 'tertiary' : 'residential';
        const tags: Tags = {
          highway: cls,
          name: streetName(`${line.dir}${line.fixed}`, cls),
          oneway: 'no',
          source: 'synthetic',
        };
        if (cls === 'tertiary') tags['maxspeed'] = '30 mph';
        else if (twentyZone) tags['maxspeed'] = '20 mph';
        if (cls === 'residential' && rnd() < 0.12) tags['oneway'] = rnd() < 0.5 ? 'yes' : '-1';
        net.way(run, tags);
      }
      run = [];
      blocks = 0;
      want = 2 + Math.floor(rnd() * 6);
    };
    for (let t = -Ri; t <= Ri; t++) {
      const i = line.dir === 'h' ? t : line.fixed;
      const j = line.dir === 'h' ? line.fixed : t;
      const e: E | undefined = keep.has(`${line.dir}${i},${j}`)
        ? {
            a: grid.get(`${i},${j}`)!,
            b: grid.get(line.dir === 'h' ? `${i + 1},${j}` : `${i},${j + 1}`)!,
            i,
            j,
            dir: line.dir,
          }
        : undefined;
      if (e === undefined) {
        flush();
        continue;
      }
      // Two shape nodes per block, nudged sideways so streets are not ruler-straight.
      const pa = pos.get(e.a)!;
      const pb = pos.get(e.b)!;
      const dx = pb[0] - pa[0];
      const dy = pb[1] - pa[1];
      const len = Math.hypot(dx, dy) || 1;
      const mids: number[] = [];
      for (const tt of [1 / 3, 2 / 3]) {
        const off = (rnd() - 0.5) * 12;
        const x = pa[0] + dx * tt - (dy / len) * off;
        const y = pa[1] + dy * tt + (dx / len) * off;
        mids.push(net.node(toLon(f, x), toLat(f, y)));
      }
      if (run.length === 0) run.push(e.a);
      run.push(...mids, e.b);
      blocks++;
      if (blocks >= want) {
        const last = run[run.length - 1]!;
        flush();
        run = [last];
      }
    }
    flush();
  }

  // Service roads: short dead-end spurs (car parks, yards, back lanes).
  for (const j of junctions) {
    if (rnd() > 0.05) continue;
    const p = pos.get(j)!;
    const th = rnd() * Math.PI * 2;
    const nodes = [j];
    const n = 2 + Math.floor(rnd() * 3);
    for (let k = 1; k <= n; k++) {
      const x = p[0] + Math.cos(th) * 22 * k + (rnd() - 0.5) * 6;
      const y = p[1] + Math.sin(th) * 22 * k + (rnd() - 0.5) * 6;
      nodes.push(net.node(toLon(f, x), toLat(f, y)));
    }
    const tags: Tags = { highway: 'service', oneway: 'no', source: 'synthetic' };
    if (rnd() < 0.4) tags['service'] = rnd() < 0.5 ? 'parking_aisle' : 'driveway';
    net.way(nodes, tags);
  }
  return { town, radiusM: R * s, junctions, edge: edge.length > 0 ? edge : junctions };
}

/** A clockwise roundabout of `k` nodes around (lon, lat); returns the ring's nodes. */
export function roundabout(
  net: Net,
  lon: number,
  lat: number,
  radiusM: number,
  k: number,
  highway: string,
  name: string | undefined,
): number[] {
  const f = frame(lat, lon);
  const ring: number[] = [];
  for (let i = 0; i < k; i++) {
    const th = Math.PI / 2 - (i * 2 * Math.PI) / k; // decreasing angle: clockwise, as in the UK
    ring.push(net.node(toLon(f, Math.cos(th) * radiusM), toLat(f, Math.sin(th) * radiusM)));
  }
  const tags: Tags = { highway, junction: 'roundabout', oneway: 'yes', source: 'synthetic' };
  if (name !== undefined) tags['name'] = name;
  net.way([...ring, ring[0]!], tags);
  return ring;
}

/** Join a town junction J to a trunk node T, through a roundabout when asked. */
export function connector(net: Net, j: number, t: number, rnd: Random, withRoundabout: boolean, name: string): void {
  const d = net.dist(j, t);
  const tags: Tags = {
    highway: 'tertiary',
    name,
    oneway: 'no',
    maxspeed: d > 1500 ? '60 mph' : '40 mph',
    source: 'synthetic',
  };
  if (!withRoundabout || d < 60) {
    net.way(net.path(j, t, d > 1500 ? 150 : 80, d > 1500 ? 0.05 : 0, rnd), tags);
    return;
  }
  // Ring up to 70 m from the trunk node towards the town; the town arm and the trunk arm meet it.
  const u = Math.min(70, d * 0.5) / d;
  const clon = net.lon[t]! + (net.lon[j]! - net.lon[t]!) * u;
  const clat = net.lat[t]! + (net.lat[j]! - net.lat[t]!) * u;
  const ring = roundabout(net, clon, clat, Math.min(20 + rnd() * 10, d * 0.2), 8, 'tertiary', undefined);
  const toTown = nearestNode(net, j, ring);
  const toTrunk = nearestNode(net, t, ring);
  net.way(net.path(j, toTown, 80, d > 1500 ? 0.05 : 0, rnd), tags);
  net.way(net.path(toTrunk, t, 80), { ...tags, name: `${name} (link)` });
  // A third arm: a short service road (retail park, depot) off the roundabout.
  const free = ring.find((n) => n !== toTown && n !== toTrunk && ring.indexOf(n) % 4 === 2);
  if (free !== undefined) {
    const fr = frame(net.lat[free]!, net.lon[free]!);
    const ox = (net.lon[free]! - clon) * fr.kx;
    const oy = (net.lat[free]! - clat) * M_PER_DEG_LAT;
    const len = Math.hypot(ox, oy) || 1;
    const spur = [free];
    for (let k = 1; k <= 3; k++) spur.push(net.node(toLon(fr, (ox / len) * 40 * k), toLat(fr, (oy / len) * 40 * k)));
    net.way(spur, { highway: 'service', oneway: 'no', source: 'synthetic' });
  }
}
