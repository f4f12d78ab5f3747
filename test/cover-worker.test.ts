import { test } from 'uvu';
import { manualTimer } from './support/timers.ts';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { startServer } from '../server/shell/server.ts';
import { createLogger } from '../server/shell/log.ts';
import { CoverCalc, type CoverSurfaceSnapshot } from '../server/shell/cover/calc.ts';
import { WorkerComputer } from '../server/shell/cover/computer.ts';
import { openSharedGraph, shareGraph } from '../server/shell/cover/shared-graph.ts';
import { CoverService, type CoverSnapshot, type CoverSummary } from '../server/shell/cover/service.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);

/** The same surfaces computed on this thread, from the engine's live fleet (compute time left out). */
function inProcess(engine: Engine): Array<Omit<CoverSurfaceSnapshot, 'computeMs'>> {
  const calc = new CoverCalc(planner, scenario);
  calc.apply(
    [...engine.room.fleet.all()].map((r) => ({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon })),
  );
  return calc.compute(calc.model.surfaces.map((s) => s.key)).map(({ computeMs: _ms, ...rest }) => rest);
}

const withoutTimes = (s: CoverSnapshot) => s.surfaces.map(({ computeMs: _ms, ...rest }) => rest);

/** Resolves with the next n summaries published. */
function nextSummaries(cover: CoverService, n: number): Promise<CoverSummary[]> {
  return new Promise((resolve) => {
    const got: CoverSummary[] = [];
    const off = cover.onChange((s) => {
      got.push(s);
      if (got.length === n) {
        off();
        resolve(got);
      }
    });
  });
}

test('the shared road graph has the same arrays and snaps alike, and its buffer is shared memory', () => {
  const g = planner.graph;
  const shared = shareGraph(g);
  assert.ok(shared.buffer instanceof SharedArrayBuffer);
  const h = openSharedGraph(shared);
  for (const name of [
    'lat',
    'lon',
    'firstOut',
    'head',
    'tail',
    'lengthM',
    'twin',
    'geomStart',
    'geomPoint',
    'slotLenM',
    'slotHighway',
    'segSlot',
  ] as const) {
    assert.equal(Array.from(h[name]), Array.from(g[name]), name);
    assert.is(h[name].buffer, shared.buffer, name);
  }
  assert.equal([h.nodeCount, h.edgeCount, h.pointCount], [g.nodeCount, g.edgeCount, g.pointCount]);
  assert.equal(h.segIndex.search(0.12, 52.2, 0.13, 52.21), g.segIndex.search(0.12, 52.2, 0.13, 52.21));
  assert.ok(h.segIndex.search(0.12, 52.2, 0.13, 52.21).length > 0);
});

test('server: a status change through Engine.execute gives a new summary from the worker, equal to the in-process computation', async () => {
  const clock = fakeClock();
  const timer = manualTimer(); // the debounce fires when the test says
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    roads: { planner, cover: { timers: timer } },
  });
  try {
    const cover = server.cover!;
    const first = await cover.flushAsync();
    assert.is(first.eventSeq, server.engine.room.lastSeq);
    assert.equal(
      first.surfaces.map((s) => s.figures.map((f) => f.coveredWeight)),
      [[125, 110], [140]],
    );
    assert.equal(withoutTimes(first), inProcess(server.engine));

    const next = nextSummaries(cover, 1);
    clock.advance(1000);
    server.engine.execute(
      { type: 'resource.setStatus', resourceId: 'CHH1', status: 3 },
      { origin: 'operator', actor: 't' },
    );
    const seq = server.engine.room.lastSeq;
    timer.fire(); // the debounce elapses: the request goes to the worker
    const [summary] = await next;
    assert.is(summary!.eventSeq, seq);
    assert.is(summary!.computedAtMs, clock.now());
    assert.equal(
      summary!.figures.map((f) => [f.surface, f.nth, f.coveredShare, f.meetsStandard]),
      [
        ['fire:pump', 1, 95 / 150, false],
        ['fire:pump', 2, 110 / 150, false],
        ['ambulance:paramedic', 1, 140 / 150, true],
      ],
    );
    assert.is(summary!.figures[0]!.label, 'fire pump 1st within 5 min: 63.3% of demand (standard 90%)');
    const latest = cover.latest()!;
    assert.equal(withoutTimes(latest), inProcess(server.engine));
    // only the fire surface was recomputed: the ambulance picture is the first one
    assert.equal(latest.surfaces[1], first.surfaces[1]);
  } finally {
    await server.close();
  }
});

test('changes during a recompute are coalesced into one next request; moves and what-if on the worker equal the main thread', async () => {
  const clock = fakeClock();
  const timer = manualTimer(); // the debounce fires when the test says
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({ engine, planner, clock: clock.now, timers: timer });
  try {
    await cover.flushAsync();
    const before = cover.stats.computes;
    const two = nextSummaries(cover, 2);
    const ctx = { origin: 'operator' as const, actor: 't' };
    engine.execute({ type: 'resource.setStatus', resourceId: 'CHH1', status: 3 }, ctx);
    const seqA = engine.room.lastSeq;
    timer.fire(); // in flight now
    engine.execute({ type: 'resource.setStatus', resourceId: 'TRU1', status: 3 }, ctx);
    engine.execute({ type: 'resource.setStatus', resourceId: 'AMB1', status: 6 }, ctx);
    timer.fire(); // a compute is running: nothing is sent yet
    const seqC = engine.room.lastSeq;
    const [a, c] = await two;
    assert.equal([a!.eventSeq, c!.eventSeq], [seqA, seqC]);
    assert.is(cover.stats.computes - before, 2);
    assert.equal(withoutTimes(cover.latest()!), inProcess(engine));
    assert.equal(
      c!.figures.map((f) => f.coveredShare),
      [75 / 150, 110 / 150, 140 / 150],
    ); // Trumpington (20) lost too

    // flush() computes on this thread, the surface the worker is computing included; the worker's
    // answer to that older request is not published over it
    engine.execute({ type: 'resource.setStatus', resourceId: 'AMB2', status: 6 }, ctx);
    timer.fire(); // worker request for the ambulance surface at this seq
    const seqD = engine.room.lastSeq;
    engine.execute({ type: 'resource.setStatus', resourceId: 'TRU1', status: 5 }, ctx);
    engine.execute({ type: 'resource.setStatus', resourceId: 'CHH1', status: 5 }, ctx);
    const seqE = engine.room.lastSeq;
    const here = cover.flush();
    assert.equal([here.eventSeq, seqE > seqD], [seqE, true]);
    assert.equal(withoutTimes(here), inProcess(engine));
    assert.equal(
      here.surfaces[1]!.figures.map((f) => f.coveredWeight),
      [0],
    ); // no ambulance available
    const computes = cover.stats.computes;
    const settled = await cover.flushAsync(); // resolves once the worker's answer is in
    assert.is(settled, here);
    assert.is(cover.stats.computes, computes);
    assert.equal(withoutTimes(cover.latest()!), inProcess(engine));
    // both pumps returning at their stations' positions: no turnout, so more than all home (125, 110)
    assert.equal(
      here.surfaces[0]!.figures.map((f) => f.coveredWeight),
      [135, 140],
    );

    assert.equal(
      await cover.movesAsync({ surface: 'fire:pump', limit: 3 }),
      cover.moves({ surface: 'fire:pump', limit: 3 }),
    );
    assert.equal(await cover.whatIfAsync(['CEN1', 'AMB2']), cover.whatIf(['CEN1', 'AMB2']));
  } finally {
    await cover.close();
  }
});

test('worker crash: logged, the last picture is kept, the restarted worker gets the whole fleet again; close settles a pending flush', async () => {
  const clock = fakeClock();
  const timer = manualTimer(); // the debounce fires when the test says
  const lines: string[] = [];
  const log = createLogger('error', (l) => lines.push(l));
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  const cover = new CoverService({
    engine,
    planner,
    clock: clock.now,
    timers: timer,
    log,
    restartDelayMs: 0,
  });
  const computer = cover.computer as WorkerComputer;
  const first = await cover.flushAsync();

  // crash while a recompute is requested: the request is answered by the restarted worker
  engine.execute({ type: 'resource.setStatus', resourceId: 'CHH1', status: 3 }, { origin: 'operator', actor: 't' });
  const pending = cover.flushAsync();
  await computer.kill();
  assert.is(cover.latest(), first, 'the last picture is served meanwhile');
  const after = await pending;
  assert.equal(computer.stats, { starts: 2, crashes: 1 });
  const crashLog = lines
    .map((l) => JSON.parse(l) as { msg: string; unanswered?: number })
    .find((l) => l.msg.startsWith('cover worker stopped'));
  assert.is(crashLog?.unanswered, 1, lines.join('\n')); // the recompute was in flight and was asked again
  assert.is(after.eventSeq, engine.room.lastSeq);
  assert.equal(withoutTimes(after), inProcess(engine));
  assert.equal(
    after.surfaces.map((s) => s.figures.map((f) => f.coveredWeight)),
    [[95, 110], [140]],
  );

  // a second crash with nothing in flight; the next change is computed by the third worker from the full fleet
  await computer.kill();
  engine.execute({ type: 'resource.setStatus', resourceId: 'AMB1', status: 3 }, { origin: 'operator', actor: 't' });
  const third = await cover.flushAsync();
  assert.equal(computer.stats, { starts: 3, crashes: 2 });
  assert.equal(
    third.surfaces.map((s) => s.figures.map((f) => f.coveredWeight)),
    [[95, 110], [140]],
  );
  assert.equal(withoutTimes(third), inProcess(engine));

  engine.execute({ type: 'resource.setStatus', resourceId: 'AMB2', status: 3 }, { origin: 'operator', actor: 't' });
  const left = cover.flushAsync().then(
    () => 'resolved',
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );
  await cover.close();
  assert.is(await left, 'the cover service is closed');
});

test.run();
