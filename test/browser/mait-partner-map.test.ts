/**
 * Issue 18 item 4 in a browser: a partner's resource attending our incident is on our map, marked
 * as the partner's, pushed over the COP (no screen polls for it). Two real servers that are each other's partner room ('herts' and 'beds',
 * signed XML over loopback, real timers) share one fake clock. Herts transfers an incident, beds
 * accepts it and mobilises its pump WG-P1, which reports a fix: the herts dispatcher's map and
 * the wall show the pump in the partner layer, labelled with the partner, call sign, agency and
 * status; beds' note on its copy is in our timeline as the partner's; ten and a half minutes with no report mark it stale with the fix's age, a new fix
 * makes it current where it now is, and closing our incident takes it off the map, all without
 * reloading the page.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { fakeClock } from '../../server/core/clock.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { buildClientForTests, collectErrors, launchBrowser, signIn, type Browser } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { attend, transferAccepted } from '../support/mait-attend.ts';
import { startRooms, type BrowserRooms } from '../support/mait-browser-rooms.ts';
import { api, tokenFor } from '../support/server.ts';

const clock = fakeClock(Date.UTC(2026, 11, 3, 1, 0, 0));
let rooms: BrowserRooms;
let herts: RunningServer;
let beds: RunningServer;
let browser: Browser;
const settle = () => rooms.settle();

const marks = (p: Page) => p.evaluate(() => window.__jcr?.stats().map?.partnerMarks ?? []);
const labels = (p: Page) =>
  p.locator('jcr-map .jcr-partner-resource .lbl').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText));

test.before(async () => {
  await buildClientForTests();
  rooms = await startRooms(clock);
  ({ herts, beds } = rooms);
  browser = await launchBrowser();
});

test.after(async () => {
  await browser?.close();
  await rooms?.close();
});

test('a partner pump attending our incident is on the map and the wall, labelled, going stale, live', async () => {
  const tokens = {
    herts: await signIn(browser.context, herts, 'fire-dispatcher'),
    beds: await tokenFor(beds, 'fire-dispatcher', 'bert'),
  };
  const { ours, theirs } = await transferAccepted(
    herts,
    beds,
    tokens,
    { lat: 51.9, lon: -0.3, address: '5 Border Lane' },
    settle,
  );
  const pages: Page[] = [];
  const errors: string[][] = [];
  for (const path of ['/', '/?view=wall']) {
    const p = await browser.context.newPage();
    errors.push(collectErrors(p));
    await withCsp(p);
    await p.goto(herts.url + path);
    await p.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
    pages.push(p);
  }
  const [desk, wall] = pages as [Page, Page];
  assert.equal(await marks(desk), [], 'no partner resource before one attends');

  await attend(beds, tokens.beds, theirs, 'WGC1', { lat: 51.85, lon: -0.25, fixAt: clock.now() });
  await settle();
  for (const p of pages) await p.waitForFunction(() => window.__jcr?.stats().map?.partnerMarks.length === 1);
  const current = {
    key: 'beds|WGC1',
    lat: 51.85,
    lon: -0.25,
    stale: false,
    text: ['Bedfordshire (partner): WG-P1', 'Fire · Mobilised'],
  };
  assert.equal(await marks(desk), [current]);
  assert.equal(await marks(wall), [current]);
  assert.equal(await labels(desk), ['Bedfordshire (partner): WG-P1\nFire · Mobilised']);
  const marker = desk.locator('jcr-map [data-partner-resource="beds|WGC1"]');
  assert.equal(
    [
      await marker.getAttribute('data-attends'),
      await marker.getAttribute('title'),
      await marker.evaluate((e) => [e.classList.contains('jcr-partner-resource'), e.classList.contains('stale')]),
    ],
    [ours, 'Bedfordshire (partner): WG-P1, Fire · Mobilised', [true, false]],
  );

  // The partner's note on its copy reaches our timeline as an Update, marked as the partner's.
  const note = await api(beds, 'POST', `/api/incidents/${theirs}/notes`, {
    token: tokens.beds,
    body: { text: 'Two pumps committed, crews in BA' },
  });
  assert.is(note.status, 201, JSON.stringify(note.body));
  await settle();
  await desk.locator(`jcr-incident-queue button[data-incident-id="${ours}"]`).click();
  const entry = desk
    .locator('jcr-incident-detail [data-timeline] li')
    .filter({ hasText: 'From partner beds: Update: Two pumps committed, crews in BA' });
  await entry.waitFor();
  assert.is(await entry.locator('.who').innerText(), 'beds · partner');

  // The COP pushes it: no screen polls GET /api/partner-resources (at most one read, before the
  // screen knew it had the COP; none after, checked at the end).
  const reads = () => Promise.all(pages.map((p) => p.evaluate(() => window.__jcr?.stats().map?.partnerReads ?? -1)));
  const readsAtFirst = await reads();
  assert.ok(
    readsAtFirst.every((n) => n === 0 || n === 1),
    JSON.stringify(readsAtFirst),
  );

  // No report for 10.5 minutes: it is drawn stale, with the age of its fix, once the screen hears
  // the server's time (any COP frame: here a METHANE update on the incident).
  clock.advance(630_000);
  const methane = await api(herts, 'PATCH', `/api/incidents/${ours}`, {
    token: tokens.herts,
    body: { methane: { hazards: 'Gas cylinders' } },
  });
  assert.is(methane.status, 200, JSON.stringify(methane.body));
  await desk.waitForFunction(() => window.__jcr?.stats().map?.partnerMarks[0]?.stale === true);
  assert.equal(await marks(desk), [{ ...current, stale: true, text: [...current.text, 'Stale: last fix 10 min ago'] }]);
  assert.is(await desk.locator('jcr-map .jcr-partner-resource.stale').count(), 1);

  // A new fix: current again, where it now is.
  await attend(beds, tokens.beds, theirs, 'WGC1', { lat: 51.86, lon: -0.26, fixAt: clock.now() });
  await settle();
  await desk.waitForFunction(() => window.__jcr?.stats().map?.partnerMarks[0]?.lat === 51.86);
  assert.equal(await marks(desk), [{ ...current, lat: 51.86, lon: -0.26 }]);

  // Our incident closed: the partner's pump no longer attends anything of ours.
  const closed = await api(herts, 'POST', `/api/incidents/${ours}/close`, { token: tokens.herts, body: {} });
  assert.is(closed.status, 200, JSON.stringify(closed.body));
  for (const p of pages) await p.waitForFunction(() => window.__jcr?.stats().map?.partnerMarks.length === 0);
  assert.equal(await reads(), readsAtFirst, 'no REST read while the COP carried them');
  assert.equal(errors, [[], []]);
});

test.run();
