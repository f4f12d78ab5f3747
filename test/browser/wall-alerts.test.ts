/**
 * Alerts at a glance in headless Chromium (issue 17 items 1 and 3, acceptance): a dispatcher's
 * screen and the wall (/?view=wall) against a real server whose clock is fake and whose COP
 * ticks only when the test says (hand-fired timers):
 *  - a new priority-1 incident raises the banner on both, and the wall's large alert list, on the
 *    one COP tick after it was created;
 *  - the unassigned alert fires once on the fake clock: not at 89 s, at 90 s (the wait set for
 *    the type), and never again however long it then waits; the wall lists both alerts, large;
 *  - a new alert sounds (Web Audio, made in the page) unless the user muted it, kept per user.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { fakeClock } from '../../server/core/clock.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { collectErrors, openScreen, screenshot, type Screen } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { api } from '../support/server.ts';
import { manualTimer } from '../support/timers.ts';

const clock = fakeClock(Date.now());
let screen: Screen;
let wall: Page;
let wallErrors: string[];

const scenario: Scenario = { ...miniScenario(), alerts: { unassignedAfterSByType: { 'dwelling-fire': 90 } } };

/** Tick the COP by hand until `ready` holds on the page (the snapshot goes out on a tick). */
async function tickUntil(page: Page, ready: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    screen.server.cop.hub.tick();
    if (await page.evaluate(ready)) return;
    await page.waitForTimeout(50);
  }
  throw new Error('page never ready');
}

const banner = (page: Page) =>
  page.evaluate(() => {
    const el = document.querySelector('jcr-alert-banner')?.shadowRoot?.querySelector('[data-alert]');
    return el ? [el.getAttribute('data-kind'), el.querySelector('.text')?.textContent?.trim()] : null;
  });

const wallList = () =>
  wall.evaluate(() =>
    [...(document.querySelector('jcr-alert-list')?.shadowRoot?.querySelectorAll('li[data-alert]') ?? [])].map((li) => [
      li.getAttribute('data-kind'),
      li.querySelector('.text')?.textContent?.trim(),
    ]),
  );

test.before(async () => {
  screen = await openScreen({ scenario, clock: clock.now, timers: manualTimer() }, 'fire-dispatcher');
  wall = await screen.browser.context.newPage();
  wallErrors = collectErrors(wall);
  await withCsp(wall);
  await screen.page.goto(screen.server.url + '/');
  await wall.goto(screen.server.url + '/?view=wall');
  for (const p of [screen.page, wall]) await tickUntil(p, () => window.__jcr?.stats().connection === 'live');
});

test.after(async () => {
  await screen?.close();
});

test('a new priority-1 incident raises the banner on the dispatcher and the wall within one COP tick', async () => {
  const { page, server } = screen;
  assert.equal([await banner(page), await banner(wall), await wallList()], [null, null, []]);
  assert.is(await wall.locator('jcr-alert-list [data-alerts=none]').textContent(), 'No active alerts.');
  const r = await api(server, 'POST', '/api/incidents', {
    token: screen.token,
    body: { typeId: 'dwelling-fire', lat: 51.7636, lon: -0.2232, address: '1 High St, Hatfield' },
  });
  assert.is(r.status, 201, JSON.stringify(r.body));
  // No tick yet: nothing has gone to the screens.
  assert.equal([await banner(page), await banner(wall)], [null, null]);
  server.cop.hub.tick();
  const want = ['new-p1', 'New priority 1: Dwelling fire, 1 High St, Hatfield'];
  for (const p of [page, wall]) {
    await p.waitForFunction(() =>
      document.querySelector('jcr-alert-banner')?.shadowRoot?.querySelector('[data-alert]'),
    );
    assert.equal(await banner(p), want);
  }
  assert.equal(await wallList(), [want]);
  assert.equal(errors(), []);
});

test('the unassigned alert fires once on the fake clock; the wall lists every alert, large', async () => {
  const { page, server } = screen;
  const step = async (ms: number) => {
    clock.advance(ms);
    server.reactor.tick();
    server.cop.hub.tick();
  };
  const raised = () => [...server.store.events(0)].filter((e) => e.type === 'alert.raised').map((e) => e.data.kind);
  await step(89_000);
  assert.equal(raised(), ['new-p1']);
  await step(1_000);
  await wall.waitForFunction(
    () => document.querySelector('jcr-alert-list')?.shadowRoot?.querySelectorAll('li[data-alert]').length === 2,
  );
  const unassigned = ['unassigned', 'No unit sent after 2 min: Dwelling fire, 1 High St, Hatfield'];
  // Both priority 1: the newer first.
  assert.equal(await wallList(), [unassigned, ['new-p1', 'New priority 1: Dwelling fire, 1 High St, Hatfield']]);
  // Five more minutes unassigned: raised once, so the screens can never be sent a second one.
  for (let i = 0; i < 5; i++) await step(60_000);
  assert.equal(raised(), ['new-p1', 'unassigned']);
  assert.equal(await wallList(), [unassigned, ['new-p1', 'New priority 1: Dwelling fire, 1 High St, Hatfield']]);
  await page.waitForFunction(
    () =>
      document
        .querySelector('jcr-alert-banner')
        ?.shadowRoot?.querySelector('[data-alert]')
        ?.getAttribute('data-kind') === 'unassigned',
  );
  assert.equal(await banner(page), unassigned);
  assert.equal(await wall.locator('jcr-alert-list [data-alert-count]').getAttribute('data-alert-count'), '2');
  // Large from across the room: the list's text is bigger than the wall's 22 px body type.
  const px = await wall
    .locator('jcr-alert-list li[data-alert]')
    .first()
    .evaluate((li) => parseFloat(getComputedStyle(li).fontSize));
  assert.ok(px >= 24, `alert text ${px}px`);
  await screenshot(wall, 'wall-alerts');
  assert.equal(errors(), []);
});

test('a new alert sounds two tones made in the page; Mute silences them, kept for the user after a reload', async () => {
  const { server } = screen;
  const desk = await screen.browser.context.newPage();
  const deskErrors = collectErrors(desk);
  await withCsp(desk);
  // Web Audio as the page makes it, counted: every oscillator started is a tone.
  // As a string: a function would carry the test compiler's helpers (__name), unknown to the page.
  await desk.addInitScript(`
    window.__tones = [];
    window.AudioContext = function () {
      return {
        currentTime: 0,
        destination: {},
        createGain: function () { return { gain: { value: 0 }, connect: function (x) { return x; } }; },
        createOscillator: function () {
          var o = {
            frequency: { value: 0 },
            connect: function (x) { return x; },
            start: function () { window.__tones.push(o.frequency.value); },
            stop: function () {},
          };
          return o;
        },
      };
    };
  `);
  await desk.goto(server.url + '/');
  await tickUntil(desk, () => window.__jcr?.stats().connection === 'live');
  const tones = () => desk.evaluate(() => (window as unknown as { __tones: number[] }).__tones);
  const raise = async (address: string) => {
    clock.advance(1_000); // the newest alert tops the banner
    const r = await api(server, 'POST', '/api/incidents', {
      token: screen.token,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address },
    });
    assert.is(r.status, 201, JSON.stringify(r.body));
    server.cop.hub.tick();
    await desk.waitForFunction(
      (a) => document.querySelector('jcr-alert-banner')?.shadowRoot?.querySelector('.text')?.textContent?.includes(a),
      address,
    );
  };
  // Alerts already active when the page opened are not news: no tone for them.
  assert.equal(await tones(), []);
  await raise('3 High St');
  await desk.waitForFunction(() => (window as unknown as { __tones: number[] }).__tones.length === 2);
  assert.equal(await tones(), [880, 660]);
  const mute = desk.locator('jcr-alert-banner').getByRole('button', { name: 'Mute' });
  await mute.click();
  assert.is(await mute.getAttribute('aria-pressed'), 'true');
  await raise('4 High St');
  assert.equal(await tones(), [880, 660]);
  await desk.reload();
  await tickUntil(desk, () => window.__jcr?.stats().connection === 'live');
  assert.is(
    await desk.locator('jcr-alert-banner').getByRole('button', { name: 'Mute' }).getAttribute('aria-pressed'),
    'true',
  );
  await raise('5 High St');
  assert.equal(await tones(), []);
  await desk.close();
  assert.equal(deskErrors, []);
});

const errors = () => [...screen.errors, ...wallErrors];

test.run();
