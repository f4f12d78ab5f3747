/**
 * The statistics screen (issue 17 item 4 acceptance) in headless Chromium under the production
 * CSP: a recorded Hertfordshire day (test/fixtures/recordings/herts-24h-seed7-status.ndjson, 199
 * calls, the crews' status messages without positions: `npm run sim -- record --hours 24 --seed 7
 * --start 2026-01-05T06:00:00Z --status-only`) is replayed as fast as the server answers (the replay's wall clock is advanced by its own sleeps,
 * the server runs on the replay's virtual clock), then a duty officer opens Statistics from the
 * header. Every plot is drawn: a uPlot canvas of non-zero size with ink on it and the series the
 * report implies, the CSV link answers the table; no console error and no CSP violation, at load
 * or after (test/support/csp.ts records them).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { StatisticsReport } from '../../proto/statistics.ts';
import { parseRecording } from '../../sim/record/format.ts';
import { Replay } from '../../sim/replay/replay.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';
import { cspViolations } from '../support/csp.ts';
import { api } from '../support/server.ts';

const FIXTURE = 'test/fixtures/recordings/herts-24h-seed7-status.ndjson';
const AVL_TOKEN = 'statistics-browser-token-0123456789';
const KMH = { fire: 40, police: 45, ambulance: 42, drone: 60 };

let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];
let report: StatisticsReport;

test.before(async () => {
  const rec = parseRecording(readFileSync(FIXTURE, 'utf8'));
  let replay: Replay | undefined;
  screen = await openScreen(
    {
      scenario: loadScenario('sim/scenarios/hertfordshire/scenario.json'),
      clock: () => (replay ? replay.virtualNow() : rec.header.startMs),
      avl: { token: AVL_TOKEN },
      // Recommendations on straight-line journeys, so the replay's mobilisations are decisions
      // (accepted, or overridden where the recording chose other units).
      roads: { mobilisation: { journeys: new StraightLineJourneyTimes(KMH, ['drone']), cover: null } },
    },
    'duty-officer',
  );
  ({ server, page, errors } = screen);
  // A session lasts a shift (13 h) on the server's clock, which here runs through a whole day:
  // the replay and the page keep theirs, as an operator signing in again would.
  server.store.db.prepare('UPDATE sessions SET expires_at = ?').run(rec.header.startMs + 2 * 86_400_000);
  // At speed: each wait of the replay moves its wall clock on at once.
  let wall = 0;
  replay = new Replay(rec, {
    baseUrl: server.url,
    avlToken: AVL_TOKEN,
    apiToken: screen.token,
    speed: 60,
    fixBase: rec.header.startMs,
    wallNow: () => wall,
    sleep: async (ms) => {
      wall += ms;
      await new Promise((r) => setImmediate(r));
    },
  });
  const s = await replay.run();
  assert.is(s.incidents.sent, 199);
  assert.is(s.avl.rejected, 0);
  const r = await api(server, 'GET', '/api/statistics', { token: screen.token });
  assert.is(r.status, 200);
  report = r.body as StatisticsReport;
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  // None at load (before client/build.ts kept long.js out, its WebAssembly probe was one).
  assert.equal(await cspViolations(page), []);
});

test.after(async () => {
  await screen?.close();
});

test('the replayed day gives a report worth plotting', () => {
  assert.is(report.incidents.total, 199);
  assert.is(report.days.length, 7); // the default: the last seven local days
  assert.ok(report.response.length >= 3, `${report.response.length} standard targets`);
  assert.ok(
    report.response.some((d) => d.total.counted > 0),
    'some arrival measured',
  );
  assert.equal([report.overrides.decisions, report.overrides.overridden], [199, 53]);
  assert.ok(
    report.utilisation.resources.some((u) => u.committedMs > 0),
    'some unit committed',
  );
});

test('the header opens the statistics screen and every plot is drawn', async () => {
  await page.getByRole('button', { name: 'Statistics' }).click();
  await page.locator('jcr-statistics [data-range]').waitFor();
  const plots = page.locator('jcr-statistics jcr-plot');
  await page.waitForFunction(
    (n) => document.querySelectorAll('jcr-statistics jcr-plot canvas').length === n,
    report.response.length + 4,
  );
  const drawn = await plots.evaluateAll((els) =>
    els.map((el) => {
      const c = el.querySelector('canvas');
      const ctx = c?.getContext('2d');
      let ink = 0;
      if (c && ctx) {
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) ink++;
      }
      return {
        plot: el.getAttribute('data-plot'),
        series: Number(el.getAttribute('data-series')),
        width: c?.getBoundingClientRect().width ?? 0,
        height: c?.getBoundingClientRect().height ?? 0,
        ink,
      };
    }),
  );
  const days = report.days.length;
  const expected = [
    ...report.response.map(() => ({ plot: 'response', series: days + 2 })), // a line a day, the range, the target
    { plot: 'by-hour', series: 4 }, // all, fire, police, ambulance
    { plot: 'by-weekday', series: 4 },
    { plot: 'utilisation', series: 1 },
    { plot: 'requests', series: 3 }, // to fire, police, ambulance
  ];
  assert.equal(
    drawn.map((d) => ({ plot: d.plot, series: d.series })),
    expected,
  );
  for (const d of drawn) {
    assert.ok(d.width > 200 && d.height > 100, `${d.plot}: canvas ${d.width}×${d.height}`);
    assert.ok(d.ink > 1000, `${d.plot}: ${d.ink} painted pixels`);
  }
  await screenshot(page, 'statistics-screen');
  assert.equal(await cspViolations(page), []);
  assert.equal(errors, []);
});

test("each table's CSV link answers that table; Back returns to the room", async () => {
  const href = await page.locator('jcr-statistics [data-table=incidents-by-weekday] a.csv').getAttribute('href');
  assert.ok(href);
  const csv = await page.evaluate(async (u) => (await fetch(u)).text(), href);
  const lines = csv.split('\r\n');
  assert.is(lines[0], 'weekday,total,fire,police,ambulance');
  assert.is(lines.length, 9); // header, seven days, the empty string after the last CRLF
  const total = lines.slice(1, 8).reduce((n, l) => n + Number(l.split(',')[1]), 0);
  assert.is(total, 199);
  await page.getByRole('button', { name: 'Back to the room' }).click();
  assert.is(await page.locator('jcr-statistics').count(), 0);
  assert.ok(await page.locator('jcr-map').isVisible());
  assert.equal(await cspViolations(page), []);
  assert.equal(errors, []);
});

test('a report handed to the screen (the hook for a saved compare report) is drawn as given', async () => {
  await page.getByRole('button', { name: 'Statistics' }).click();
  await page.locator('jcr-statistics [data-range]').waitFor();
  // One standard target, its "days" two modes of a compare run; nothing else.
  const first = report.response[0]!;
  const given: StatisticsReport = {
    ...report,
    response: [
      {
        ...first,
        days: [
          { ...first.total, date: 'static' },
          { ...first.total, date: 'dynamic+cover' },
        ],
      },
    ],
    requests: { rows: [], pairs: [] },
  };
  await page.evaluate((r) => {
    document.querySelector('jcr-statistics')!.report = r;
  }, given);
  await page.waitForFunction(
    () => document.querySelectorAll('jcr-statistics jcr-plot[data-plot=response]').length === 1,
  );
  const labels = await page
    .locator('jcr-statistics jcr-plot[data-plot=response]')
    .evaluate((el) => (el as HTMLElementTagNameMap['jcr-plot']).plot?.series.map((x) => x.label));
  assert.equal(labels, [
    'minutes',
    'static',
    'dynamic+cover',
    'whole range',
    `target ${Math.round(first.targetShare * 100)}%`,
  ]);
  assert.is(await page.locator('jcr-statistics a.csv').count(), 0);
  assert.equal(await cspViolations(page), []);
  assert.equal(errors, []);
});

test.run();
