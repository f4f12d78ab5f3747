/**
 * The whole joint flow (issue 22) in two headless Chromiums against one real server (mini
 * scenario with a violent disturbance, straight-line journey times): the police dispatcher
 * creates a violent disturbance and presses Mobilise recommended, and its unit goes; the
 * ambulance desk sees the request in its inbox, with the suggested unit ticked, accepts, and its
 * unit goes; the ambulance desk records METHANE and a note; both screens show one timeline, the
 * same entries in the same order; police cannot close while the ambulance is committed, and can
 * once the ambulance desk has stood its unit down. Then the other answers: the ambulance desk
 * declines one request and answers another with advice and no deployment, each needing its words,
 * and the police detail shows each answer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import {
  collectErrors,
  launchBrowser,
  openScreen,
  screenshot,
  signIn,
  type Browser,
  type Screen,
} from '../support/browser.ts';
import { withCsp } from '../support/csp.ts';

let screen: Screen;
let server: RunningServer;
let police: Page;
let policeErrors: string[];
let ambBrowser: Browser;
let amb: Page;
let ambErrors: string[];
let incidentId = '';

function scenario(): Scenario {
  const s = miniScenario();
  s.incidentTypes.push({
    id: 'violent-disturbance',
    name: 'Violent disturbance',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'police-response', count: 1, agency: 'police' },
      { capability: 'paramedic', count: 1, agency: 'ambulance' },
    ],
    standards: [],
  });
  return s;
}

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  screen = await openScreen(
    { scenario: scenario(), roads: { mobilisation: { journeys, cover: null } } },
    'police-dispatcher',
  );
  ({ server, page: police, errors: policeErrors } = screen);
  ambBrowser = await launchBrowser();
  await signIn(ambBrowser.context, server, 'ambulance-desk');
  amb = await ambBrowser.context.newPage();
  ambErrors = collectErrors(amb);
  await withCsp(amb);
});

test.after(async () => {
  await ambBrowser?.close();
  await screen?.close();
});

async function live(p: Page): Promise<void> {
  await p.goto(server.url + '/');
  await p.waitForFunction(() => {
    const s = window.__jcr?.stats();
    return s !== undefined && s.connection === 'live' && s.resources === 6;
  });
}

/** The timeline one screen shows: each entry's seq and words. */
function timeline(p: Page): Promise<string[]> {
  return p
    .locator('jcr-incident-detail [data-timeline] li')
    .evaluateAll((els) =>
      els.map((e) => `${e.getAttribute('data-seq')} ${e.querySelector('.what')?.textContent ?? ''}`),
    );
}

test('police creates a violent disturbance and mobilises the recommendation: its unit goes, the ambulance is asked', async () => {
  await live(police);
  const panel = police.locator('jcr-incident-panel');
  await panel.getByLabel('Type').selectOption('violent-disturbance');
  await panel.getByLabel('Latitude').fill('51.7640');
  await panel.getByLabel('Longitude').fill('-0.2260');
  await panel.getByLabel('Address or location').fill('Hatfield town centre');
  await panel.getByRole('button', { name: 'Create incident' }).click();
  await police.waitForSelector('jcr-incident-panel [data-rec=shown]');
  incidentId =
    (await police.locator('jcr-incident-queue button[data-incident-id]').getAttribute('data-incident-id')) ?? '';
  assert.ok(incidentId, 'an incident in the queue');
  const proposed = await police
    .locator('jcr-incident-panel [data-rec=shown] li[data-resource-id]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id')));
  assert.equal(proposed, ['PC1', 'AMB1']);
  await panel.getByRole('button', { name: /Mobilise recommended/ }).click();
  await police.waitForFunction(() => window.__jcr.resource('PC1')?.status === 'MOBILISED');
  // The police accept sends police only: the ambulance is asked, not sent.
  assert.is(server.engine.room.fleet.require('AMB1').status, 1);
  const inc = server.engine.room.incidents.require(incidentId);
  assert.equal(
    inc.requests.map((r) => [r.fromAgency, r.toAgency, r.status]),
    [['police', 'ambulance', 'pending']],
  );
  const detail = police.locator('jcr-incident-detail');
  await detail.locator('[data-agency=police] tr[data-resource-id=PC1]').waitFor();
  await detail.locator('[data-agency=ambulance]').filter({ hasText: 'asked, not yet answered' }).waitFor();
  await screenshot(police, 'joint-police-mobilised');
  assert.equal(policeErrors, []);
});

test('the ambulance desk sees the request in its inbox, accepts the suggestion, and its unit goes', async () => {
  await live(amb);
  await amb.locator('[data-badge=requests]').filter({ hasText: '1' }).waitFor();
  // Opened from the queue, the police incident shows the ambulance desk its own part (its unit
  // proposed, not police's) and sends it to its inbox to answer.
  await amb.locator(`jcr-incident-queue button[data-incident-id="${incidentId}"]`).click();
  const part = amb.locator('jcr-incident-panel [data-rec=own-part]');
  await part.locator('li[data-resource-id=AMB1]').waitFor();
  assert.equal(
    await part.locator('li[data-resource-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-resource-id'))),
    ['AMB1'],
  );
  assert.is(await amb.getByRole('button', { name: /Mobilise recommended/ }).count(), 0);
  await part.getByRole('button', { name: 'Answer the request (R)' }).click();
  const item = amb.locator(`jcr-request-inbox li[data-incident-id="${incidentId}"]`);
  await item.waitFor();
  // The suggestion comes ticked.
  assert.is(await item.locator('input[name=resourceId][value=AMB1]').isChecked(), true);
  await screenshot(amb, 'joint-ambulance-inbox');
  await item.getByRole('button', { name: 'Accept', exact: true }).click();
  await amb.waitForFunction(() => window.__jcr.resource('AMB1')?.status === 'MOBILISED');
  assert.is(server.engine.room.fleet.require('AMB1').incidentId, incidentId);
  await amb.locator('jcr-request-inbox [data-inbox=empty]').waitFor();
  assert.is(await amb.locator('[data-badge=requests]').count(), 0);
  assert.equal(ambErrors, []);
});

test("both screens show one timeline, with the ambulance desk's METHANE and note", async () => {
  await amb.getByRole('tab', { name: /Incidents/ }).click();
  await amb.locator(`jcr-incident-queue button[data-incident-id="${incidentId}"]`).click();
  const ambDetail = amb.locator('jcr-incident-detail');
  await ambDetail.locator('[data-timeline] li[data-type="incident.assistanceAccepted"]').waitFor();
  // Police leads: the ambulance desk sees its own part, not a recommendation of the whole incident.
  await amb.locator('jcr-incident-panel [data-rec=own-part]').filter({ hasText: 'Police leads' }).waitFor();
  assert.is(await amb.getByRole('button', { name: /Mobilise recommended/ }).count(), 0);
  await ambDetail.locator('[data-agency=ambulance] [data-lines]').filter({ hasText: '1 × paramedic' }).waitFor();
  // Any agency taking part records METHANE and notes: the ambulance desk on a police incident.
  await ambDetail.locator('summary').filter({ hasText: 'METHANE report' }).click();
  await ambDetail.getByLabel('H — Hazards').fill('knife seen');
  await ambDetail.getByLabel('N — Number of casualties').fill('2');
  await ambDetail.getByRole('button', { name: 'Record METHANE' }).click();
  await ambDetail
    .locator('.msg')
    .filter({ hasText: `METHANE recorded for ${incidentId}.` })
    .waitFor();
  await ambDetail.getByLabel('Note to the shared timeline').fill('Crew staged at the rendezvous point');
  await ambDetail.getByRole('button', { name: 'Add note' }).click();
  for (const p of [police, amb])
    await p
      .locator('jcr-incident-detail [data-timeline] li[data-type="operator.note"]')
      .filter({ hasText: 'Crew staged at the rendezvous point' })
      .waitFor();
  const methane = server.engine.room.incidents.require(incidentId).methane;
  assert.equal([methane.hazards, methane.casualties], ['knife seen', 2]);
  const [pt, at] = [await timeline(police), await timeline(amb)];
  assert.equal(pt, at);
  const all = pt.join('\n');
  assert.ok(
    pt.some((l) => /Request accepted: mobilised EE-A1/.test(l)),
    all,
  );
  assert.ok(
    pt.some((l) => /HT-IRV1 mobilised/.test(l)),
    all,
  );
  assert.ok(
    pt.some((l) => /METHANE updated: .*hazards/.test(l)),
    all,
  );
  assert.equal(policeErrors, []);
  assert.equal(ambErrors, []);
});

test('police cannot close while the ambulance is committed, and can once it has stood down', async () => {
  const detail = police.locator('jcr-incident-detail');
  await detail.locator('[data-close-blocked]').filter({ hasText: 'EE-A1' }).waitFor();
  await detail.getByLabel('Closing reason').fill('Dispersed');
  await detail.getByRole('button', { name: 'Close incident', exact: true }).click();
  await detail.locator('.msg').filter({ hasText: 'JCR_INCIDENT_STILL_COMMITTED' }).waitFor();
  assert.is(server.engine.room.incidents.require(incidentId).status === 'closed', false);
  // The ambulance desk has no Close; it stands its own unit down and has no button for police's.
  const ambDetail = amb.locator('jcr-incident-detail');
  assert.is(await ambDetail.getByRole('button', { name: 'Close incident', exact: true }).count(), 0);
  assert.is(await ambDetail.getByRole('button', { name: 'Stand down HT-IRV1' }).count(), 0);
  await ambDetail.getByRole('button', { name: 'Stand down EE-A1' }).click();
  await amb.waitForFunction(() => window.__jcr.resource('AMB1')?.status === 'RETURNING');
  await detail.locator('[data-close-blocked]').waitFor({ state: 'detached' });
  await detail.getByRole('button', { name: 'Close incident', exact: true }).click();
  await detail
    .locator('.msg')
    .filter({ hasText: `Incident ${incidentId} closed.` })
    .waitFor();
  assert.is(server.engine.room.incidents.require(incidentId).status, 'closed');
  await screenshot(police, 'joint-police-closed');
  // The one refused close is the only failed request the police screen made.
  assert.equal(policeErrors, [
    'console: Failed to load resource: the server responded with a status of 409 (Conflict)',
  ]);
  assert.equal(ambErrors, []);
});

/** A violent disturbance police raised and a request to the ambulance on it, by the engine. */
function askAmbulance(address: string, note: string): string {
  const police = { origin: 'operator', actor: 'police-dispatcher' } as const;
  const [ev] = server.engine.execute(
    {
      type: 'incident.create',
      typeId: 'violent-disturbance',
      lat: 51.764,
      lon: -0.226,
      address,
      actingAgency: 'police',
    },
    police,
  );
  const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
  server.engine.execute(
    { type: 'incident.requestAssistance', incidentId: id, fromAgency: 'police', toAgency: 'ambulance', note },
    police,
  );
  return id;
}

test('the ambulance desk declines one request and advises on another, each with its words; police sees both', async () => {
  const declined = askAmbulance('Market Place', 'Head injury reported');
  const advised = askAmbulance('Town centre', 'Caller distressed, no injuries seen');
  await amb.getByRole('tab', { name: /Requests/ }).click();
  await amb.locator('[data-badge=requests]').filter({ hasText: '2' }).waitFor();
  const inbox = amb.locator('jcr-request-inbox');
  const first = inbox.locator(`li[data-incident-id="${declined}"]`);
  await first.getByRole('button', { name: 'Decline', exact: true }).click();
  await inbox.locator('.msg').filter({ hasText: 'A decline needs a reason.' }).waitFor();
  assert.is(server.engine.room.incidents.require(declined).requests[0]?.status, 'pending');
  await first.getByLabel('Reason or advice').fill('No crew free for 40 minutes');
  await first.getByRole('button', { name: 'Decline', exact: true }).click();
  await first.waitFor({ state: 'detached' });
  const second = inbox.locator(`li[data-incident-id="${advised}"]`);
  await second.getByLabel('Reason or advice').fill('Hear and treat: clinician spoke to the caller');
  await second.getByRole('button', { name: 'Advice, no deployment' }).click();
  await inbox.locator('[data-inbox=empty]').waitFor();
  assert.equal(
    [declined, advised].map((id) => {
      const r = server.engine.room.incidents.require(id).requests[0];
      return [r?.status, r?.answer, r?.mobilised];
    }),
    [
      ['declined', 'No crew free for 40 minutes', []],
      ['advised', 'Hear and treat: clinician spoke to the caller', []],
    ],
  );
  for (const [id, status, words] of [
    [declined, 'declined', 'No crew free for 40 minutes'],
    [advised, 'advised', 'Hear and treat: clinician spoke to the caller'],
  ] as const) {
    await police.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
    await police
      .locator(`jcr-incident-detail [data-detail-for="${id}"] li[data-request-id][data-status=${status}]`)
      .filter({ hasText: words })
      .waitFor();
  }
  assert.equal(ambErrors, []);
});

test.run();
