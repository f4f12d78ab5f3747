/**
 * The control room screens in headless Chromium against a real server (mini scenario, real
 * /ws/avl feed, real REST): the page loads under the production Content-Security-Policy with no
 * console errors; every resource is drawn; AVL positions move them; a status change shows on the
 * map layer and the board; the wall view is read-only; keyboard shortcuts reach the controls and
 * every control has an accessible name. Screenshots go to test/artifacts/.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { connect, DEV_TOKEN, report } from '../support/avl.ts';
import { collectErrors, openScreen, screenshot, type Browser, type Screen } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { api } from '../support/server.ts';

let screen: Screen;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];
let token = '';

/**
 * Page-side check, as source text (tsx would wrap named inner functions in a helper the page
 * lacks): every button, input, select and textarea, in light and shadow DOM, has a name.
 */
const UNNAMED_CONTROLS = `(() => {
  const out = [];
  const visit = (root) => {
    for (const el of root.querySelectorAll('button, input, select, textarea')) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.getAttribute('title') || (el.labels && el.labels.length) || (el.textContent || '').trim();
      if (!named) out.push(el.outerHTML.slice(0, 80));
    }
    for (const host of root.querySelectorAll('*')) if (host.shadowRoot) visit(host.shadowRoot);
  };
  visit(document);
  return out;
})()`;

test.before(async () => {
  screen = await openScreen({ scenario: miniScenario(), avl: { token: DEV_TOKEN } }, 'fire-dispatcher');
  ({ server, browser, page, errors, token } = screen);
});

test.after(async () => {
  await screen?.close();
});

test('the page loads under the production CSP with no console errors, and draws every resource', async () => {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return (
      s !== undefined && s.connection === 'live' && s.resources === 6 && s.map !== null && s.map.resourcesDrawn === 6
    );
  });
  const s = await page.evaluate(() => window.__jcr.stats());
  assert.is(s.view, 'dispatcher');
  assert.is(s.feed, 'cop', 'the live picture comes over /ws/cop');
  assert.is(s.resources, 6);
  assert.is(s.map?.resourcesDrawn, 6);
  // No AVL fix yet: all six are drawn stale, all available at station.
  assert.equal(s.map?.drawnByStatus, { AVAILABLE_AT_STATION: 6, stale: 6 });
  // Components re-render on the next animation frame after the store: wait for the text first.
  await page.locator('jcr-connection-indicator [role=status]').filter({ hasText: 'Live' }).waitFor();
  // With no position yet, none is counted available: each agency's units show apart as stale.
  await page.locator('jcr-kpi-strip [data-kpi=available-fire] [data-stale="4"]').waitFor();
  assert.is((await page.locator('jcr-connection-indicator [role=status]').textContent())?.trim(), 'Live');
  assert.is((await page.locator('jcr-kpi-strip [data-kpi=available-fire] .v').textContent())?.trim(), '0');
  assert.is((await page.locator('jcr-kpi-strip [data-kpi=available-police] .v').textContent())?.trim(), '0');
  assert.is((await page.locator('jcr-kpi-strip [data-kpi=available-ambulance] .v').textContent())?.trim(), '0');
  assert.is(
    await page.locator('jcr-kpi-strip [data-kpi=available-police] [data-stale]').getAttribute('data-stale'),
    '1',
  );
  assert.is(
    await page.locator('jcr-kpi-strip [data-kpi=available-ambulance] [data-stale]').getAttribute('data-stale'),
    '1',
  );
  await screenshot(page, 'dispatcher-loaded');
  assert.equal(errors, []);
});

test('AVL positions from /ws/avl move resources on the map', async () => {
  const before = await page.evaluate(() => window.__jcr.stats().map?.draws ?? 0);
  const feed = await connect(server.url.replace('http', 'ws') + '/ws/avl', DEV_TOKEN);
  const now = Date.now() - 5000;
  const ack = await feed.send(1, [
    report('AMB1', 51.75, -0.24, now, { headingDeg: 45, speedMps: 12 }),
    report('PC1', 51.78, -0.2, now, { headingDeg: 180, speedMps: 15 }),
  ]);
  assert.is(ack.accepted, 2, JSON.stringify(ack));
  await page.waitForFunction(() => {
    const a = window.__jcr.resource('AMB1');
    const p = window.__jcr.resource('PC1');
    return a !== null && p !== null && a.lat === 51.75 && a.lon === -0.24 && p.lat === 51.78 && p.lon === -0.2;
  });
  await page.waitForFunction((n) => (window.__jcr.stats().map?.draws ?? 0) > n, before);
  // The two with fresh fixes are no longer drawn stale.
  await page.waitForFunction(() => window.__jcr.stats().map?.drawnByStatus['stale'] === 4);
  const ack2 = await feed.send(2, [report('AMB1', 51.7502, -0.2397, now + 2000, { headingDeg: 45, speedMps: 12 })]);
  assert.is(ack2.accepted, 1, JSON.stringify(ack2));
  await page.waitForFunction(() => window.__jcr.resource('AMB1')?.lat === 51.7502);
  feed.close();
  await screenshot(page, 'dispatcher-moved');
  assert.equal(errors, []);
});

test('a status change shows on the map layer and on the board', async () => {
  await page.getByRole('tab', { name: /Resources/ }).click();
  const row = page.locator('jcr-resource-board button[data-resource-id=HAT1]');
  assert.is(await row.getAttribute('data-status'), 'AVAILABLE_AT_STATION');
  const r = await api(server, 'POST', '/api/resources/HAT1/status', { token, body: { status: 'UNAVAILABLE' } });
  assert.is(r.status, 200);
  await page.waitForFunction(() => window.__jcr.stats().map?.drawnByStatus['UNAVAILABLE'] === 1);
  await page.waitForSelector('jcr-resource-board button[data-resource-id=HAT1][data-status=UNAVAILABLE]');
  // The fire units have no position yet: three deployable, all counted stale, none available.
  await page.locator('jcr-kpi-strip [data-kpi=available-fire] [data-stale="3"]').waitFor();
  assert.is(
    await page
      .locator('jcr-kpi-strip [data-kpi=available-fire] .v')
      .textContent()
      .then((t) => t?.trim()),
    '0',
  );
  // And back, from the board: select the row, choose the status, submit.
  await row.click();
  await page.getByLabel('New status for HT-P1').selectOption('AVAILABLE_AT_STATION');
  await page.getByRole('button', { name: 'Set status' }).click();
  await page.waitForSelector('jcr-resource-board button[data-resource-id=HAT1][data-status=AVAILABLE_AT_STATION]');
  assert.is(server.engine.room.fleet.require('HAT1').status, 1);
  await screenshot(page, 'dispatcher-board');
  assert.equal(errors, []);
});

test('keyboard: N opens the new-incident form, / the board filter, Escape clears; controls have accessible names', async () => {
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Escape');
  await page.keyboard.press('n');
  // The location field, where a call-taker starts (before: the type field).
  await page.waitForFunction(() => {
    const field = document.querySelector('jcr-incident-panel')?.shadowRoot?.activeElement;
    const input = field?.shadowRoot?.activeElement;
    return field?.tagName === 'JCR-PLACE-SEARCH' && input?.getAttribute('role') === 'combobox';
  });
  await page.keyboard.type('stev');
  assert.is(
    await page.locator('jcr-incident-panel').getByRole('combobox', { name: 'Address or location' }).inputValue(),
    'stev',
  );
  await page.keyboard.press('Escape');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('/');
  await page.waitForFunction(
    () => document.querySelector('jcr-resource-board')?.shadowRoot?.activeElement?.getAttribute('type') === 'search',
  );
  await page.keyboard.type('WG-P1');
  await page.waitForFunction(
    () =>
      document.querySelector('jcr-resource-board')?.shadowRoot?.querySelectorAll('button[data-resource-id]').length ===
      1,
  );
  // Every button, input, select and textarea, in light and shadow DOM, has an accessible name.
  const unnamed = await page.evaluate<string[]>(UNNAMED_CONTROLS);
  assert.equal(unnamed, []);
  assert.equal(errors, []);
});

test('wall view: read-only, large type, whole county, no controls', async () => {
  const wall = await browser.context.newPage();
  const wallErrors = collectErrors(wall);
  await withCsp(wall);
  await wall.goto(server.url + '/?view=wall');
  await wall.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return (
      s !== undefined && s.view === 'wall' && s.connection === 'live' && s.map !== null && s.map.resourcesDrawn === 6
    );
  });
  assert.is(await wall.locator('body.wall').count(), 1);
  assert.is(await wall.locator('.leaflet-control-zoom').count(), 0);
  assert.is(
    await wall
      .locator('aside input, aside select, aside textarea, jcr-incident-panel, jcr-resource-board, [role=tablist]')
      .count(),
    0,
  );
  const fontPx = await wall.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
  assert.ok(fontPx >= 20, `wall font ${fontPx}px`);
  await screenshot(wall, 'wall');
  await wall.close();
  assert.equal(wallErrors, []);
});

test.run();
