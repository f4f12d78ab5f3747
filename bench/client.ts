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
import type { Page } from 'playwright-core';
import type { Agency, ResourceDef, Scenario, Station } from '../server/core/scenario/types.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from '../test/fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN } from '../test/support/avl.ts';
import { buildClientForTests, launchBrowser } from '../test/support/browser.ts';

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

async function phase(page: Page, ms: number, pan: boolean): Promise<{ frames: number[]; draws: number[] }> {
  const before = await page.evaluate(() => window.__jcr.stats().map?.drawMs.length ?? 0);
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
  const all = await page.evaluate(() => window.__jcr.stats().map?.drawMs ?? []);
  return { frames, draws: all.slice(before) };
}

async function main(): Promise<void> {
  await buildClientForTests();
  const s = world();
  const server = await startServer({ scenario: s, db: ':memory:', port: 0, logger: createLogger('silent'), avlToken: DEV_TOKEN });
  const browser = await launchBrowser();
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
  await page.goto(server.url + '/');
  await page.waitForFunction((n) => {
    const st = window.__jcr?.stats();
    return st !== undefined && st.resources === n && st.map !== null && st.map.resourcesDrawn > n * 0.9;
  }, N, { timeout: 60_000 });
  // Warm-up: let several position rounds arrive and the JIT settle.
  await phase(page, 3000, false);
  await phase(page, 2000, true);
  const still = await phase(page, SECONDS * 1000, false);
  const pan = await phase(page, SECONDS * 1000, true);
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
  };
  process.stdout.write(`2,000 moving resources (positions over /ws/avl every second, REST-polling feed in the page)\n`);
  process.stdout.write(`  still map: ${out.frames_still} frames, p95 ${out.still_frame_ms_p95} ms; ${out.draws_still} redraws\n`);
  process.stdout.write(`  panning:   ${out.frames_pan} frames, p95 ${out.pan_frame_ms_p95} ms; ${out.draws_pan} redraws\n`);
  process.stdout.write(`  layer draw: median ${out.draw_ms_median} ms, p95 ${out.draw_ms_p95} ms\n`);
  process.stdout.write(JSON.stringify(out) + '\n');
}

await main();
