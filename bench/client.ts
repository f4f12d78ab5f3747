/**
 * `npm run bench -- client [seconds]`: the screens with 2,000 moving resources, in headless
 * Chromium (Debian's, via playwright-core) against a real server.
 *
 * Seeded world: 60 stations and 2,000 resources (fire, police, ambulance) over the mini
 * scenario's bounds. A feed sends every resource's position over the real /ws/avl once a second
 * (plausible 10–20 m/s moves with heading); the page takes them from its live feed, batches the
 * store updates per animation frame and redraws the canvas layer. We measure, after a warm-up:
 *   1. still map: requestAnimationFrame intervals and the layer's draw time, resources moving;
 *   2. panning: the same while the map is dragged continuously (a redraw every frame).
 * Last line: one JSON object with frame_ms_p95 (both phases together), per-phase figures, and
 * draw_ms_p95/median.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { Agency, ResourceDef, Scenario, Station } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from '../test/fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN } from '../test/support/avl.ts';
import { buildClientForTests, launchBrowser, signIn } from '../test/support/browser.ts';

const SECONDS = Number(process.argv[2] ?? 8);
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
    stations.push({ id: `S${i}`, name: `Station ${i}`, agency, lat: b.south + r() * (b.north - b.south), lon: b.west + r() * (b.east - b.west) });
  }
  const resources: ResourceDef[] = [];
  for (let i = 0; i < N; i++) {
    const st = stations[i % stations.length] as Station;
    const cls = st.agency === 'fire' ? 'fire' : st.agency;
    resources.push({ id: `R${i}`, callSign: `${st.agency.slice(0, 1).toUpperCase()}${i}`, agency: st.agency, type: st.agency === 'fire' ? 'pump' : st.agency === 'police' ? 'response-car' : 'ambulance', capabilities: [], station: st.id, crewing: 'mobile', vehicleClass: cls });
  }
  return { ...s, id: 'bench-2000', name: 'Bench: 2,000 resources', stations, resources, posts: [] };
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
const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration', 'LayoutCount', 'RecalcStyleCount'] as const;
type Metrics = Record<(typeof METRICS)[number], number>;
async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
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
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,disabled-by-default-devtools.timeline,cc,gpu,viz,blink', transferMode: 'ReportEvents' });
  await run();
  const done = new Promise<void>((res) => cdp.once('Tracing.tracingComplete', () => res()));
  await cdp.send('Tracing.end');
  await done;
  cdp.off('Tracing.dataCollected', onData);
  const threads = new Map<string, string>();
  for (const e of events) if (e.ph === 'M' && e.name === 'thread_name') threads.set(`${e.pid}:${e.tid}`, e.args?.name ?? '?');
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

async function phase(page: Page, cdp: CDPSession, ms: number, pan: boolean, profile = false): Promise<{ frames: number[]; draws: number[]; cpu: Metrics }> {
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
    const { profile: p } = (await cdp.send('Profiler.stop')) as { profile: { nodes: ProfileNode[]; samples?: number[]; timeDeltas?: number[] } };
    process.stderr.write(`--- CPU profile, ${pan ? 'panning' : 'still map'} (self time) ---\n${topSelf(p).join('\n')}\n`);
  }
  const all = await page.evaluate(() => window.__jcr.stats().map?.drawMs ?? []);
  const cpu = {} as Metrics;
  for (const k of METRICS) cpu[k] = m1[k] - m0[k];
  return { frames, draws: all.slice(before), cpu };
}

async function main(): Promise<void> {
  await buildClientForTests();
  const s = world();
  const server = await startServer({ scenario: s, db: ':memory:', port: 0, logger: createLogger('silent'), avlToken: DEV_TOKEN });
  const browser = await launchBrowser();
  // The API is gated: sign the page in as a dispatcher (the screens an operator looks at).
  await signIn(browser.context, server, 'fire-dispatcher');
  const feed = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
  // Positions: each resource drives in its own direction, turning a little each second.
  const r = rng(7);
  const pos = s.resources.map((d) => {
    const st = s.stations.find((x) => x.id === d.station) as Station;
    return { id: d.id, lat: st.lat, lon: st.lon, hdg: r() * 360, v: 10 + r() * 10 };
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
    const reports = pos.map((p) => ({ resourceId: p.id, lat: p.lat, lon: p.lon, speedMps: p.v, headingDeg: p.hdg, fixTimeMs: now, accuracyM: 5, status: 0 }));
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

  const page = await browser.context.newPage();
  const cdp = await browser.context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const profile = process.env.JCR_BENCH_PROFILE === '1';
  const trace = process.env.JCR_BENCH_PROFILE === 'trace';
  await page.goto(server.url + '/');
  await page.waitForFunction((n) => {
    const st = window.__jcr?.stats();
    return st !== undefined && st.resources === n && st.map !== null && st.map.resourcesDrawn > n * 0.9;
  }, N, { timeout: 60_000 });
  // Warm-up: let several position rounds arrive and the JIT settle.
  await phase(page, cdp, 3000, false);
  await phase(page, cdp, 2000, true);
  if (trace) {
    // Where the main and compositor threads spend their time (including paint and raster, which a
    // JS profile shows only as "(program)"); the figures below are then taken under tracing.
    for (const pan of [false, true]) {
      const lines = await traceDuring(cdp, async () => void (await phase(page, cdp, 3000, pan)));
      process.stderr.write(`--- trace, ${pan ? 'panning' : 'still map'} 3 s (total duration by thread / event) ---\n${lines.join('\n')}\n`);
    }
  }
  const still = await phase(page, cdp, SECONDS * 1000, false, profile);
  const pan = await phase(page, cdp, SECONDS * 1000, true, profile);
  const stats = await page.evaluate(() => window.__jcr.stats());

  sending = false;
  await loop;
  feed.close();
  await browser.close();
  await server.close();

  const frames = [...still.frames, ...pan.frames];
  const draws = [...still.draws, ...pan.draws];
  const out = {
    bench: 'client',
    resources: N,
    seconds_per_phase: SECONDS,
    drawn_last_frame: stats.map?.resourcesDrawn ?? 0,
    store_updates: stats.updates,
    frame_ms_p95: r2(pct(frames, 95)),
    frame_ms_median: r2(pct(frames, 50)),
    frame_ms_max: r2(Math.max(...frames)),
    still_frame_ms_p95: r2(pct(still.frames, 95)),
    pan_frame_ms_p95: r2(pct(pan.frames, 95)),
    frames_still: still.frames.length,
    frames_pan: pan.frames.length,
    draw_ms_median: r2(pct(draws, 50)),
    draw_ms_p95: r2(pct(draws, 95)),
    draws_still: still.draws.length,
    draws_pan: pan.draws.length,
    // Renderer main-thread time per second of each phase (CDP Performance metrics), ms.
    still_main_ms_per_s: r2((still.cpu.TaskDuration * 1000) / SECONDS),
    still_script_ms_per_s: r2((still.cpu.ScriptDuration * 1000) / SECONDS),
    still_layout_style_ms_per_s: r2(((still.cpu.LayoutDuration + still.cpu.RecalcStyleDuration) * 1000) / SECONDS),
    pan_main_ms_per_s: r2((pan.cpu.TaskDuration * 1000) / SECONDS),
    pan_script_ms_per_s: r2((pan.cpu.ScriptDuration * 1000) / SECONDS),
    pan_layout_style_ms_per_s: r2(((pan.cpu.LayoutDuration + pan.cpu.RecalcStyleDuration) * 1000) / SECONDS),
    layouts_still: still.cpu.LayoutCount,
    layouts_pan: pan.cpu.LayoutCount,
  };
  process.stdout.write(`2,000 moving resources (positions over /ws/avl every second, COP feed in the page)\n`);
  process.stdout.write(`  main thread: still ${out.still_main_ms_per_s} ms/s (script ${out.still_script_ms_per_s}, layout+style ${out.still_layout_style_ms_per_s}); panning ${out.pan_main_ms_per_s} ms/s (script ${out.pan_script_ms_per_s}, layout+style ${out.pan_layout_style_ms_per_s})\n`);
  process.stdout.write(`  still map: ${out.frames_still} frames, p95 ${out.still_frame_ms_p95} ms; ${out.draws_still} redraws\n`);
  process.stdout.write(`  panning:   ${out.frames_pan} frames, p95 ${out.pan_frame_ms_p95} ms; ${out.draws_pan} redraws\n`);
  process.stdout.write(`  layer draw: median ${out.draw_ms_median} ms, p95 ${out.draw_ms_p95} ms\n`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
