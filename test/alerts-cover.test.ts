/**
 * The cover-below alert (issue 17 item 3) on the reactor's clock tick: raised once while a cover
 * figure misses its target, cleared when it meets it again, and a later drop is a new episode.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CopCoverFigureMsg } from '../proto/wire.ts';
import { fakeClock } from '../server/core/clock.ts';
import { alertPolicy } from '../server/core/reactions/alerts.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { Reactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

test('cover below target alerts once per drop, for its agency, and clears when cover recovers', () => {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), fakeClock().now);
  let figure: CopCoverFigureMsg = {
    surface: 'fire:pump',
    standardId: 'fire-appliances',
    standardName: 'First appliance 10 min, second 13 min',
    nth: 1,
    withinS: 600,
    coveredShare: 0.84,
    targetShare: 0.9,
    meetsStandard: false,
    label: 'fire pump 1st within 10 min',
  };
  const reactor = new Reactor(engine, createLogger('silent')).register(
    'alerts',
    alertPolicy({ coverFigures: () => [figure] }),
  );
  const alerts = () =>
    [...engine.room.alerts.all()].map((a) => [
      a.cause,
      a.agencies,
      a.clearedAt === null ? 'active' : 'cleared',
      a.text,
    ]);
  reactor.tick();
  reactor.tick();
  const text = 'Cover below target: fire pump 1st within 10 min, 84.0% against 90.0%';
  assert.equal(alerts(), [['cover-below:fire:pump:fire-appliances:1#1', ['fire'], 'active', text]]);
  figure = { ...figure, coveredShare: 0.95, meetsStandard: true };
  reactor.tick();
  assert.equal(alerts(), [['cover-below:fire:pump:fire-appliances:1#1', ['fire'], 'cleared', text]]);
  figure = { ...figure, coveredShare: 0.84, meetsStandard: false };
  reactor.tick();
  reactor.tick();
  assert.equal(
    alerts().map((a) => [a[0], a[2]]),
    [
      ['cover-below:fire:pump:fire-appliances:1#1', 'cleared'],
      ['cover-below:fire:pump:fire-appliances:1#2', 'active'],
    ],
  );
});

test.run();
