/**
 * Every screen loads under the production Content-Security-Policy without violating it (issue 17:
 * "no console error under the CSP"): the sign-in form, each role's room screen, the wall and the
 * statistics screen, in headless Chromium against a real server (mini scenario). Violations are
 * events the page's code never sees; test/support/csp.ts records them from an init script.
 *
 * Before client/build.ts kept long.js out of the bundle, every screen made one at load: long.js
 * compiles a WebAssembly module as protobufjs/minimal requires it ("script-src wasm-eval").
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import type { Role } from '../../server/core/auth/roles.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { collectErrors, signIn, startBrowserRig, type BrowserRig } from '../support/browser.ts';
import { cspViolations, withCsp } from '../support/csp.ts';

let rig: BrowserRig;
let server: RunningServer;

test.before(async () => {
  rig = await startBrowserRig({ scenario: miniScenario() }, null);
  server = rig.server;
});

test.after(async () => {
  await rig?.close();
});

async function newPage(): Promise<{ page: Page; errors: string[] }> {
  const page = await rig.browser.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  return { page, errors };
}

/** Open `path` signed in as `role` and wait until the live picture is drawn. */
async function openRoom(path: string, role: Role): Promise<{ page: Page; errors: string[] }> {
  await signIn(rig.browser.context, server, role);
  const opened = await newPage();
  await opened.page.goto(server.url + path);
  await opened.page.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return s !== undefined && s.connection === 'live' && s.map !== null && s.map.resourcesDrawn > 0;
  });
  // Two frames: the components' first render has run.
  await opened.page.evaluate(
    () => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))),
  );
  return opened;
}

test('the sign-in form loads with no CSP violation', async () => {
  await rig.browser.context.clearCookies();
  const { page, errors } = await newPage();
  await page.goto(server.url + '/');
  await page.locator('jcr-login input[name=username]').waitFor();
  assert.equal(await cspViolations(page), []);
  // /api/me's 401 is how the page learns it must sign in: the one expected console message.
  assert.equal(
    errors.filter((e) => !/401/.test(e)),
    [],
  );
  await page.close();
});

for (const [path, role] of [
  ['/', 'fire-dispatcher'],
  ['/', 'police-dispatcher'],
  ['/', 'ambulance-desk'],
  ['/', 'duty-officer'],
  ['/?view=wall', 'wall-viewer'],
] as const) {
  test(`${role} on ${path}: the screen loads with no CSP violation`, async () => {
    const { page, errors } = await openRoom(path, role);
    assert.equal(await cspViolations(page), []);
    assert.equal(errors, []);
    await page.close();
  });
}

test('the statistics screen opens and draws with no CSP violation', async () => {
  const { page, errors } = await openRoom('/', 'duty-officer');
  await page.getByRole('button', { name: 'Statistics' }).click();
  await page.locator('jcr-statistics [data-range]').waitFor();
  await page.waitForFunction(() => document.querySelectorAll('jcr-statistics jcr-plot canvas').length > 0);
  assert.equal(await cspViolations(page), []);
  assert.equal(errors, []);
  await page.close();
});

test.run();
