/**
 * `npm run bench -- client [seconds]`: the screens with 2,000 moving resources, in headless
 * Chromium (Debian's, via playwright-core) against a real server.
 *
 * Seeded world: 60 stations and 2,000 resources (fire, police, ambulance) over the mini
 * scenario's bounds. A feed sends every resource's position over the real /ws/avl once a second
 * (plausible 10–20 m/s moves with heading); the page takes them from its live feed, batches the
 * store updates per animation frame and redraws the canvas layer. We measure, after a warm-up:
 *   1. still map: requestAnimationFrame intervals and the layer's draw time, resources moving;
 *   2. panning: the same while the map is dragged continuously (a redraw every frame);
 *   3. status churn, board shown: 200 status changes a second (10 every 50 ms, over a second
 *      /ws/avl connection, the AVL status field: AVAILABLE_MOBILE <-> UNAVAILABLE round the fleet)
 *      with the Resources tab (the status board) open, map still;
 *   4. the same churn with the board's tab hidden (the Incidents tab open);
 *   5. zoom 13 (call-sign labels drawn): still map, then panning;
 *   6. zoom 15 (street names placed at every move end): still map, then panning.
 * The room at a glance is on throughout (issue 17): three priority-1 incidents raise alerts, so
 * the alert banner shows in every phase, and the Standards tab (performance against standards)
 * is the side panel's open tab in every phase but the churn ones, which need the board.
 * Labels: the world has Hertfordshire's towns and road names inside its bounds (the towns of
 * sim/scenarios/hertfordshire/demand.json and the road table of its network), so every phase
 * draws town, ref and road labels (GET /api/map/labels) and the call signs avoid them.
 * Last line: one JSON object with frame_ms_p95 (phases 1 and 2 together, as before),
 * frame_ms_p95_churn (3), frame_ms_p95_churn_hidden (4), z13_* (5), z15_* (6), per-phase
 * main-thread time, label placements: their work time and their longest slice (the time one
 * frame may wait for placing; placing runs in idle-time slices since issue 16/17's budget).
 *
 * Labels off and on side by side in the same run: `JCR_BENCH_LABELS=compare` runs
 * JCR_BENCH_ROUNDS (default 3) rounds alternating pages served an empty GET /api/map/labels
 * ("off": no town or road labels; call signs still placed) and the real one ("on").
 *
 * Old code side by side in the same run: `JCR_BENCH_OLD=<commit>` builds a second bundle from
 * the client tree with the files in JCR_BENCH_OLD_PATHS (default: the board, its controller, the
 * app shell, the map component and the resources layer) as they were at <commit>, serves it to
 * its pages in place of app.js/app.css, and runs JCR_BENCH_ROUNDS (default 3) rounds alternating
 * old and new, each on a fresh page; figures are medians over the rounds.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { buildClient } from '../client/build.ts';
import type { RoadTable } from '../server/core/places/roads.ts';
import { loadRoadTable } from '../server/shell/network/road-table.ts';
import type { Agency, ResourceDef, Scenario, Station } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from '../test/fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN } from '../test/support/avl.ts';
import { buildClientForTests, launchBrowser, signIn } from '../test/support/browser.ts';
import { api } from '../test/support/server.ts';

const OLD = process.env.JCR_BENCH_OLD ?? '';
const LABELS_COMPARE = process.env.JCR_BENCH_LABELS === 'compare';
const PAIRED = OLD !== '' || LABELS_COMPARE;
const SECONDS = Number(process.argv[2] ?? (PAIRED ? 5 : 8));
const ROUNDS = PAIRED ? Number(process.env.JCR_BENCH_ROUNDS ?? 3) : 1;
const OLD_PATHS = (
  process.env.JCR_BENCH_OLD_PATHS ??
  'client/components/jcr-resource-board/jcr-resource-board.ts,client/controllers/store-controller.ts,client/components/jcr-app/jcr-app.ts,client/components/jcr-map/jcr-map.ts,client/map/resources-layer.ts'
).split(',');
/** Status changes per second in the churn phases, sent in batches every CHURN_EVERY_MS. */
const CHURN_PER_S = 200;
const CHURN_EVERY_MS = 50;
const N = 2000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function world(): Scenario {
  const s = miniScenario();
  const r = rng(42);
  const b = s.bounds;
  const agencies: Agency[] = ['fire', 'police', 'ambulance'];
  const stations: Station[] = [];
  for (let i = 0; i < 60; i++) {
    const agency = agencies[i % 3] as Agency;
    stations.push({
      id: `S${i}`,
      name: `Station ${i}`,
      agency,
      lat: b.south + r() * (b.north - b.south),
      lon: b.west + r() * (b.east - b.west),
    });
  }
  const resources: ResourceDef[] = [];
  for (let i = 0; i < N; i++) {
    const st = stations[i % stations.length] as Station;
    const cls = st.agency === 'fire' ? 'fire' : st.agency;
    resources.push({
      id: `R${i}`,
      callSign: `${st.agency.slice(0, 1).toUpperCase()}${i}`,
      agency: st.agency,
      type: st.agency === 'fire' ? 'pump' : st.agency === 'police' ? 'response-car' : 'ambulance',
      capabilities: [],
      station: st.id,
      crewing: 'mobile',
      vehicleClass: cls,
    });
  }
  // Hertfordshire's towns inside the bounds: the labels at county zoom.
  const towns = (
    JSON.parse(readFileSync('sim/scenarios/hertfordshire/demand.json', 'utf8')) as Scenario['demand']
  ).filter((d) => inside(b, d.lat, d.lon));
  return { ...s, id: 'bench-2000', name: 'Bench: 2,000 resources', stations, resources, posts: [], demand: towns };
}

function inside(b: Scenario['bounds'], lat: number, lon: number): boolean {
  return lat >= b.south && lat <= b.north && lon >= b.west && lon <= b.east;
}

/** Hertfordshire's road names and refs with a point inside the bounds: the road labels. */
function roadTable(b: Scenario['bounds']): RoadTable {
  const t = loadRoadTable('sim/scenarios/hertfordshire/network.geojson', 'geojson');
  const ways = t.ways.filter((w) => {
    for (let i = 0; i + 1 < w.points.length; i += 2) if (inside(b, w.points[i] ?? 0, w.points[i + 1] ?? 0)) return true;
    return false;
  });
  return { ...t, ways, junctions: [] };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return 0;
  const a = [...xs].sort((x, y) => x - y);
  return a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] ?? 0;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

const START_FRAMES = `(() => {
  window.__frames = [];
  window.__collect = true;
  let last = performance.now();
  const f = (t) => { window.__frames.push(t - last); last = t; if (window.__collect) requestAnimationFrame(f); };
  requestAnimationFrame(f);
  return true;
})()`;
const STOP_FRAMES = `(() => { window.__collect = false; const f = window.__frames.slice(1); return f; })()`;

/** Chrome's own counters (CDP Performance.getMetrics): main-thread time by kind, seconds. */
const METRICS = [
  'TaskDuration',
  'ScriptDuration',
  'LayoutDuration',
  'RecalcStyleDuration',
  'LayoutCount',
  'RecalcStyleCount',
] as const;
type Metrics = Record<(typeof METRICS)[number], number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as {
    metrics: { name: string; value: number }[];
  };
  const out = {} as Metrics;
  for (const k of METRICS) out[k] = list.find((m) => m.name === k)?.value ?? 0;
  return out;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
/** Top self-time functions of a CDP CPU profile, as text lines (JCR_BENCH_PROFILE=1). */
function topSelf(profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] }, n = 20): string[] {
  const byId = new Map(profile.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] ?? -1);
    if (!node) continue;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}
/** Chrome trace events (JCR_BENCH_PROFILE=trace): total duration by event name per thread, top first. */
async function traceDuring(cdp: CDPSession, run: () => Promise<void>): Promise<string[]> {
  const events: TraceEvent[] = [];
  const onData = (e: { value: object[] }) => events.push(...(e.value as TraceEvent[]));
  cdp.on('Tracing.dataCollected', onData);
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,cc,gpu,viz,blink',
    transferMode: 'ReportEvents',
  });
  await run();
  const done = new Promise<void>((res) => cdp.once('Tracing.tracingComplete', () => res()));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  const threads = new Map<string, string>();
  for (const e of events)
    if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
  const by = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (e.ph !== 'X' || e.dur === undefined) continue;
    const k = `${threads.get(`${e.pid}:${e.tid}`) ?? e.tid} / ${e.name}`;
    const v = by.get(k) ?? { ms: 0, n: 0 };
    v.ms += e.dur / 1000;
    v.n++;
    by.set(k, v);
  }
  return [...by.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, Number(process.env.JCR_BENCH_TRACE_LINES ?? 30))
    .map(([k, v]) => `${v.ms.toFixed(0).padStart(7)} ms ${String(v.n).padStart(6)}x  ${k}`);
}

async function phase(
  page: Page,
  cdp: CDPSession,
  ms: number,
  pan: boolean,
  profile = false,
): Promise<{ frames: number[]; draws: number[]; cpu: Metrics }> {
  const before = await page.evaluate(() => window.__jcr.stats().map?.drawMs.length ?? 0);
  if (profile) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
    await cdp.send('Profiler.start');
  }
  const m0 = await metrics(cdp);
  await page.evaluate(START_FRAMES);
  const t0 = Date.now();
  if (pan) {
    const box = await page.locator('.jcr-map-canvas').boundingBox();
    if (!box) throw new Error('no map');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    let dir = 1;
    while (Date.now() - t0 < ms) {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      await page.mouse.move(cx + dir * 200, cy + dir * 60, { steps: 30 });
      await page.mouse.up();
      dir = -dir;
    }
  } else await page.waitForTimeout(ms);
  const frames = (await page.evaluate(STOP_FRAMES)) as number[];
  const m1 = await metrics(cdp);
  if (profile) {
    const { profile: p } = (await cdp.send('Profiler.stop')) as {
      profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] };
    };
    process.stderr.write(
      `--- CPU profile, ${pan ? 'panning' : 'still map'} (self time) ---\n${topSelf(p).join('\n')}\n`,
    );
  }
  const all = await page.evaluate(() => window.__jcr.stats().map?.drawMs ?? []);
  const cpu = {} as Metrics;
  for (const k of METRICS) cpu[k] = m1[k] - m0[k];
  return { frames, draws: all.slice(before), cpu };
}

/**
 * The client tree as it is, with OLD_PATHS as they were at `commit`, bundled into a temporary
 * directory (the page gets it through page.route). Built from a copy beside client/ so that
 * imports resolve to the same proto/ and node_modules.
 */
async function buildOldClient(commit: string): Promise<string> {
  // Beside client/ (not in bench/): the copy's imports of ../proto/ must reach the same files.
  const src = mkdtempSync('.old-client-');
  const out = mkdtempSync(join(tmpdir(), 'jcr-bench-old-dist-'));
  try {
    cpSync('client', src, { recursive: true, filter: (p) => !basename(p).startsWith('.') && basename(p) !== 'dist' });
    for (const path of OLD_PATHS) {
      const text = execFileSync('git', ['show', `${commit}:${path}`], { encoding: 'utf8' });
      const to = join(src, path.replace(/^client\//, ''));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, text);
    }
    await buildClient({ outdir: out, entry: join(src, 'main.ts') });
  } finally {
    rmSync(src, { recursive: true, force: true });
  }
  return out;
}

const CONTENT_TYPE: Record<string, string> = { js: 'text/javascript', css: 'text/css', map: 'application/json' };

interface PhaseResult {
  frames: number[];
  draws: number[];
  cpu: Metrics;
}

type Variant = 'old' | 'new' | 'off';

interface SessionResult {
  variant: Variant;
  still: PhaseResult;
  pan: PhaseResult;
  churn: PhaseResult;
  churnHidden: PhaseResult;
  z13Still: PhaseResult;
  z13Pan: PhaseResult;
  z15Still: PhaseResult;
  z15Pan: PhaseResult;
  z15Zoom: number;
  /** Town and road labels placed, at county zoom, 13 and 15 (last placement), and placements' times. */
  placed: { county: number; z13: number; z15: number };
  placeMs: number[];
  /** Each placement's longest slice, ms (empty for code that places in one go: placeMs is its one slice). */
  sliceMs: number[];
  /** The alert banner was showing, and the Standards tab open, during the measured map phases. */
  banner: boolean;
  standards: boolean;
  z13Zoom: number;
  z13Drawn: number;
  /** Labels drawn in the last redraw at zoom 13 (the new layer counts them; null for old code). */
  z13Labels: number | null;
  /** Board row templates built per second of churn, shown and hidden (new code only). */
  boardRowsPerS: number | null;
  boardRowsPerSHidden: number | null;
  statsUpdates: number;
  drawnLastFrame: number;
}

const BOARD_ROWS = `(() => { const b = document.querySelector('jcr-resource-board'); return b && b.stats ? b.stats.rows : null; })()`;

async function session(
  variant: Variant,
  oldDist: string | null,
  browser: Awaited<ReturnType<typeof launchBrowser>>,
  serverUrl: string,
  churn: { on: boolean },
): Promise<SessionResult> {
  const page = await browser.context.newPage();
  if (variant === 'old') {
    if (!oldDist) throw new Error('no old bundle');
    await page.route(
      (u) => /^\/app\.(js|css)(\.map)?$/.test(u.pathname),
      async (route) => {
        const name = new URL(route.request().url()).pathname.slice(1);
        await route.fulfill({
          body: readFileSync(join(oldDist, name)),
          headers: { 'content-type': CONTENT_TYPE[name.split('.').pop() ?? ''] ?? 'application/octet-stream' },
        });
      },
    );
  }
  if (variant === 'off')
    await page.route(
      (u) => u.pathname === '/api/map/labels',
      (route) =>
        route.fulfill({
          body: JSON.stringify({ places: [], roads: [] }),
          headers: { 'content-type': 'application/json' },
        }),
    );
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const profile = process.env.JCR_BENCH_PROFILE === '1';
  const trace = process.env.JCR_BENCH_PROFILE === 'trace';
  await page.goto(serverUrl + '/');
  await page.waitForFunction(
    (n) => {
      const st = window.__jcr?.stats();
      return st !== undefined && st.resources === n && st.map !== null && st.map.resourcesDrawn > n * 0.9;
    },
    N,
    { timeout: 60_000 },
  );
  // The room at a glance: the alert banner (the incidents' alerts) and the Standards tab open.
  await page.waitForFunction(
    () => document.querySelector('jcr-alert-banner')?.shadowRoot?.querySelector('[data-alert]') !== null,
    undefined,
    { timeout: 30_000 },
  );
  await page.getByRole('tab', { name: /Standards/ }).click();
  await page.locator('jcr-standards-panel').waitFor();
  // Warm-up: let several position rounds arrive and the JIT settle.
  await phase(page, cdp, 3000, false);
  await phase(page, cdp, 2000, true);
  if (trace) {
    // Where the main and compositor threads spend their time (including paint and raster, which a
    // JS profile shows only as "(program)"); the figures below are then taken under tracing.
    for (const pan of [false, true]) {
      const lines = await traceDuring(cdp, async () => void (await phase(page, cdp, 3000, pan)));
      process.stderr.write(
        `--- trace, ${pan ? 'panning' : 'still map'} 3 s (total duration by thread / event) ---\n${lines.join('\n')}\n`,
      );
    }
  }
  const still = await phase(page, cdp, SECONDS * 1000, false, profile);
  const pan = await phase(page, cdp, SECONDS * 1000, true, profile);
  const placedCounty = await page.evaluate(() => window.__jcr.stats().map?.placeLabels ?? 0);

  // Status churn with the board shown, then hidden.
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.waitForFunction(
    () =>
      (document.querySelector('jcr-resource-board')?.shadowRoot?.querySelectorAll('button[data-resource-id]').length ??
        0) > 0,
  );
  churn.on = true;
  await phase(page, cdp, 1000, false);
  const rows0 = (await page.evaluate(BOARD_ROWS)) as number | null;
  const churnShown = await phase(page, cdp, SECONDS * 1000, false, profile);
  const rows1 = (await page.evaluate(BOARD_ROWS)) as number | null;
  await page.getByRole('tab', { name: /Incidents/ }).click();
  await phase(page, cdp, 1000, false);
  const rows2 = (await page.evaluate(BOARD_ROWS)) as number | null;
  const churnHidden = await phase(page, cdp, SECONDS * 1000, false, profile);
  const rows3 = (await page.evaluate(BOARD_ROWS)) as number | null;
  churn.on = false;

  // Zoom 13: call-sign labels. The map's own key: + zooms in one step while it has focus.
  await page.getByRole('tab', { name: /Standards/ }).click();
  await page.locator('.jcr-map-canvas').focus();
  await zoomTo(page, 13);
  await phase(page, cdp, 2000, false);
  const z13Still = await phase(page, cdp, SECONDS * 1000, false, profile);
  const z13Pan = await phase(page, cdp, SECONDS * 1000, true, profile);
  const stats = await page.evaluate(() => window.__jcr.stats());
  const labels = (stats.map as { labelsDrawn?: number } | null)?.labelsDrawn;
  const placedZ13 = stats.map?.placeLabels ?? 0;
  // Zoom 15: street names.
  await zoomTo(page, 15);
  await phase(page, cdp, 2000, false);
  const z15Still = await phase(page, cdp, SECONDS * 1000, false, profile);
  const z15Pan = await phase(page, cdp, SECONDS * 1000, true, profile);
  const s15 = await page.evaluate(() => window.__jcr.stats().map);
  const glance = await page.evaluate(() => ({
    banner: document.querySelector('jcr-alert-banner')?.shadowRoot?.querySelector('[data-alert]') != null,
    standards: !(document.querySelector('#panel-standards') as HTMLElement | null)?.hidden,
  }));
  await page.close();
  const perS = (a: number | null, b: number | null) => (a === null || b === null ? null : r2((b - a) / SECONDS));
  return {
    variant,
    still,
    pan,
    churn: churnShown,
    churnHidden,
    z13Still,
    z13Pan,
    z15Still,
    z15Pan,
    z15Zoom: s15?.zoom ?? 0,
    placed: { county: placedCounty, z13: placedZ13, z15: s15?.placeLabels ?? 0 },
    placeMs: s15?.placeMs ?? [],
    sliceMs: (s15 as { placeSliceMs?: number[] } | null)?.placeSliceMs ?? [],
    banner: glance.banner,
    standards: glance.standards,
    z13Zoom: stats.map?.zoom ?? 0,
    z13Drawn: stats.map?.resourcesDrawn ?? 0,
    z13Labels: typeof labels === 'number' ? labels : null,
    boardRowsPerS: perS(rows0, rows1),
    boardRowsPerSHidden: perS(rows2, rows3),
    statsUpdates: stats.updates,
    drawnLastFrame: stats.map?.resourcesDrawn ?? 0,
  };
}

/** Press + on the focused map until it reaches `target` (Leaflet ignores the key mid-animation). */
async function zoomTo(page: Page, target: number): Promise<void> {
  for (let i = 0; i < 10 && (await page.evaluate(() => window.__jcr.stats().map?.zoom ?? 0)) < target; i++) {
    const z = await page.evaluate(() => window.__jcr.stats().map?.zoom ?? 0);
    for (let attempt = 0; ; attempt++) {
      await page.keyboard.press('+');
      try {
        await page.waitForFunction((z0) => (window.__jcr.stats().map?.zoom ?? 0) > z0, z, { timeout: 3000 });
        break;
      } catch (e) {
        if (attempt >= 4) throw e;
      }
    }
  }
}

/** The figures of one session. */
function figures(x: SessionResult): Record<string, number | null> {
  const frames = [...x.still.frames, ...x.pan.frames];
  const draws = [...x.still.draws, ...x.pan.draws];
  const perS = (ms: number) => r2((ms * 1000) / SECONDS);
  return {
    frame_ms_p95: r2(pct(frames, 95)),
    frame_ms_median: r2(pct(frames, 50)),
    still_frame_ms_p95: r2(pct(x.still.frames, 95)),
    pan_frame_ms_p95: r2(pct(x.pan.frames, 95)),
    frame_ms_p95_churn: r2(pct(x.churn.frames, 95)),
    frame_ms_p95_churn_hidden: r2(pct(x.churnHidden.frames, 95)),
    frame_ms_median_churn: r2(pct(x.churn.frames, 50)),
    z13_still_frame_ms_p95: r2(pct(x.z13Still.frames, 95)),
    z13_pan_frame_ms_p95: r2(pct(x.z13Pan.frames, 95)),
    z13_draw_ms_median: r2(pct([...x.z13Still.draws, ...x.z13Pan.draws], 50)),
    z13_draw_ms_p95: r2(pct([...x.z13Still.draws, ...x.z13Pan.draws], 95)),
    z13_resources_drawn: x.z13Drawn,
    z13_labels_drawn: x.z13Labels,
    z13_zoom: x.z13Zoom,
    z15_still_frame_ms_p95: r2(pct(x.z15Still.frames, 95)),
    z15_pan_frame_ms_p95: r2(pct(x.z15Pan.frames, 95)),
    z15_draw_ms_median: r2(pct([...x.z15Still.draws, ...x.z15Pan.draws], 50)),
    z15_zoom: x.z15Zoom,
    z15_pan_main_ms_per_s: perS(x.z15Pan.cpu.TaskDuration),
    labels_placed_county: x.placed.county,
    labels_placed_z13: x.placed.z13,
    labels_placed_z15: x.placed.z15,
    label_placements: x.placeMs.length,
    label_place_ms_median: r2(pct(x.placeMs, 50)),
    label_place_ms_p95: r2(pct(x.placeMs, 95)),
    // The longest stretch of placing in one task, per placement (code placing in one go: the whole).
    label_slice_ms_p95: r2(pct(x.sliceMs.length > 0 ? x.sliceMs : x.placeMs, 95)),
    label_slice_ms_max: r2(Math.max(0, ...(x.sliceMs.length > 0 ? x.sliceMs : x.placeMs))),
    banner_on: x.banner ? 1 : 0,
    standards_on: x.standards ? 1 : 0,
    draw_ms_median: r2(pct(draws, 50)),
    draw_ms_p95: r2(pct(draws, 95)),
    draw_ms_median_churn: r2(pct(x.churn.draws, 50)),
    draws_still: x.still.draws.length,
    draws_pan: x.pan.draws.length,
    // Renderer main-thread time per second of each phase (CDP Performance metrics), ms.
    still_main_ms_per_s: perS(x.still.cpu.TaskDuration),
    pan_main_ms_per_s: perS(x.pan.cpu.TaskDuration),
    churn_main_ms_per_s: perS(x.churn.cpu.TaskDuration),
    churn_script_ms_per_s: perS(x.churn.cpu.ScriptDuration),
    churn_layout_style_ms_per_s: perS(x.churn.cpu.LayoutDuration + x.churn.cpu.RecalcStyleDuration),
    churn_hidden_main_ms_per_s: perS(x.churnHidden.cpu.TaskDuration),
    churn_hidden_script_ms_per_s: perS(x.churnHidden.cpu.ScriptDuration),
    z13_still_main_ms_per_s: perS(x.z13Still.cpu.TaskDuration),
    z13_pan_main_ms_per_s: perS(x.z13Pan.cpu.TaskDuration),
    board_rows_per_s_churn: x.boardRowsPerS,
    board_rows_per_s_churn_hidden: x.boardRowsPerSHidden,
  };
}

function medianOf(runs: Record<string, number | null>[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const k of Object.keys(runs[0] ?? {})) {
    const xs = runs.map((r) => r[k]).filter((v): v is number => typeof v === 'number');
    out[k] = xs.length === 0 ? null : r2(pct(xs, 50));
  }
  return out;
}

async function main(): Promise<void> {
  await buildClientForTests();
  const oldDist = OLD ? await buildOldClient(OLD) : null;
  const s = world();
  const server = await startServer({
    scenario: s,
    db: ':memory:',
    port: 0,
    log: createLogger('silent'),
    avl: { token: DEV_TOKEN },
    roads: { roadTable: roadTable(s.bounds) },
  });
  const browser = await launchBrowser();
  // The API is gated: sign the page in as a dispatcher (the screens an operator looks at).
  const token = await signIn(browser.context, server, 'fire-dispatcher');
  // Three priority-1 incidents with no unit sent: their alerts keep the banner up in every phase.
  const b = s.bounds;
  for (let i = 1; i <= 3; i++) {
    const r = await api(server, 'POST', '/api/incidents', {
      token,
      body: {
        typeId: 'dwelling-fire',
        lat: b.south + ((b.north - b.south) * i) / 4,
        lon: b.west + ((b.east - b.west) * i) / 4,
        address: `Bench ${i}`,
      },
    });
    if (r.status !== 201) throw new Error(`incident ${i}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const feed = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
  const churnFeed = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
  // Positions: each resource drives in its own direction, turning a little each second.
  const r = rng(7);
  const pos = s.resources.map((d) => {
    const st = s.stations.find((x) => x.id === d.station) as Station;
    return { id: d.id, lat: st.lat, lon: st.lon, hdg: r() * 360, v: 10 + r() * 10, status: 1 };
  });
  let seq = 0;
  let sending = true;
  const tick = async () => {
    const now = Date.now() - 500;
    for (const p of pos) {
      p.hdg = (p.hdg + (r() - 0.5) * 30 + 360) % 360;
      const a = (p.hdg * Math.PI) / 180;
      p.lat += (Math.cos(a) * p.v) / 111_320;
      p.lon += (Math.sin(a) * p.v) / (111_320 * Math.cos((p.lat * Math.PI) / 180));
    }
    const reports = pos.map((p) => ({
      resourceId: p.id,
      lat: p.lat,
      lon: p.lon,
      speedMps: p.v,
      headingDeg: p.hdg,
      fixTimeMs: now,
      accuracyM: 5,
      status: 0,
    }));
    const ack = await feed.send(++seq, reports);
    if (ack.accepted < N * 0.99) process.stderr.write(`warning: batch ${seq} accepted ${ack.accepted}/${N}\n`);
  };
  const loop = (async () => {
    while (sending) {
      const t = Date.now();
      await tick();
      await new Promise((res) => setTimeout(res, Math.max(0, 1000 - (Date.now() - t))));
    }
  })();
  // Status churn: CHURN_PER_S a second round the fleet, each report at the resource's position.
  const churn = { on: false };
  let churnSeq = 0;
  let churnNext = 0;
  let churnSent = 0;
  let churnAccepted = 0;
  const perBatch = Math.round((CHURN_PER_S * CHURN_EVERY_MS) / 1000);
  const churnLoop = (async () => {
    while (sending) {
      const t = Date.now();
      if (churn.on) {
        const now = Date.now() - 500;
        const reports = [];
        for (let k = 0; k < perBatch; k++) {
          const p = pos[churnNext++ % N] as (typeof pos)[number];
          p.status = p.status === 6 ? 2 : 6;
          reports.push({
            resourceId: p.id,
            lat: p.lat,
            lon: p.lon,
            speedMps: p.v,
            headingDeg: p.hdg,
            fixTimeMs: now,
            accuracyM: 5,
            status: p.status,
          });
        }
        const ack = await churnFeed.send(++churnSeq, reports);
        churnSent += reports.length;
        churnAccepted += ack.accepted;
      }
      await new Promise((res) => setTimeout(res, Math.max(0, CHURN_EVERY_MS - (Date.now() - t))));
    }
  })();

  const runs: SessionResult[] = [];
  const order: Variant[] = [];
  const other: Variant = OLD ? 'old' : 'off';
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first, so neither always runs on the warmer server.
    if (PAIRED) order.push(...(i % 2 === 0 ? [other, 'new' as const] : ['new' as const, other]));
    else order.push('new');
  }
  for (const v of order) {
    const x = await session(v, oldDist, browser, server.url, churn);
    runs.push(x);
    const f = figures(x);
    process.stdout.write(
      `  ${v}: frame p95 ${f['frame_ms_p95']} ms (still ${f['still_frame_ms_p95']}, pan ${f['pan_frame_ms_p95']}); churn p95 ${f['frame_ms_p95_churn']} ms shown, ${f['frame_ms_p95_churn_hidden']} hidden (main ${f['churn_main_ms_per_s']} / ${f['churn_hidden_main_ms_per_s']} ms/s); z13 pan p95 ${f['z13_pan_frame_ms_p95']} ms, draw median ${f['z13_draw_ms_median']} ms (${f['z13_resources_drawn']} in view); z15 pan p95 ${f['z15_pan_frame_ms_p95']} ms; labels ${f['labels_placed_county']}/${f['labels_placed_z13']}/${f['labels_placed_z15']}, placement median ${f['label_place_ms_median']} ms p95 ${f['label_place_ms_p95']}, longest slice p95 ${f['label_slice_ms_p95']} max ${f['label_slice_ms_max']} (${f['label_placements']}); banner ${f['banner_on']}, standards ${f['standards_on']}; load ${r2(loadavg()[0] ?? 0)}\n`,
    );
  }

  sending = false;
  await loop;
  await churnLoop;
  feed.close();
  churnFeed.close();
  await browser.close();
  await server.close();
  if (oldDist) rmSync(oldDist, { recursive: true, force: true });

  const newer = medianOf(runs.filter((x) => x.variant === 'new').map(figures));
  const older = PAIRED ? medianOf(runs.filter((x) => x.variant === other).map(figures)) : null;
  const ratio = (k: string) => {
    const a = newer[k];
    const b = older?.[k];
    return typeof a === 'number' && typeof b === 'number' && b > 0 ? r2(a / b) : null;
  };
  const out = {
    bench: 'client',
    resources: N,
    seconds_per_phase: SECONDS,
    rounds: ROUNDS,
    churn_per_s: CHURN_PER_S,
    churn_reports_sent: churnSent,
    churn_reports_accepted: churnAccepted,
    load_avg_1m: r2(loadavg()[0] ?? 0),
    ...newer,
    ...(older
      ? {
          ...(OLD ? { old_commit: OLD } : { compared: 'labels on (above) vs off' }),
          [OLD ? 'old' : 'labels_off']: older,
          [OLD ? 'ratio_new_old' : 'ratio_on_off']: Object.fromEntries(
            [
              'frame_ms_p95',
              'frame_ms_p95_churn',
              'frame_ms_p95_churn_hidden',
              'churn_main_ms_per_s',
              'churn_hidden_main_ms_per_s',
              'churn_script_ms_per_s',
              'z13_pan_frame_ms_p95',
              'z13_draw_ms_median',
              'z13_pan_main_ms_per_s',
              'z15_pan_frame_ms_p95',
              'z15_pan_main_ms_per_s',
              'label_place_ms_p95',
              'label_slice_ms_p95',
            ].map((k) => [k, ratio(k)]),
          ),
        }
      : {}),
  };
  process.stdout.write(
    `2,000 moving resources (positions over /ws/avl every second, COP feed in the page), ${CHURN_PER_S} status changes/s in the churn phases, medians of ${ROUNDS} round(s)\n`,
  );
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
