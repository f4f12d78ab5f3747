/**
 * Browser-test helpers: build the client bundle into client/dist (what the server serves), launch
 * Debian's Chromium through playwright-core with a fresh profile and the flags that keep it quiet
 * on a closed network, and collect console errors so a test can assert there were none.
 * startBrowserRig and openScreen put these together in the order every browser test needs them.
 */
import { mkdtempSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildClient } from '../../client/build.ts';
import type { Role } from '../../server/core/auth/roles.ts';
import { SESSION_COOKIE } from '../../server/shell/http/auth.ts';
import { createLogger } from '../../server/shell/log.ts';
import { startServer, type RunningServer, type ServerOptions } from '../../server/shell/server.ts';
import { withCsp } from './csp.ts';
import { tokenFor } from './server.ts';

export const CHROMIUM = process.env.JCR_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = 'test/artifacts';

/**
 * Build the client into client/dist. Two test files may build at once: each builds into its own
 * temporary directory and moves the files in one by one (rename replaces a file atomically, and
 * both builds make the same bytes), so the server never serves a half-written file.
 */
export async function buildClientForTests(): Promise<void> {
  const tmp = mkdtempSync(join('client', '.dist-'));
  try {
    await buildClient({ outdir: tmp });
    const move = (from: string, to: string) => {
      mkdirSync(to, { recursive: true });
      for (const name of readdirSync(from)) {
        const f = join(from, name);
        if (statSync(f).isDirectory()) move(f, join(to, name));
        else renameSync(f, join(to, name));
      }
    };
    move(tmp, join('client', 'dist'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'jcr-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1600, height: 900 },
  });
  // The test servers listen on loopback and some tests serve the page document through
  // page.route (which Chromium sees as coming from no address, i.e. public): without this grant
  // Local Network Access checks block the page's WebSocket to /ws/cop.
  await context.grantPermissions(['local-network-access']);
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Sign the browser in (the API is gated): a user of `role` on `server` and its session cookie in
 * the context, as the sign-in form would leave it. Returns the session token (for API calls).
 */
export async function signIn(
  context: BrowserContext,
  server: RunningServer,
  role: Role = 'duty-officer',
): Promise<string> {
  const token = await tokenFor(server, role);
  await context.addCookies([
    { name: SESSION_COOKIE, value: token, url: server.url, httpOnly: true, sameSite: 'Strict' },
  ]);
  return token;
}

/** Every console error and uncaught page error, as text. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** A test server's options: `db` ':memory:', `port` 0 and a silent logger unless given. */
export type TestServerOptions = Omit<ServerOptions, 'db' | 'port'> & Partial<Pick<ServerOptions, 'db' | 'port'>>;

/** A real server and Chromium, signed in on it. */
export interface BrowserRig {
  server: RunningServer;
  browser: Browser;
  /** Bearer token of the signed-in user, for API calls from the test ('' when not signed in). */
  token: string;
  /** Close the browser, then the server. */
  close(): Promise<void>;
}

/**
 * The client built, a real server on `opts`, Chromium launched and signed in as `role` (null:
 * left signed out, for tests of the sign-in form itself).
 */
export async function startBrowserRig(
  opts: TestServerOptions,
  role: Role | null = 'duty-officer',
): Promise<BrowserRig> {
  await buildClientForTests();
  const server = await startServer({ db: ':memory:', port: 0, log: createLogger('silent'), ...opts });
  const browser = await launchBrowser();
  const token = role === null ? '' : await signIn(browser.context, server, role);
  return {
    server,
    browser,
    token,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** A rig with one page open, collecting its console errors, its documents served under the production CSP. */
export interface Screen extends BrowserRig {
  page: Page;
  /** Console and page errors of `page`. */
  errors: string[];
}

export async function openScreen(opts: TestServerOptions, role: Role = 'duty-officer'): Promise<Screen> {
  const rig = await startBrowserRig(opts, role);
  const page = await rig.browser.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  return { ...rig, page, errors };
}
