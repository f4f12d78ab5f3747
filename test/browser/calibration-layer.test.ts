/**
 * Issue 19 in a browser: the duty officer's map shows where the calibration in force changed
 * journey times. A real server over the small literal network (test/support/calibration-net.ts);
 * the layer is off until its checkbox is ticked; with the prior in force the legend says so and
 * nothing is drawn; with version 1 in force (brought in over the API) it draws the three roads it
 * changes, slowed in orange and sped up in blue, each titled with its factor, and the legend
 * names the version, its held-out error and the counts; unticked, the lines go. The wall has no
 * such switch.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpeedFactors } from '../../server/core/calibration/estimate.ts';
import { fakeClock } from '../../server/core/clock.ts';
import { JourneyPlanner } from '../../server/core/graph/planner.ts';
import { SpeedModel } from '../../server/core/graph/speed.ts';
import { CalibrationStore, networkKey } from '../../server/shell/store/calibrations.ts';
import { openScreen, type Screen } from '../support/browser.ts';
import { geomAt, graph, netScenario, T0 } from '../support/calibration-net.ts';
import { api } from '../support/server.ts';

const M2 = geomAt(0.006),
  M3 = geomAt(0.014),
  S = geomAt(0.01, -0.002);
const blue: SpeedFactors = {
  classes: { 'weekday-am': { residential: 0.8 } },
  roads: { [M2]: 0.5, [M3]: 1.5, [S]: 0.95 },
  evidenceS: 600,
  traversals: 10,
  kappa: { classS: 600, roadS: 120 },
};
let screen: Screen;

test.before(async () => {
  const scenario = netScenario();
  screen = await openScreen(
    {
      scenario,
      clock: fakeClock(T0).now,
      roads: { graph, planner: new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles)) },
    },
    'duty-officer',
  );
});
test.after(async () => {
  await screen?.close();
});

test('the calibration layer: off by default, the prior said in words, the roads changed drawn and titled, off again', async () => {
  const { page, server, token } = screen;
  await page.goto(server.url);
  await page.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
  const box = page.locator('jcr-map .jcr-calibration-control input[name="calibration"]');
  const legend = page.locator('jcr-map .jcr-calibration-legend');
  const marks = () => page.evaluate(() => window.__jcr.stats().map?.calibrationMarks);
  assert.equal([await box.isChecked(), await legend.count(), await marks()], [false, 0, []]);
  assert.is(
    (await page.locator('jcr-map .jcr-calibration-control label').innerText()).trim(),
    'Journey-time calibration',
  );

  await box.check();
  await page.waitForFunction(() =>
    document.querySelector('.jcr-calibration-legend')?.textContent?.includes('default model is in force'),
  );
  assert.is((await legend.innerText()).trim(), 'The default model is in force: no calibration.');
  assert.equal(await marks(), []);
  await box.uncheck();
  assert.is(await legend.count(), 0);

  new CalibrationStore(server.store).add({
    createdAt: T0,
    network: networkKey(graph),
    learnedFrom: 0,
    learnedTo: T0,
    heldOutTrips: 40,
    mapeBefore: 0.11,
    mapeAfter: 0.058,
    biasAfter: -0.013,
    accepted: true,
    reason: 'lowers the held-out error',
    factors: { blue, routine: blue },
  });
  const r = await api(server, 'POST', '/api/calibration/activate', { token, body: { version: 1, reason: 'test' } });
  assert.is(r.status, 200);
  await box.check();
  await page.waitForFunction(() => (window.__jcr.stats().map?.calibrationMarks.length ?? 0) === 3);
  assert.equal(await marks(), [
    {
      road: M2,
      factor: 0.5,
      change: 'slower',
      title: 'Slower than the default model: speed ×0.50 (residential)',
      points: 2,
    },
    {
      road: M3,
      factor: 1.5,
      change: 'faster',
      title: 'Faster than the default model: speed ×1.50 (residential)',
      points: 2,
    },
    {
      road: S,
      factor: 0.95,
      change: 'slower',
      title: 'Slower than the default model: speed ×0.95 (residential)',
      points: 2,
    },
  ]);
  assert.is(
    (await legend.innerText()).trim(),
    'Calibration v1 in force (held-out error 11.0% → 5.8%): 1 road faster, 2 slower than the default model.\n━ faster ━ slower',
  );
  const paths = await page
    .locator('jcr-map path.jcr-calibration-road')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-road'), e.getAttribute('stroke'), e.querySelector('title')?.textContent]),
    );
  assert.equal(paths, [
    [String(M2), '#d35400', 'Slower than the default model: speed ×0.50 (residential)'],
    [String(M3), '#1f5fbf', 'Faster than the default model: speed ×1.50 (residential)'],
    [String(S), '#d35400', 'Slower than the default model: speed ×0.95 (residential)'],
  ]);

  await box.uncheck();
  assert.equal([await marks(), await page.locator('jcr-map path.jcr-calibration-road').count()], [[], 0]);

  const wall = await screen.browser.context.newPage();
  await wall.goto(server.url + '/?view=wall');
  await wall.waitForFunction(() => window.__jcr?.stats()?.connection === 'live');
  assert.is(await wall.locator('.jcr-calibration-control').count(), 0);
  await wall.close();
  assert.equal(screen.errors, []);
});

test.run();
