/**
 * The cover screen's browser-test setup, shared by the cover panel tests: a real server on the
 * Cambridge cover world (test/support/cover-world.ts: real road network, live cover service),
 * Debian's Chromium signed in as `role`, one page collecting console errors and served under the
 * production Content-Security-Policy.
 */
import type { Page } from 'playwright-core';
import type { Role } from '../../server/core/auth/roles.ts';
import { createLogger } from '../../server/shell/log.ts';
import { startServer, type RunningServer } from '../../server/shell/server.ts';
import { buildClientForTests, collectErrors, launchBrowser, signIn, type Browser } from './browser.ts';
import { cambridgeGraph, coverPlanner, coverScenario } from './cover-world.ts';
import { withCsp } from './csp.ts';

export interface CoverScreen {
  server: RunningServer;
  browser: Browser;
  page: Page;
  /** Console and page errors of `page`. */
  errors: string[];
  /** Bearer token of the signed-in user, for API calls from the test. */
  token: string;
  close(): Promise<void>;
}

export async function openCoverScreen(role: Role = 'duty-officer'): Promise<CoverScreen> {
  await buildClientForTests();
  const s = coverScenario();
  const server = await startServer({ scenario: s, db: ':memory:', port: 0, logger: createLogger('silent'), cover: { planner: coverPlanner(s) }, graph: cambridgeGraph() });
  const browser = await launchBrowser();
  const token = await signIn(browser.context, server, role);
  const page = await browser.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  return {
    server,
    browser,
    page,
    errors,
    token,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** Load the screen, wait until it is live with the cover world's 8 resources, show the Cover tab. */
export async function showCoverPanel(page: Page, server: RunningServer): Promise<void> {
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live' && window.__jcr.stats().resources === 8);
  await page.getByRole('tab', { name: /Cover/ }).click();
}

/** The standby moves in GET /api/cover, as the page's own session sees them. */
export function serverStandby(page: Page): Promise<{ resourceId: string; destination: { id: string } }[]> {
  return page.evaluate(async () => {
    const r = await fetch('/api/cover');
    return ((await r.json()) as { standby: { resourceId: string; destination: { id: string } }[] }).standby;
  });
}

/**
 * GET /api/cover's standby moves once the server's cover picture includes every change so far
 * (a standby order or end reaches the picture after the service's debounce). Note: Playwright's
 * waitForFunction does not await an async predicate (a Promise is truthy), so it cannot poll an
 * endpoint; this asks the cover service to settle instead.
 */
export async function settledStandby(page: Page, server: RunningServer): Promise<{ resourceId: string; destination: { id: string } }[]> {
  if (!server.cover) throw new Error('the test server has no cover service');
  await server.cover.flushAsync();
  return serverStandby(page);
}
