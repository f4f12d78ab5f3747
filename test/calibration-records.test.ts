/**
 * Every recommendation records which calibration timed it (issue 19, docs/calibration.md
 * "Recorded"), beyond the incident's recommendation: the quicker-resource flags in the log, an
 * offer to a partner (in our log, not on the wire), and the cover's picture, what-if and standby
 * moves (null: the prior's journey times, as the main thread's own fallbacks are).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SpeedFactors } from '../server/core/calibration/estimate.ts';
import { fakeClock } from '../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import { CoverService } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { startReactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { bg1BackQuicker, goldenWorld } from './support/golden-world.ts';
import { serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, tokenFor } from './support/server.ts';
import { manualTimer } from './support/timers.ts';

const STAMP = { version: 3, band: 'weekday-am' };

test('a quicker-resource flag records the calibration that timed it', () => {
  const w = goldenWorld();
  const clock = fakeClock(Date.UTC(2026, 0, 1, 9, 0, 0));
  const engine = Engine.boot(w.scenario, Store.open(':memory:'), clock.now);
  startReactor(engine, {
    mobilisation: {
      journeys: w.journeys,
      timing: () => ({ journeys: w.journeys, calibration: STAMP }),
      cover: (f) => w.cover.at(f),
    },
    log: createLogger('silent'),
  });
  bg1BackQuicker(engine, clock);
  const logged = [...engine.store.events(0)].find((e) => e.type === 'incident.quickerAvailable');
  assert.equal(logged?.type === 'incident.quickerAvailable' && logged.data.flags, [
    {
      capability: 'pump',
      enRouteId: 'BRM1',
      enRouteEtaS: 471,
      quickerId: 'BG1',
      quickerEtaS: 370,
      calibration: STAMP,
    },
  ]);
  assert.equal(
    engine.room.incidents.require('INC-1').quicker.map((f) => f.calibration),
    [STAMP],
  );
});

let pair: ServerPair | undefined;
test.after.each(async () => {
  await pair?.close();
  pair = undefined;
});

test('an offer to a partner records in our log which calibration timed its ETAs, and does not send it', async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  pair = await serverPair({
    journeys,
    bedsMobilisation: { journeys, timing: () => ({ journeys, calibration: STAMP }), cover: null },
  });
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25 },
  });
  const incidentId = (c.body as { id: string }).id;
  const ask = await api(herts, 'POST', `/api/incidents/${incidentId}/partner-assistance`, {
    token: h,
    body: { partnerId: 'beds', capability: 'pump', count: 2 },
  });
  assert.is(ask.status, 201, JSON.stringify(ask.body));
  await settle();
  const fire = await tokenFor(beds, 'fire-dispatcher', 'bert');
  const offer = await api(beds, 'POST', '/api/transfers/TR-1/offer', { token: fire, body: {} });
  assert.is(offer.status, 200, JSON.stringify(offer.body));
  await settle();
  const queued = [...beds.store.events(0)].filter(
    (e) => e.type === 'mait.queued' && e.data.message.kind === 'AssistanceResponse',
  );
  assert.equal(
    queued.map((e) => e.type === 'mait.queued' && [e.data.calibration, 'calibration' in e.data.message]),
    [[STAMP, false]],
  );
  // the partner got the offer without it
  const got = [...herts.store.events(0)].filter(
    (e) => e.type === 'mait.received' && e.data.message.kind === 'AssistanceResponse',
  );
  assert.equal(
    got.map((e) => e.type === 'mait.received' && 'calibration' in e.data.message),
    [false],
  );
});

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const factors: SpeedFactors = {
  classes: { 'weekday-am': { default: 0.5 } },
  roads: {},
  evidenceS: 1,
  traversals: 1,
  kappa: { classS: 600, roadS: 120 },
};

test('the cover picture, a what-if and the standby moves record the calibration that timed them', async () => {
  const clock = fakeClock();
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({ engine, planner, clock: clock.now, timers: manualTimer() });
  try {
    const id = [...engine.room.fleet.all()][0]!.def.id;
    assert.equal(
      [(await cover.flushAsync()).calibration, (await cover.whatIfAsync([id])).calibration, cover.calibration],
      [null, null, null],
    );
    cover.setSpeeds({ ...STAMP, factors });
    // what the worker was told times the moves asked now, the next picture and what-ifs read off it
    assert.equal(cover.calibration, STAMP);
    assert.equal(
      [
        (await cover.flushAsync()).calibration,
        (await cover.whatIfAsync([id])).calibration,
        cover.whatIf([id]).calibration,
      ],
      [STAMP, STAMP, STAMP],
    );
    cover.setSpeeds(null);
    assert.equal([(await cover.flushAsync()).calibration, cover.calibration], [null, null]);
  } finally {
    await cover.close();
  }
});

test.run();
