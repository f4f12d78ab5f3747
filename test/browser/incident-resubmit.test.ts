/**
 * The incident form keeps its idempotency key across the dispatcher's own resubmits. The screen
 * retries an unanswered create with one key, then says "not confirmed"; the server may well have
 * made the incident. The form made a new key for each press of Create, so a dispatcher who
 * pressed it again made a duplicate. Now the form's key holds until the form is cleared (the
 * create succeeded, or Escape): the second press is answered the incident already made.
 * Headless Chromium against the mini scenario; the answers to the first creates are cut off in
 * the browser after the server has applied them.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, type Screen } from '../support/browser.ts';

let screen: Screen;
let server: RunningServer;
let page: Page;

test.before(async () => {
  screen = await openScreen({ scenario: miniScenario() }, 'fire-dispatcher');
  ({ server, page } = screen);
});

test.after(async () => {
  await screen?.close();
});

const message = () =>
  page.evaluate(
    () => document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector('.msg')?.textContent ?? '',
  );

test('Create pressed again after "not confirmed" answers the incident made, with the same key', async () => {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  const panel = page.locator('jcr-incident-panel');
  await panel.getByLabel('Latitude').fill('51.77');
  await panel.getByLabel('Longitude').fill('-0.22');
  await panel.getByLabel('Address or location').fill('1 High St');
  // The server applies each create; its answer never reaches the page.
  const keys: unknown[] = [];
  await page.route('**/api/incidents', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    keys.push((route.request().postDataJSON() as { idempotencyKey?: unknown }).idempotencyKey);
    await route.fetch();
    await route.abort('timedout');
  });
  await panel.getByRole('button', { name: 'Create incident' }).click();
  // The screen tries again for a while (client/state/failover.ts), then says "not confirmed".
  await page.waitForFunction(
    () =>
      /Incident not confirmed:/.test(
        document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector('.msg')?.textContent ?? '',
      ),
    undefined,
    { timeout: 60_000 },
  );
  const tries = keys.length;
  assert.ok(tries >= 2, `${tries} tries`);
  assert.equal(
    [...server.engine.room.incidents.all()].map((i) => i.id),
    ['INC-1'],
  );
  // The network is back; the dispatcher presses Create again on the same form.
  await page.unroute('**/api/incidents');
  await page.route('**/api/incidents', async (route) => {
    if (route.request().method() === 'POST')
      keys.push((route.request().postDataJSON() as { idempotencyKey?: unknown }).idempotencyKey);
    await route.continue();
  });
  await panel.getByRole('button', { name: 'Create incident' }).click();
  await page.waitForFunction(() =>
    /Incident INC-\d+ created/.test(
      document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector('.msg')?.textContent ?? '',
    ),
  );
  assert.match(await message(), /^Incident INC-1 created/);
  assert.equal(
    [...server.engine.room.incidents.all()].map((i) => i.id),
    ['INC-1'],
  );
  assert.is(keys.length, tries + 1);
  assert.is(new Set(keys).size, 1);
  assert.match(String(keys[0]), /^[A-Za-z0-9_-]{8,128}$/);

  // The create succeeded and the form was cleared: the next incident gets a key of its own. Wait
  // for the clearing render first (the message can show before it): typing into the form before
  // that render had the typed point wiped, and the next create never went (seen once in CI).
  await page.waitForFunction(
    () =>
      (document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector<HTMLInputElement>('input[name="lat"]')
        ?.value ?? 'x') === '',
  );
  await panel.getByLabel('Latitude').fill('51.78');
  await panel.getByLabel('Longitude').fill('-0.21');
  await panel.getByRole('button', { name: 'Create incident' }).click();
  await page.waitForFunction(() =>
    /Incident INC-2 created/.test(
      document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector('.msg')?.textContent ?? '',
    ),
  );
  assert.is(keys.length, tries + 2);
  assert.is.not(keys[tries + 1], keys[0]);
  assert.equal(
    [...server.engine.room.incidents.all()].map((i) => i.id),
    ['INC-1', 'INC-2'],
  );
  // The cut-off answers are the page's only errors.
  assert.equal(
    screen.errors.filter((e) => !e.includes('net::ERR_TIMED_OUT')),
    [],
  );
});

test.run();
