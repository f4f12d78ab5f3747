/**
 * The street generator's building blocks: nodes deduplicated by rounded coordinate and the ways
 * between them (Net), local metric frames, nearest-node look-ups, and the strong-connectivity
 * check (the core's Tarjan, server/core/graph/scc.ts, over this network's arcs).
 */
import type { Random } from '../../../server/core/clock.ts';
import { stronglyConnected } from '../../../server/core/graph/scc.ts';

export type Tags = Record<string, string>;

export interface Way {
  nodes: number[];
  tags: Tags;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
export const M_PER_DEG_LAT = 110_574;
export const mPerDegLon = (lat: number): number => 111_320 * Math.cos((lat * Math.PI) / 180);

/** Nodes (deduplicated by rounded coordinate) and ways. */
export class Net {
  readonly lon: number[] = [];
  readonly lat: number[] = [];
  readonly ways: Way[] = [];
  private readonly byKey = new Map<string, number>();

  node(lon: number, lat: number): number {
    const x = r6(lon);
    const y = r6(lat);
    const key = `${x},${y}`;
    const hit = this.byKey.get(key);
    if (hit !== undefined) return hit;
    const id = this.lon.length;
    this.lon.push(x);
    this.lat.push(y);
    this.byKey.set(key, id);
    return id;
  }

  way(nodes: number[], tags: Tags): Way | undefined {
    const clean: number[] = [];
    for (const n of nodes) if (clean[clean.length - 1] !== n) clean.push(n);
    if (clean.length < 2) return undefined;
    const w = { nodes: clean, tags };
    this.ways.push(w);
    return w;
  }

  /** Distance in metres between two nodes (equirectangular; fine at town scale). */
  dist(a: number, b: number): number {
    const lat0 = (this.lat[a]! + this.lat[b]!) / 2;
    const dx = (this.lon[b]! - this.lon[a]!) * mPerDegLon(lat0);
    const dy = (this.lat[b]! - this.lat[a]!) * M_PER_DEG_LAT;
    return Math.hypot(dx, dy);
  }

  /** Distance in metres from a coordinate to a node. */
  distTo(lon: number, lat: number, n: number): number {
    return Math.hypot((this.lon[n]! - lon) * mPerDegLon(lat), (this.lat[n]! - lat) * M_PER_DEG_LAT);
  }

  /** Nodes from a to b (inclusive) at most `step` metres apart, with an optional sideways wiggle. */
  path(a: number, b: number, step: number, wiggle = 0, rnd?: Random): number[] {
    const d = this.dist(a, b);
    const n = Math.max(1, Math.ceil(d / step));
    const out = [a];
    const lat0 = this.lat[a]!;
    const kx = mPerDegLon(lat0);
    const ux = ((this.lon[b]! - this.lon[a]!) * kx) / (d || 1);
    const uy = ((this.lat[b]! - this.lat[a]!) * M_PER_DEG_LAT) / (d || 1);
    const phase = rnd ? rnd() * Math.PI * 2 : 0;
    const waves = rnd ? 1 + Math.floor(rnd() * 3) : 1;
    for (let i = 1; i < n; i++) {
      const t = i / n;
      let off = 0;
      if (wiggle > 0 && rnd)
        off = wiggle * d * Math.sin(Math.PI * t) * (0.6 * Math.sin(phase + waves * Math.PI * t) + 0.4 * (rnd() - 0.5));
      const lon = this.lon[a]! + (this.lon[b]! - this.lon[a]!) * t + (-uy * off) / kx;
      const lat = this.lat[a]! + (this.lat[b]! - this.lat[a]!) * t + (ux * off) / M_PER_DEG_LAT;
      out.push(this.node(lon, lat));
    }
    out.push(b);
    return out;
  }
}

export function pick<T>(rnd: Random, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

/** Local metric frame around a point. */
export interface Frame {
  lat0: number;
  lon0: number;
  kx: number;
}
export const frame = (lat0: number, lon0: number): Frame => ({ lat0, lon0, kx: mPerDegLon(lat0) });
export const toLon = (f: Frame, x: number): number => f.lon0 + x / f.kx;
export const toLat = (f: Frame, y: number): number => f.lat0 + y / M_PER_DEG_LAT;

export class UnionFind {
  private readonly p: Int32Array;
  constructor(n: number) {
    this.p = new Int32Array(n);
    for (let i = 0; i < n; i++) this.p[i] = i;
  }
  find(x: number): number {
    let r = x;
    while (this.p[r] !== r) r = this.p[r]!;
    while (this.p[x] !== r) {
      const nx = this.p[x]!;
      this.p[x] = r;
      x = nx;
    }
    return r;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.p[ra] = rb;
    return true;
  }
}

export function nearestNode(net: Net, from: number, among: readonly number[]): number {
  return nearestTo(net, net.lon[from]!, net.lat[from]!, among);
}

export function nearestTo(net: Net, lon: number, lat: number, among: readonly number[]): number {
  let best = among[0]!;
  let bd = Infinity;
  for (const n of among) {
    const d = net.distTo(lon, lat, n);
    if (d < bd) {
      bd = d;
      best = n;
    }
  }
  return best;
}

/** Directed adjacency of the network (CSR). */
function adjacency(n: number, ways: readonly Way[]): { start: Uint32Array; to: Uint32Array } {
  const deg = new Uint32Array(n + 1);
  const forEachArc = (fn: (a: number, b: number) => void) => {
    for (const w of ways) {
      const o = w.tags['oneway'] ?? 'no';
      for (let i = 0; i + 1 < w.nodes.length; i++) {
        const a = w.nodes[i]!;
        const b = w.nodes[i + 1]!;
        if (o === 'yes') fn(a, b);
        else if (o === '-1') fn(b, a);
        else {
          fn(a, b);
          fn(b, a);
        }
      }
    }
  };
  forEachArc((a) => deg[a + 1]!++);
  for (let i = 0; i < n; i++) deg[i + 1]! += deg[i]!;
  const to = new Uint32Array(deg[n]!);
  const fill = deg.slice(0, n);
  forEachArc((a, b) => {
    to[fill[a]!++] = b;
  });
  return { start: deg, to };
}

/** Strongly connected components of the network's directed arcs; returns each node's component id. */
export function scc(n: number, ways: readonly Way[]): { comp: Int32Array; count: number } {
  const { start, to } = adjacency(n, ways);
  return stronglyConnected(n, start, to);
}
