/**
 * Call-sign labels on the resources layer, in headless Chromium against a real server (mini
 * scenario): none below zoom 13; from zoom 13 one per resource drawn (each a cached bitmap per
 * call sign, client/map/resources-layer.ts), reached with the map's own zoom key (+, the map focused).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';

let screen: Screen;

/** Press + (or -) on the focused map until the zoom has moved past `from` (Leaflet ignores the key mid-animation). */
async function zoomStep(page: Page, from: number, key: '+' | '-' = '+'): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    await page.keyboard.press(key);
    try {
      await page.waitForFunction(
        ([z0, up]) => ((window.__jcr.stats().map?.zoom ?? 0) - z0) * (up ? 1 : -1) > 0,
        [from, key === '+'] as const,
        { timeout: 5000 },
      );
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
    }
  }
}

test.before(async () => {
  screen = await openScreen({ scenario: miniScenario() }, 'duty-officer');
});

test.after(async () => {
  await screen?.close();
});

test('labels from zoom 13: one per resource on the canvas, none below', async () => {
  const { page, errors, server } = screen;
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().map?.resourcesDrawn === 6);
  const start = await page.evaluate(() => window.__jcr.stats().map);
  assert.ok(start !== null && start.zoom < 13, `starts below zoom 13 (${start?.zoom})`);
  assert.is(start?.labelsDrawn, 0);
  await page.locator('.jcr-map-canvas').focus();
  for (let z = start?.zoom ?? 0; z < 13; z++) await zoomStep(page, z);
  // The mini scenario's six resources sit within 6 km of the centre: all on the canvas at 13.
  await page.waitForFunction(
    () => window.__jcr.stats().map?.zoom === 13 && window.__jcr.stats().map?.labelsDrawn === 6,
  );
  // And back below 13: none.
  await zoomStep(page, 13, '-');
  await page.waitForFunction(
    () => window.__jcr.stats().map?.zoom === 12 && window.__jcr.stats().map?.labelsDrawn === 0,
  );
  assert.is(await page.evaluate(() => window.__jcr.stats().map?.resourcesDrawn), 6);
  await screenshot(page, 'labels-zoom13');
  assert.equal(errors, []);
});

test.run();
