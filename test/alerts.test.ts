/**
 * Alerts (issue 17 item 3): raised by the reactor's alert policy as logged changes, pushed on the
 * COP to the screens that may see them, acknowledged per user over REST with the acknowledgement
 * in the audit timeline, kept across a restart, and never raised twice for one cause. Fake clock,
 * hand-fired timers, fake COP sockets on the hub.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertMsg, AlertView } from '../proto/wire.ts';
import { decodeServerFrame } from '../client/cop/codec.ts';
import { fakeClock, type FakeClock } from '../server/core/clock.ts';
import { UNFILTERED } from '../server/core/cop/frames.ts';
import { alertRules } from '../server/core/alerts/rules.ts';
import { scenarioProblems } from '../server/core/scenario/validate.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { manualTimer } from './support/timers.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

interface Screen {
  frames: Uint8Array[];
  /** The alerts of the next frame: a snapshot's, or a delta's alert changes. */
  next(): AlertMsg[];
}

/** A screen on the hub (a fake socket) for a principal seeing `scope`'s incidents (null = all). */
function screen(server: RunningServer, scope: string | null): Screen {
  const frames: Uint8Array[] = [];
  const id = server.cop.hub.connect(
    { bufferedAmount: 0, send: (f) => void frames.push(f), close: () => {}, terminate: () => {}, ping: () => {} },
    { id: scope ?? 'wall', via: 'test', incidentScope: scope },
  );
  server.cop.hub.control(id, { type: 'subscribe', lastSeq: 0, resumeEpoch: '', filter: UNFILTERED });
  return {
    frames,
    next() {
      const f = frames.shift();
      if (!f) return [];
      const m = decodeServerFrame(f);
      return m.snapshot ? m.snapshot.alerts : (m.delta?.changes ?? []).flatMap((c) => (c.alert ? [c.alert] : []));
    },
  };
}

async function boot(clock: FakeClock, db = ':memory:', scenario: Scenario = miniScenario()): Promise<RunningServer> {
  return startServer({ scenario, db, port: 0, clock: clock.now, log: 'silent', timers: manualTimer() });
}

const FIRE = { typeId: 'dwelling-fire', lat: 51.7636, lon: -0.2232, address: '1 High St, Hatfield' };

test('a new priority-1 incident raises one alert on the COP within one tick, for dispatcher and wall viewers', async () => {
  const clock = fakeClock();
  const server = await boot(clock);
  try {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const fireDesk = screen(server, 'fire');
    const policeDesk = screen(server, 'police');
    const wall = screen(server, null);
    server.cop.hub.tick();
    assert.equal([fireDesk.next(), policeDesk.next(), wall.next()], [[], [], []]);
    const r = await api(server, 'POST', '/api/incidents', { token: fire, body: FIRE });
    assert.is(r.status, 201);
    server.cop.hub.tick();
    const expected: AlertMsg = {
      id: 'AL-1',
      kind: 'new-p1',
      cause: 'new-p1:INC-1',
      incidentId: 'INC-1',
      resourceId: '',
      agencies: ['fire'],
      priority: 1,
      text: 'New priority 1: Dwelling fire, 1 High St, Hatfield',
      raisedAtMs: clock.now(),
      clearedAtMs: 0,
      eventSeq: 2,
    };
    assert.equal(fireDesk.next(), [expected]);
    assert.equal(wall.next(), [expected]);
    // The police desk does not see a fire incident, nor its alert.
    assert.equal(policeDesk.next(), []);
    // A screen that joins later finds it in its snapshot.
    const late = screen(server, null);
    server.cop.hub.tick();
    assert.equal(late.next(), [expected]);
    // Nothing raises it again: more ticks of the reactor, another update at priority 1.
    server.reactor.tick();
    const upd = await api(server, 'PATCH', '/api/incidents/INC-1', { token: fire, body: { address: '2 High St' } });
    assert.is(upd.status, 200, JSON.stringify(upd.body));
    assert.equal(
      [...server.store.events(0)].filter((e) => e.type === 'alert.raised').map((e) => e.seq),
      [2],
    );
  } finally {
    await server.close();
  }
});

test('the unassigned alert fires once on a fake clock, after the wait set for the type, and clears when a unit is sent', async () => {
  const clock = fakeClock();
  // Dwelling fires wait 90 s (by type), over the priority-1 default of 120 s; new-P1 alerts off.
  const scenario: Scenario = {
    ...miniScenario(),
    alerts: { off: ['new-p1'], unassignedAfterSByType: { 'dwelling-fire': 90 } },
  };
  const server = await boot(clock, ':memory:', scenario);
  try {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const wall = screen(server, null);
    server.cop.hub.tick();
    wall.next();
    assert.is((await api(server, 'POST', '/api/incidents', { token: fire, body: FIRE })).status, 201);
    const raised = () => [...server.store.events(0)].filter((e) => e.type === 'alert.raised');
    clock.advance(89_000);
    server.reactor.tick();
    assert.equal(raised(), []);
    clock.advance(1_000);
    server.reactor.tick();
    server.cop.hub.tick();
    const [alert] = wall.next();
    assert.equal(
      [alert?.kind, alert?.cause, alert?.text],
      ['unassigned', 'unassigned:INC-1', 'No unit sent after 2 min: Dwelling fire, 1 High St, Hatfield'],
    );
    for (let i = 0; i < 5; i++) {
      clock.advance(60_000);
      server.reactor.tick();
    }
    assert.is(raised().length, 1);
    // A unit is sent: the alert clears, on the COP too.
    const sent = await api(server, 'POST', '/api/resources/HAT1/status', {
      token: fire,
      body: { status: 'MOBILISED', incidentId: 'INC-1' },
    });
    assert.is(sent.status, 200, JSON.stringify(sent.body));
    server.cop.hub.tick();
    const [cleared] = wall.next();
    assert.equal([cleared?.id, cleared?.clearedAtMs], ['AL-1', clock.now()]);
    assert.equal((await api(server, 'GET', '/api/alerts', { token: fire })).body, {
      seq: server.engine.room.lastSeq,
      alerts: [],
    });
    // Stood down and waiting again: the same cause, no second alert.
    await api(server, 'POST', '/api/resources/HAT1/status', { token: fire, body: { status: 'AVAILABLE_MOBILE' } });
    clock.advance(600_000);
    server.reactor.tick();
    assert.is(raised().length, 1);
  } finally {
    await server.close();
  }
});

test('acknowledgement is per user, in the audit timeline, refused to the wall, hidden from other agencies; alerts survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-alerts-'));
  const db = join(dir, 'log.sqlite');
  const clock = fakeClock();
  let server = await boot(clock, db);
  try {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const duty = await tokenFor(server, 'duty-officer', 'duty');
    const wall = await tokenFor(server, 'wall-viewer', 'wall');
    const police = await tokenFor(server, 'police-dispatcher', 'pd');
    assert.is((await api(server, 'POST', '/api/incidents', { token: fire, body: FIRE })).status, 201);
    clock.advance(5_000);
    const ack = await api(server, 'POST', '/api/alerts/AL-1/ack', { token: duty });
    assert.is(ack.status, 200, JSON.stringify(ack.body));
    const mine = (ack.body as { alert: AlertView }).alert;
    assert.equal([mine.id, mine.acknowledged, mine.acknowledgedAtMs], ['AL-1', true, clock.now()]);
    // Again: nothing new in the log.
    const seq = server.engine.room.lastSeq;
    assert.is((await api(server, 'POST', '/api/alerts/AL-1/ack', { token: duty })).status, 200);
    assert.is(server.engine.room.lastSeq, seq);
    // The fire dispatcher has not acknowledged it.
    const list = (await api(server, 'GET', '/api/alerts', { token: fire })).body as { alerts: AlertView[] };
    assert.equal(
      list.alerts.map((a) => [a.id, a.acknowledged]),
      [['AL-1', false]],
    );
    // The acknowledgement is in the incident's audit timeline, with who and when (the raise is in
    // the event log, not the timeline).
    const log = (await api(server, 'GET', '/api/incidents/INC-1/log', { token: duty })).body as {
      events: Array<{ type: string; actor: string; at: number; data: unknown }>;
    };
    assert.equal(
      log.events.filter((e) => e.type.startsWith('alert.')).map((e) => [e.type, e.actor, e.at, e.data]),
      [['alert.acknowledged', 'duty', clock.now(), { alertId: 'AL-1', incidentId: 'INC-1' }]],
    );
    const refused = await api(server, 'POST', '/api/alerts/AL-1/ack', { token: wall });
    assert.equal([refused.status, errorCode(refused.body)], [403, 'JCR_FORBIDDEN']);
    const hidden = await api(server, 'POST', '/api/alerts/AL-1/ack', { token: police });
    assert.equal([hidden.status, errorCode(hidden.body)], [404, 'JCR_NOT_FOUND']);
    assert.equal(
      ((await api(server, 'GET', '/api/alerts', { token: police })).body as { alerts: unknown[] }).alerts,
      [],
    );
    const unknown = await api(server, 'POST', '/api/alerts/AL-99/ack', { token: duty });
    assert.equal([unknown.status, errorCode(unknown.body)], [404, 'JCR_NOT_FOUND']);
    const bad = await api(server, 'GET', '/api/alerts?status=old', { token: duty });
    assert.equal([bad.status, errorCode(bad.body)], [400, 'JCR_VALIDATION']);

    // Restart over the same log: the alert and who acknowledged it are back; nothing re-raised.
    await server.close();
    server = await boot(clock, db);
    const again = await tokenFor(server, 'duty-officer', 'duty');
    server.reactor.tick();
    const after = (await api(server, 'GET', '/api/alerts', { token: again })).body as { alerts: AlertView[] };
    assert.equal(
      after.alerts.map((a) => [a.id, a.kind, a.acknowledged]),
      [['AL-1', 'new-p1', true]],
    );
    assert.is([...server.store.events(0)].filter((e) => e.type === 'alert.raised').length, 1);
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a joint request waiting, and a committed unit whose AVL has gone stale, alert once each', async () => {
  const clock = fakeClock();
  const scenario: Scenario = { ...miniScenario(), alerts: { off: ['new-p1', 'unassigned'], jointRequestAfterS: 30 } };
  const server = await boot(clock, ':memory:', scenario);
  try {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const amb = await tokenFor(server, 'ambulance-desk', 'ad');
    assert.is((await api(server, 'POST', '/api/incidents', { token: fire, body: FIRE })).status, 201);
    const asked = await api(server, 'POST', '/api/incidents/INC-1/assistance', {
      token: fire,
      body: { toAgency: 'ambulance', note: 'casualty' },
    });
    assert.is(asked.status, 201, JSON.stringify(asked.body));
    const kinds = async (token: string) =>
      ((await api(server, 'GET', '/api/alerts', { token })).body as { alerts: AlertView[] }).alerts.map((a) => a.cause);
    clock.advance(29_000);
    server.reactor.tick();
    assert.equal(await kinds(amb), []);
    clock.advance(1_000);
    server.reactor.tick();
    server.reactor.tick();
    assert.equal(await kinds(amb), ['joint-request:INC-1-R1']);
    assert.equal(await kinds(fire), ['joint-request:INC-1-R1']);
    const declined = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R1/decline', {
      token: amb,
      body: { reason: 'none free' },
    });
    assert.is(declined.status, 200, JSON.stringify(declined.body));
    assert.equal(await kinds(fire), []);

    // HAT1 reports a fix, is sent, then falls silent: stale after 120 s without a fix.
    const hat1 = server.engine.room.fleet.require('HAT1');
    server.engine.room.fleet.applyFix(hat1, 51.7636, -0.2247, 0, 0, clock.now(), 5);
    await api(server, 'POST', '/api/resources/HAT1/status', {
      token: fire,
      body: { status: 'MOBILISED', incidentId: 'INC-1' },
    });
    clock.advance(120_000);
    server.reactor.tick();
    assert.equal(await kinds(fire), []);
    clock.advance(1_000);
    server.reactor.tick();
    server.reactor.tick();
    assert.equal(await kinds(fire), ['avl-stale:HAT1:INC-1#1']);
  } finally {
    await server.close();
  }
});

test('alert rules in the scenario are checked, and their defaults', () => {
  const s = miniScenario();
  assert.equal(
    scenarioProblems({
      ...s,
      alerts: {
        off: ['loud'],
        unassignedAfterS: { '4': 10, '1': -1 },
        unassignedAfterSByType: { nope: 5 },
        jointRequestAfterS: 'x',
      },
    }),
    [
      {
        path: 'alerts.off[0]',
        reason:
          'expected one of "new-p1", "unassigned", "joint-request", "quicker", "avl-stale", "cover-below", got "loud"',
      },
      { path: 'alerts.unassignedAfterS["1"]', reason: 'seconds -1 out of range 0..86400' },
      { path: 'alerts.unassignedAfterS["4"]', reason: 'expected a priority "1", "2" or "3"' },
      { path: 'alerts.unassignedAfterSByType.nope', reason: 'unknown incident type "nope"' },
      { path: 'alerts.jointRequestAfterS', reason: 'expected number, got string' },
    ],
  );
  const d = alertRules(s);
  assert.equal(
    [
      d.unassignedAfterS('dwelling-fire', 1),
      d.unassignedAfterS('x', 2),
      d.unassignedAfterS('x', 3),
      d.jointRequestAfterS,
      d.on('quicker'),
    ],
    [120, 300, 900, 60, true],
  );
  const t = alertRules({
    alerts: { off: ['quicker'], unassignedAfterS: { '2': 200 }, unassignedAfterSByType: { 'cardiac-arrest': 30 } },
  });
  assert.equal(
    [t.unassignedAfterS('cardiac-arrest', 1), t.unassignedAfterS('x', 2), t.on('quicker'), t.on('new-p1')],
    [30, 200, false, true],
  );
});

test.run();
