/**
 * `npm run bench -- places`: gazetteer lookup latency over at least 100,000 names (issue 16).
 *
 * Seeded national-scale index: the 1,374 real fire stations of England (names and postcodes),
 * 4,000 generated towns with populations, and generated named roads around them (2-point ways,
 * each town's roads meeting at junctions), about 110,000 names in all. Queries, seeded and drawn
 * from the index's own names: whole names, 3 to 6 letter prefixes, one-letter typos, "road,
 * town", "road / road" junctions, grid references and coordinates. Warm-up, then every query
 * timed alone, arriving --gap-ms apart (default 1 ms; 0 = back to back in a busy loop);
 * wall-clock and CPU p50/p99.
 *
 * The last line is one JSON object: { names, queries, gap_ms, p50_ms, p99_ms, cpu_p99_ms, build_ms }.
 *   npm run bench -- places [--queries N] [--seed S] [--gap-ms MS]
 */
import { readFileSync } from 'node:fs';
import { seededRandom } from '../server/core/clock.ts';
import { Gazetteer, type SnapFn } from '../server/core/places/gazetteer.ts';
import type { RoadTable, RoadWay } from '../server/core/places/roads.ts';
import { formatGridRef } from '../server/core/places/os-grid.ts';
import type { DemandPoint, Station } from '../server/core/scenario/types.ts';

const args = process.argv.slice(2);
const QUERIES = Number(args[args.indexOf('--queries') + 1] ?? 0) || 5_000;
const SEED = Number(args[args.indexOf('--seed') + 1] ?? 0) || 16;
const GAP_MS = args.includes('--gap-ms') ? Number(args[args.indexOf('--gap-ms') + 1]) : 1;
const WARMUP = 500;
const rnd = seededRandom(SEED);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;

// 1. The seeded world.
interface Row {
  service: string;
  station: string;
  address: string;
  postcode: string;
  lat: number;
  lon: number;
}
const rows = JSON.parse(readFileSync('sim/scenarios/england/fire-stations-2018.json', 'utf8')) as Row[];
const stations: Station[] = rows.map((r, i) => ({
  id: `S${i}`,
  name: `${r.station}`,
  agency: 'fire',
  lat: r.lat,
  lon: r.lon,
  address: `${r.address}, ${r.postcode}`,
}));
const SYL = [
  'ash',
  'bur',
  'ton',
  'ley',
  'ham',
  'wick',
  'stow',
  'ford',
  'bury',
  'field',
  'well',
  'ing',
  'mar',
  'den',
  'hurst',
  'worth',
  'by',
  'thorpe',
  'cot',
  'brook',
  'combe',
  'ridge',
  'stan',
  'wal',
  'kel',
  'hol',
  'nor',
  'sut',
  'pen',
  'tre',
];
const STREET = [
  'Road',
  'Street',
  'Lane',
  'Avenue',
  'Close',
  'Way',
  'Drive',
  'Gardens',
  'Crescent',
  'Hill',
  'Grove',
  'Place',
];
const FIRST = [
  'Station',
  'High',
  'Church',
  'Mill',
  'Park',
  'Victoria',
  'Manor',
  'Green',
  'Kings',
  'Queens',
  'School',
  'North',
  'South',
  'New',
  'London',
  'Grange',
  'Orchard',
  'Chapel',
  'Windmill',
  'Meadow',
];
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const word = () => cap(pick(SYL) + pick(SYL) + (rnd() < 0.4 ? pick(SYL) : ''));
const towns: DemandPoint[] = [];
const townNames = new Set<string>();
while (towns.length < 4_000) {
  const name = rnd() < 0.15 ? `${word()} ${pick(['Green', 'End', 'Heath', 'Magna', 'St Mary'])}` : word();
  if (townNames.has(name)) continue;
  townNames.add(name);
  towns.push({
    id: `T${towns.length}`,
    name,
    lat: 50.2 + rnd() * 4.5,
    lon: -5 + rnd() * 6.5,
    weight: Math.round(10 ** (1 + rnd() * 3.5)),
  });
}
const ways: RoadWay[] = [];
const junctions: RoadTable['junctions'] = [];
for (const t of towns) {
  const n = 10 + Math.floor(rnd() * 40);
  const used = new Set<string>();
  const first = ways.length;
  for (let i = 0; i < n; i++) {
    const name = `${rnd() < 0.5 ? pick(FIRST) : word()} ${pick(STREET)}`;
    if (used.has(name)) continue;
    used.add(name);
    const lat = t.lat + (rnd() - 0.5) * 0.03,
      lon = t.lon + (rnd() - 0.5) * 0.05;
    const ref = rnd() < 0.03 ? `${pick(['A', 'B'])}${1 + Math.floor(rnd() * 6000)}` : '';
    ways.push({ name, ref, highway: 'residential', postcode: '', points: [lat, lon, lat + 0.001, lon + 0.001] });
  }
  for (let i = first + 1; i < ways.length; i++) {
    const w = ways[i]!;
    junctions.push({ a: i - 1, b: i, lat: w.points[0]!, lon: w.points[1]! });
  }
}
const roads: RoadTable = { version: 1, ways, junctions };
const snap: SnapFn = (lat, lon) => ({ lat, lon, distanceM: 0 }); // no national road graph: the lookup is what is timed
const t0 = performance.now();
const gaz = new Gazetteer({ stations, posts: [], demand: towns, roads }, snap);
const buildMs = performance.now() - t0;

// 2. Seeded queries from the index's own names.
const typo = (s: string) => {
  const i = 1 + Math.floor(rnd() * (s.length - 2));
  const c = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(rnd() * 26)]!;
  return rnd() < 0.5 ? s.slice(0, i) + c + s.slice(i + 1) : s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
};
const queries: string[] = [];
for (let i = 0; i < QUERIES + WARMUP; i++) {
  const r = rnd();
  const t = pick(towns);
  const w = pick(ways);
  if (r < 0.2) queries.push(t.name!);
  else if (r < 0.35) queries.push(t.name!.slice(0, 3 + Math.floor(rnd() * 4)).toLowerCase());
  else if (r < 0.5) queries.push(typo(t.name!));
  else if (r < 0.6) queries.push(w.name);
  else if (r < 0.7) queries.push(`${w.name.split(' ')[0]} ${w.name.split(' ')[1]!.slice(0, 2)}`.toLowerCase());
  else if (r < 0.78) queries.push(`${w.name}, ${t.name}`);
  else if (r < 0.86) {
    const j = pick(junctions);
    queries.push(`${ways[j.a]!.name} / ${ways[j.b]!.name}`);
  } else if (r < 0.9) queries.push(pick(stations).name);
  else if (r < 0.94) queries.push(pick(rows).postcode);
  else if (r < 0.97)
    queries.push(formatGridRef(200_000 + Math.floor(rnd() * 400_000), 50_000 + Math.floor(rnd() * 500_000), 8)!);
  else queries.push(`${(50.5 + rnd() * 4).toFixed(5)}, ${(-4 + rnd() * 5).toFixed(5)}`);
}

// 3. Time each query alone, as the server meets them: one request at a time, arriving GAP_MS
// apart (the process waits on a timer in between, as a server waits on its sockets). With
// --gap-ms 0 the queries run back to back in one busy loop: on a machine shared with other work
// that measures mostly how often the scheduler takes the core away from a process that never
// yields, not the lookup.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
let found = 0;
const wall: number[] = [];
const cpu: number[] = [];
const pause = () => new Promise<void>((r) => setTimeout(r, GAP_MS));
for (let i = 0; i < queries.length; i++) {
  if (GAP_MS > 0 && i >= WARMUP) await pause();
  const q = queries[i]!;
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = gaz.search(q, 10);
  const w1 = performance.now();
  const c1 = process.cpuUsage(c0);
  if (i < WARMUP) continue;
  if (r.length > 0) found++;
  wall.push(w1 - w0);
  cpu.push((c1.user + c1.system) / 1000);
}
const pct = (xs: number[], p: number) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const r2 = (x: number) => Math.round(x * 1000) / 1000;
const out = {
  names: gaz.size,
  queries: wall.length,
  gap_ms: GAP_MS,
  answered: found,
  p50_ms: r2(pct(wall, 50)),
  p99_ms: r2(pct(wall, 99)),
  max_ms: r2(Math.max(...wall)),
  cpu_p99_ms: r2(pct(cpu, 99)),
  build_ms: Math.round(buildMs),
  heap_mb: Math.round(process.memoryUsage().heapUsed / 1e6),
};
console.log(`gazetteer: ${out.names} names built in ${out.build_ms} ms; ${out.queries} queries (${found} answered)`);
console.log(`  wall p50 ${out.p50_ms} ms, p99 ${out.p99_ms} ms, max ${out.max_ms} ms; CPU p99 ${out.cpu_p99_ms} ms`);
console.log(JSON.stringify(out));
