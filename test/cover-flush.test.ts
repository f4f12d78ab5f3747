/**
 * CoverService.flushAsync under churn (server/shell/cover/service.ts): it resolves with the first
 * picture that reflects every change made before the call, even if more changes keep arriving
 * while each recompute runs (a busy room must not hold a what-if answer back indefinitely).
 * The computation runs inline (the same service code as with the worker); timers are manual.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { CoverService } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { neverTimers } from './support/timers.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const never = neverTimers; // debounce timers never fire: flushAsync drives the recomputes

test('flushAsync answers with the picture of the changes before it, while later changes keep arriving', async () => {
  const clock = fakeClock();
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({ engine, planner, clock: clock.now, timers: never, mode: 'inline' });
  try {
    await cover.flushAsync();
    const ctx = { origin: 'operator' as const, actor: 't' };
    // Each published picture is followed at once by another status change: the service is never idle.
    const churn = ['CEN2', 'CHH1', 'ARB1', 'CEN3', 'TRU1'];
    let published = 0;
    cover.onChange(() => {
      const id = churn[published++];
      if (id !== undefined) engine.execute({ type: 'resource.setStatus', resourceId: id, status: 6 }, ctx);
    });
    engine.execute({ type: 'resource.setStatus', resourceId: 'CEN1', status: 6 }, ctx);
    const asked = engine.room.lastSeq;
    const s = await cover.flushAsync();
    assert.is(s.eventSeq, asked, 'the first picture after the call, not the one after the churn ends');
    // that picture has CEN1 unavailable and CEN2 (the first churn change) still available
    const fire = s.surfaces.find((x) => x.key === 'fire:pump')!;
    assert.is(fire.sources, 5);
    // each later call answers with a picture at least as new as its own call
    for (let i = 0; i < 10 && published < 6; i++) {
      const seq = engine.room.lastSeq;
      assert.ok((await cover.flushAsync()).eventSeq >= seq);
    }
    assert.is(published, 6, 'the churn ran its course: 5 changes, each recomputed');
    assert.is(cover.latest()!.eventSeq, asked + 5);
    assert.is(cover.latest()!.surfaces.find((x) => x.key === 'fire:pump')!.sources, 0);
  } finally {
    await cover.close();
  }
});

test.run();
