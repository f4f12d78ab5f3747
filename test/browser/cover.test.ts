/**
 * The cover panel and the gap layer in headless Chromium against a real server with a real road
 * network and the live cover service (the Cambridge OSM extract, test/support/cover-world.ts):
 * the panel shows exactly the figures GET /api/cover answers, each with its verdict in words; the
 * map draws one gap polygon per gap cell the API sends; the duty officer applies a suggested
 * standby move, which POSTs /api/cover/moves, and the resource then shows as a standby move in
 * progress and AVAILABLE_MOBILE on the board and the map. A dispatcher sees Apply and Cancel
 * disabled. (Cancelling a move: cover-cancel.test.ts.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../server/shell/server.ts';
import { collectErrors, screenshot, signIn, type Browser } from '../support/browser.ts';
import { openCoverScreen, settledStandby, showCoverPanel, type CoverScreen } from '../support/cover-screen.ts';
import { withCsp } from '../support/csp.ts';
import { api } from '../support/server.ts';

let screen: CoverScreen;
let server: RunningServer;
let browser: Browser;
let page: Page;
let errors: string[];
let token = '';

interface CoverJson {
  figures: { surface: string; standardId: string; nth: number; label: string; meetsStandard: boolean }[];
  gaps: { type: string; features: unknown[] };
  standby: unknown[];
}
interface MovesJson {
  moves: { resourceId: string; callSign: string; destination: { id: string; name: string } }[];
}

test.before(async () => {
  screen = await openCoverScreen('duty-officer');
  ({ server, browser, page, errors, token } = screen);
});

test.after(async () => {
  await screen?.close();
});

test('the cover panel shows the figures /api/cover answers, and the map one gap polygon per cell', async () => {
  await showCoverPanel(page, server);
  const cover = (await api(server, 'GET', '/api/cover', { token })).body as CoverJson;
  assert.is(cover.figures.length, 3);
  assert.ok(cover.gaps.features.length > 0, 'the test world has gaps');
  const figs = page.locator('jcr-cover-panel li.fig');
  await page.waitForFunction(
    (n) => document.querySelector('jcr-cover-panel')?.shadowRoot?.querySelectorAll('li.fig').length === n,
    cover.figures.length,
  );
  for (const [i, f] of cover.figures.entries()) {
    const li = figs.nth(i);
    assert.is(await li.getAttribute('data-standard'), f.standardId);
    assert.is(await li.getAttribute('data-surface'), f.surface);
    assert.is((await li.locator('.label').textContent())?.trim(), f.label);
    assert.is((await li.locator('.word').textContent())?.trim(), f.meetsStandard ? 'Meets standard' : 'Below standard');
  }
  // The real figures of this world: fire below standard, ambulance meeting it.
  assert.equal(
    cover.figures.map((f) => f.label),
    [
      'fire pump 1st within 5 min: 83.3% of demand (standard 90%)',
      'fire pump 2nd within 8 min: 73.3% of demand (standard 90%)',
      'ambulance paramedic 1st within 8 min: 93.3% of demand (standard 75%)',
    ],
  );
  // One SVG path per gap cell in the cover pane, and the layer counts the same.
  await page.waitForFunction(
    (n) => document.querySelectorAll('.leaflet-jcr-cover-pane path.jcr-gap').length === n,
    cover.gaps.features.length,
  );
  assert.is(await page.locator('.leaflet-jcr-cover-pane path.jcr-gap').count(), cover.gaps.features.length);
  assert.is(await page.evaluate(() => window.__jcr.stats().map?.gapPolygons), cover.gaps.features.length);
  // The panel lists the gaps in words, cell counts adding up to the API's.
  const cells = await page
    .locator('jcr-cover-panel ul.gaps li')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-cells'))));
  assert.is(
    cells.reduce((a, b) => a + b, 0),
    cover.gaps.features.length,
  );
  await screenshot(page, 'cover-panel');
  assert.equal(errors, []);
});

test('the duty officer applies a suggested standby move: POST /api/cover/moves, then a standby move in progress, AVAILABLE_MOBILE', async () => {
  const moves = (await api(server, 'GET', '/api/cover/moves', { token })).body as MovesJson;
  const first = moves.moves[0];
  assert.ok(first, 'the server suggests a move');
  const item = page.locator(
    `jcr-cover-panel li.move[data-resource-id=${first.resourceId}][data-destination-id=${first.destination.id}]`,
  );
  await item.waitFor();
  const apply = item.getByRole('button', {
    name: `Apply standby move: ${first.callSign} to ${first.destination.name}`,
  });
  assert.is(await apply.isEnabled(), true);
  const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/cover/moves');
  await apply.click();
  const req = await posted;
  assert.equal(req.postDataJSON(), { resourceId: first.resourceId, destinationId: first.destination.id });
  await page
    .locator('jcr-cover-panel [role=status]')
    .filter({ hasText: `Standby move applied: ${first.callSign} to ${first.destination.name}.` })
    .waitFor();
  assert.is(server.engine.room.standby.get(first.resourceId)?.destination.id, first.destination.id);
  // In progress on the panel, AVAILABLE_MOBILE on the board and in the screen's store.
  await page
    .locator(`jcr-cover-panel ul.standby li[data-resource-id=${first.resourceId}]`)
    .filter({ hasText: first.destination.name })
    .waitFor();
  // The board renders only while its tab is shown.
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.waitForSelector(
    `jcr-resource-board button[data-resource-id=${first.resourceId}][data-status=AVAILABLE_MOBILE]`,
  );
  await page.getByRole('tab', { name: /Cover/ }).click();
  assert.is(await page.evaluate((id) => window.__jcr.resource(id)?.status, first.resourceId), 'AVAILABLE_MOBILE');
  await page.waitForFunction(() => (window.__jcr.stats().map?.drawnByStatus['AVAILABLE_MOBILE'] ?? 0) === 1);
  // The server's next cover picture lists it too, and the panel keeps showing it after the poll.
  assert.equal(
    (await settledStandby(page, server)).map((m) => [m.resourceId, m.destination.id]),
    [[first.resourceId, first.destination.id]],
  );
  // The moved resource is no longer suggested.
  await page.waitForFunction(
    (id) =>
      document.querySelector('jcr-cover-panel')?.shadowRoot?.querySelector(`li.move[data-resource-id="${id}"]`) ===
      null,
    first.resourceId,
  );
  await page.getByRole('tab', { name: /Cover/ }).click();
  await screenshot(page, 'cover-standby-applied');
  assert.equal(errors, []);
});

test('a dispatcher sees the suggestions with Apply disabled and the reason', async () => {
  await signIn(browser.context, server, 'fire-dispatcher');
  const p = await browser.context.newPage();
  const pErrors = collectErrors(p);
  await withCsp(p);
  await showCoverPanel(p, server);
  await p
    .locator('jcr-cover-panel [data-note=role]')
    .filter({ hasText: 'Only the duty officer can apply or cancel standby moves (signed in as fire-dispatcher).' })
    .waitFor();
  const buttons = p.locator('jcr-cover-panel li.move button');
  await buttons.first().waitFor();
  const n = await buttons.count();
  assert.ok(n > 0);
  for (let i = 0; i < n; i++) assert.is(await buttons.nth(i).isDisabled(), true);
  // And Cancel on the move in progress (applied by the duty officer above).
  const cancel = p.locator('jcr-cover-panel ul.standby li button[data-action=cancel]');
  assert.is(await cancel.count(), 1);
  assert.is(await cancel.isDisabled(), true);
  await p.close();
  assert.equal(pErrors, []);
});

test.run();
