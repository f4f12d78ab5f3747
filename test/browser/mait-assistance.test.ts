/**
 * Issue 18 items 4 and 5 in two browsers against two real partner rooms ('herts' and 'beds',
 * signed XML over loopback, one fake clock, straight-line journey times):
 *
 * - the herts fire dispatcher sees Bedfordshire under the incident's recommendation ("via partner
 *   rooms", 5.5 km from its area) and asks it for 2 pumps; the beds dispatcher finds the request
 *   in its inbox, says it is considering it (herts sees "acknowledged"), then offers the pump it
 *   ticks: herts' recommendation lists it via partner with its ETA; herts requests WG-P1
 *   via partner; beds sees that request with its note and declines it with a reason;
 * - a transfer in the beds inbox: Considering, a Reject refused without a reason, then with one,
 *   herts' "Transfer to partner" following each step;
 * - the wall: no inbox, no ask controls;
 * - a police dispatcher on a fire-led incident police supports asks the partner from its own
 *   part of the recommendation, as the lead could.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { fakeClock } from '../../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { buildClientForTests, collectErrors, launchBrowser, signIn, type Browser } from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';
import { startRooms, type BrowserRooms } from '../support/mait-browser-rooms.ts';
import type { Role } from '../../proto/roles.ts';
import { api } from '../support/server.ts';

const JOURNEYS = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
const clock = fakeClock(Date.UTC(2026, 11, 3, 1, 0, 0));
let rooms: BrowserRooms;
const browsers: Browser[] = [];
/** The herts and beds fire dispatchers' screens. */
let h: Screen;
let b: Screen;

interface Screen {
  page: Page;
  errors: string[];
  token: string;
}

async function screenOn(server: RunningServer, path = '/', role: Role = 'fire-dispatcher'): Promise<Screen> {
  const b = await launchBrowser();
  browsers.push(b);
  const token = await signIn(b.context, server, role);
  const page = await b.context.newPage();
  const errors = collectErrors(page);
  await withCsp(page);
  await page.goto(server.url + path);
  await page.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
  return { page, errors, token };
}

/** Each inbox item's heading, place, note and acknowledgement line. */
const inboxItems = (p: Page) =>
  p
    .locator('jcr-transfer-inbox li[data-transfer-id]')
    .evaluateAll((els) =>
      els.map((li) => [
        li.getAttribute('data-kind'),
        [...li.querySelectorAll('h3, p')].map((e) => (e.textContent ?? '').replace(/\s+/g, ' ').trim()),
      ]),
    );

async function outbound(server: RunningServer, token: string, incidentId: string) {
  const r = await api(server, 'GET', `/api/transfers?status=all&incidentId=${incidentId}`, { token });
  return (r.body as { transfers: Array<{ kind: string; status: string; ackStage: string | null; reason: string }> })
    .transfers;
}

test.before(async () => {
  await buildClientForTests();
  rooms = await startRooms(clock, JOURNEYS);
  h = await screenOn(rooms.herts);
  b = await screenOn(rooms.beds);
});

test.after(async () => {
  for (const b of browsers) await b.close();
  await rooms?.close();
});

test('ask a partner from the recommendation; it considers and offers; request one; it declines', async () => {
  const { herts, settle } = rooms;
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h.token,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road' },
  });
  const id = (c.body as { id: string }).id;
  await h.page.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
  const via = h.page.locator(`jcr-via-partner section[data-via-partner="${id}"]`);
  await via.waitFor();
  assert.equal(await via.locator('ul > li[data-partner-id]').allInnerTexts(), ['Bedfordshire: 5.5 km from its area']);

  // Ask: 2 pumps.
  const form = via.getByRole('form', { name: 'Ask a partner room for resources' });
  await form.getByLabel('Capability').selectOption('pump');
  await form.getByLabel('Count').fill('2');
  await form.getByLabel('Note').fill('Over the border');
  await form.getByRole('button', { name: 'Ask partner' }).click();
  await via.getByRole('status').filter({ hasText: 'Asked Bedfordshire for 2 × pump' }).waitFor();
  await settle();

  // Beds: the request is in its inbox.
  await b.page.locator('[data-badge=requests]').filter({ hasText: '1' }).waitFor();
  await b.page.getByRole('tab', { name: /Requests/ }).click();
  const item = b.page.locator('jcr-transfer-inbox li[data-kind=assistance]');
  await item.waitFor();
  assert.equal(await inboxItems(b.page), [
    [
      'assistance',
      [
        'Hertfordshire asks for 2 × pump TR-1',
        '9 Border Road · TL 2076 1270',
        '“Over the border”',
        'Hertfordshire has been told it arrived.',
      ],
    ],
  ]);
  await item.getByRole('button', { name: 'Considering' }).click();
  await item.locator('[data-ack=considering]').waitFor();
  assert.is(await item.getByRole('button', { name: 'Considering' }).isDisabled(), true);
  await settle();
  assert.equal(
    (await outbound(herts, h.token, id)).map((t) => [t.kind, t.status, t.ackStage]),
    [['assistance', 'acknowledged', 'considering']],
  );

  // Offer: the quickest, or the pumps ticked (here WG-P1 alone), with ETAs; the request leaves the inbox.
  assert.equal(await item.locator('label.unit').allInnerTexts(), [
    'HT-P1 pump — Available at station',
    'HT-P2 pump — Available at station',
    'WG-P1 pump — Available at station',
  ]);
  await item.getByRole('checkbox', { name: /WG-P1/ }).check();
  await item.getByRole('button', { name: 'Offer our quickest, or those ticked' }).click();
  await b.page
    .locator('jcr-request-inbox')
    .getByRole('status')
    .filter({ hasText: 'Offered to Hertfordshire: WG-P1 (7 min).' })
    .waitFor();
  await item.waitFor({ state: 'detached' });
  await settle();

  // Herts: the offers via partner, after our own, once the answer is seen.
  const offered = via.getByRole('list', { name: 'Offered via partner' });
  await offered.waitFor({ timeout: 15_000 });
  assert.equal(await offered.locator('.what').allInnerTexts(), ['WG-P1 pump, ETA 7:05, via partner Bedfordshire']);
  assert.equal(await via.locator('ul > li[data-partner-id]').allInnerTexts(), [
    'Bedfordshire: 5.5 km from its area · 2 × pump asked: resources offered',
  ]);
  await offered.getByRole('button', { name: 'Request WG-P1 via partner' }).click();
  await via.getByRole('status').filter({ hasText: 'Asked Bedfordshire for WGC1' }).waitFor();
  await settle();

  // Beds: the request for WG-P1, with its note; declined only with a reason.
  await item.waitFor();
  assert.equal((await inboxItems(b.page))[0]?.[1], [
    'Hertfordshire asks for 1 × pump TR-1',
    '9 Border Road · TL 2076 1270',
    '“Please send WG-P1 (WGC1), offered at 7 min.”',
    'Hertfordshire has been told it arrived.',
  ]);
  await item.getByRole('button', { name: 'Decline' }).click();
  await b.page.getByRole('alert').filter({ hasText: 'A decline needs a reason: Hertfordshire is told it.' }).waitFor();
  await item.getByLabel('Note or reason').fill('WG-P1 is now committed');
  await item.getByRole('button', { name: 'Decline' }).click();
  await item.waitFor({ state: 'detached' });
  await settle();
  assert.equal(
    (await outbound(herts, h.token, id)).map((t) => [t.status, t.reason]),
    [['rejected', 'WG-P1 is now committed']],
  );
  await via
    .locator('ul > li[data-partner-id]')
    .filter({ hasText: '1 × pump asked: cannot help' })
    .waitFor({ timeout: 15_000 });
  // The incident's partner list says the same.
  await h.page
    .locator('jcr-partner-transfer li[data-transfer-id]')
    .filter({ hasText: 'Asked Bedfordshire for 1 × pump: rejected: WG-P1 is now committed' })
    .waitFor();
  assert.equal(h.errors, []);
  assert.equal(b.errors, []);
});

test('a transfer in the inbox: considering, then rejected with a reason; the wall has no inbox', async () => {
  const { herts, beds, settle } = rooms;
  const ht = h.token;
  const c = await api(herts, 'POST', '/api/incidents', {
    token: ht,
    body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3, address: '5 Border Lane' },
  });
  const id = (c.body as { id: string }).id;
  const t = await api(herts, 'POST', `/api/incidents/${id}/transfer`, { token: ht, body: { partnerId: 'beds' } });
  assert.is(t.status, 202, JSON.stringify(t.body));
  await settle();
  // Herts follows it on the incident: status per transfer on screen.
  await h.page.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
  const sent = h.page.locator('jcr-partner-transfer li[data-transfer-id]');

  await b.page.getByRole('tab', { name: /Requests/ }).click();
  const item = b.page.locator('jcr-transfer-inbox li[data-kind=transfer]');
  await item.waitFor();
  assert.equal(
    (await inboxItems(b.page)).filter(([kind]) => kind === 'transfer'),
    [
      [
        'transfer',
        [
          'P1 Dwelling fire transfer from Hertfordshire',
          '5 Border Lane · TL 1706 2374',
          'Hertfordshire has been told it arrived.',
        ],
      ],
    ],
  );
  await item.getByRole('button', { name: 'Considering' }).click();
  await item.locator('[data-ack=considering]').waitFor();
  await settle();
  assert.equal(
    (await outbound(herts, ht, id)).map((x) => [x.status, x.ackStage]),
    [['acknowledged', 'considering']],
  );
  await sent.filter({ hasText: 'To Bedfordshire: acknowledged, being considered' }).waitFor();
  await item.getByRole('button', { name: 'Reject' }).click();
  await b.page
    .getByRole('alert')
    .filter({ hasText: 'A rejection needs a reason: Hertfordshire is told it.' })
    .waitFor();
  assert.equal(
    (await outbound(herts, ht, id)).map((x) => x.status),
    ['acknowledged'],
  );
  await item.getByLabel('Note or reason').fill('No crews free');
  await item.getByRole('button', { name: 'Reject' }).click();
  await item.waitFor({ state: 'detached' });
  await settle();
  assert.equal(
    (await outbound(herts, ht, id)).map((x) => [x.status, x.reason]),
    [['rejected', 'No crews free']],
  );
  await sent.filter({ hasText: 'To Bedfordshire: rejected: No crews free' }).waitFor();
  assert.equal(await sent.allInnerTexts(), ['To Bedfordshire: rejected: No crews free']);

  // The wall (read-only): no Requests tab, no inbox, no ask controls under a recommendation.
  const wall = await b.page.context().newPage();
  const wallErrors = collectErrors(wall);
  await withCsp(wall);
  await wall.goto(beds.url + '/?view=wall');
  await wall.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
  assert.equal(
    [
      await wall.getByRole('tab', { name: /Requests/ }).count(),
      await wall.locator('jcr-transfer-inbox').count(),
      await wall.locator('jcr-via-partner').count(),
    ],
    [0, 0, 0],
  );
  assert.equal(h.errors, []);
  assert.equal(b.errors, []);
  assert.equal(wallErrors, []);
});

test('a supporting agency asks a partner from its own part of the recommendation', async () => {
  const { herts, beds, settle } = rooms;
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h.token,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.26, address: '3 Border Road', supportingAgencies: ['police'] },
  });
  assert.is(c.status, 201, JSON.stringify(c.body));
  const id = (c.body as { id: string }).id;
  const p = await screenOn(herts, '/', 'police-dispatcher');
  await p.page.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
  await p.page.locator('jcr-incident-panel [data-rec=own-part]').waitFor();
  const via = p.page.locator(
    `jcr-incident-panel [data-rec=own-part] jcr-via-partner section[data-via-partner="${id}"]`,
  );
  await via.waitFor({ timeout: 15_000 });
  const form = via.getByRole('form', { name: 'Ask a partner room for resources' });
  // The type's lines first, then what police units do.
  assert.equal(await form.getByLabel('Capability').locator('option').allInnerTexts(), ['pump', 'police-response']);
  await form.getByLabel('Capability').selectOption('police-response');
  await form.getByLabel('Count').fill('1');
  await form.getByRole('button', { name: 'Ask partner' }).click();
  await via.getByRole('status').filter({ hasText: 'Asked Bedfordshire for 1 × police-response' }).waitFor();
  await settle();
  const asked = [...beds.engine.room.transfers.all()].filter((t) => t.ref.id === id);
  assert.equal(
    asked.map((t) => [t.kind, t.assistance?.capability, t.assistance?.count]),
    [['assistance', 'police-response', 1]],
  );
  assert.equal(p.errors, []);
});

test.run();
