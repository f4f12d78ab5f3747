/**
 * Issue 18 acceptance, in two headless Chromiums against two real servers that are each other's
 * partner room ('herts' and 'beds', signed XML over loopback, real clocks): the herts fire
 * dispatcher transfers an incident to beds from its detail ("Transfer to partner", beds offered
 * first as its area holds the location); the beds fire dispatcher finds it in the inbox and
 * accepts; both timelines show it, the partner's entries marked as theirs. The caller's account
 * and UPRN given on creating it show on our incident screen, in the partner's inbox and on the
 * incident the partner opens.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { buildClientForTests, collectErrors, launchBrowser, signIn, type Browser } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { partnersOf } from '../support/mait-servers.ts';
import { api } from '../support/server.ts';

let herts: RunningServer;
let beds: RunningServer;
const browsers: Browser[] = [];

async function screenOn(server: RunningServer): Promise<{ page: Page; errors: string[]; token: string }> {
  const b = await launchBrowser();
  browsers.push(b);
  const token = await signIn(b.context, server, 'fire-dispatcher');
  const page = await b.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
  return { page, errors, token };
}

function timeline(p: Page): Promise<string[]> {
  return p
    .locator('jcr-incident-detail [data-timeline] li')
    .evaluateAll((els) => els.map((e) => e.querySelector('.what')?.textContent?.trim() ?? ''));
}

test.before(async () => {
  await buildClientForTests();
  const start = (id: 'herts' | 'beds') =>
    startServer({
      scenario: miniScenario(),
      db: ':memory:',
      port: 0,
      log: 'silent',
      mait: { partners: partnersOf(id) },
    });
  herts = await start('herts');
  beds = await start('beds');
  herts.mait!.partners.partners[0]!.baseUrl = beds.url;
  beds.mait!.partners.partners[0]!.baseUrl = herts.url;
});

test.after(async () => {
  for (const b of browsers) await b.close();
  await herts?.close();
  await beds?.close();
});

test('fire transfers an incident to the partner; the partner accepts; both timelines show it', async () => {
  const h = await screenOn(herts);
  const created = await api(herts, 'POST', '/api/incidents', {
    token: h.token,
    body: {
      typeId: 'dwelling-fire',
      lat: 51.9,
      lon: -0.3,
      address: '5 Border Lane',
      callerAccount: 'Smoke from the upstairs window.\nChild believed inside.',
      uprn: '100080123456',
    },
  });
  const ours = (created.body as { id: string }).id;
  await h.page.locator(`jcr-incident-queue button[data-incident-id="${ours}"]`).click();
  // The caller's account (its lines kept) and UPRN on our incident screen.
  const caller = h.page.locator('jcr-incident-detail [data-caller]');
  await caller.waitFor();
  assert.equal(
    await caller.locator('.account').evaluate((e) => (e as HTMLElement).innerText),
    'Smoke from the upstairs window.\nChild believed inside.',
  );
  assert.is(await caller.locator('[data-uprn]').textContent(), 'UPRN 100080123456');
  const transfer = h.page.locator('jcr-partner-transfer');
  await transfer.getByRole('option', { name: /Bedfordshire \(area holds it\)/ }).waitFor({ state: 'attached' });
  await transfer.getByRole('button', { name: 'Transfer to partner' }).click();
  await transfer
    .locator('li[data-transfer-id]')
    .filter({ hasText: /To Bedfordshire:\s+(queued|delivered|acknowledged)/ })
    .waitFor();

  const b = await screenOn(beds);
  await b.page.locator('[data-badge=requests]').filter({ hasText: '1' }).waitFor();
  await b.page.getByRole('tab', { name: /Requests/ }).click();
  const item = b.page.locator('jcr-request-inbox li[data-transfer-id]');
  await item.filter({ hasText: '5 Border Lane' }).waitFor();
  // The partner sees what the caller said and the UPRN before accepting.
  assert.match((await item.textContent()) ?? '', /5 Border Lane · TL 1706 2374 · UPRN 100080123456/);
  assert.match((await item.locator('[data-caller]').textContent()) ?? '', /Child believed inside/);
  await item.getByRole('button', { name: 'Accept' }).click();
  await b.page
    .locator('jcr-request-inbox')
    .filter({ hasText: /accepted/ })
    .waitFor();
  const theirs = [...beds.engine.room.transfers.all()][0]?.incidentId ?? '';
  assert.is(theirs, 'INC-1');

  await transfer.locator('li[data-status=accepted]').waitFor({ timeout: 15_000 });
  await h.page
    .locator('jcr-incident-detail [data-timeline] li')
    .filter({ hasText: 'From partner beds: Accept' })
    .waitFor();
  assert.equal(
    (await timeline(h.page)).filter((t) => t.includes('partner')),
    ['To partner beds: Create', 'From partner beds: Acknowledge (received)', 'From partner beds: Accept'],
  );
  await b.page.getByRole('tab', { name: /Incidents/ }).click();
  await b.page.locator(`jcr-incident-queue button[data-incident-id="${theirs}"]`).click();
  await b.page
    .locator('jcr-incident-detail [data-timeline] li')
    .filter({ hasText: 'To partner herts: Accept' })
    .waitFor();
  assert.match(
    (await b.page.locator('jcr-incident-detail [data-caller]').textContent()) ?? '',
    /Smoke from the upstairs window\.\s+Child believed inside\.\s+UPRN 100080123456/,
  );
  const origins = await b.page
    .locator('jcr-incident-detail [data-timeline] li')
    .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
  assert.ok(
    origins.some((t) => t.includes('To partner herts: Accept')),
    origins.join(' | '),
  );
  assert.equal(h.errors, []);
  assert.equal(b.errors, []);
});

test.run();
