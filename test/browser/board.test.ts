/**
 * The resource board under status churn, in headless Chromium against a real server (mini
 * scenario): while its tab is hidden a status change costs it no render at all, and it renders
 * once when shown, rebuilding exactly the rows that changed; while shown, a status change
 * rebuilds exactly that row, without grouping and sorting again. Counts come from the board's
 * own `stats` (renders, row templates built, regroups).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../server/shell/server.ts';
import type { BoardStats } from '../../client/components/jcr-resource-board/jcr-resource-board.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';
import { api } from '../support/server.ts';

let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];
let token = '';

const boardStats = (p: Page): Promise<BoardStats> =>
  p.evaluate(() => ({ ...(document.querySelector('jcr-resource-board') as unknown as { stats: BoardStats }).stats }));
const rowStatus = (p: Page, id: string) =>
  p.locator(`jcr-resource-board button[data-resource-id=${id}]`).getAttribute('data-status');
/** Two animation frames: the store's batched notification of what was written has been delivered. */
const twoFrames = (p: Page) =>
  p.evaluate(() => new Promise<void>((res) => requestAnimationFrame(() => requestAnimationFrame(() => res()))));

async function setStatus(id: string, status: string): Promise<void> {
  const r = await api(server, 'POST', `/api/resources/${id}/status`, { token, body: { status } });
  assert.is(r.status, 200, `${id} -> ${status}`);
  await page.waitForFunction(([rid, st]) => window.__jcr.resource(rid)?.status === st, [id, status] as const);
}

test.before(async () => {
  screen = await openScreen({ scenario: miniScenario() }, 'duty-officer');
  ({ server, page, errors, token } = screen);
});

test.after(async () => {
  await screen?.close();
});

test('the board is not rendered while its tab is hidden, and renders every row when shown', async () => {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live' && window.__jcr.stats().resources === 6);
  await twoFrames(page);
  // The Incidents tab is shown first: the board has never rendered.
  assert.equal(await boardStats(page), { renders: 0, rows: 0, regroups: 0 });
  assert.is(await page.locator('jcr-resource-board button[data-resource-id]').count(), 0);
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.waitForFunction(
    () =>
      document.querySelector('jcr-resource-board')?.shadowRoot?.querySelectorAll('button[data-resource-id]').length ===
      6,
  );
  assert.equal(await boardStats(page), { renders: 1, rows: 6, regroups: 1 });
});

test('shown: a status change rebuilds exactly its row, without grouping again', async () => {
  const before = await boardStats(page);
  await setStatus('HAT1', 'UNAVAILABLE');
  await page.waitForSelector('jcr-resource-board button[data-resource-id=HAT1][data-status=UNAVAILABLE]');
  await twoFrames(page);
  const after = await boardStats(page);
  assert.is(after.rows - before.rows, 1);
  assert.is(after.regroups, before.regroups);
  assert.is(after.renders - before.renders, 1);
  // The station's count follows: fire's Hatfield has HT-P1 (now unavailable) and HT-P2.
  assert.match(
    (await page.locator('jcr-resource-board details', { hasText: 'HT-P2' }).locator('summary').first().textContent()) ??
      '',
    '— 1 of 2 available',
  );
});

test('hidden: status changes cost no render; shown again, one render rebuilds only the changed rows', async () => {
  await page.getByRole('tab', { name: /Incidents/ }).click();
  await twoFrames(page);
  const before = await boardStats(page);
  await setStatus('HAT1', 'AVAILABLE_AT_STATION');
  await setStatus('HAT2', 'UNAVAILABLE');
  await setStatus('WGC1', 'UNAVAILABLE');
  await twoFrames(page);
  assert.equal(await boardStats(page), before, 'no render while hidden');
  // The hidden rows still show what they showed.
  assert.is(await rowStatus(page, 'HAT1'), 'UNAVAILABLE');
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.waitForSelector('jcr-resource-board button[data-resource-id=WGC1][data-status=UNAVAILABLE]');
  await twoFrames(page);
  const after = await boardStats(page);
  assert.equal(
    {
      renders: after.renders - before.renders,
      rows: after.rows - before.rows,
      regroups: after.regroups - before.regroups,
    },
    { renders: 1, rows: 3, regroups: 0 },
  );
  assert.equal(
    [
      await rowStatus(page, 'HAT1'),
      await rowStatus(page, 'HAT2'),
      await rowStatus(page, 'WGC1'),
      await rowStatus(page, 'DRONE1'),
    ],
    ['AVAILABLE_AT_STATION', 'UNAVAILABLE', 'UNAVAILABLE', 'AVAILABLE_AT_STATION'],
  );
  // Keyboard: "/" shows the board and focuses its filter; typing filters (a regroup).
  await page.getByRole('tab', { name: /Incidents/ }).click();
  await page.locator('body').press('/');
  await page.waitForFunction(
    () => document.querySelector('jcr-resource-board')?.shadowRoot?.activeElement?.getAttribute('type') === 'search',
  );
  await page.keyboard.type('WG-');
  await page.waitForFunction(
    () =>
      document.querySelector('jcr-resource-board')?.shadowRoot?.querySelectorAll('button[data-resource-id]').length ===
      1,
  );
  assert.ok((await boardStats(page)).regroups > after.regroups, 'a new filter groups again');
  await screenshot(page, 'board-filtered');
  assert.equal(errors, []);
});

test.run();
