/**
 * Labels on the map, in headless Chromium against a real server (the mini scenario with named
 * towns and a literal road table, test/fixtures/labels-world.ts):
 *  - call signs on the resources layer: none below zoom 13; from zoom 13 one per resource drawn
 *    (each a cached bitmap per call sign, client/map/resources-layer.ts), reached with the map's
 *    own zoom key (+, the map focused);
 *  - town names at county zoom, road refs and names closer in (GET /api/map/labels,
 *    client/map/labels-layer.ts), and no two label boxes on the map overlapping, call signs
 *    included, at county zoom and at zoom 13 (issue 16 item 4).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { labelsRoadTable, labelsScenario } from '../fixtures/labels-world.ts';
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
  screen = await openScreen({ scenario: labelsScenario(), roads: { roadTable: labelsRoadTable() } }, 'duty-officer');
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

interface Box {
  kind: string;
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Every pair of boxes that overlap (touching edges do not), as text. */
function overlaps(boxes: Box[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h)
        out.push(`${a.kind} ${a.text} / ${b.kind} ${b.text}`);
    }
  return out;
}

const texts = (boxes: Box[], kind: string) =>
  boxes
    .filter((b) => b.kind === kind)
    .map((b) => b.text)
    .sort();

test('towns at county zoom, refs and names closer in; no two label boxes overlap, call signs included', async () => {
  const { page, errors, server } = screen;
  await page.goto(server.url + '/');
  // The scenario's towns by population, down to Welwyn (weight 9 of Stevenage's 90), and the
  // refs of the motorway and the primary road (from zoom 10.5): placed once the labels and the
  // scenario's view (the county fitted) have both arrived.
  const towns = ['Hatfield', 'Hertford', 'Potters Bar', 'St Albans', 'Stevenage', 'Welwyn', 'Welwyn Garden City'];
  await page.waitForFunction(
    (want) => {
      const got = window.__jcr?.labelBoxes().map((b) => b.text) ?? [];
      return want.every((t) => got.includes(t));
    },
    [...towns, 'A1(M)', 'A414'],
  );
  const county = await page.evaluate(() => ({ map: window.__jcr.stats().map, boxes: window.__jcr.labelBoxes() }));
  assert.ok(county.map !== null && county.map.zoom < 13, `county zoom (${county.map?.zoom})`);
  assert.equal(
    texts(county.boxes, 'place').filter((t) => towns.includes(t)),
    towns,
  );
  assert.equal([...new Set(texts(county.boxes, 'ref'))], ['A1(M)', 'A414']);
  assert.equal(texts(county.boxes, 'name'), [], 'no road names at county zoom');
  assert.equal(texts(county.boxes, 'callsign'), [], 'no call signs below zoom 13');
  assert.equal(overlaps(county.boxes), []);
  await screenshot(page, 'labels-county');

  // Zoom 13 on Hatfield: six call signs round two stations (three resources share one point),
  // the town's name, the roads' refs and the secondary road's name, none overlapping.
  await page.locator('.jcr-map-canvas').focus();
  for (let z = county.map?.zoom ?? 0; z < 13; z = (await page.evaluate(() => window.__jcr.stats().map?.zoom)) ?? 13)
    await zoomStep(page, z);
  await page.waitForFunction(() => {
    const m = window.__jcr.stats().map;
    return m?.zoom === 13 && m.labelsDrawn === 6 && m.labelZoom === 13;
  });
  const close = await page.evaluate(() => ({ map: window.__jcr.stats().map, boxes: window.__jcr.labelBoxes() }));
  assert.equal(texts(close.boxes, 'callsign'), ['EE-A1', 'HT-DR1', 'HT-IRV1', 'HT-P1', 'HT-P2', 'WG-P1']);
  assert.is(close.map?.labelsDropped, 0);
  assert.ok(texts(close.boxes, 'name').includes('Great North Road'), texts(close.boxes, 'name').join(', '));
  assert.ok(texts(close.boxes, 'ref').includes('A1(M)'), texts(close.boxes, 'ref').join(', '));
  assert.equal(overlaps(close.boxes), []);
  await screenshot(page, 'labels-zoom13-places');
  assert.equal(errors, []);
});

test.run();
