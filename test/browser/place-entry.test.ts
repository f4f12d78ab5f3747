/**
 * Location entry in headless Chromium (issue 16 items 2, 3 and 5), on the Hertfordshire scenario
 * with its road network, gazetteer and recommendations: type "stev", arrow down, Enter, create:
 * the incident sits on the road at Stevenage, the panel and queue name where it is, and its
 * recommendation is not empty. Escape clears the field and the point it put on the form. A point
 * with no road within the allowance is refused in words and created only once the dispatcher
 * confirms; its empty recommendation says why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Locator, Page } from 'playwright-core';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { Gazetteer, plannerSnap } from '../../server/core/places/gazetteer.ts';
import { mobilisationFromPlanner } from '../../server/shell/incidents/mobilisation.ts';
import { loadNetwork } from '../../server/shell/network/load.ts';
import { loadRoadTable } from '../../server/shell/network/road-table.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { openScreen, screenshot, type Screen } from '../support/browser.ts';
import { api } from '../support/server.ts';

const NET = 'sim/scenarios/hertfordshire/network.geojson';
let screen: Screen;
let server: RunningServer;
let page: Page;
let errors: string[];
let panel: Locator;
let field: Locator;
let planner: JourneyPlanner;

test.before(async () => {
  const scenario = loadScenario('sim/scenarios/hertfordshire/scenario.json');
  const { graph } = loadNetwork(NET, 'geojson', { cacheDir: null });
  planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
  const places = new Gazetteer(
    { ...scenario, roads: loadRoadTable(NET, 'geojson', { cacheDir: null }) },
    plannerSnap(planner),
  );
  screen = await openScreen(
    { scenario, roads: { graph, planner, places, mobilisation: mobilisationFromPlanner(planner, scenario) } },
    'fire-dispatcher',
  );
  ({ server, page, errors } = screen);
  await page.goto(server.url + '/');
  await page.waitForFunction(() => window.__jcr?.stats().connection === 'live');
  panel = page.locator('jcr-incident-panel');
  field = panel.getByRole('combobox', { name: 'Address or location' });
});

test.after(async () => {
  await screen?.close();
});

/** An element's text with white space collapsed. */
const words = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const options = () => panel.getByRole('listbox', { name: 'Places found' }).getByRole('option');
/** Wait until the form's latitude reads `want` ('*': anything but empty): the store redraws once per frame. */
const latIs = (want: string) =>
  page.waitForFunction((w) => {
    const v =
      document.querySelector('jcr-incident-panel')?.shadowRoot?.querySelector<HTMLInputElement>('input[name=lat]')
        ?.value ?? '';
    return w === '*' ? v !== '' : v === w;
  }, want);
/** Wait until the answers shown are those for `q` (a slow machine may answer a shorter prefix first). */
const answersFor = (q: string) => panel.locator(`[role=listbox][data-query="${q}"] [role=option]`).first().waitFor();
const latField = () => panel.getByLabel('Latitude');
/** Where 51.9, -0.2 (south-west Stevenage, off the road) meets the road network. */
const ROAD_AT = { lat: 51.900306, lon: -0.200231, distanceM: 37.5 };
const lonField = () => panel.getByLabel('Longitude');

test('type "stev", arrow down, Enter, create: on the road at Stevenage, named, with a recommendation', async () => {
  await panel.getByLabel('Type').selectOption('dwelling-fire');
  await field.click();
  await field.pressSequentially('stev');
  await answersFor('stev');
  const first = options().first();
  assert.is(await field.getAttribute('aria-expanded'), 'true');
  assert.is(await first.getAttribute('aria-selected'), 'false');
  await field.press('ArrowDown');
  assert.is(await first.getAttribute('aria-selected'), 'true');
  assert.is(await field.getAttribute('aria-activedescendant'), await first.getAttribute('id'));
  assert.match((await first.textContent()) ?? '', /Stevenage/);
  await field.press('Enter');

  // The choice fills the field, the point (on the road) and the map's marker; the form says where it snapped.
  assert.is(await field.inputValue(), 'Stevenage');
  assert.is(await field.getAttribute('aria-expanded'), 'false');
  await latIs('51.90380');
  assert.is(await lonField().inputValue(), '-0.19660');
  await page.waitForSelector('jcr-map .jcr-pick');
  const snap = panel.locator('[data-snap=on-road]');
  await snap.waitFor();
  assert.is(await snap.getAttribute('data-snap-m'), '0');
  assert.is(
    await words(snap),
    'Snaps to the road: on the road, at 51.90380, -0.19660 · A602, near Stevenage · TL 2416 2434',
  );
  await screenshot(page, 'place-entry-chosen');

  await panel.getByRole('button', { name: 'Create incident' }).click();
  const row = page.locator('jcr-incident-queue button[data-incident-id]');
  await row.waitFor();
  const id = (await row.getAttribute('data-incident-id')) ?? '';
  const inc = server.engine.room.incidents.require(id);
  assert.equal([inc.lat, inc.lon, inc.address], [51.9038, -0.1966, 'Stevenage']);
  // On the road: the planner snaps it where it stands.
  assert.equal(plannerSnap(planner)(inc.lat, inc.lon), { lat: 51.9038, lon: -0.1966, distanceM: 0 });

  // Where it is, in words, in the panel and the queue.
  const where = panel.locator('[data-location]');
  await where.waitFor();
  assert.is(await words(where), 'A602, near Stevenage · TL 2416 2434 (on the road)');
  assert.is(await words(row.locator('[data-location]')), 'A602, near Stevenage · TL 2416 2434');

  // Its recommendation is not empty.
  await page.waitForSelector('jcr-incident-panel [data-rec=shown] li[data-resource-id]');
  const proposed = await panel.locator('[data-rec=shown] li[data-resource-id]').count();
  assert.ok(proposed > 0, `proposed ${proposed}`);
  assert.is(await panel.locator('[data-rec=empty]').count(), 0);
  const rec = await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token: screen.token });
  const body = rec.body as { proposed: string[]; emptyReason: string | null };
  assert.equal([body.proposed.length, body.emptyReason], [proposed, null]);
  // The form starts afresh.
  await latIs('');
  assert.is(await field.inputValue(), '');
  await screenshot(page, 'place-entry-created');
  assert.equal(errors, []);
});

test('Escape clears the field, its answers and the point it put on the form', async () => {
  await field.click();
  await field.pressSequentially('hitch');
  await answersFor('hitch');
  await field.press('ArrowDown');
  await field.press('Enter');
  assert.is(await field.inputValue(), 'Hitchin');
  await latIs('*');
  await page.waitForSelector('jcr-map .jcr-pick');
  await field.press('Escape');
  assert.is(await field.inputValue(), '');
  await latIs('');
  assert.is(await page.locator('jcr-map .jcr-pick').count(), 0);
  // With the list open, Escape closes it and empties the field; nothing is chosen.
  await field.pressSequentially('welw');
  await answersFor('welw');
  await field.press('ArrowDown');
  await field.press('Escape');
  assert.is(await field.inputValue(), '');
  assert.is(await field.getAttribute('aria-expanded'), 'false');
  assert.is(await options().count(), 0);
  assert.is(await latField().inputValue(), '');
  assert.equal(errors, []);
});

test("a grid reference typed in the field fills its point: Stevenage fire station's", async () => {
  await field.click();
  await field.pressSequentially('TL 24041 23963');
  await answersFor('TL 24041 23963');
  const first = options().first();
  assert.is(await first.getAttribute('data-kind'), 'gridref');
  assert.match((await first.textContent()) ?? '', /TL 24041 23963/);
  await field.press('ArrowDown');
  await field.press('Enter');
  await latIs('51.90041');
  assert.is(await lonField().inputValue(), '-0.19854');
  await field.press('Escape');
  await latIs('');
  assert.equal(errors, []);
});

test('off the road: refused in words, nothing created; created once confirmed, its empty recommendation says why', async () => {
  const before = [...server.engine.room.incidents.all()].length;
  await field.click();
  await field.pressSequentially('52.3, -0.9');
  await answersFor('52.3, -0.9');
  const first = options().first();
  assert.is(await first.getAttribute('data-kind'), 'coordinates');
  await field.press('ArrowDown');
  await field.press('Enter');
  await latIs('52.30000');
  await panel.locator('[data-snap=off-road]').waitFor();

  await panel.getByRole('button', { name: 'Create incident' }).click();
  const alert = panel.locator('[data-offroad=refused]');
  await alert.waitFor();
  assert.is(
    await words(alert.locator('p')),
    'No road within 500 m of this point: nothing was created. Move the point onto a road, or create it off the road network: it will record "no road within 500 m" and no resource can be proposed.',
  );
  assert.is([...server.engine.room.incidents.all()].length, before);
  await screenshot(page, 'place-entry-off-road');

  await panel.getByRole('button', { name: 'Create off the road network' }).click();
  await page.locator('jcr-incident-queue button[data-incident-id]').nth(before).waitFor();
  assert.is([...server.engine.room.incidents.all()].length, before + 1);
  const where = panel.locator('[data-location]');
  await where.waitFor();
  // Far from any named road or town: the grid reference alone names it.
  assert.is(await words(where), 'SP 7510 6744 (off the road network: no road within 500 m)');
  const empty = panel.locator('[data-rec=empty]');
  await empty.waitFor();
  assert.is(
    await words(empty),
    'No resource proposed: no road within 500 m of the incident: no journey time can be predicted, so no resource is proposed',
  );
  assert.is(await panel.locator('[data-offroad]').count(), 0);
  // The refusal is the only failed request: the browser logs it, nothing else went wrong.
  assert.equal(errors, [
    'console: Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
  ]);
});

test('the map draws where the point meets the road, linked to it, for the form and then the incident', async () => {
  const marks = () => page.evaluate(() => window.__jcr.stats().map?.snapMarks ?? []);
  const before = (await marks()).length;
  await panel.getByLabel('Type').selectOption('dwelling-fire');
  await field.click();
  await field.pressSequentially('51.9, -0.2');
  await answersFor('51.9, -0.2');
  await field.press('ArrowDown');
  await field.press('Enter');
  await latIs('51.90000');
  await panel.locator('[data-snap=on-road]').waitFor();
  // 37.5 m off the nearest road: the gazetteer's road point, drawn with a link from the point.
  const road = (
    (await api(server, 'GET', '/api/places?q=51.9,%20-0.2&limit=1', { token: screen.token })).body as {
      places: { road: { lat: number; lon: number; distanceM: number } }[];
    }
  ).places[0]!.road;
  assert.equal(road, ROAD_AT);
  await page.waitForFunction(() => window.__jcr.stats().map?.snapMarks.some((m) => m.kind === 'pick'));
  assert.equal(
    (await marks()).filter((m) => m.kind === 'pick'),
    [{ kind: 'pick', id: '', ...ROAD_AT, linked: true }],
  );
  assert.is(await page.locator('jcr-map path.jcr-snap-link.jcr-snap-pick').count(), 1);
  assert.is(await page.locator('jcr-map path.jcr-snap-point.jcr-snap-pick').count(), 1);
  await screenshot(page, 'place-entry-snap-pick');

  // Created: the incident keeps its point, and its snapped point is drawn, linked, from the COP's location.
  await panel.getByRole('button', { name: 'Create incident' }).click();
  await latIs('');
  await page.waitForFunction((n) => (window.__jcr.stats().map?.snapMarks.length ?? 0) > n, before);
  const id = [...server.engine.room.incidents.all()].at(-1)!.id;
  assert.equal(
    (await marks()).filter((m) => m.id === id || m.kind === 'pick'),
    [{ kind: 'incident', id, ...ROAD_AT, linked: true }],
  );
  assert.ok((await page.locator('jcr-map path.jcr-snap-link.jcr-snap-incident').count()) >= 1);
  // An incident on the road: its road point alone, no link.
  assert.ok((await marks()).some((m) => m.kind === 'incident' && m.distanceM === 0 && !m.linked));
  assert.equal(
    errors.filter((e) => !e.includes('422')),
    [],
  );
});

test('an incident created on another screen shows where it is in the queue, unselected', async () => {
  // The COP brings its location with it: the page asks nothing more about it.
  const asked: string[] = [];
  page.on('request', (q) => void asked.push(new URL(q.url()).pathname));
  const r = await api(server, 'POST', '/api/incidents', {
    token: screen.token,
    body: { typeId: 'dwelling-fire', lat: 51.9492, lon: -0.2834 },
  });
  assert.is(r.status, 201);
  const id = (r.body as { id: string }).id;
  const where = page.locator(`jcr-incident-queue button[data-incident-id=${id}] [data-location]`);
  await where.waitFor();
  assert.is(await words(where), 'A505, near Hitchin · TL 1807 2924');
  assert.equal(
    asked.filter((a) => a.startsWith(`/api/incidents/${id}`)),
    [],
  );
  assert.is.not(
    await page.locator(`jcr-incident-queue button[data-incident-id=${id}]`).getAttribute('aria-current'),
    'true',
  );
});

test.run();
