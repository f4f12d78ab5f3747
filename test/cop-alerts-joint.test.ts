/**
 * An incident's alerts follow the incident on a screen whose agency joins or leaves it (docs/cop.md,
 * Alerts: "an incident's alert to whoever sees the incident"). Before, an alert change went only to
 * the agencies seeing the incident when it was raised or cleared: the police desk asked to assist
 * never got the incident's active alerts that a fresh snapshot and GET /api/alerts showed it, and
 * once it declined it kept the request's alert on screen for good, its clear going only to fire.
 * Fake COP sockets on the hub, each folding its frames into a browser CopPicture; fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AlertView } from '../proto/wire.ts';
import { fakeClock } from '../server/core/clock.ts';
import { UNFILTERED } from '../server/core/cop/frames.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { FakeSocket } from './support/cop.ts';
import { manualTimer } from './support/timers.ts';
import { api, tokenFor } from './support/server.ts';

/** A screen on the hub for a dispatcher of `scope` (null: every incident). */
function screen(server: RunningServer, scope: string | null): FakeSocket {
  const sock = new FakeSocket();
  const id = server.cop.hub.connect(sock, { id: scope ?? 'wall', via: 'test', incidentScope: scope });
  server.cop.hub.control(id, { type: 'subscribe', lastSeq: 0, resumeEpoch: '', filter: UNFILTERED });
  return sock;
}

const causes = (s: FakeSocket) => [...s.picture.alerts.values()].map((a) => a.cause).sort();

test('a screen gets an incident’s alerts when its agency is asked, and drops them when it declines', async () => {
  const clock = fakeClock(Date.UTC(2026, 0, 1, 9));
  const scenario: Scenario = { ...miniScenario(), alerts: { off: ['unassigned'], jointRequestAfterS: 30 } };
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    timers: manualTimer(),
  });
  try {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const police = await tokenFor(server, 'police-dispatcher', 'pd');
    const rest = async (token: string) =>
      ((await api(server, 'GET', '/api/alerts', { token })).body as { alerts: AlertView[] }).alerts
        .map((a) => a.cause)
        .sort();
    const policeDesk = screen(server, 'police');
    const fireDesk = screen(server, 'fire');
    const body = { typeId: 'dwelling-fire', lat: 51.7636, lon: -0.2232, address: '1 High St, Hatfield' };
    assert.is((await api(server, 'POST', '/api/incidents', { token: fire, body })).status, 201);
    server.cop.hub.tick();
    assert.equal([causes(fireDesk), causes(policeDesk)], [['new-p1:INC-1'], []]);

    // Fire asks police: the police desk now sees the incident, and so its active alert.
    const asked = await api(server, 'POST', '/api/incidents/INC-1/assistance', {
      token: fire,
      body: { toAgency: 'police', note: 'cordon' },
    });
    assert.is(asked.status, 201, JSON.stringify(asked.body));
    server.cop.hub.tick();
    assert.ok(policeDesk.picture.incidents.has('INC-1'));
    assert.equal(await rest(police), ['new-p1:INC-1']);
    assert.equal(causes(policeDesk), ['new-p1:INC-1']);

    // The request waits 30 s: its alert goes to both desks.
    clock.advance(30_000);
    server.reactor.tick();
    server.cop.hub.tick();
    assert.equal(causes(policeDesk), ['joint-request:INC-1-R1', 'new-p1:INC-1']);

    // Police declines: it no longer takes part, so neither the incident nor its alerts stay on its screen.
    const declined = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R1/decline', {
      token: police,
      body: { reason: 'no units free' },
    });
    assert.is(declined.status, 200, JSON.stringify(declined.body));
    server.cop.hub.tick();
    assert.not.ok(policeDesk.picture.incidents.has('INC-1'));
    assert.equal(await rest(police), []);
    assert.equal(causes(policeDesk), []);
    assert.equal(causes(fireDesk), ['new-p1:INC-1']);

    // Built from deltas, each picture's alerts are what a fresh snapshot shows.
    const [freshPolice, freshFire] = [screen(server, 'police'), screen(server, 'fire')];
    server.cop.hub.tick();
    assert.equal([causes(freshPolice), causes(freshFire)], [causes(policeDesk), causes(fireDesk)]);
  } finally {
    await server.close();
  }
});

test.run();
