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
import { HAMLET_A, HAMLET_B, STREET_A, STREET_B } from './names.ts';
import {
  frame,
  M_PER_DEG_LAT,
  mPerDegLon,
  Net,
  nearestNode,
  nearestTo,
  pick,
  scc,
  toLat,
  toLon,
  type Tags,
  type Way,
} from './net.ts';
import { buildTown, connector, roundabout, type Town, type TownNet } from './towns.ts';

export type { Tags, Way } from './net.ts';

export const NETWORK_NOTE =
  'synthetic streets on an approximate trunk skeleton; operational use imports a real OSM extract of the county';

export type { Town };

export interface TrunkFeature {
  properties: { ref?: string; highway: string; oneway?: string };
  geometry: { type: 'LineString'; coordinates: [number, number][] };
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
export function networkGeoJson(
  b: BuiltNetwork,
  meta: { name: string; note: string } = { name: 'hertfordshire-demo-network', note: NETWORK_NOTE },
): string {
  const head = JSON.stringify({
    type: 'FeatureCollection',
    name: meta.name,
    synthetic: true,
    note: meta.note,
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
