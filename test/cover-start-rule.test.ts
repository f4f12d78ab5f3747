/**
 * Issue 15 item 13, follow-up: the cover model places each source by the recommender's one rule
 * (server/core/fleet/start.ts): a resource AVAILABLE_AT_STATION whose fresh fix is more than
 * 250 m from its station is at its fix with no turnout; at its station (no fix, a fix near it, or
 * a far fix gone stale) it is at the station with its crewing turnout. Before, the cover model had
 * its own rule: the live position, plus turnout whenever the status said at station.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { CoverModel } from '../server/core/cover/model.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { hasFreshFix, startOf } from '../server/core/fleet/start.ts';
import { haversineM } from '../server/core/geo.ts';
import { FleetView } from '../server/shell/cover/fleet-view.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario = coverScenario();
const model = new CoverModel(coverPlanner(scenario), scenario);
const fire = model.surface('fire:pump')!;
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
/** Cherry Hinton fire station, and 800 m north of it. */
const CHH = { lat: 52.1885, lon: 0.1745 };
const AWAY = { lat: 52.1885 + 800 / 111_195, lon: 0.1745 };
const TURNOUT = 90; // CHH1 is wholetime

/** CHH1 as a cover source and as the recommender starts it, with the fix given (or none). */
function chh1(fix?: { lat: number; lon: number; at: number }) {
  const fleet = new Fleet(scenario);
  const r = fleet.require('CHH1');
  if (fix) fleet.applyFix(r, fix.lat, fix.lon, 0, 0, fix.at, 5);
  const view = [...fleet.all()].map((x) => ({ ...x, def: x.def, freshFix: hasFreshFix(fleet, x, NOW) }));
  const src = model.sources(fire, view).find((s) => s.resourceId === 'CHH1')!;
  const start = startOf(scenario, fleet, r, NOW);
  return {
    source: [src.lat, src.lon, src.offsetS, src.atStation],
    start: [start.lat, start.lon, start.turnoutS, start.from === 'station'],
  };
}

test('item 13, one start rule for cover: a fresh fix 800 m from its station is a source at the fix with no turnout', () => {
  assert.is(Math.round(haversineM(AWAY.lat, AWAY.lon, CHH.lat, CHH.lon)), 800);
  const { source, start } = chh1({ ...AWAY, at: NOW - 5_000 });
  assert.equal(source, [AWAY.lat, AWAY.lon, 0, false]);
  assert.equal(source, start);
});

test('item 13, one start rule for cover: at its station, or its far fix gone stale, it is at the station with turnout', () => {
  for (const fix of [
    undefined,
    { lat: CHH.lat + 100 / 111_195, lon: CHH.lon, at: NOW - 5_000 },
    { ...AWAY, at: NOW - 600_000 },
  ]) {
    const { source, start } = chh1(fix);
    assert.equal(source, [CHH.lat, CHH.lon, TURNOUT, true], JSON.stringify(fix));
    assert.equal(source, start);
  }
});

test('item 13, one start rule for cover: the main thread tells the cover worker whether each fix is fresh', () => {
  const clock = fakeClock(NOW);
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const view = new FleetView(engine, model);
  const first = view.changes().find((c) => c.resourceId === 'CHH1');
  assert.equal(first, { resourceId: 'CHH1', status: 1, lat: CHH.lat, lon: CHH.lon, freshFix: false });
  engine.room.fleet.applyFix(engine.room.fleet.require('CHH1'), AWAY.lat, AWAY.lon, 0, 0, NOW - 5_000, 5);
  assert.equal(view.changes(), [{ resourceId: 'CHH1', status: 1, lat: AWAY.lat, lon: AWAY.lon, freshFix: true }]);
  // Nothing moves, but the fix goes stale: the worker is told, and so starts it at its station.
  clock.advance(600_000);
  assert.equal(view.changes(), [{ resourceId: 'CHH1', status: 1, lat: AWAY.lat, lon: AWAY.lon, freshFix: false }]);
  assert.equal(view.changes(), []);
});

test.run();
