/**
 * Issue 20: a duty officer opens a saved compare report on the statistics screen, in headless
 * Chromium under the production CSP. The file (a literal `jcr-outcome-report`, as `npm run sim --
 * compare ... --report FILE` writes it) is picked with "Open saved report…": the screen says what
 * it is, draws a line per mode at the first demand factor, and lists each mode's fraction late
 * against static with its interval; the 2× button shows the other factor; a file dropped on the
 * screen opens the same way; a file that is not a report is refused with a reason; "Back to live
 * statistics" returns to the server's report. Nothing is fetched for the saved file.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { OutcomeReport, TargetResult } from '../../sim/compare/compare.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';

let screen: Screen;
let page: Page;
let errors: string[];
const requests: string[] = [];
/**
 * What the page asks on a timer whatever screen shows: the live feed's REST heartbeat
 * (client/state/cop-feed.ts, every 2 s), the transfer inbox (transfer-controller.ts) and partner
 * resources (partner-resources-controller.ts).
 */
const POLLED = new Set(['/api/incidents', '/api/transfers', '/api/partner-resources']);

const curveS = Array.from({ length: 121 }, (_, i) => i * 30);
/** A target's result whose curve reaches `within` at 8 minutes (index 16) and 1 at 16 minutes. */
function target(n: number, late: number, lateDiff: number, lateCI: [number, number]): TargetResult {
  return {
    n,
    share: 1 - late,
    late,
    meanS: 400,
    medianS: 300,
    p90S: 700,
    lateBySeed: [late, late, late, late, late],
    lateDiff,
    lateCI,
    curve: curveS.map((_, i) => Math.min(1, i <= 16 ? ((1 - late) * i) / 16 : 1 - late + (late * (i - 16)) / 16)),
  };
}
const row = (demand: number, mode: 'static' | 'dynamic+cover', t: TargetResult) => ({
  demand,
  mode,
  incidents: 700 * demand,
  unfilled: 0,
  movesPerIncident: mode === 'static' ? 0 : 0.25,
  moveMinutes: mode === 'static' ? 0 : 2900,
  targets: { 'ambulance-cat1#1': t },
});
const saved: OutcomeReport = {
  format: 'jcr-outcome-report',
  version: 1,
  scenario: 'mini',
  startMs: Date.UTC(2026, 0, 5),
  hours: 168,
  seeds: [1, 2, 3, 4, 5],
  demands: [1, 2],
  modes: ['static', 'dynamic+cover'],
  targets: [{ key: 'ambulance-cat1#1', standardId: 'ambulance-cat1', nth: 1, withinS: 480, share: 0.75 }],
  curveS,
  results: [
    row(1, 'static', target(200, 0.25, 0, [0, 0])),
    row(1, 'dynamic+cover', target(200, 0.2, -0.05, [-0.074, -0.01])),
    row(2, 'static', target(400, 0.75, 0, [0, 0])),
    row(2, 'dynamic+cover', target(400, 0.5, -0.25, [-0.3, -0.2])),
  ],
};
const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

const cells = (sel: string) =>
  page
    .locator(`jcr-statistics ${sel} tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
const seriesLabels = () =>
  page
    .locator('jcr-statistics jcr-plot[data-plot=response]')
    .evaluateAll((els) => els.map((el) => (el as HTMLElementTagNameMap['jcr-plot']).plot?.series.map((x) => x.label)));
const text = (sel: string) =>
  page.locator(`jcr-statistics ${sel}`).evaluate((el) => el.textContent?.replace(/\s+/g, ' ').trim());

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  screen = await openScreen({ scenario: miniScenario(), roads: { mobilisation: { journeys, cover: null } } });
  ({ page, errors } = screen);
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.setViewportSize({ width: 1600, height: 1000 });
  await page.goto(screen.server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  await page.getByRole('button', { name: 'Statistics' }).click();
  await page.locator('jcr-statistics [data-range]').waitFor();
});

test.after(async () => {
  await screen?.close();
});

test('a saved compare report picked with "Open saved report…" is shown a line per mode', async () => {
  requests.length = 0;
  await page.getByLabel('Open saved report…').setInputFiles(file('week.json', JSON.stringify(saved)));
  await page.locator('jcr-statistics [data-saved]').waitFor();
  assert.is(
    await text('[data-saved] p'),
    'Saved report week.json: mini, 168 h from 2026-01-05, 5 seeds, modes static, dynamic+cover.',
  );
  assert.equal(
    await page
      .locator('jcr-statistics [data-demand]')
      .evaluateAll((bs) => bs.map((b) => [b.textContent?.trim(), b.getAttribute('aria-pressed')])),
    [
      ['1× demand', 'true'],
      ['2× demand', 'false'],
    ],
  );
  assert.equal(await seriesLabels(), [['minutes', 'static', 'dynamic+cover', 'whole range', 'target 75%']]);
  assert.is(
    await text('[data-table=late] caption'),
    'Fraction late at 1× demand, against static (95% interval across seeds)',
  );
  assert.equal(await cells('[data-table=late]'), [
    ['ambulance-cat1 #1', 'static', '200', '25.0%', '—'],
    ['ambulance-cat1 #1', 'dynamic+cover', '200', '20.0%', '−5.0 pp [−7.4, −1.0]'],
  ]);
  // The screen's response table, from the curves: within 8 min = the curve at 480 s × n.
  assert.equal(await cells('[data-table=response]'), [
    [
      'Category 1: 8 min on 75% (1× demand)',
      '1',
      '480',
      '75.0%',
      'static',
      '200',
      '150',
      '50',
      '0',
      '75.0%',
      '300',
      '700',
    ],
    [
      'Category 1: 8 min on 75% (1× demand)',
      '1',
      '480',
      '75.0%',
      'dynamic+cover',
      '200',
      '160',
      '40',
      '0',
      '80.0%',
      '300',
      '700',
    ],
    [
      'Category 1: 8 min on 75% (1× demand)',
      '1',
      '480',
      '75.0%',
      'all',
      '200',
      '150',
      '50',
      '0',
      '75.0%',
      '300',
      '700',
    ],
  ]);
  // Only response times: a compare report has no incidents by hour, utilisation or requests.
  assert.equal(
    await page.locator('jcr-statistics section').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-section'))),
    ['response'],
  );
  assert.is(await page.locator('jcr-statistics a.csv').count(), 0);
  // Read in the browser: nothing asked of the server for it. The page's timed polls, whatever
  // screen shows, are not the report's: they fell inside this test whenever it ran longer than
  // their period (a loaded machine).
  assert.equal(
    requests.filter((p) => !POLLED.has(p)),
    [],
  );
  await screenshot(page, 'statistics-saved-report');
  assert.equal(errors, []);
});

test('the 2× button shows the other demand factor', async () => {
  await page.locator('jcr-statistics [data-demand="2"]').click();
  await page.waitForFunction(
    () => document.querySelector('jcr-statistics [data-demand="2"]')?.getAttribute('aria-pressed') === 'true',
  );
  assert.equal(await cells('[data-table=late]'), [
    ['ambulance-cat1 #1', 'static', '400', '75.0%', '—'],
    ['ambulance-cat1 #1', 'dynamic+cover', '400', '50.0%', '−25.0 pp [−30.0, −20.0]'],
  ]);
  assert.is((await cells('[data-table=response]'))[0]![0], 'Category 1: 8 min on 75% (2× demand)');
  assert.equal(errors, []);
});

test('a file that is not a report is refused with the reason; the report shown stays', async () => {
  await page.getByLabel('Open saved report…').setInputFiles(file('notes.txt', 'shift notes'));
  await page.locator('jcr-statistics [data-error]').waitFor();
  assert.is(
    await text('[data-error]'),
    'notes.txt is not JSON: open a report saved by compare --report or --statistics.',
  );
  await page.getByLabel('Open saved report…').setInputFiles(file('other.json', '{"format": "something-else"}'));
  await page.waitForFunction(() =>
    document.querySelector('jcr-statistics [data-error]')?.textContent?.includes('other.json'),
  );
  assert.is(
    await text('[data-error]'),
    'other.json is not a saved report this screen can read (compare --report or --statistics).',
  );
  assert.is(await text('[data-saved] strong'), 'week.json');
  assert.equal(errors, []);
});

test('a report dropped on the screen opens the same way; Back to live statistics returns', async () => {
  const one = { ...saved, demands: [2], results: saved.results.filter((r) => r.demand === 2) };
  await page.locator('jcr-statistics .statistics').evaluate((el, body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'day-2x.json', { type: 'application/json' }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, JSON.stringify(one));
  await page.waitForFunction(
    () => document.querySelector('jcr-statistics [data-saved] strong')?.textContent === 'day-2x.json',
  );
  assert.is(await page.locator('jcr-statistics [data-demand]').count(), 0); // one factor: nothing to choose
  assert.is(await page.locator('jcr-statistics [data-error]').count(), 0);
  assert.is(
    await text('[data-table=late] caption'),
    'Fraction late at 2× demand, against static (95% interval across seeds)',
  );
  await page.getByRole('button', { name: 'Back to live statistics' }).click();
  await page.locator('jcr-statistics [data-range]').waitFor();
  assert.is(await page.locator('jcr-statistics [data-saved]').count(), 0);
  assert.equal(
    await page.locator('jcr-statistics section').evaluateAll((ss) => ss.map((s) => s.getAttribute('data-section'))),
    ['response', 'incidents', 'utilisation', 'requests', 'overrides'],
  );
  assert.equal(errors, []);
});

test.run();
