/**
 * The "quicker resource available" flag and its one-step swap (issue 22 item 4) in headless
 * Chromium against a real server (mini scenario, straight-line journeys at 10 m/s), signed in as
 * the fire dispatcher. A dwelling fire at Hatfield station while HT-P1 is off the run: HT-P2
 * (on call, at Hatfield) and WG-P1 (Welwyn, 4.5 km away) are sent. HT-P1 comes back on the run:
 * the quicker-resource policy (server/core/reactions/quicker.ts) flags it as arriving before
 * WG-P1. Swap mobilises HT-P1 (an override, the flag its reason) and stands WG-P1 down; HT-P2
 * stays; the flag goes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';

let screen: Screen;

const FIRE = { origin: 'operator', actor: 'fire-dispatcher' } as const;

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  screen = await openScreen(
    { scenario: miniScenario(), roads: { mobilisation: { journeys, cover: null } } },
    'fire-dispatcher',
  );
});

test.after(async () => {
  await screen?.close();
});

test('Swap sends the quicker pump and stands the slower one down, in one step', async () => {
  const { server, page, errors } = screen;
  const engine = server.engine;
  engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.UNAVAILABLE }, FIRE);
  const [ev] = engine.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.7636,
      lon: -0.2247,
      address: 'Hatfield station yard',
      actingAgency: 'fire',
    },
    FIRE,
  );
  const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
  engine.execute(
    {
      type: 'incident.mobilise',
      incidentId: id,
      resourceIds: ['HAT2', 'WGC1'],
      proposed: ['HAT2', 'WGC1'],
      actingAgency: 'fire',
    },
    FIRE,
  );
  engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AVAILABLE_AT_STATION }, FIRE);
  assert.equal(
    engine.room.incidents.require(id).quicker.map((f) => [f.capability, f.quickerId, f.enRouteId]),
    [['pump', 'HAT1', 'WGC1']],
  );

  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  await page.locator(`jcr-incident-queue button[data-incident-id="${id}"]`).click();
  const detail = page.locator('jcr-incident-detail');
  const flag = detail.locator('[data-quicker=HAT1]');
  await flag.filter({ hasText: 'HT-P1' }).filter({ hasText: 'could replace WG-P1' }).waitFor();
  await screenshot(page, 'quicker-flag');
  await flag.getByRole('button', { name: 'Swap: send HT-P1, stand down WG-P1' }).click();
  await detail.locator('.msg').filter({ hasText: 'HT-P1 mobilised; WG-P1 stood down.' }).waitFor();
  await flag.waitFor({ state: 'detached' });

  const fleet = engine.room.fleet;
  assert.equal(
    ['HAT1', 'HAT2', 'WGC1'].map((r) => [r, fleet.require(r).status, fleet.require(r).incidentId ?? null]),
    [
      ['HAT1', ResourceStatus.MOBILISED, id],
      ['HAT2', ResourceStatus.MOBILISED, id],
      ['WGC1', ResourceStatus.RETURNING, null],
    ],
  );
  const inc = engine.room.incidents.require(id);
  assert.equal(inc.quicker, []);
  const decisions = engine.room.incidents
    .timeline(id)
    .filter((e) => e.type === 'incident.decision')
    .map((e) => (e.type === 'incident.decision' ? [e.data.decision, e.data.chosen, e.data.reason] : []));
  assert.equal(decisions, [
    ['accepted', ['HAT2', 'WGC1'], null],
    ['overridden', ['HAT1'], 'quicker resource available: HT-P1 (ETA 90 s) instead of WG-P1 (ETA 448 s)'],
  ]);
  assert.equal(errors, []);
});

test.run();
