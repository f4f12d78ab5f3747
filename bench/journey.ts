/**
 * `npm run bench -- journey`: road graph build and journey-time queries (issue 4).
 *
 *  - build: parse + build time and graph size (typed arrays + R-tree) for each network, peak RSS (north London XML and PBF, Cambridge
 *    PBF, Gothenburg GeoJSON from geojson-path-finder 2.1.0, the Hertfordshire demo network),
 *    and the time to re-open the built graph from the disk cache;
 *  - one-to-many: an incident to all candidate resources (one bounded reverse search, then every
 *    candidate's time read off), p50/p99 over seeded incidents, with 500 and 10,000 resources
 *    (pre-snapped, as the recommender caches snaps; a third at station with turnout), on
 *    Gothenburg and Hertfordshire, bounded at the planner's default of 3,600 s (top-level JSON
 *    keys) and at 1,800 s (keys ending _max1800);
 *  - also: snapping cost, the multi-source search (cover) from 500 resources, one route.
 *
 * The last line is one JSON object (Hertfordshire figures at top level).
 * Wall-clock and CPU time per query are both reported: on a shared machine the wall clock also
 * counts time the process waited for a core.
 *   npm run bench -- journey [--queries N] [--only gothenburg,hertfordshire]
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from '../server/core/clock.ts';
import type { RoadGraph } from '../server/core/graph/build.ts';
import { JourneyPlanner, type Candidate, DEFAULT_MAX_S } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import type { Snap } from '../server/core/graph/snap.ts';
import type { SpeedProfile } from '../server/core/scenario/types.ts';
import { loadNetwork, type NetworkFormat } from '../server/shell/network/load.ts';

const args = process.argv.slice(2);
const QUERIES = Number(args[args.indexOf('--queries') + 1] ?? 0) || 300;
const WARMUP = 40;
const ONLY = args.includes('--only') ? (args[args.indexOf('--only') + 1] ?? '').split(',') : null;
const gc = (globalThis as { gc?: () => void }).gc;

const HERTS = ['sim/scenarios/hertfordshire/network.geojson', 'sim/scenarios/hertfordshire/network.geojson.gz'].find(
  (f) => existsSync(f),
);
const NETWORKS: Array<{ name: string; file: string; format: NetworkFormat }> = [
  { name: 'north-london-xml', file: 'test/fixtures/osm/north-london.osm', format: 'osm-xml' },
  { name: 'north-london-pbf', file: 'test/fixtures/osm/north-london.osm.pbf', format: 'osm-pbf' },
  { name: 'cambridge', file: 'test/fixtures/osm/cambridge.osm.pbf', format: 'osm-pbf' },
  { name: 'gothenburg', file: 'node_modules/geojson-path-finder/test/large-network.json', format: 'geojson' },
  ...(HERTS ? [{ name: 'hertfordshire', file: HERTS, format: 'geojson' as const }] : []),
];

function fireProfile(): SpeedProfile {
  const f = 'sim/scenarios/hertfordshire/scenario.json';
  if (existsSync(f)) {
    const s = JSON.parse(readFileSync(f, 'utf8')) as { speedProfiles?: Record<string, SpeedProfile> };
    if (s.speedProfiles?.fire) return s.speedProfiles.fire;
  }
  return {
    mode: 'road',
    highwayKmh: { motorway: 90, trunk: 80, primary: 65, secondary: 55, tertiary: 45, residential: 30, default: 30 },
    maxspeedFactor: 1.1,
  };
}

function graphBytes(g: RoadGraph): number {
  let b = (g.segIndex.data as ArrayBuffer).byteLength;
  for (const v of Object.values(g)) if (ArrayBuffer.isView(v)) b += v.byteLength;
  return b;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const f2 = (x: number) => Math.round(x * 100) / 100;

interface BuildRow {
  name: string;
  nodes: number;
  vertices: number;
  edges: number;
  routingEdges: number;
  dropped: number;
  buildMs: number;
  graphMb: number;
  cacheLoadMs: number;
}

function buildRow(
  name: string,
  file: string,
  format: NetworkFormat,
  cacheDir: string,
): { row: BuildRow; graph: RoadGraph } {
  gc?.();
  const cold = loadNetwork(file, format, { cacheDir });
  const loads: number[] = [];
  for (let i = 0; i < 5; i++) loads.push(loadNetwork(file, format, { cacheDir }).ms);
  const r = cold.graph.report;
  return {
    graph: cold.graph,
    row: {
      name,
      nodes: r.nodes,
      vertices: r.vertices,
      edges: r.edges,
      routingEdges: r.routingEdges,
      dropped: r.nodesDropped,
      buildMs: Math.round(cold.ms),
      graphMb: f2(graphBytes(cold.graph) / 2 ** 20),
      cacheLoadMs: f2(pct(loads, 50)),
    },
  };
}

function oneToMany(
  planner: JourneyPlanner,
  seed: number,
  resources: number,
  maxS: number,
): { p50: number; p99: number; cpu50: number; cpu99: number; settled: number; found: number } {
  const g = planner.graph;
  const rnd = seededRandom(seed);
  const near = (): Snap => {
    for (;;) {
      const p = Math.floor(rnd() * g.pointCount);
      try {
        return planner.snap(g.lat[p]! + (rnd() - 0.5) * 0.002, g.lon[p]! + (rnd() - 0.5) * 0.003);
      } catch {
        // off road: draw again
      }
    }
  };
  const cands: Candidate[] = Array.from({ length: resources }, (_, i) => {
    const snap = near();
    return { id: `r${i}`, profile: 'fire', lat: snap.lat, lon: snap.lon, snap, turnoutS: i % 3 === 0 ? 90 : 0 };
  });
  const targets = Array.from({ length: QUERIES + WARMUP }, near);
  const times: number[] = [];
  const cpu: number[] = [];
  let settled = 0;
  let found = 0;
  gc?.(); // start the measured queries from a clean heap: the builds above leave garbage
  targets.forEach((t, i) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const res = planner.candidatesToTarget(t, cands, { maxS });
    const dt = performance.now() - t0;
    const dc = process.cpuUsage(c0);
    if (i >= WARMUP) {
      times.push(dt);
      cpu.push((dc.user + dc.system) / 1000);
      found += res.length;
    }
  });
  // settled vertices of one more search, for the report
  const space = planner.newSpace();
  planner.timesToTarget(targets[0]!, 'fire', { space, maxS, until: cands.map((c) => c.snap!) });
  settled = space.settled;
  return {
    p50: f2(pct(times, 50)),
    p99: f2(pct(times, 99)),
    cpu50: f2(pct(cpu, 50)),
    cpu99: f2(pct(cpu, 99)),
    settled,
    found: Math.round(found / QUERIES),
  };
}

function extras(planner: JourneyPlanner, seed: number): { snapUs: number; coverMs: number; routeMs: number } {
  const g = planner.graph;
  const rnd = seededRandom(seed);
  const pts = Array.from({ length: 2000 }, () => {
    const p = Math.floor(rnd() * g.pointCount);
    return [g.lat[p]! + (rnd() - 0.5) * 0.002, g.lon[p]! + (rnd() - 0.5) * 0.003] as const;
  });
  const t0 = performance.now();
  const snaps: Snap[] = [];
  for (const [la, lo] of pts) {
    try {
      snaps.push(planner.snap(la, lo));
    } catch {
      // off road
    }
  }
  const snapUs = ((performance.now() - t0) * 1000) / pts.length;
  const sources = snaps.slice(0, 500).map((snap) => ({ snap, offsetS: 60 }));
  const cover: number[] = [];
  for (let i = 0; i < 20; i++) {
    const c0 = performance.now();
    planner.timesFromSources(sources, 'fire', { maxS: DEFAULT_MAX_S });
    cover.push(performance.now() - c0);
  }
  const route: number[] = [];
  for (let i = 0; i < 100; i++) {
    const r0 = performance.now();
    planner.route(snaps[500 + i]!, snaps[600 + i]!, 'fire');
    route.push(performance.now() - r0);
  }
  return { snapUs: f2(snapUs), coverMs: f2(pct(cover, 50)), routeMs: f2(pct(route, 50)) };
}

const cacheDir = mkdtempSync(join(tmpdir(), 'jcr-bench-journey-'));
const out: Record<string, number | string> = { bench: 'journey' };
try {
  process.stdout.write(
    `journey bench: node ${process.version}, ${QUERIES} queries after ${WARMUP} warm-up\n\nbuild (parse + SCC + compress + R-tree), memory, and re-open from the disk cache\n`,
  );
  process.stdout.write(
    'network              nodes   vertices  edges    r.edges  dropped  build ms  graph MB  cache ms\n',
  );
  const graphs = new Map<string, RoadGraph>();
  for (const n of NETWORKS.filter((x) => !ONLY || ONLY.includes(x.name))) {
    const { row, graph } = buildRow(n.name, n.file, n.format, cacheDir);
    graphs.set(n.name, graph);
    process.stdout.write(
      `${row.name.padEnd(20)} ${String(row.nodes).padStart(6)}  ${String(row.vertices).padStart(7)}  ${String(row.edges).padStart(7)}  ${String(row.routingEdges).padStart(7)}  ${String(row.dropped).padStart(7)}  ${String(row.buildMs).padStart(8)}  ${String(row.graphMb).padStart(8)}  ${String(row.cacheLoadMs).padStart(8)}\n`,
    );
    if (n.name === 'hertfordshire')
      Object.assign(out, {
        nodes: row.nodes,
        vertices: row.vertices,
        build_ms: row.buildMs,
        graph_mb: row.graphMb,
        cache_load_ms: row.cacheLoadMs,
      });
    if (n.name === 'gothenburg') Object.assign(out, { gothenburg_nodes: row.nodes, gothenburg_build_ms: row.buildMs });
  }
  const rssMb = f2(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(
    `peak RSS after building all networks: ${rssMb} MB (graph MB = the typed arrays and R-tree kept)\n`,
  );
  out.peak_rss_mb = rssMb;
  if (!HERTS)
    process.stdout.write('\n(no Hertfordshire network at sim/scenarios/hertfordshire/network.geojson[.gz]: skipped)\n');
  const speed = new SpeedModel({ fire: fireProfile() });
  process.stdout.write(
    `\none-to-many: incident -> all resources, one reverse search (fire profile) bounded at maxS, stopped once all candidates are final\n`,
  );
  process.stdout.write(
    'network              resources  maxS s  p50 ms  p99 ms  cpu p50  cpu p99  settled vertices  reachable\n',
  );
  for (const name of ['gothenburg', 'hertfordshire']) {
    const g = graphs.get(name);
    if (!g) continue;
    const planner = new JourneyPlanner(g, speed);
    for (const [k, maxS] of [
      [500, DEFAULT_MAX_S],
      [10_000, DEFAULT_MAX_S],
      [500, 1800],
      [10_000, 1800],
    ] as const) {
      const r = oneToMany(planner, 7, k, maxS);
      process.stdout.write(
        `${name.padEnd(20)} ${String(k).padStart(9)}  ${String(maxS).padStart(6)}  ${String(r.p50).padStart(6)}  ${String(r.p99).padStart(6)}  ${String(r.cpu50).padStart(7)}  ${String(r.cpu99).padStart(7)}  ${String(r.settled).padStart(16)}  ${String(r.found).padStart(9)}\n`,
      );
      const key = name === 'hertfordshire' ? '' : 'gothenburg_';
      const suffix = maxS === DEFAULT_MAX_S ? '' : `_max${maxS}`;
      out[`${key}p50_ms_${k}${suffix}`] = r.p50;
      out[`${key}p99_ms_${k}${suffix}`] = r.p99;
      out[`${key}cpu_p99_ms_${k}${suffix}`] = r.cpu99;
    }
    const x = extras(planner, 9);
    process.stdout.write(
      `${name.padEnd(20)} snap ${x.snapUs} us/point; multi-source search from 500 resources ${x.coverMs} ms (p50); one route ${x.routeMs} ms (p50)\n`,
    );
    if (name === 'hertfordshire')
      Object.assign(out, { snap_us: x.snapUs, cover_ms_500: x.coverMs, route_ms: x.routeMs });
  }
  out.target = 'p99 < 20 ms, county >= 100,000 nodes, 500 resources';
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
process.stdout.write('\n' + JSON.stringify(out) + '\n');
