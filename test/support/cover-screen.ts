/**
 * The cover screen's browser-test setup, shared by the cover panel tests: a real server on the
 * Cambridge cover world (test/support/cover-world.ts: real road network, live cover service),
 * Debian's Chromium signed in as `role`, one page collecting console errors and served under the
 * production Content-Security-Policy.
 */
import type { Page } from 'playwright-core';
import type { Role } from '../../server/core/auth/roles.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { openScreen, type Screen } from './browser.ts';
import { cambridgeGraph, coverPlanner, coverScenario } from './cover-world.ts';

export type CoverScreen = Screen;

export function openCoverScreen(role: Role = 'duty-officer'): Promise<CoverScreen> {
  const s = coverScenario();
  return openScreen({ scenario: s, roads: { planner: coverPlanner(s), cover: {}, graph: cambridgeGraph() } }, role);
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
export async function settledStandby(
  page: Page,
  server: RunningServer,
): Promise<{ resourceId: string; destination: { id: string } }[]> {
  if (!server.cover) throw new Error('the test server has no cover service');
  await server.cover.flushAsync();
  return serverStandby(page);
}
