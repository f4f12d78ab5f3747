/**
 * The incident detail's joint-work screens (issue 22 items 3 and 4) in headless Chromium against
 * a real server (the lines world: mini scenario plus police search teams, dog units, a fire boat
 * and the high-risk missing-person type; straight-line journeys at 10 m/s), signed in as the
 * police dispatcher:
 * - the live timeline reads every page of GET /api/incidents/:id/log, not only the first, and
 *   then only what is new;
 * - the lead adds an attendance line (a boat for a missing person by a canal) and removes one,
 *   each with a reason, and the recommendation then covers it;
 * - on a fire-led incident police only supports, police's screen shows its own part of the
 *   recommendation (its own unit for the line fire added for it, none of fire's pumps, nothing to
 *   accept for the whole incident) and no lines form, and fire's accept still holds;
 * - the detail books a unit's arrival and leaving, with the times in its row.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { openScreen, type Screen } from '../support/browser.ts';
import { api, tokenFor } from '../support/server.ts';
import { linesScenario } from '../support/lines-world.ts';

let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];

const POLICE = { origin: 'operator', actor: 'police-dispatcher' } as const;

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  screen = await openScreen(
    { scenario: linesScenario(), roads: { mobilisation: { journeys, cover: null } } },
    'police-dispatcher',
  );
  ({ server, page, errors } = screen);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
});

test.after(async () => {
  await screen?.close();
});

/** A missing-person incident created as the police dispatcher, by the engine (no screen). */
function createIncident(lat: number, lon: number, address: string): string {
  const [ev] = server.engine.execute(
    { type: 'incident.create', typeId: 'missing-person-high-risk', lat, lon, address, actingAgency: 'police' },
    POLICE,
  );
  assert.is(ev?.type, 'incident.created');
  return ev?.type === 'incident.created' ? ev.data.incidentId : '';
}

/** Select an incident in the queue and wait for its detail. */
async function open(incidentId: string): Promise<void> {
  await page.getByRole('tab', { name: /Incidents/ }).click();
  await page.locator(`jcr-incident-queue button[data-incident-id="${incidentId}"]`).click();
  await page.locator(`jcr-incident-detail [data-detail-for="${incidentId}"]`).waitFor();
}

/** The seqs the detail's timeline lists, in order. */
function timelineSeqs(): Promise<number[]> {
  return page
    .locator('jcr-incident-detail [data-timeline] li')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
}

test('the timeline reads every page of the log (1200 notes: three pages), then only what is new', async () => {
  const id = createIncident(51.75, -0.24, 'Timeline test');
  for (let i = 1; i <= 1200; i++)
    server.engine.execute(
      { type: 'operator.note', text: `Sector ${i} searched`, incidentId: id, actingAgency: 'police' },
      POLICE,
    );
  const logged = () => server.engine.room.incidents.timeline(id).map((e) => e.seq);
  const before = logged();
  assert.ok(before.length > 1000, `${before.length} events`);
  await open(id);
  const detail = page.locator('jcr-incident-detail');
  await detail.locator(`[data-timeline] li[data-seq="${before[before.length - 1]}"]`).waitFor({ state: 'attached' });
  // Opening it as the lead shows the recommendation, which logs nothing (issue 15 item 3): the
  // timeline is the log as it was, the whole of it.
  await page.locator('jcr-incident-panel [data-rec=shown]').waitFor();
  const shown = logged();
  assert.equal(shown, before);
  assert.equal(await timelineSeqs(), shown);
  const notes = await detail
    .locator('[data-timeline] li[data-type="operator.note"] .what')
    .evaluateAll((els) => els.map((e) => e.textContent));
  assert.is(notes.length, 1200);
  assert.equal(
    [notes[0], notes[499], notes[500], notes[1199]],
    ['Note: Sector 1 searched', 'Note: Sector 500 searched', 'Note: Sector 501 searched', 'Note: Sector 1200 searched'],
  );
  // A note from the screen: the next read brings it, after all that came before.
  await detail.getByLabel('Note to the shared timeline').fill('Sector 1201 searched');
  await detail.getByRole('button', { name: 'Add note' }).click();
  await detail
    .locator('[data-timeline] li[data-type="operator.note"]')
    .filter({ hasText: 'Sector 1201 searched' })
    .waitFor({ state: 'attached' });
  const after = logged();
  assert.is(after.length, shown.length + 1);
  assert.equal(await timelineSeqs(), after);
  assert.equal(errors, []);
});

/** The resources the police screen's recommendation proposes. */
function proposed(): Promise<string[]> {
  return page
    .locator('jcr-incident-panel [data-rec=shown] li[data-resource-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id') ?? ''));
}

test('the lead adds a boat line by the canal and removes the drone line; the recommendation follows', async () => {
  const id = createIncident(51.77, -0.21, 'Towpath, Lea Navigation');
  await open(id);
  const panel = page.locator('jcr-incident-panel');
  await panel.locator('[data-rec=shown] li[data-resource-id]').first().waitFor();
  assert.equal((await proposed()).includes('BOAT1'), false);
  assert.equal((await proposed()).includes('DRONE1'), true);
  const detail = page.locator('jcr-incident-detail');
  await detail.locator('summary').filter({ hasText: 'Attendance lines' }).click();
  const add = detail.getByRole('form', { name: 'Add a line' });
  await add.getByLabel('Capability').selectOption('boat');
  await add.getByLabel('Count').fill('1');
  await add.getByLabel('Reason for the line').fill('Last seen on the canal towpath');
  await add.getByRole('button', { name: 'Add line' }).click();
  await detail.locator('[data-lines-form] li[data-line=boat]').waitFor();
  await panel.locator('[data-rec=shown] li[data-resource-id=BOAT1]').waitFor();
  const remove = detail.getByRole('form', { name: 'Remove a line' });
  await remove.locator('select[name=lineId]').selectOption('drone');
  await remove.getByLabel('Reason for removing it').fill('Drone grounded: high wind');
  await remove.getByRole('button', { name: 'Remove line' }).click();
  await detail.locator('[data-lines-form] li[data-line=drone]').waitFor({ state: 'detached' });
  await panel.locator('[data-rec=shown] li[data-resource-id=DRONE1]').waitFor({ state: 'detached' });
  assert.equal((await proposed()).includes('BOAT1'), true);
  await detail
    .locator('[data-timeline] li[data-type="incident.lineRemoved"]')
    .filter({ hasText: 'Line removed: drone — Drone grounded: high wind' })
    .waitFor();
  await detail
    .locator('[data-timeline] li[data-type="incident.lineSet"]')
    .filter({ hasText: 'Line set: 1 × boat — Last seen on the canal towpath' })
    .waitFor();
  assert.equal(
    server.engine.room.incidents.require(id).lineChanges.map((c) => [c.capability, c.count, c.reason]),
    [
      ['boat', 1, 'Last seen on the canal towpath'],
      ['drone', null, 'Drone grounded: high wind'],
    ],
  );
  assert.equal(errors, []);
});

test('police opening a fire-led incident it supports sees its own part of the recommendation, not the whole', async () => {
  const [ev] = server.engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.765,
      lon: -0.23,
      address: 'Supported fire',
      supportingAgencies: ['police'],
      actingAgency: 'fire',
    },
    { origin: 'operator', actor: 'fire-dispatcher' },
  );
  const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
  const fire = await tokenFor(server, 'fire-dispatcher');
  const line = await api(server, 'POST', `/api/incidents/${id}/lines`, {
    token: fire,
    body: { capability: 'police-response', count: 1, agency: 'police', reason: 'Cordon for the crews' },
  });
  assert.is(line.status, 201);
  const rec = await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token: fire });
  assert.is(rec.status, 200);
  const { fingerprint, proposed: whole } = rec.body as { fingerprint: string; proposed: string[] };
  const policeUnits = ['DOG1', 'DOG2', 'PC1', 'PS1', 'PS2'];
  const ours = whole.filter((r) => policeUnits.includes(r));
  assert.is(ours.length, 1, whole.join());
  assert.ok(whole.length > 1, whole.join());
  await open(id);
  const panel = page.locator('jcr-incident-panel');
  const part = panel.locator('[data-rec=own-part]');
  await part.filter({ hasText: 'Fire leads this incident' }).waitFor();
  await part.locator(`li[data-resource-id="${ours[0]}"]`).waitFor();
  // Police's own unit only: none of fire's pumps, and nothing to accept for the whole incident.
  assert.equal(
    await part.locator('li[data-resource-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id'))),
    ours,
  );
  await page.locator('jcr-incident-detail [data-agency=police]').filter({ hasText: 'supporting' }).waitFor();
  assert.is(await panel.getByRole('button', { name: /Mobilise recommended/ }).count(), 0);
  assert.is(await page.locator('jcr-incident-detail [data-lines-form]').count(), 0);
  // Police's own units only, should it send any: the timed candidates of its line.
  await panel.getByRole('button', { name: 'Send own units…' }).click();
  const form = panel.locator('form[aria-label="Override recommendation"]');
  await form.filter({ hasText: 'timed by the server' }).waitFor();
  const offered = await form
    .locator('input[name=resourceId]')
    .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  assert.ok(offered.length > 0 && offered.every((r) => policeUnits.includes(r)), offered.join());
  // Fire accepts the recommendation it was shown.
  const mob = await api(server, 'POST', `/api/incidents/${id}/mobilise`, {
    token: fire,
    body: { accept: true, fingerprint },
  });
  assert.is(mob.status, 200, JSON.stringify(mob.body));
  assert.equal(errors, []);
});

test("police books its search team's arrival and leaving from the detail", async () => {
  const id = createIncident(51.76, -0.22, 'Booking test');
  server.engine.execute(
    { type: 'incident.mobilise', incidentId: id, resourceIds: ['PS1'], proposed: ['PS1'], actingAgency: 'police' },
    POLICE,
  );
  await open(id);
  const row = page.locator('jcr-incident-detail [data-agency=police] tr[data-resource-id=PS1]');
  const cells = () => row.locator('td').evaluateAll((els) => els.slice(0, 5).map((e) => e.textContent?.trim()));
  await row.filter({ hasText: 'Mobilised' }).waitFor();
  assert.equal((await cells()).slice(3), ['—', '—']);
  await row.getByRole('button', { name: 'Book PS1 arrived' }).click();
  await row.filter({ hasText: 'At scene' }).waitFor();
  // The status and the booked time come in separate COP deltas: wait for the time's too.
  await row
    .locator('td')
    .nth(3)
    .filter({ hasText: /\d\d:\d\d:\d\d/ })
    .waitFor();
  assert.is(server.engine.room.fleet.require('PS1').status, ResourceStatus.AT_SCENE);
  assert.match((await cells())[3] ?? '', /^\d\d:\d\d:\d\d$/);
  await row.getByRole('button', { name: 'Book PS1 left' }).click();
  await page.locator('jcr-incident-detail tr[data-resource-id=PS1][data-open=false]').waitFor();
  assert.is(server.engine.room.fleet.require('PS1').status, ResourceStatus.RETURNING);
  const [line, status, mobilised, arrived, left] = await cells();
  assert.equal([line, status], ['search', 'Left']);
  for (const t of [mobilised, arrived, left]) assert.match(t ?? '', /^\d\d:\d\d:\d\d$/);
  assert.is(await row.getByRole('button').count(), 0);
  assert.equal(errors, []);
});

test.run();
