/**
 * Position refresh of the live cover picture (server/shell/cover/service.ts): positions alone do
 * not mark surfaces dirty, so an available mobile resource moving far from where the cover
 * computer last saw it schedules one recompute refreshMs later; jitter within refreshMovedM
 * never recomputes, and a moving fleet recomputes at most once per refreshMs. The timers run on
 * a fake clock; the recompute runs on the real cover worker.
 */
import type { Timers } from '../proto/timer.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { CoverCalc } from '../server/shell/cover/calc.ts';
import { CoverService, type CoverSummary } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const FAR = { lat: 52.16, lon: 0.1 }; // 5.1 km south-west of the ambulance station (52.2010, 0.1350)

/** Timers on a fake clock: run in due order as the clock advances. */
function fakeTimers(clock: ReturnType<typeof fakeClock>) {
  let timers: Array<{ due: number; fn: () => void }> = [];
  const never = () => undefined;
  const schedule: Timers = {
    setTimeout(fn, ms) {
      const t = { due: clock.now() + ms, fn };
      timers.push(t);
      return t;
    },
    clearTimeout(t) {
      timers = timers.filter((x) => x !== t);
    },
    setInterval: never,
    clearInterval: never,
  };
  return {
    schedule,
    pending: () => timers.map((t) => t.due - clock.now()),
    advance(ms: number) {
      const end = clock.now() + ms;
      for (;;) {
        const next = [...timers].sort((a, b) => a.due - b.due)[0];
        if (!next || next.due > end) break;
        timers = timers.filter((x) => x !== next);
        clock.advance(next.due - clock.now());
        next.fn();
      }
      clock.advance(end - clock.now());
    },
  };
}

function nextSummary(cover: CoverService): Promise<CoverSummary> {
  return new Promise((resolve) => {
    const off = cover.onChange((s) => {
      off();
      resolve(s);
    });
  });
}

async function world() {
  const clock = fakeClock();
  const timers = fakeTimers(clock);
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({
    engine,
    planner,
    clock: clock.now,
    timers: timers.schedule,
    refreshMs: 10_000,
    refreshMovedM: 200,
  });
  const ctx = { origin: 'operator' as const, actor: 't' };
  // AMB2 committed; AMB1 available mobile at the ambulance station: the only ambulance source
  engine.execute({ type: 'resource.setStatus', resourceId: 'AMB2', status: 3 }, ctx);
  engine.execute({ type: 'resource.setStatus', resourceId: 'AMB1', status: 2 }, ctx);
  await cover.flushAsync();
  const move = (lat: number, lon: number) => {
    const r = engine.room.fleet.require('AMB1');
    engine.room.fleet.applyFix(r, lat, lon, 0, 10, clock.now(), 5);
    engine.notifyPositions(['AMB1']);
  };
  return { clock, timers, engine, cover, move };
}

/** The ambulance figures of the cover service's latest picture. */
function ambulancePicture(cover: CoverService): number[] {
  return cover
    .latest()!
    .surfaces.find((s) => s.key === 'ambulance:paramedic')!
    .figures.map((f) => f.coveredWeight);
}

/** The ambulance figures computed here from the engine's fleet as it is now. */
function ambulanceNow(engine: Engine): number[] {
  const calc = new CoverCalc(planner, scenario);
  calc.apply(
    [...engine.room.fleet.all()].map((r) => ({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon })),
  );
  return calc.compute(['ambulance:paramedic'])[0]!.figures.map((f) => f.coveredWeight);
}

test('an available mobile ambulance moved 5 km changes the picture once the refresh interval has passed', async () => {
  const { timers, engine, cover, move } = await world();
  try {
    const before = cover.latest()!;
    const amb = () => ambulancePicture(cover);
    assert.equal(amb(), [140]); // every demand point but Fulbourn Road (10) within 8 min of the station
    const computes = cover.stats.computes;
    move(FAR.lat, FAR.lon);
    assert.equal(timers.pending(), [10_000]);
    timers.advance(9_999);
    assert.is(cover.stats.computes, computes, 'not before the refresh interval');
    assert.is(cover.latest(), before);
    const next = nextSummary(cover);
    timers.advance(1);
    const s = await next;
    assert.is(cover.stats.refreshes, 1);
    assert.is(cover.stats.computes, computes + 1);
    assert.is(s.eventSeq, engine.room.lastSeq);
    // from the south-west only Trumpington (20) and the city centre (50) stay within 8 min
    assert.equal(amb(), [70]);
    assert.equal(amb(), ambulanceNow(engine));
    // only the moved resource's surface was recomputed
    assert.is(cover.latest()!.surfaces[0], before.surfaces[0]);
  } finally {
    await cover.close();
  }
});

test('jitter within the threshold never recomputes; a moving fleet recomputes at most once per interval', async () => {
  const { timers, cover, move, engine } = await world();
  try {
    const computes = cover.stats.computes;
    const station = engine.room.fleet.require('AMB1');
    const home = { lat: station.lat, lon: station.lon };
    // 100 m of jitter either way, for a minute: no timer, no recompute
    for (let i = 0; i < 60; i++) {
      move(home.lat + (i % 2 === 0 ? 0.0009 : -0.0009), home.lon);
      timers.advance(1_000);
    }
    assert.equal(timers.pending(), []);
    assert.equal([cover.stats.computes, cover.stats.refreshes], [computes, 0]);

    // driving away, a fix a second: one refresh per 10 s, not one per fix
    const summaries: CoverSummary[] = [];
    cover.onChange((s) => summaries.push(s));
    for (let i = 1; i <= 25; i++) {
      move(home.lat - 0.0012 * i, home.lon - 0.0025 * i); // ~217 m a second towards the west-south-west
      timers.advance(1_000);
      await cover.flushAsync(); // let a refresh sent to the worker publish before the next fix
    }
    assert.equal([cover.stats.refreshes, summaries.length], [2, 2]);
    // fixes at 0..24 s: refreshes at 10 s and 20 s (each armed by the first far fix after the last);
    // the third is armed by the fix at 20 s
    assert.equal(timers.pending(), [5_000]);
    // a resource that is no longer available mobile is not refreshed for
    engine.execute({ type: 'resource.setStatus', resourceId: 'AMB1', status: 3 }, { origin: 'operator', actor: 't' });
    timers.advance(10_000);
    await cover.flushAsync();
    assert.is(cover.stats.refreshes, 2);
  } finally {
    await cover.close();
  }
});

test('a moves question sent between a far move and the refresh does not cancel the refresh', async () => {
  // movesAsync sends the worker the ambulance's new position; the picture still shows the old
  // one, so the refresh must still recompute it.
  const { timers, engine, cover, move } = await world();
  try {
    const amb = () => ambulancePicture(cover);
    assert.equal(amb(), [140]);
    move(FAR.lat, FAR.lon);
    await cover.movesAsync({ limit: 1 });
    assert.equal(amb(), [140], 'a moves question does not publish a picture');
    timers.advance(10_000);
    await cover.flushAsync(); // the refresh's recompute, if one was sent
    assert.is(cover.stats.refreshes, 1);
    assert.equal(amb(), [70]);
    assert.equal(amb(), ambulanceNow(engine));
  } finally {
    await cover.close();
  }
});

test('a recompute of another surface between a far move and the refresh does not cancel the refresh', async () => {
  // A fire status change recomputes the fire surface only; its request also carries the
  // ambulance's new position, but the ambulance picture still shows the old one.
  const { timers, engine, cover, move } = await world();
  try {
    const amb = () => ambulancePicture(cover);
    move(FAR.lat, FAR.lon);
    engine.execute({ type: 'resource.setStatus', resourceId: 'TRU1', status: 6 }, { origin: 'operator', actor: 't' });
    await cover.flushAsync();
    assert.equal(amb(), [140], 'the fire recompute leaves the ambulance picture as it was');
    timers.advance(10_000);
    await cover.flushAsync();
    assert.is(cover.stats.refreshes, 1);
    assert.equal(amb(), [70]);
    assert.equal(amb(), ambulanceNow(engine));
  } finally {
    await cover.close();
  }
});

test.run();
