/**
 * The planner uses the calibration in force per time band (issue 19, items 3 and 4): over the
 * small literal network with the mini scenario's stations on it, a recommendation times with the
 * prior until a calibration is brought in, then with its band's speeds (the class factor of the
 * band and the road's own), records which calibration and band timed it in the answer and in the
 * decision logged, follows the band as the clock moves, and comes back to the prior exactly on a
 * rollback. The cover is told each switch of speeds. A band's trees are built off the event loop
 * (the server's in a worker thread, the watcher's inline): the test waits for them (settled).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import type { BandSpeeds } from '../server/shell/calibration/journeys.ts';
import { startServer } from '../server/shell/server.ts';
import { CalibrationStore } from '../server/shell/store/calibrations.ts';
import { api, tokenFor } from './support/server.ts';
import { graph, netScenario, T0 } from './support/calibration-net.ts';
import { calibratedJourneys, calibrationRow, FACTORS, NIGHT } from './support/calibration-room.ts';
import { manualTimer } from './support/timers.ts';

test('recommendations time with the band of the calibration in force and record it; a rollback restores the prior', async () => {
  const clock = fakeClock(T0); // Monday 08:00 London: weekday-am
  const timers = manualTimer();
  const scenario = netScenario();
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    timers,
    log: 'silent',
    roads: {
      graph,
      planner: new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles)),
      mobilisation: 'planner',
    },
  });
  try {
    let duty = await tokenFor(server, 'duty-officer');
    let fire = await tokenFor(server, 'fire-dispatcher');
    const r0 = await api(server, 'POST', '/api/incidents', {
      token: fire,
      body: { typeId: 'dwelling-fire', lat: 0, lon: 0.008, address: 'the main road' },
    });
    const id = (r0.body as { id: string }).id;
    type Rec = {
      fingerprint: string;
      calibration?: unknown;
      lines: Array<{ candidates: Array<{ resourceId: string; etaS: number }> }>;
    };
    const rec = async () =>
      (await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token: fire })).body as Rec;
    const etas = (r: Rec) => r.lines[0]!.candidates.map((c) => [c.resourceId, c.etaS]);
    // a second listener over the same room, as the server's: what the cover is told
    const told: Array<string | null> = [];
    const { cal: watcher } = calibratedJourneys(
      { engine: server.engine, scenario, clock: clock.now, timers },
      { onSpeeds: (sp: BandSpeeds | null) => told.push(sp ? `${sp.version} ${sp.band}` : null) },
    );
    const settled = () => Promise.all([server.calibration!.settled(), watcher.settled()]);
    const PRIOR = [
      ['HAT1', 178],
      ['WGC1', 228],
      ['HAT2', 388],
    ];
    const prior = await rec();
    assert.equal([etas(prior), prior.calibration], [PRIOR, undefined]);
    new CalibrationStore(server.store).add(calibrationRow(FACTORS, FACTORS, 'lowers the held-out error'));
    const activate = () =>
      api(server, 'POST', '/api/calibration/activate', { token: duty, body: { version: 1, reason: 'test' } });
    assert.is((await activate()).status, 200);
    await settled();
    // weekday-am: residential at half the prior's speed, and M2 at 0.4 of that: Welwyn's pump is now quicker
    const am = await rec();
    assert.equal(
      [etas(am), am.calibration],
      [
        [
          ['WGC1', 440],
          ['HAT1', 490],
          ['HAT2', 700],
        ],
        { version: 1, band: 'weekday-am' },
      ],
    );
    clock.set(NIGHT);
    timers.tick(60_000); // the band check
    await settled();
    // signed in again: the sessions of the morning have expired
    duty = await tokenFor(server, 'duty-officer');
    fire = await tokenFor(server, 'fire-dispatcher');
    // weekday-night: no class factor learnt for it (1), M2's own factor still 0.4
    const night = await rec();
    assert.equal(
      [etas(night), night.calibration],
      [
        [
          ['WGC1', 265],
          ['HAT1', 290],
          ['HAT2', 500],
        ],
        { version: 1, band: 'weekday-night' },
      ],
    );
    let r = await api(server, 'POST', '/api/calibration/rollback', { token: duty, body: { reason: 'test' } });
    assert.equal([r.status, r.body], [200, { inForce: null }]);
    const back = await rec();
    assert.equal([etas(back), back.calibration], [PRIOR, undefined]);
    assert.is((await activate()).status, 200);
    await settled();
    const again = await rec();
    r = await api(server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: fire,
      body: { accept: true, fingerprint: again.fingerprint },
    });
    assert.is(r.status, 200);
    // the durable record of the decision says which calibration and band timed what was shown
    const decision = [...server.store.events(0)].find((e) => e.type === 'incident.decision')!;
    const shown = (decision.data as { recommended: { proposed: string[]; calibration?: unknown } }).recommended;
    assert.equal([shown.proposed, shown.calibration], [['WGC1', 'HAT1'], { version: 1, band: 'weekday-night' }]);
    assert.equal(told, ['1 weekday-am', '1 weekday-night', null, '1 weekday-night']);
    watcher.close();
  } finally {
    await server.close();
  }
});

test.run();
