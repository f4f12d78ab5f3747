/**
 * Sign-in in headless Chromium: with no session the page shows only the sign-in form (under the
 * real CSP, no console errors); a wrong password is refused with a message; the right one sets
 * the HttpOnly cookie and the screens start with the live picture.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { collectErrors, screenshot, startBrowserRig, type Browser, type BrowserRig } from '../support/browser.ts';
import { cspViolations, reportCspViolations } from '../support/csp.ts';

let rig: BrowserRig;
let server: RunningServer;
let browser: Browser;

test.before(async () => {
  rig = await startBrowserRig({ scenario: miniScenario() }, null);
  ({ server, browser } = rig);
  await server.users.create('fiona', 'fire-dispatch-pass', 'fire-dispatcher', 'Fiona Fire');
});

test.after(async () => {
  await rig?.close();
});

test('no session: sign-in form; wrong password refused; right one starts the screens', async () => {
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await reportCspViolations(page);
  await page.goto(server.url + '/');
  await page.locator('jcr-login input[name=username]').waitFor();
  // The server's own policy (no withCsp here): the form loads without violating it.
  assert.equal(await cspViolations(page), []);
  assert.is(await page.locator('jcr-app').count(), 0, 'no screens before sign-in');
  await page.getByLabel('User name').fill('fiona');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Wrong user name or password.' }).waitFor();
  await page.getByLabel('Password').fill('fire-dispatch-pass');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  assert.is(await page.locator('jcr-login').count(), 0);
  const cookies = await browser.context.cookies();
  const session = cookies.find((c) => c.name === 'jcr_session');
  assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
  assert.is(session?.sameSite, 'Strict');
  await screenshot(page, 'login-after');
  // The wrong password's 401 is the only expected console message.
  assert.equal(
    errors.filter((e) => !/401/.test(e)),
    [],
  );
});

test.run();
