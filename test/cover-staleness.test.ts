/**
 * A fix going stale reaches the cover at once, as a change record (decide → append/apply →
 * listeners): the reactor's staleness policy (server/core/reactions/staleness.ts) records
 * `resource.staleness` on its clock tick, the cover's status watcher marks the resource's surfaces
 * and the recompute starts it at its station. Before, the cover learnt it only at its next
 * compute, whatever caused that. A fresh fix records it fresh again, from the AVL batch that
 * brought it. Fake clock and timers; the inline computer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { ResponderLists } from '../server/core/cover/responders.ts';
import { stalenessPolicy } from '../server/core/reactions/staleness.ts';
import { CoverService } from '../server/shell/cover/service.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { Reactor } from '../server/shell/reactor.ts';
import { Store } from '../server/shell/store/store.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { neverTimers } from './support/timers.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
/** 800 m north of Cherry Hinton fire station, where CHH1 (a wholetime pump) is based. */
const AWAY = { lat: 52.1885 + 800 / 111_195, lon: 0.1745 };

/** An engine, a reactor with the staleness policy, and a live cover on this thread. */
function world(fixAt?: number) {
  const clock = fakeClock(NOW);
  const store = Store.open(':memory:');
  const engine = Engine.boot(scenario, store, clock.now);
  const reactor = new Reactor(engine, createLogger('silent')).register('staleness', stalenessPolicy);
  if (fixAt !== undefined) fix(engine, fixAt);
  const cover = new CoverService({ engine, planner, clock: clock.now, timers: neverTimers, mode: 'inline' });
  return { clock, store, engine, reactor, cover };
}

function fix(engine: Engine, at: number): void {
  engine.room.fleet.applyFix(engine.room.fleet.require('CHH1'), AWAY.lat, AWAY.lon, 0, 0, at, 5);
}

/** The fire pump surface's responders in a picture: who answers each demand point, and when. */
async function pumpResponders(cover: CoverService): Promise<{ ids: string[]; times: number[] }> {
  const snap = await cover.flushAsync();
  const l = snap.surfaces.find((s) => s.key === 'fire:pump')!.responders as ResponderLists;
  return { ids: Array.from(l.who, (i) => l.resourceIds[i] ?? '-'), times: Array.from(l.times) };
}

test('a fix going stale is recorded on the tick and the cover recomputes CHH1 at its station', async () => {
  // What the cover shows with CHH1 at its station (no fix at all), and with its fresh far fix.
  const atStation = world();
  const stationPicture = await pumpResponders(atStation.cover);
  atStation.cover.close();

  const w = world(NOW - 5_000);
  const freshPicture = await pumpResponders(w.cover);
  assert.not.equal(freshPicture, stationPicture, 'the far fresh fix moves CHH1 in the picture');
  assert.is(w.cover.stats.computes, 1);

  // 2 minutes on: the tick finds the fix stale and records it, the cover hears the record.
  w.clock.advance(115_000);
  w.reactor.tick();
  assert.is(w.engine.room.lastSeq, 0, 'a fix 120 s old is not stale yet: nothing recorded');
  w.clock.advance(1);
  w.reactor.tick();
  assert.equal(
    [...w.store.events(0)].map((e) => [e.seq, e.type, e.origin, e.actor, e.data]),
    [[1, 'resource.staleness', 'system', 'staleness', { resourceId: 'CHH1', stale: true, fixTimeMs: NOW - 5_000 }]],
  );
  assert.is(w.engine.room.fleet.require('CHH1').avlStale, true);
  assert.equal(await pumpResponders(w.cover), stationPicture);
  assert.is(w.cover.stats.computes, 2);
  // A second tick records nothing more.
  w.reactor.tick();
  assert.is(w.engine.room.lastSeq, 1);

  // A fresh fix: the AVL batch that brought it records it fresh, and the cover follows.
  fix(w.engine, w.clock.now());
  w.engine.notifyPositions(['CHH1']);
  assert.equal(
    [...w.store.events(1)].map((e) => [e.seq, e.type, e.data]),
    [[2, 'resource.staleness', { resourceId: 'CHH1', stale: false, fixTimeMs: w.clock.now() }]],
  );
  assert.equal(await pumpResponders(w.cover), freshPicture);
  assert.is(w.cover.stats.computes, 3);
  w.cover.close();
});

test('a staleness mark the rule does not bear out records nothing; a restart replays the mark', () => {
  const w = world(NOW - 5_000);
  const ctx = { origin: 'system', actor: 'staleness' } as const;
  assert.equal(w.engine.execute({ type: 'resource.markStale', resourceId: 'CHH1', stale: true }, ctx), []);
  // A resource that never reported is not recorded stale, however long ago that was.
  w.clock.advance(600_000);
  assert.equal(w.engine.execute({ type: 'resource.markStale', resourceId: 'ARB1', stale: true }, ctx), []);
  w.reactor.tick();
  assert.equal(
    [...w.store.events(0)].map((e) => e.data),
    [{ resourceId: 'CHH1', stale: true, fixTimeMs: NOW - 5_000 }],
  );
  const again = Engine.boot(scenario, w.store, w.clock.now);
  assert.equal([again.room.fleet.require('CHH1').avlStale, again.room.lastSeq], [true, 1]);
  w.cover.close();
});

test('a whole fleet gone stale, and a whole AVL batch fresh again, is recorded in one append each', () => {
  const w = world();
  const fleet = w.engine.room.fleet;
  const ids = [...fleet.all()].map((r) => r.def.id);
  for (const id of ids) fleet.applyFix(fleet.require(id), AWAY.lat, AWAY.lon, 0, 0, NOW - 5_000, 5);
  const batches: number[] = [];
  w.engine.onChanges((record) => batches.push(record.events.length));
  w.clock.advance(116_000);
  w.reactor.tick();
  // One change record (one append, one fsync) for every resource, not one per resource.
  assert.equal(batches, [ids.length]);
  assert.ok(ids.length > 5, `${ids.length} resources`);
  assert.equal(
    [...w.store.events(0)].map((e) => {
      const d = e.data as { resourceId: string; stale: boolean };
      return [e.seq, d.resourceId, d.stale];
    }),
    ids.map((id, i) => [i + 1, id, true]),
  );
  // Fresh again, all in one AVL batch: one append.
  for (const id of ids) fleet.applyFix(fleet.require(id), AWAY.lat, AWAY.lon, 0, 0, w.clock.now(), 5);
  w.engine.notifyPositions(ids);
  assert.equal(batches, [ids.length, ids.length]);
  assert.ok([...fleet.all()].every((r) => !r.avlStale));
  w.cover.close();
});

test('a fleet of more than 2,000 gone stale is recorded in appends of 2,000 marks at most', () => {
  // One cluster log message each (NATS's max_payload, 1 MB): 2,001 marks in one were 340 kB, and
  // a fleet of 6,000 would be refused whole (JCR_CHANGE_TOO_LARGE), tick after tick.
  const pump = scenario.resources[0]!;
  const big = {
    ...scenario,
    resources: Array.from({ length: 2_001 }, (_, i) => ({ ...pump, id: `P${i}`, callSign: `P-${i}` })),
  };
  const clock = fakeClock(NOW);
  const store = Store.open(':memory:');
  const engine = Engine.boot(big, store, clock.now);
  const reactor = new Reactor(engine, createLogger('silent')).register('staleness', stalenessPolicy);
  const fleet = engine.room.fleet;
  for (const r of fleet.all()) fleet.applyFix(r, AWAY.lat, AWAY.lon, 0, 0, NOW - 5_000, 5);
  const batches: number[] = [];
  engine.onChanges((record) => batches.push(record.events.length));
  clock.advance(116_000);
  reactor.tick();
  assert.equal(batches, [2_000, 1]);
  assert.equal([store.lastSeq(), [...fleet.all()].every((r) => r.avlStale)], [2_001, true]);
  store.close();
});

test.run();
