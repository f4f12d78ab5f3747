/**
 * A signed-in screen's operating picture ends with its session. The session is checked on the
 * upgrade only, but the socket lives for hours: signed out, expired at the end of the shift, the
 * password changed or the user disabled, the screen kept receiving every incident it could see.
 * Now each heartbeat asks the session again and closes the connection with JCR_UNAUTHENTICATED
 * (4401); a live session and the COP token are untouched. Real sockets on port 0, manual timers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock } from '../server/core/clock.ts';
import { COP_LIMITS } from '../server/core/cop/limits.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { SESSION_TTL_MS } from '../server/shell/auth/users.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { manualTimer, type ManualTimer } from './support/timers.ts';
import { api, tokenFor } from './support/server.ts';

const TICK = 100;
const HEARTBEAT = COP_LIMITS.heartbeatMs;
const COP_TOKEN = 'session-end-cop-token-0123456789';

interface World {
  server: RunningServer;
  timer: ManualTimer;
  clock: ReturnType<typeof fakeClock>;
  duty: string;
}

async function world(): Promise<World> {
  const timer = manualTimer();
  const clock = fakeClock(Date.UTC(2026, 0, 1, 9));
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    timers: timer,
    cop: { token: COP_TOKEN, limits: { tickMs: TICK } },
  });
  return { server, timer, clock, duty: await tokenFor(server, 'duty-officer', 'duty') };
}

/** A subscribed screen: resolves after its snapshot; `outcome` then says what comes next. */
async function screen(w: World, auth: { bearer?: string; query?: string }) {
  const ws = new WebSocket(`${w.server.url.replace('http:', 'ws:')}/ws/cop${auth.query ?? ''}`, {
    headers: auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {},
  });
  await once(ws, 'open');
  const picture = new CopPicture();
  const frames: string[] = [];
  let wake: (() => void) | null = null;
  let closed: number | null = null;
  ws.on('message', (d: Buffer) => {
    const m = decodeServerFrame(d);
    picture.apply(m);
    frames.push(m.snapshot ? 'snapshot' : 'delta');
    wake?.();
  });
  ws.on('close', (code) => {
    closed = code;
    wake?.();
  });
  const serverSide = [...w.server.cop.wss.clients].at(-1)!;
  const handled = once(serverSide, 'message');
  ws.send(encodeClientFrame(picture.subscribeMessage()));
  await handled;
  w.timer.tick(TICK);
  while (frames.length === 0) await new Promise<void>((r) => (wake = r));
  return {
    ws,
    picture,
    /** After a heartbeat and a new incident on the next tick: the close code, or 'delta'. */
    async outcome(): Promise<number | string> {
      frames.length = 0;
      w.timer.tick(HEARTBEAT);
      const c = await api(w.server, 'POST', '/api/incidents', {
        token: w.duty,
        body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 },
      });
      assert.is(c.status, 201);
      w.timer.tick(TICK);
      while (frames.length === 0 && closed === null) await new Promise<void>((r) => (wake = r));
      return closed ?? frames[0]!;
    },
  };
}

test('signing out ends the screen’s operating picture at the next heartbeat', async () => {
  const w = await world();
  try {
    const wall = await tokenFor(w.server, 'wall-viewer', 'wall');
    const s = await screen(w, { bearer: wall });
    assert.is((await api(w.server, 'POST', '/api/logout', { token: wall })).status, 200);
    assert.is(await s.outcome(), 4401);
    assert.is(s.picture.incidents.size, 0);
  } finally {
    await w.server.close();
  }
});

test('a session that expires at the end of the shift ends the picture; a live one goes on', async () => {
  const w = await world();
  try {
    const police = await tokenFor(w.server, 'police-dispatcher', 'pd');
    const s = await screen(w, { bearer: police });
    assert.is(await s.outcome(), 'delta');
    w.clock.advance(SESSION_TTL_MS);
    // The duty officer signs in again for the next shift; the police screen's session has lapsed.
    w.duty = await tokenFor(w.server, 'duty-officer', 'duty');
    assert.is(await s.outcome(), 4401);
  } finally {
    await w.server.close();
  }
});

test('a changed password ends every screen of that user; the COP token screen goes on', async () => {
  const w = await world();
  try {
    const fire = await tokenFor(w.server, 'fire-dispatcher', 'fd');
    const s = await screen(w, { bearer: fire });
    const wall = await screen(w, { query: `?token=${COP_TOKEN}` });
    await w.server.users.setPassword('fd', 'another-password-for-fd');
    assert.is(await wall.outcome(), 'delta');
    assert.is(wall.picture.incidents.size, 1);
    assert.is(await s.outcome(), 4401);
  } finally {
    await w.server.close();
  }
});

test.run();
