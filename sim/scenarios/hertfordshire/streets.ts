/**
 * The Hertfordshire demo road network: the approximate trunk skeleton (trunk-roads.geojson),
 * densified, plus a generated street network around each town sized by its population, rural
 * lanes between towns and small hamlets. Seeded and deterministic: the same inputs give the
 * same bytes. Pure (no I/O): build.ts reads the sources and writes the output.
 *
 * Every way is a GeoJSON LineString whose properties are OSM tags. Ways meet only where they
 * share a node, and shared nodes have identical coordinates (rounded to 6 decimals) in every
 * way, so an importer that merges equal coordinates rebuilds the junctions. Motorways are met
 * only at the skeleton's junction vertices, through motorway_link ways. The directed graph is
 * strongly connected: one-way streets that would trap a vehicle are made two-way.
 */
import { seededRandom } from '../../../server/core/clock.ts';
import type { Random } from '../../../server/core/clock.ts';

export const NETWORK_NOTE =
  'synthetic streets on an approximate trunk skeleton; operational use imports a real OSM extract of the county';

export interface Town {
  name: string;
  lat: number;
  lon: number;
  population: number;
}

export interface TrunkFeature {
  properties: { ref?: string; highway: string; oneway?: string };
  geometry: { type: 'LineString'; coordinates: [number, number][] };
}

export type Tags = Record<string, string>;

export interface Way {
  nodes: number[];
  tags: Tags;
}

export interface NetworkStats {
  nodes: number;
  ways: number;
  byHighway: Record<string, number>;
  oneway: number;
  roundabouts: number;
  motorwayLinks: number;
}

export interface Hamlet {
  id: string;
  name: string;
  lat: number;
  lon: number;
}

export interface BuiltNetwork {
  lon: number[];
  lat: number[];
  ways: Way[];
  hamlets: Hamlet[];
  stats: NetworkStats;
}

export interface StreetOptions {
  seed: number;
  /** Street nodes per resident in the towns; tuned so the county has ~120,000 nodes. */
  nodesPerResident: number;
  hamlets: number;
}

export const DEFAULT_STREET_OPTIONS: StreetOptions = { seed: 20260101, nodesPerResident: 0.133, hamlets: 70 };

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const M_PER_DEG_LAT = 110_574;
const mPerDegLon = (lat: number): number => 111_320 * Math.cos((lat * Math.PI) / 180);

/** Nodes (deduplicated by rounded coordinate) and ways. */
class Net {
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

const STREET_A = [
  'Oak',
  'Ash',
  'Elm',
  'Beech',
  'Willow',
  'Hazel',
  'Birch',
  'Holly',
  'Rowan',
  'Cedar',
  'Maple',
  'Chestnut',
  'Lime',
  'Alder',
  'Hawthorn',
  'Juniper',
  'Larch',
  'Poplar',
  'Sycamore',
  'Yew',
  'Meadow',
  'Mill',
  'Church',
  'Station',
  'Park',
  'Manor',
  'Grange',
  'Priory',
  'Abbey',
  'Market',
  'Bridge',
  'Brook',
  'Spring',
  'Well',
  'Orchard',
  'Field',
  'Common',
  'Green',
  'Hill',
  'Vale',
  'Fairfield',
  'Heath',
  'Chiltern',
  'Lea',
  'Colne',
  'Ver',
  'Gade',
  'Bulbourne',
  'Mimram',
  'Beane',
  'Rib',
  'Stort',
  'Ash Grove',
  'Kings',
  'Queens',
  'Dukes',
  'Bishops',
  'Howard',
  'Cromwell',
  'Nelson',
  'Wellington',
  'Victoria',
  'Albert',
  'Windsor',
  'Tudor',
  'Stuart',
  'Hanover',
  'York',
  'Lancaster',
  'Cavendish',
];
const STREET_B = [
  'Road',
  'Street',
  'Avenue',
  'Close',
  'Way',
  'Lane',
  'Drive',
  'Gardens',
  'Crescent',
  'Grove',
  'Rise',
  'Walk',
  'Place',
  'Mews',
  'View',
];
const HAMLET_A = ['Little', 'Great', 'Upper', 'Lower', 'North', 'South', 'East', 'West', 'Old', 'Long'];
const HAMLET_B = [
  'Wymondley',
  'Hormead',
  'Munden',
  'Gaddesden',
  'Offley',
  'Hadham',
  'Amwell',
  'Berkhamsted',
  'Ayot',
  'Wigginton',
  'Ardeley',
  'Cottered',
  'Sandon',
  'Therfield',
  'Barley',
  'Braughing',
  'Furneux',
  'Datchworth',
  'Tewin',
  'Bayford',
  'Brickendon',
  'Essendon',
  'Northaw',
  'Aldbury',
  'Flaunden',
  'Sarratt',
  'Chipperfield',
  'Bovingdon',
  'Kimpton',
  'Whitwell',
  'Preston',
  'Pirton',
  'Ickleford',
  'Ashwell',
  'Hinxworth',
  'Wallington',
  'Rushden',
  'Clothall',
  'Weston',
  'Graveley',
];

function pick<T>(rnd: Random, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

/** Local metric frame around a point. */
interface Frame {
  lat0: number;
  lon0: number;
  kx: number;
}
const frame = (lat0: number, lon0: number): Frame => ({ lat0, lon0, kx: mPerDegLon(lat0) });
const toLon = (f: Frame, x: number): number => f.lon0 + x / f.kx;
const toLat = (f: Frame, y: number): number => f.lat0 + y / M_PER_DEG_LAT;

class UnionFind {
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

interface TownNet {
  town: Town;
  radiusM: number;
  /** Grid junction nodes, for connectors and lanes. */
  junctions: number[];
  /** Junctions on the outer edge of the town. */
  edge: number[];
}

/** Grid-and-jitter street network for one town: returns its junctions. */
function buildTown(net: Net, town: Town, targetNodes: number, rnd: Random): TownNet {
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

function nearestNode(net: Net, from: number, among: readonly number[]): number {
  return nearestTo(net, net.lon[from]!, net.lat[from]!, among);
}

function nearestTo(net: Net, lon: number, lat: number, among: readonly number[]): number {
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

/** A clockwise roundabout of `k` nodes around (lon, lat); returns the ring's nodes. */
function roundabout(
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
function connector(net: Net, j: number, t: number, rnd: Random, withRoundabout: boolean, name: string): void {
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

/** Directed adjacency of the network (CSR). */
function adjacency(n: number, ways: readonly Way[]): { start: Int32Array; to: Int32Array } {
  const deg = new Int32Array(n + 1);
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
  const to = new Int32Array(deg[n]!);
  const fill = deg.slice(0, n);
  forEachArc((a, b) => {
    to[fill[a]!++] = b;
  });
  return { start: deg, to };
}

/** Strongly connected components (iterative Tarjan); returns each node's component id. */
export function scc(n: number, ways: readonly Way[]): { comp: Int32Array; count: number } {
  const { start, to } = adjacency(n, ways);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const comp = new Int32Array(n).fill(-1);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    callNode.push(root);
    callEdge.push(start[root]!);
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1]!;
      const e = callEdge[callEdge.length - 1]!;
      if (e < start[v + 1]!) {
        callEdge[callEdge.length - 1] = e + 1;
        const w = to[e]!;
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(start[w]!);
        } else if (onStack[w] === 1 && index[w]! < low[v]!) {
          low[v] = index[w]!;
        }
      } else {
        callNode.pop();
        callEdge.pop();
        const parent = callNode[callNode.length - 1];
        if (parent !== undefined && low[v]! < low[parent]!) low[parent] = low[v]!;
        if (low[v] === index[v]) {
          let w: number;
          do {
            w = stack.pop()!;
            onStack[w] = 0;
            comp[w] = count;
          } while (w !== v);
          count++;
        }
      }
    }
  }
  return { comp, count };
}

/** Build the whole county network. */
export function buildNetwork(
  towns: readonly Town[],
  trunk: readonly TrunkFeature[],
  opts: StreetOptions = DEFAULT_STREET_OPTIONS,
): BuiltNetwork {
  const net = new Net();
  const rnd = seededRandom(opts.seed);

  // 1. The trunk skeleton, densified to <= 300 m between nodes.
  const motorwayNodes = new Set<number>();
  const trunkWays: { ids: number[]; props: TrunkFeature['properties'] }[] = [];
  for (const f of trunk) {
    const src = f.geometry.coordinates.map(([lon, lat]) => net.node(lon, lat));
    const ids: number[] = [src[0]!];
    for (let i = 0; i + 1 < src.length; i++) ids.push(...net.path(src[i]!, src[i + 1]!, 300).slice(1));
    trunkWays.push({ ids, props: f.properties });
    if (f.properties.highway === 'motorway') for (const n of ids) motorwayNodes.add(n);
  }
  const attachable = new Set<number>();
  for (const { ids, props } of trunkWays) {
    const base: Tags = { highway: props.highway, oneway: 'no', source: 'approximate' };
    if (props.ref !== undefined) base['ref'] = props.ref;
    if (props.highway === 'motorway') {
      net.way(ids, { ...base, maxspeed: '70 mph' });
      continue;
    }
    if (props.highway === 'trunk') base['maxspeed'] = '70 mph';
    else if (props.highway === 'primary') base['maxspeed'] = '60 mph';
    // A segment touching a motorway node is a slip road: you join the motorway only there.
    let cur: number[] = [ids[0]!];
    let curLink: boolean | undefined;
    const emit = () => {
      if (cur.length >= 2)
        net.way(
          cur,
          curLink === true ? { highway: 'motorway_link', oneway: 'no', source: 'approximate' } : { ...base },
        );
    };
    for (let i = 0; i + 1 < ids.length; i++) {
      const a = ids[i]!;
      const b = ids[i + 1]!;
      const link = motorwayNodes.has(a) || motorwayNodes.has(b);
      if (curLink !== undefined && link !== curLink) {
        emit();
        cur = [a];
      }
      curLink = link;
      cur.push(b);
    }
    emit();
    for (const n of ids) if (!motorwayNodes.has(n)) attachable.add(n);
  }
  const attach = [...attachable].sort((a, b) => a - b);

  // 2. Towns.
  const townNets: TownNet[] = [];
  towns.forEach((t, i) => {
    const trnd = seededRandom(opts.seed + 7919 * (i + 1));
    townNets.push(buildTown(net, t, t.population * opts.nodesPerResident, trnd));
  });

  // 3. Connectors from each town to the skeleton, at several points, some via roundabouts.
  townNets.forEach((tn, i) => {
    const trnd = seededRandom(opts.seed + 104729 * (i + 1));
    const dc = (n: number) => net.distTo(tn.town.lon, tn.town.lat, n);
    const reach = tn.radiusM + 900;
    const near = attach.filter((n) => dc(n) <= reach).sort((a, b) => dc(a) - dc(b) || a - b);
    const chosen: number[] = [];
    const maxCount = Math.max(3, Math.min(14, Math.round(tn.town.population / 7000)));
    for (const n of near) {
      if (chosen.length >= maxCount) break;
      if (chosen.every((c) => net.dist(c, n) >= 450)) chosen.push(n);
    }
    if (chosen.length < 2) {
      const far = attach.filter((n) => !chosen.includes(n)).sort((a, b) => dc(a) - dc(b) || a - b);
      for (const n of far) {
        if (chosen.length >= 2) break;
        if (chosen.every((c) => net.dist(c, n) >= 800)) chosen.push(n);
      }
    }
    chosen.forEach((t, k) => {
      const rb = (k === 0 && tn.town.population >= 10_000) || trnd() < 0.3;
      // A roundabout needs room: its town arm starts at a junction at least 150 m away.
      const far = rb ? tn.junctions.filter((x) => net.dist(x, t) >= 150) : tn.junctions;
      const j = nearestNode(net, t, far.length > 0 ? far : tn.junctions);
      if (j === t) return;
      connector(net, j, t, trnd, rb, `${tn.town.name} Road`);
    });
  });

  // 4. Rural lanes: each town to its two nearest towns.
  const pairs = new Set<string>();
  townNets.forEach((a, i) => {
    const others = townNets
      .map((b, k) => ({
        k,
        d: Math.hypot((b.town.lon - a.town.lon) * mPerDegLon(a.town.lat), (b.town.lat - a.town.lat) * M_PER_DEG_LAT),
      }))
      .filter((o) => o.k !== i)
      .sort((x, y) => x.d - y.d || x.k - y.k)
      .slice(0, 2);
    for (const o of others) {
      const key = i < o.k ? `${i}-${o.k}` : `${o.k}-${i}`;
      if (pairs.has(key)) continue;
      pairs.add(key);
      const b = townNets[o.k]!;
      const lrnd = seededRandom(opts.seed + 15485863 + 31 * i + o.k);
      const ja = nearestTo(net, b.town.lon, b.town.lat, a.edge);
      const jb = nearestNode(net, ja, b.edge);
      if (ja === jb) continue;
      const tags: Tags = { highway: 'unclassified', name: `${a.town.name} Lane`, oneway: 'no', source: 'synthetic' };
      if (lrnd() < 0.6) tags['maxspeed'] = '60 mph';
      net.way(net.path(ja, jb, 150, 0.06, lrnd), tags);
    }
  });

  // 5. Hamlets between the towns, each joined to the skeleton and to the nearest town.
  const hamlets: Hamlet[] = [];
  const hrnd = seededRandom(opts.seed + 32452843);
  let tries = 0;
  while (hamlets.length < opts.hamlets && tries < opts.hamlets * 50) {
    tries++;
    const base = townNets[Math.floor(hrnd() * townNets.length)]!;
    const th = hrnd() * Math.PI * 2;
    const dm = 2500 + hrnd() * 5000;
    const f = frame(base.town.lat, base.town.lon);
    const lon = toLon(f, Math.cos(th) * dm);
    const lat = toLat(f, Math.sin(th) * dm);
    const clear = townNets.every(
      (tn) => Math.hypot((tn.town.lon - lon) * f.kx, (tn.town.lat - lat) * M_PER_DEG_LAT) > tn.radiusM + 1200,
    );
    const spaced = hamlets.every((h) => Math.hypot((h.lon - lon) * f.kx, (h.lat - lat) * M_PER_DEG_LAT) > 2000);
    // Keep to the county: within 4 km of some skeleton node.
    if (!clear || !spaced) continue;
    const nt = nearestTo(net, lon, lat, attach);
    if (net.distTo(lon, lat, nt) > 4000) continue;
    const c = net.node(lon, lat);
    const name = `${pick(hrnd, HAMLET_A)} ${pick(hrnd, HAMLET_B)}`;
    hamlets.push({ id: `hamlet-${hamlets.length + 1}`, name, lat: net.lat[c]!, lon: net.lon[c]! });
    // A main street through the centre and a couple of side streets.
    const hf = frame(net.lat[c]!, net.lon[c]!);
    const ang = hrnd() * Math.PI;
    const main: number[] = [];
    const len = 5 + Math.floor(hrnd() * 6);
    for (let k = -len; k <= len; k++) {
      main.push(
        k === 0
          ? c
          : net.node(
              toLon(hf, Math.cos(ang) * 45 * k + (hrnd() - 0.5) * 8),
              toLat(hf, Math.sin(ang) * 45 * k + (hrnd() - 0.5) * 8),
            ),
      );
    }
    net.way(main, {
      highway: 'residential',
      name: `${pick(hrnd, ['High', 'Church', 'Mill', 'Green'])} Street`,
      oneway: 'no',
      maxspeed: '30 mph',
      source: 'synthetic',
    });
    const sides = 1 + Math.floor(hrnd() * 3);
    for (let s = 0; s < sides; s++) {
      const at = main[Math.floor(hrnd() * main.length)]!;
      const sa = ang + Math.PI / 2 + (hrnd() - 0.5) * 0.6;
      const sf = frame(net.lat[at]!, net.lon[at]!);
      const side = [at];
      const n = 3 + Math.floor(hrnd() * 4);
      for (let k = 1; k <= n; k++)
        side.push(net.node(toLon(sf, Math.cos(sa) * 40 * k), toLat(sf, Math.sin(sa) * 40 * k)));
      net.way(side, {
        highway: 'residential',
        name: `${pick(hrnd, STREET_A)} ${pick(hrnd, STREET_B)}`,
        oneway: 'no',
        source: 'synthetic',
      });
    }
    const end0 = main[0]!;
    const end1 = main[main.length - 1]!;
    const tNode = nearestNode(net, end0, attach);
    const town = townNets
      .slice()
      .sort((x, y) => net.distTo(x.town.lon, x.town.lat, c) - net.distTo(y.town.lon, y.town.lat, c))[0]!;
    const tj = nearestNode(net, end1, town.edge);
    const lane = (a: number, b: number) => {
      const tags: Tags = { highway: 'unclassified', name: `${name} Lane`, oneway: 'no', source: 'synthetic' };
      if (hrnd() < 0.5) tags['maxspeed'] = '60 mph';
      net.way(net.path(a, b, 150, 0.08, hrnd), tags);
    };
    lane(end0, tNode);
    lane(end1, tj);
  }

  // 6. Strong connectivity: a one-way street that separates components becomes two-way.
  const n = net.lon.length;
  for (let round = 0; round < 50; round++) {
    const { comp, count } = scc(n, net.ways);
    if (count === 1) break;
    let changed = 0;
    for (const w of net.ways) {
      const o = w.tags['oneway'];
      if ((o !== 'yes' && o !== '-1') || w.tags['junction'] === 'roundabout') continue;
      if (w.nodes.some((x, k) => k > 0 && comp[x] !== comp[w.nodes[k - 1]!])) {
        w.tags['oneway'] = 'no';
        changed++;
      }
    }
    if (changed === 0) throw new Error(`street generator: ${count} strongly connected components remain`);
  }
  const final = scc(net.lon.length, net.ways).count;
  if (final !== 1) throw new Error(`street generator: ${final} strongly connected components remain`);

  const byHighway: Record<string, number> = {};
  let oneway = 0;
  let roundabouts = 0;
  let motorwayLinks = 0;
  for (const w of net.ways) {
    const h = w.tags['highway']!;
    byHighway[h] = (byHighway[h] ?? 0) + 1;
    if (w.tags['junction'] === 'roundabout') roundabouts++;
    else if (w.tags['oneway'] === 'yes' || w.tags['oneway'] === '-1') oneway++;
    if (h === 'motorway_link') motorwayLinks++;
  }
  return {
    lon: net.lon,
    lat: net.lat,
    ways: net.ways,
    hamlets,
    stats: { nodes: n, ways: net.ways.length, byHighway, oneway, roundabouts, motorwayLinks },
  };
}

/** The network as GeoJSON text: one feature per line, so diffs stay readable. */
export function networkGeoJson(b: BuiltNetwork): string {
  const head = JSON.stringify({
    type: 'FeatureCollection',
    name: 'hertfordshire-demo-network',
    synthetic: true,
    note: NETWORK_NOTE,
  });
  const lines = b.ways.map((w) => {
    const coords = w.nodes.map((id) => [b.lon[id]!, b.lat[id]!]);
    return JSON.stringify({
      type: 'Feature',
      properties: w.tags,
      geometry: { type: 'LineString', coordinates: coords },
    });
  });
  return `${head.slice(0, -1)},"features":[\n${lines.join(',\n')}\n]}\n`;
}
