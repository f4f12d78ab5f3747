/**
 * Controls shown only to the roles that may use them, in headless Chromium against a real server
 * (mini scenario): the wall account signed in at `/` (not the wall view) sees the picture but no
 * create form, no mobilise controls, no status control and no request inbox, and an incident's
 * detail with its timeline but no button or form in it; a fire dispatcher's
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

test('the wall account at / opens an incident: its detail and timeline, and nothing to change', async () => {
  const police = { origin: 'operator', actor: 'police-dispatcher' } as const;
  const [ev] = server.engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.765,
      lon: -0.23,
      address: 'Wall test',
      actingAgency: 'fire',
    },
    { origin: 'operator', actor: 'fire-dispatcher' },
  );
  const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
  server.engine.execute(
    { type: 'incident.mobilise', incidentId: id, resourceIds: ['HAT1'], proposed: ['HAT1'], actingAgency: 'fire' },
    { origin: 'operator', actor: 'fire-dispatcher' },
  );
  server.engine.execute({ type: 'operator.note', text: 'Seen from the wall', incidentId: id }, police);
  await page.getByRole('tab', { name: /Incidents/ }).click();
  await page.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
  const detail = page.locator(`jcr-incident-detail [data-detail-for="${id}"]`);
  await detail
    .locator('[data-timeline] li[data-type="operator.note"]')
    .filter({ hasText: 'Seen from the wall' })
    .waitFor();
  await detail.locator('[data-agency=fire] tr[data-resource-id=HAT1]').waitFor();
  assert.is(await detail.getByRole('button').count(), 0);
  assert.is(await detail.locator('form, [data-lines-form]').count(), 0);
  assert.is(await page.getByRole('button', { name: /Mobilise recommended|Override|Send own units/ }).count(), 0);
  // Nothing asked for on its behalf: a recommendation is logged as shown.
  assert.equal(
    server.engine.room.incidents
      .timeline(id)
      .filter((e) => e.type === 'incident.recommended')
      .map((e) => e.actor),
    [],
  );
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
