/**
 * `npm run calibrate` by hand beside a running server (issue 19, docs/calibration.md): the server
 * marks its database served (server/shell/store/serving.ts), so the command line saves its run as
 * a version without touching the event log; the running server lists the new version at once and
 * a duty officer brings it into force through it, as a change its room hears. A rollback by hand
 * is refused while the server runs, and works once it has stopped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { isJcrError } from '../server/core/errors.ts';
import { byHand, runCalibration } from '../server/shell/calibration/run.ts';
import { Engine } from '../server/shell/engine.ts';
import { startServer } from '../server/shell/server.ts';
import { isServed } from '../server/shell/store/serving.ts';
import { Store } from '../server/shell/store/store.ts';
import { graph, history, netScenario, PROFILES, T0 } from './support/calibration-net.ts';
import { api, tokenFor } from './support/server.ts';
import { manualTimer } from './support/timers.ts';

test('with a server running, a run by hand is saved for the duty officer to bring in through the server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-calibrate-'));
  const db = join(dir, 'jcr.sqlite');
  const now = T0 + 86_400_000;
  const scenario = netScenario();
  history(Store.open(db)).close();
  assert.is(isServed(db), false);
  const server = await startServer({
    scenario,
    db,
    port: 0,
    clock: fakeClock(now).now,
    timers: manualTimer(),
    log: 'silent',
    roads: {
      graph,
      planner: new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles)),
      mobilisation: 'planner',
    },
  });
  // the command line's own connection and room, as `npm run calibrate` opens them
  const cli = Store.open(db);
  const inForceEvents = () => [...cli.events(0)].filter((e) => e.type === 'calibration.inForce').length;
  try {
    assert.is(isServed(db), true);
    const hand = byHand(
      Engine.boot(scenario, cli, () => now),
      db,
    );
    const run = await runCalibration({
      store: cli,
      graph,
      speedProfiles: PROFILES,
      zone: 'Europe/London',
      profileOf: (id) => (id === 'HAT1' ? 'ten' : undefined),
      sinceMs: T0 - 3_600_000,
      now,
      force: hand.force,
    });
    // accepted and saved, but the log (which the running room would not hear) is left alone
    assert.equal([hand.served, run.version, run.accepted, run.inForce, inForceEvents()], [true, 1, true, null, 0]);
    const rolled = await hand.rollBack('by hand').catch((e: unknown) => e);
    assert.equal([isJcrError(rolled) && rolled.code, inForceEvents()], ['JCR_CONFLICT', 0]);
    // the running server lists the new version at once and brings it in as its own change
    const duty = await tokenFor(server, 'duty-officer');
    let r = await api(server, 'GET', '/api/calibration', { token: duty });
    const body = r.body as { inForce: unknown; versions: Array<{ version: number; accepted: boolean }> };
    assert.equal([body.inForce, body.versions.map((v) => [v.version, v.accepted])], [null, [[1, true]]]);
    r = await api(server, 'POST', '/api/calibration/activate', {
      token: duty,
      body: { version: 1, reason: 'by hand' },
    });
    assert.is(r.status, 200);
    assert.equal([server.engine.room.calibration.inForce?.version, inForceEvents()], [1, 1]);
  } finally {
    await server.close();
  }
  try {
    // stopped: the command line changes the log itself again
    assert.is(isServed(db), false);
    const hand = byHand(
      Engine.boot(scenario, cli, () => now),
      db,
    );
    assert.equal([hand.served, await hand.rollBack('by hand'), inForceEvents()], [false, null, 2]);
  } finally {
    cli.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
