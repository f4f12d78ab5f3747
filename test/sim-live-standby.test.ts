/**
 * Issue 9: simulated vehicles obey standby moves as the real cover API records them. A real
 * server (port 0, ':memory:', its cover service on the Cambridge road network) runs on a fake
 * clock; the live simulator (sim/live/bridge.ts) is stepped by hand on the same clock and talks
 * to the server only over /ws/avl (real AvlBatch bytes) and REST. The cover service's debounce
 * timer is a fake timer run when the fake clock passes it.
 */
import { neverTimers } from './support/timers.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../server/core/clock.ts';
import { STANDBY_ARRIVAL_M } from '../server/core/cover/standby.ts';
import { haversineM } from '../server/core/geo.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';
import { createLogger } from '../server/shell/log.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { createLive, type LiveSim } from '../sim/live/bridge.ts';
import { exportRecording } from '../sim/record/export.ts';
import { parseRecording, serialiseRecording } from '../sim/record/format.ts';
import { Replay } from '../sim/replay/replay.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { api, tokenFor } from './support/server.ts';

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const TOKEN = 'sim-live-standby-token-0123456789';
const POST = { lat: 52.211, lon: 0.16 }; // DAP-NEW, Newmarket Road post
const CHERRY_HINTON = { lat: 52.1885, lon: 0.1745 }; // station F-CHH

interface World {
  server: RunningServer;
  live: LiveSim;
  duty: string;
  clock: ReturnType<typeof fakeClock>;
  log: Array<{ seq: number; at: number; type: string; origin: string; data: unknown }>;
  /** Advance the fake clock a second at a time, running the cover timers and one simulator step each second. */
  run(seconds: number): Promise<void>;
  close(): Promise<void>;
}

async function world(db = ':memory:'): Promise<World> {
  const base = coverScenario();
  const scenario: Scenario = {
    ...base,
    incidentTypes: [
      {
        id: 'cardiac-arrest',
        name: 'Cardiac arrest',
        leadAgency: 'ambulance',
        priority: 1,
        attendance: [{ capability: 'paramedic', count: 1 }],
        standards: ['amb-test'],
      },
    ],
  };
  const planner = coverPlanner(scenario);
  const clock = fakeClock(T0);
  const timers: Array<{ due: number; fn: () => void; live: boolean }> = [];
  const server = await startServer({
    scenario,
    db,
    port: 0,
    clock: clock.now,
    log: createLogger('silent'),
    avl: { token: TOKEN },
    roads: {
      planner,
      mobilisation: mobilisationFromPlanner(planner, scenario),
      cover: {
        timers: {
          setTimeout(fn, ms) {
            const t = { due: clock.now() + ms, fn, live: true };
            timers.push(t);
            return t;
          },
          clearTimeout(t) {
            (t as { live: boolean }).live = false;
          },
          setInterval: () => undefined,
          clearInterval: () => undefined,
        },
      },
    },
  });
  const log: World['log'] = [];
  server.engine.onEvents((events) => {
    for (const e of events) log.push({ seq: e.seq, at: e.at, type: e.type, origin: e.origin, data: e.data });
  });
  const duty = await tokenFor(server, 'duty-officer');
  const live = await createLive({
    baseUrl: server.url,
    avlToken: TOKEN,
    apiToken: duty,
    world: { scenario, planner, onRoad: () => null },
    seed: 5,
    incidents: false,
    autoMobilise: false,
    now: clock.now,
    pollMs: 2000,
  });
  const runTimers = () => {
    for (const t of timers.splice(0)) {
      if (!t.live) continue;
      if (t.due <= clock.now()) t.fn();
      else timers.push(t);
    }
  };
  return {
    server,
    live,
    duty,
    clock,
    log,
    async run(seconds) {
      for (let i = 0; i < seconds; i++) {
        clock.advance(1000);
        runTimers();
        await live.step();
        // A reaction (a standby arrival) that found the log write-locked by the position history
        // thread (a file database) waits in line on a real timer: it lands at this second, as it
        // would without the lock, before the clock moves on.
        while (server.engine.waiting > 0) await new Promise((r) => setTimeout(r, 5));
      }
    },
    async close() {
      live.close();
      await server.close();
    },
  };
}

const r6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** Run a test body in a fresh world, closed afterwards whatever happens. */
async function inWorld(body: (w: World) => Promise<void>): Promise<void> {
  const w = await world();
  try {
    await body(w);
  } finally {
    await w.close();
  }
}

/** Every accepted AVL fix of one resource, as the server's live state took it. */
function fixesOf(
  w: World,
  id: string,
): Array<{ t: number; lat: number; lon: number; speedMps: number; status: number }> {
  const out: Array<{ t: number; lat: number; lon: number; speedMps: number; status: number }> = [];
  w.server.engine.onPositions((ids) => {
    if (!ids.includes(id)) return;
    const r = w.server.engine.room.fleet.require(id);
    out.push({ t: r.fixTimeMs - T0, lat: r.lat, lon: r.lon, speedMps: r.speedMps, status: r.status });
  });
  return out;
}

const mine = (w: World, id: string) =>
  w.log
    .filter((e) => e.type.startsWith('cover.') || e.type === 'resource.status')
    .filter((e) => (e.data as { resourceId?: string }).resourceId === id)
    .map((e) => [
      e.at - T0,
      e.type,
      e.origin,
      e.type === 'resource.status'
        ? (e.data as { status: number }).status
        : ((e.data as { reason?: string }).reason ?? (e.data as { destination: { id: string } }).destination.id),
    ]);

/** What mine() lists for a standby move ordered at T0 + 5 s: booked AVAILABLE_MOBILE (2), then the order. */
const orderedAt5s = (destinationId: string) => [
  [5000, 'resource.status', 'operator', 2],
  [5000, 'cover.standbyOrdered', 'operator', destinationId],
];

/** The server's own record of `id`: `status`, and within 20 m of `at`. */
function assertServerHas(w: World, id: string, status: number, at: { lat: number; lon: number }): void {
  const r = w.server.engine.room.fleet.require(id);
  assert.is(r.status, status);
  assert.ok(
    haversineM(r.lat, r.lon, at.lat, at.lon) <= 20,
    `${id} ${haversineM(r.lat, r.lon, at.lat, at.lon)} m from where it should be`,
  );
}

/** Order a standby move over REST as the duty officer; the answer's move. */
async function orderMove(w: World, resourceId: string, destinationId: string): Promise<string> {
  const res = await api(w.server, 'POST', '/api/cover/moves', { token: w.duty, body: { resourceId, destinationId } });
  assert.is(res.status, 201);
  return (res.body as { move: { moveId: string } }).move.moveId;
}

/** Run to T0 + 5 s and order a standby move there (orderedAt5s is what that logs); the move's id. */
async function orderAt5s(w: World, resourceId: string, destinationId: string): Promise<string> {
  await w.run(5);
  return orderMove(w, resourceId, destinationId);
}

// Polls (every 2 s of the fake clock) fall on T0 + 1 s, 3 s, 5 s, ...: a move ordered at T0 + 5 s
// (after that poll) is in the cover picture after its 200 ms debounce (run at T0 + 6 s) and is
// given to the vehicle at the T0 + 7 s poll, which sets off at once (no turnout for a standby move).

test('a standby move to a post: the vehicle drives the road route at its profile speed, the server ends the move on arrival, the vehicle stays at the post', () =>
  inWorld(async (w) => {
    const fixes = fixesOf(w, 'AMB1');
    const moveId = await orderAt5s(w, 'AMB1', 'DAP-NEW');
    assert.is(moveId, `SB-AMB1-${T0 + 5000}`);
    await w.run(235);
    // The planner's ambulance route A-CEN → DAP-NEW: 3092.9 m in 222.172 s (13.9 m/s). Given at
    // T0 + 7 s, the vehicle parks at T0 + 229.172 s; the server saw an AVL fix within 150 m at the
    // T0 + 220 s batch and ended the move (origin system). No status message from the terminal.
    assert.equal(mine(w, 'AMB1'), [...orderedAt5s('DAP-NEW'), [220000, 'cover.standbyEnded', 'system', 'arrived']]);
    const moving = fixes.filter((f) => f.t > 7000 && f.t < 229_172);
    assert.is(moving.length, 44); // every 5 s on the move: T0 + 12 s … T0 + 227 s
    assert.ok(moving.every((f) => Math.round(f.speedMps * 10) / 10 === 13.9 && f.status === 2));
    const last = fixes[fixes.length - 1]!;
    assert.equal([last.t, last.speedMps, last.status], [229_172, 0, 2]);
    assert.ok(haversineM(last.lat, last.lon, POST.lat, POST.lon) <= STANDBY_ARRIVAL_M);
    const v = w.live.fleet.vehicles.get('AMB1')!;
    assert.equal([v.phase, v.status, v.pos, v.task], ['idle', 2, POST, null]);
    assert.is(w.server.engine.room.standby.get('AMB1'), undefined);
    // Ten minutes later it is still there, available, reporting once a minute.
    await w.run(600);
    assert.equal(v.pos, POST);
    assert.equal(
      fixes.filter((f) => f.t > 229_172).map((f) => [f.t, f.speedMps]),
      [289_172, 349_172, 409_172, 469_172, 529_172, 589_172, 649_172, 709_172, 769_172, 829_172].map((t) => [t, 0]),
    );
    assertServerHas(w, 'AMB1', 2, POST);
    assert.equal([w.live.stats.rejected, w.live.stats.standbyMoves], [0, 1]);
  }));

test('a standby move to another station: booked AVAILABLE_AT_STATION there on arrival, and the vehicle does not drive home', () =>
  inWorld(async (w) => {
    const fixes = fixesOf(w, 'CEN1');
    await orderAt5s(w, 'CEN1', 'F-CHH');
    await w.run(900);
    // Fire route Cambridge Central → Cherry Hinton: 424.166 s; parked at T0 + 431.166 s.
    assert.equal(mine(w, 'CEN1'), [
      ...orderedAt5s('F-CHH'),
      [417_000, 'cover.standbyEnded', 'system', 'arrived'],
      [417_000, 'resource.status', 'system', 1],
    ]);
    const v = w.live.fleet.vehicles.get('CEN1')!;
    assert.equal([v.phase, v.status, v.pos], ['idle', 1, CHERRY_HINTON]);
    assert.equal(
      fixes.filter((f) => f.speedMps === 0).map((f) => f.t),
      [431_166, 491_166, 551_166, 611_166, 671_166, 731_166, 791_166, 851_166],
    );
    assertServerHas(w, 'CEN1', 1, CHERRY_HINTON);
  }));

test('a cancelled standby move: the vehicle stops where it is and stays available there', () =>
  inWorld(async (w) => {
    const fixes = fixesOf(w, 'AMB2');
    await orderAt5s(w, 'AMB2', 'DAP-NEW');
    await w.run(62);
    const c = await api(w.server, 'POST', '/api/cover/moves/AMB2/cancel', { token: w.duty });
    assert.is(c.status, 200);
    await w.run(300);
    assert.equal(mine(w, 'AMB2'), [...orderedAt5s('DAP-NEW'), [67_000, 'cover.standbyEnded', 'operator', 'cancelled']]);
    // The cancel is seen at the T0 + 69 s poll: 62 s along the route.
    const v = w.live.fleet.vehicles.get('AMB2')!;
    assert.equal([v.phase, v.status, r6(v.pos.lat), r6(v.pos.lon)], ['idle', 2, 52.206491, 0.135758]);
    assert.equal(
      fixes.filter((f) => f.t > 69_000).map((f) => [f.t, f.speedMps]),
      [
        [72_000, 0],
        [132_000, 0],
        [192_000, 0],
        [252_000, 0],
        [312_000, 0],
      ],
    );
    assertServerHas(w, 'AMB2', 2, v.pos);
  }));

test('a standby move superseded by a mobilisation: the vehicle drives to the incident instead', () =>
  inWorld(async (w) => {
    await orderAt5s(w, 'AMB2', 'DAP-NEW');
    await w.run(60);
    const inc = await api(w.server, 'POST', '/api/incidents', {
      token: w.duty,
      body: { typeId: 'cardiac-arrest', lat: 52.2053, lon: 0.1218, address: 'City centre' },
    });
    assert.is(inc.status, 201);
    const id = (inc.body as { id: string }).id;
    const m = await api(w.server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: w.duty,
      body: { resourceIds: ['AMB2'], reason: 'nearest' },
    });
    assert.is(m.status, 200);
    await w.run(600);
    // Mobilising ends the standby move on the server (any status but AVAILABLE_MOBILE does); the
    // vehicle takes the incident at the T0 + 67 s poll and sets off from where it is (no turnout
    // on the move); its terminal reports AT_SCENE on arrival.
    assert.equal(mine(w, 'AMB2'), [
      ...orderedAt5s('DAP-NEW'),
      [65_000, 'resource.status', 'operator', 3],
      [208_000, 'resource.status', 'avl', 4],
    ]);
    assert.is(w.server.engine.room.standby.get('AMB2'), undefined);
    const v = w.live.fleet.vehicles.get('AMB2')!;
    assert.equal([v.phase, v.status, v.task?.taskId, v.task?.lat, v.task?.lon], ['scene', 4, id, 52.2053, 0.1218]);
  }));

test('a live run with standby moves, exported from its database, replays into a fresh server to the same final state', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-sim-standby-'));
  try {
    const w = await world(join(dir, 'live.sqlite'));
    try {
      await w.run(5);
      await orderMove(w, 'AMB1', 'DAP-NEW');
      await orderMove(w, 'CEN1', 'F-CHH');
      await orderMove(w, 'AMB2', 'DAP-NEW');
      await w.run(62);
      assert.is((await api(w.server, 'POST', '/api/cover/moves/AMB2/cancel', { token: w.duty })).status, 200);
      await w.run(533); // to T0 + 600 s
    } finally {
      await w.close();
    }
    const rec = parseRecording(
      serialiseRecording(exportRecording(join(dir, 'live.sqlite'), w.server.engine.room.scenario, T0, T0 + 600_000)),
    );
    assert.equal(rec.header.version, 2);
    assert.equal(
      rec.lines.filter((l) => l.type === 'standby' || l.type === 'standbyEnd'),
      [
        { type: 'standby', t: 5000, resourceId: 'AMB1', destinationId: 'DAP-NEW', lat: 52.211, lon: 0.16 },
        { type: 'standby', t: 5000, resourceId: 'CEN1', destinationId: 'F-CHH', lat: 52.1885, lon: 0.1745 },
        { type: 'standby', t: 5000, resourceId: 'AMB2', destinationId: 'DAP-NEW', lat: 52.211, lon: 0.16 },
        { type: 'standbyEnd', t: 67_000, resourceId: 'AMB2', reason: 'cancelled' },
        { type: 'standbyEnd', t: 220_000, resourceId: 'AMB1', reason: 'arrived' },
        { type: 'standbyEnd', t: 417_000, resourceId: 'CEN1', reason: 'arrived' },
      ],
    );
    const expect = rec.lines[rec.lines.length - 1];
    assert.equal(
      expect?.type === 'expect'
        ? expect.resources
            .filter((r) => r.status !== 'AVAILABLE_AT_STATION' || r.id === 'CEN1')
            .map((r) => [r.id, r.status])
        : null,
      [
        ['CEN1', 'AVAILABLE_AT_STATION'],
        ['AMB1', 'AVAILABLE_MOBILE'],
        ['AMB2', 'AVAILABLE_MOBILE'],
      ],
    );

    // Replay on a fake wall clock at x1 into a fresh server that runs on the replay's virtual clock.
    let wall = 0;
    let replay: Replay | undefined;
    const scenario = w.server.engine.room.scenario;
    const fresh = await startServer({
      scenario,
      db: ':memory:',
      port: 0,
      clock: () => (replay ? replay.virtualNow() : rec.header.startMs),
      log: createLogger('silent'),
      avl: { token: TOKEN },
      roads: { planner: coverPlanner(scenario), cover: { timers: neverTimers } },
    });
    try {
      const ended: unknown[] = [];
      fresh.engine.onEvents((events) => {
        for (const e of events)
          if (e.type === 'cover.standbyEnded') ended.push([e.at - T0, e.data.resourceId, e.data.reason, e.origin]);
      });
      const apiToken = await tokenFor(fresh, 'duty-officer', 'replay');
      replay = new Replay(rec, {
        baseUrl: fresh.url,
        avlToken: TOKEN,
        apiToken,
        speed: 1,
        fixBase: rec.header.startMs,
        wallNow: () => wall,
        sleep: async (ms) => void (wall += ms),
      });
      const sum = await replay.run();
      assert.equal(sum.standby, { ordered: 3, cancelled: 1, failed: 0 });
      assert.equal([sum.avl.rejected, sum.notes], [0, []]);
      assert.equal(sum.expect, { checked: 8, mismatches: [] });
      // The fresh server decided the arrivals itself from the replayed AVL, at the recorded times.
      assert.equal(ended, [
        [67_000, 'AMB2', 'cancelled', 'operator'],
        [220_000, 'AMB1', 'arrived', 'system'],
        [417_000, 'CEN1', 'arrived', 'system'],
      ]);
    } finally {
      await fresh.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
