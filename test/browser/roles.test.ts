/**
 * Controls shown only to the roles that may use them, in headless Chromium against a real server
 * (mini scenario): the wall account signed in at `/` (not the wall view) sees the picture but no
 * create form, no mobilise controls, no status control and no request inbox; a fire dispatcher's
 * board offers a status control for a fire unit and none for a police unit.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, signIn, type Screen } from '../support/browser.ts';

let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];

test.before(async () => {
  screen = await openScreen({ scenario: miniScenario() }, 'wall-viewer');
  ({ server, page, errors } = screen);
});

test.after(async () => {
  await screen?.close();
});

async function loaded(p: Page): Promise<void> {
  await p.goto(server.url + '/');
  await p.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return s !== undefined && s.connection === 'live' && s.resources === 6;
  });
  await p.locator('jcr-incident-queue').waitFor();
}

test('the wall account at / sees no create form, no status control and no inbox', async () => {
  await loaded(page);
  assert.is((await page.evaluate(() => window.__jcr.stats())).view, 'dispatcher');
  await page.locator('jcr-incident-panel').waitFor({ state: 'attached' });
  assert.is(await page.locator('jcr-incident-panel form[aria-label="New incident"]').count(), 0);
  assert.is(await page.getByRole('button', { name: 'Create incident' }).count(), 0);
  assert.is(await page.getByRole('tab', { name: /Requests/ }).count(), 0);
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.locator('jcr-resource-board button[data-resource-id=HAT1]').click();
  await page.locator('jcr-resource-board button[data-resource-id=HAT1][aria-pressed=true]').waitFor();
  assert.is(await page.locator('jcr-resource-board form.selected-detail').count(), 0);
  assert.is(await page.getByRole('button', { name: 'Set status' }).count(), 0);
  assert.equal(errors, []);
});

test('a fire dispatcher gets a status control for a fire unit and none for a police unit', async () => {
  await signIn(page.context(), server, 'fire-dispatcher');
  await loaded(page);
  assert.is(await page.locator('jcr-incident-panel form[aria-label="New incident"]').count(), 1);
  await page.getByRole('tab', { name: /Resources/ }).click();
  await page.locator('jcr-resource-board button[data-resource-id=HAT1]').click();
  await page.getByLabel('New status for HT-P1').waitFor();
  assert.is(await page.getByRole('button', { name: 'Set status' }).count(), 1);
  await page.locator('jcr-resource-board button[data-resource-id=PC1]').click();
  await page.locator('jcr-resource-board button[data-resource-id=PC1][aria-pressed=true]').waitFor();
  assert.is(await page.locator('jcr-resource-board form.selected-detail').count(), 0);
  assert.is(await page.getByRole('button', { name: 'Set status' }).count(), 0);
  assert.equal(errors, []);
});

test.run();
