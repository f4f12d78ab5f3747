/**
 * Connection state in headless Chromium: the indicator says Live while the server answers,
 * Reconnecting when it goes away, and the screen resumes by itself (Live again, the picture
 * refetched, a change made while it was away shown) when a server comes back on the same port.
 * Failed requests while the server is down are expected console noise here; uncaught page
 * errors are not.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../server/shell/log.ts';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { screenshot, signIn, startBrowserRig, type Browser } from '../support/browser.ts';

let server: RunningServer;
let browser: Browser;

test.before(async () => {
  ({ server, browser } = await startBrowserRig({ scenario: miniScenario() }, 'wall-viewer'));
});

// Not the rig's close(): the test replaces the server it started.
test.after(async () => {
  await browser?.close();
  await server?.close();
});

test('live → reconnecting when the server goes → live again, with the new picture, when it is back', async () => {
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url + '/');
  const indicator = page.locator('jcr-connection-indicator [role=status]');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  await indicator.filter({ hasText: 'Live' }).waitFor();
  assert.is((await indicator.textContent())?.trim(), 'Live');
  assert.is(await page.evaluate(() => window.__jcr.stats().feed), 'cop', 'the live picture comes over /ws/cop');

  const port = server.port;
  await server.close();
  await page.waitForFunction(() => window.__jcr.stats().connection === 'reconnecting');
  // The store changes first; the indicator re-renders on the next animation frame.
  await indicator.filter({ hasText: 'Reconnecting' }).waitFor();
  assert.is((await indicator.textContent())?.trim(), 'Reconnecting');
  await screenshot(page, 'connection-reconnecting');
  // The REST polls wait out the outage (client/state/failover.ts) and the header says so.
  const retrying = page.locator('jcr-connection-indicator .retrying');
  await retrying.filter({ hasText: 'Reconnecting to the room…' }).waitFor();

  // A new server on the same port (a fresh database: every resource at station) in which HAT1
  // has booked unavailable while the screen was cut off.
  server = await startServer({ scenario: miniScenario(), db: ':memory:', port, log: createLogger('silent') });
  await signIn(browser.context, server, 'wall-viewer'); // a fresh database: the old session is gone
  server.engine.execute(
    { type: 'resource.setStatus', resourceId: 'HAT1', status: 6 },
    { origin: 'operator', actor: 'test' },
  );
  await page.waitForFunction(
    () => window.__jcr.stats().connection === 'live' && window.__jcr.resource('HAT1')?.status === 'UNAVAILABLE',
    undefined,
    { timeout: 30_000 },
  );
  await indicator.filter({ hasText: 'Live' }).waitFor();
  assert.is((await indicator.textContent())?.trim(), 'Live');
  await retrying.waitFor({ state: 'detached' }); // the polls are answered again
  assert.equal(pageErrors, []);
  await page.close();
});

test.run();
