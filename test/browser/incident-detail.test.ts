/**
 * The incident detail's joint-work screens (issue 22 items 3 and 4) in headless Chromium against
 * a real server (the lines world: mini scenario plus police search teams, dog units, a fire boat
 * and the high-risk missing-person type; straight-line journeys at 10 m/s), signed in as the
 * police dispatcher:
 * - the live timeline reads every page of GET /api/incidents/:id/log, not only the first, and
 *   then only what is new.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { openScreen, type Screen } from '../support/browser.ts';
import { linesScenario } from '../support/lines-world.ts';

let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];

const POLICE = { origin: 'operator', actor: 'police-dispatcher' } as const;

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 10, police: 10, ambulance: 10, drone: 10 }, ['drone']);
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
  // Opening it as the lead also logs the recommendation shown: once that is listed, the whole log.
  await detail.locator('[data-timeline] li[data-type="incident.recommended"]').waitFor({ state: 'attached' });
  const shown = logged();
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

test.run();
