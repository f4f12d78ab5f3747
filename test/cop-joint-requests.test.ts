/**
 * Joint requests on the COP (issue 22 item 2: "either answer is shown to the requester at once"):
 * each incident carries its joint requests (CopJointRequest), built from the change record, so the
 * requester's screen reads the addressee's answer on the next tick instead of polling
 * GET /api/requests. Over real sockets on port 0, frames decoded by the browser codec; only the
 * agencies taking part in the incident see it and its requests (server/core/auth/incident-access.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { CopPicture, type CopServerMsgIn } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import type { Role } from '../server/core/auth/roles.ts';
import { fakeClock } from '../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import type { CopJointRequestMsg } from '../proto/wire.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { manualTimer } from './support/timers.ts';
import { api, tokenFor } from './support/server.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const TICK = 100;

/** A signed-in screen over a real socket: every frame decoded with the browser codec into a picture. */
class Screen {
  readonly picture = new CopPicture();
  private readonly queue: CopServerMsgIn[] = [];
  private waiter: (() => void) | null = null;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const m = decodeServerFrame(data);
      this.picture.apply(m);
      this.queue.push(m);
      this.waiter?.();
    });
  }
  async next(): Promise<CopServerMsgIn> {
    while (this.queue.length === 0) await new Promise<void>((r) => (this.waiter = r));
    this.waiter = null;
    return this.queue.shift() as CopServerMsgIn;
  }
  requests(incidentId: string): CopJointRequestMsg[] | undefined {
    return this.picture.incidents.get(incidentId)?.requests;
  }
}

test('the requester sees the addressee answer on its COP at once; an agency that no longer takes part sees nothing', async () => {
  const clock = fakeClock(T0);
  const timer = manualTimer();
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  const server = await startServer({
    scenario: loadScenario('sim/scenarios/hertfordshire/scenario.json'),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    timers: timer,
    cop: { limits: { tickMs: TICK } },
    roads: { mobilisation: { journeys, cover: null } },
  });
  const screens: Screen[] = [];
  try {
    const tokens = new Map<Role, string>();
    for (const role of ['fire-dispatcher', 'police-dispatcher', 'ambulance-desk'] as const)
      tokens.set(role, await tokenFor(server, role));
    const as = (role: Role, method: string, path: string, body?: unknown) =>
      api(server, method, path, { token: tokens.get(role)!, ...(body !== undefined ? { body } : {}) });

    for (const role of ['fire-dispatcher', 'ambulance-desk', 'police-dispatcher'] as const) {
      const ws = new WebSocket(server.url.replace('http:', 'ws:') + '/ws/cop', {
        headers: { authorization: `Bearer ${tokens.get(role)}` },
      });
      await once(ws, 'open');
      const s = new Screen(ws);
      const serverSide = [...server.cop.wss.clients].at(-1)!;
      const handled = once(serverSide, 'message');
      ws.send(encodeClientFrame(s.picture.subscribeMessage()));
      await handled;
      screens.push(s);
    }
    const [fire, amb, police] = screens as [Screen, Screen, Screen];
    /** One tick: every screen gets its frame. */
    const tick = async () => {
      clock.advance(TICK);
      timer.tick(TICK);
      for (const s of screens) await s.next();
    };
    await tick(); // the snapshots

    // Fire opens a persons-reported fire 100 m east of Hatfield fire station and presses
    // "Mobilise recommended": its pumps go, ambulance and police are asked for their lines.
    const c = await as('fire-dispatcher', 'POST', '/api/incidents', {
      typeId: 'persons-reported-fire',
      lat: 51.7682,
      lon: -0.2308,
    });
    assert.is(c.status, 201, JSON.stringify(c.body));
    const id = (c.body as { id: string }).id;
    const rec = await as('fire-dispatcher', 'GET', `/api/incidents/${id}/recommendation`);
    const m = await as('fire-dispatcher', 'POST', `/api/incidents/${id}/mobilise`, {
      accept: true,
      fingerprint: (rec.body as { fingerprint: string }).fingerprint,
    });
    assert.is(m.status, 200, JSON.stringify(m.body));
    await tick();
    const asked = clock.now() - TICK;
    const pending = (n: number, to: string, capability: string, suggested: string): CopJointRequestMsg => ({
      requestId: `${id}-R${n}`,
      fromAgency: 'fire',
      toAgency: to,
      status: 'pending',
      lines: [{ capability, count: 1, suggested: [suggested] }],
      note: `fire accepted the recommendation: ${capability} ×1 (suggested ${suggested})`,
      requestedBy: 'fire-dispatcher',
      requestedAtMs: asked,
      answeredBy: '',
      answeredAtMs: 0,
      answer: '',
      mobilised: [],
    });
    const R1 = pending(1, 'ambulance', 'paramedic', 'EEAST-HATF-A1');
    const R2 = pending(2, 'police', 'police-response', 'HC-HATF-IRV1');
    // The requester and both addressees (each asked, so each takes part) see both requests.
    assert.equal(
      [fire.requests(id), amb.requests(id), police.requests(id)],
      [
        [R1, R2],
        [R1, R2],
        [R1, R2],
      ],
    );

    // Police declines, with a reason: fire reads it on the next tick; police no longer takes part
    // and gets a removal, so it holds neither the incident nor its requests.
    const d = await as('police-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R2/decline`, {
      reason: 'no units free in Hatfield',
    });
    assert.is(d.status, 200, JSON.stringify(d.body));
    await tick();
    const declined: CopJointRequestMsg = {
      ...R2,
      status: 'declined',
      answeredBy: 'police-dispatcher',
      answeredAtMs: clock.now() - TICK,
      answer: 'no units free in Hatfield',
    };
    assert.equal(fire.requests(id), [R1, declined]);
    assert.equal(amb.requests(id), [R1, declined]);
    assert.is(police.picture.incidents.has(id), false);

    // The ambulance accepts, mobilising the suggestion: fire sees who answered, when and with what.
    const a = await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`);
    assert.is(a.status, 200, JSON.stringify(a.body));
    await tick();
    const accepted: CopJointRequestMsg = {
      ...R1,
      status: 'accepted',
      answeredBy: 'ambulance-desk',
      answeredAtMs: clock.now() - TICK,
      mobilised: ['EEAST-HATF-A1'],
    };
    assert.equal(fire.requests(id), [accepted, declined]);
    assert.equal(amb.requests(id), [accepted, declined]);
    assert.equal(fire.picture.incidents.get(id)?.requestedAgencies, []);
    assert.is(police.picture.incidents.has(id), false);

    // A fresh snapshot says the same as the deltas did.
    const fresh = new WebSocket(server.url.replace('http:', 'ws:') + '/ws/cop', {
      headers: { authorization: `Bearer ${tokens.get('fire-dispatcher')}` },
    });
    await once(fresh, 'open');
    const late = new Screen(fresh);
    screens.push(late);
    const handled = once([...server.cop.wss.clients].at(-1)!, 'message');
    fresh.send(encodeClientFrame(late.picture.subscribeMessage()));
    await handled;
    clock.advance(TICK);
    timer.tick(TICK); // nothing changed: only the new screen gets a frame, its snapshot
    assert.ok((await late.next()).snapshot);
    assert.equal(late.requests(id), [accepted, declined]);
  } finally {
    // A failed assertion must not leave sockets open: the run would wait for them.
    for (const s of screens) s.ws.close();
    await server.close();
  }
});

test.run();
