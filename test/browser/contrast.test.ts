/**
 * WCAG 2.1 AA contrast on the three screens (issue 17 item 1) in headless Chromium against a real
 * server (mini scenario, straight-line journey times, one open priority-1 and one priority-2
 * incident): axe-core's color-contrast rule finds no violation on the wall view, a fire
 * dispatcher's screen (incident selected, so its panel is drawn) and the duty officer's; and the
 * priority diamonds in the wall list stand out from the wall's black at 3:1 (a symbol: axe checks
 * text only).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { axeViolations } from '../support/axe.ts';
import { collectErrors, screenshot, signIn, startBrowserRig, type BrowserRig } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { api, tokenFor } from '../support/server.ts';

let rig: BrowserRig;
let server: RunningServer;
let p1 = '';

/**
 * Page-side, as source text: the lowest contrast ratio between each priority diamond's fill or
 * border (whichever stands out more) and the wall's background, per priority.
 */
const DIAMOND_CONTRAST = `(() => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  const bg = getComputedStyle(document.body).backgroundColor;
  const out = {};
  const q = document.querySelector('jcr-incident-queue');
  for (const d of q.shadowRoot.querySelectorAll('.p')) {
    const s = getComputedStyle(d);
    const best = Math.max(ratio(s.backgroundColor, bg), ratio(s.borderTopColor, bg));
    const p = d.textContent.trim();
    out[p] = Math.min(out[p] ?? Infinity, Math.round(best * 100) / 100);
  }
  return out;
})()`;

async function open(path: string, role: Parameters<typeof signIn>[2]): Promise<{ page: Page; errors: string[] }> {
  await signIn(rig.browser.context, server, role);
  const page = await rig.browser.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  await page.goto(server.url + path);
  await page.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return s !== undefined && s.connection === 'live' && s.incidents === 2 && s.map !== null;
  });
  await page.locator('jcr-incident-queue li').nth(1).waitFor();
  return { page, errors };
}

function report(found: Awaited<ReturnType<typeof axeViolations>>): string {
  return found.map((v) => `${v.rule}: ${v.nodes.map((n) => `${n.target} ${n.summary}`).join('\n  ')}`).join('\n');
}

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  const s = miniScenario();
  s.incidentTypes.push({
    id: 'rtc',
    name: 'Road traffic collision',
    leadAgency: 'fire',
    priority: 2,
    attendance: [{ capability: 'pump', count: 1, agency: 'fire' }],
    standards: ['fire-appliances'],
  });
  rig = await startBrowserRig({ scenario: s, roads: { mobilisation: { journeys, cover: null } } }, null);
  server = rig.server;
  const token = await tokenFor(server, 'fire-dispatcher');
  const a = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: '1 High Street' },
  });
  assert.is(a.status, 201, JSON.stringify(a.body));
  p1 = (a.body as { id: string }).id;
  const b = await api(server, 'POST', '/api/incidents', {
    token,
    body: { typeId: 'rtc', lat: 51.79, lon: -0.2, address: 'A1(M) J4' },
  });
  assert.is(b.status, 201, JSON.stringify(b.body));
});

test.after(async () => {
  await rig?.close();
});

test('the wall view: no contrast violation; priority diamonds stand out from the black at 3:1', async () => {
  const { page, errors } = await open('/?view=wall', 'wall-viewer');
  await page.locator('jcr-kpi-strip [data-kpi=available-fire] [data-stale="4"]').waitFor();
  // The standards panel, from the COP's performance report: one row per standard target.
  await page.locator('jcr-standards-panel tr[data-target]').first().waitFor();
  assert.equal(
    await page
      .locator('jcr-standards-panel tr[data-target]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-target'))),
    ['fire-appliances#1', 'fire-appliances#2', 'ambulance-cat1#1'],
  );
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  const diamonds = await page.evaluate<Record<string, number>>(DIAMOND_CONTRAST);
  assert.equal(Object.keys(diamonds).sort(), ['1', '2']);
  for (const [p, r] of Object.entries(diamonds)) assert.ok(r >= 3, `priority ${p} diamond at ${r}:1`);
  await screenshot(page, 'contrast-wall');
  assert.equal(errors, []);
  await page.close();
});

test("a fire dispatcher's screen with the incident open: no contrast violation", async () => {
  const { page, errors } = await open('/', 'fire-dispatcher');
  await page.locator(`jcr-incident-queue button[data-incident-id="${p1}"]`).click();
  await page.locator('jcr-incident-panel [data-rec=shown]').first().waitFor();
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  await screenshot(page, 'contrast-dispatcher');
  assert.equal(errors, []);
  await page.close();
});

test("the duty officer's screen, cover tab: no contrast violation", async () => {
  const { page, errors } = await open('/', 'duty-officer');
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  await page.getByRole('tab', { name: /Cover/ }).click();
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  await page.keyboard.press('s');
  await page.locator('jcr-standards-panel tr[data-target]').first().waitFor();
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  await screenshot(page, 'contrast-duty-officer');
  assert.equal(errors, []);
  await page.close();
});

test("a dispatcher's dark theme: no contrast violation, and it is kept for that user", async () => {
  const { page, errors } = await open('/', 'fire-dispatcher');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  assert.is(await page.locator('body.dark').count(), 1);
  await page.locator(`jcr-incident-queue button[data-incident-id="${p1}"]`).click();
  await page.locator('jcr-incident-panel [data-rec=shown]').waitFor();
  assert.is(report(await axeViolations(page, ['color-contrast'])), '');
  await screenshot(page, 'contrast-dispatcher-dark');
  await page.reload();
  await page.locator('body.dark').waitFor();
  assert.is(await page.getByRole('button', { name: 'Dark theme' }).getAttribute('aria-pressed'), 'true');
  assert.equal(errors, []);
  await page.close();
});

test.run();
