/**
 * A band's station trees, landmarks and weights are built off the event loop (issue 19 item 3,
 * docs/calibration.md "The planner in force"): the worker thread's are the main thread's to the
 * bit and answer what building here would; bringing a calibration in and crossing a band boundary
 * only ask for a build, and until it arrives the previous journey times answer, with the
 * calibration that makes them. A rollback to the prior is at once and a late build is dropped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PlannerJourneyTimes, stationPoints, type WarmParts } from '../server/core/incidents/journeys.ts';
import { bandJourneys } from '../server/shell/calibration/band-protocol.ts';
import { BandWorker, inlineBands, type BandBuilder } from '../server/shell/calibration/band-worker.ts';
import { coverPlanner } from '../server/shell/cover/answer.ts';
import { CalibrationStore, networkKey } from '../server/shell/store/calibrations.ts';
import { graph, netScenario } from './support/calibration-net.ts';
import { calibratedJourneys, calibrationRoom, calibrationRow, FACTORS, NIGHT } from './support/calibration-room.ts';

const scenario = netScenario();
const stations = stationPoints(scenario);
const base = { graph, speedProfiles: scenario.speedProfiles, maxSnapM: 500, offRoadKmh: 20 };

/** Parts as plain numbers, to compare to the bit (-0, NaN and Infinity kept by Object.is in uvu's equal). */
const plain = (p: WarmParts) => ({
  weights: Object.entries(p.weights).map(([k, w]) => [k, w.q, [...w.fwd], [...w.rev], [...w.cum], [...w.total]]),
  landmarks: p.landmarks.map((l) => [l.profile, l.vertices, l.fwd.map((a) => [...a]), l.rev.map((a) => [...a])]),
  trees: p.trees.map((t) => [t.lat, t.lon, t.profile, t.times && [...t.times]]),
});

test("the worker thread's band parts are the main thread's to the bit, and adopted they answer as the search does", async () => {
  const band = { factors: FACTORS, band: 'weekday-am' };
  const here = bandJourneys(base, stations, band).warmParts();
  const worker = new BandWorker(base, stations);
  let there: WarmParts;
  try {
    there = await worker.build(FACTORS, 'weekday-am');
  } finally {
    await worker.close();
  }
  assert.ok(there.trees.length > 0 && there.landmarks.length > 0);
  assert.equal(plain(there), plain(here));
  const adopted = bandJourneys(base, stations, band);
  adopted.adopt(there);
  // nothing was searched on this thread, and nothing is left to build
  assert.equal([adopted.trees!.size, adopted.trees!.builds, adopted.warmOne()], [there.trees.length, 0, false]);
  const search = new PlannerJourneyTimes(coverPlanner(base, band));
  const road = stations.filter((s) => s.profile !== 'drone');
  assert.is(there.trees.length, road.length);
  for (const lon of [0.003, 0.008, 0.012, 0.019])
    for (const s of road) {
      const fromTree = adopted.within(0, lon, s.profile)(s.lat, s.lon, Infinity);
      assert.ok(adopted.isLookup(s.lat, s.lon, s.profile) && Number.isFinite(fromTree));
      assert.is(fromTree, search.within(0, lon, s.profile)(s.lat, s.lon, Infinity));
    }
});

/** A builder whose builds the test finishes by hand (the worker's answers, as they would arrive). */
function handBuilder() {
  const inline = inlineBands(base, stations);
  const asked: Array<{ band: string; finish: () => void }> = [];
  const bands: BandBuilder = {
    build: (f, band) =>
      new Promise<WarmParts>((resolve) => {
        asked.push({ band, finish: () => void inline.build(f, band).then(resolve) });
      }),
    close: () => Promise.resolve(),
  };
  return { bands, asked, finish: (i: number) => asked[i]!.finish() };
}

test('a calibration brought in or a band boundary crossed asks for a build; the previous journey times answer until it arrives', async () => {
  const { clock, timers, store, engine } = calibrationRoom(scenario); // Monday 08:00 London: weekday-am
  const h = handBuilder();
  const told: Array<string | null> = [];
  const { prior, cal } = calibratedJourneys(
    { engine, scenario, clock: clock.now, timers },
    { bands: h.bands, onSpeeds: (s) => told.push(s && `${s.version} ${s.band}`) },
  );
  const version = new CalibrationStore(store).add(calibrationRow(FACTORS, FACTORS, 'test'));
  const ctx = { origin: 'operator' as const, actor: 'test' };
  const bringIn = () =>
    engine.execute({ type: 'calibration.bringIntoForce', version, network: networkKey(graph), reason: 'test' }, ctx);
  const now = () => cal.timing(clock.now());
  const hatfield = stations.find((s) => s.lon === 0.001)!;
  const eta = () => now().journeys.within(0, 0.008, hatfield.profile)(hatfield.lat, hatfield.lon, Infinity);
  const priorEta = eta();
  try {
    bringIn();
    // the change is applied and answered before any tree exists: the prior still answers, exactly
    assert.equal(
      [h.asked.map((a) => a.band), now().calibration, now().journeys === prior.journeys],
      [['weekday-am'], null, true],
    );
    timers.tick(60_000); // the band check: one build at a time
    assert.equal([h.asked.length, told], [1, []]);
    h.finish(0);
    await cal.settled();
    const am = now();
    assert.equal([am.calibration, told], [{ version, band: 'weekday-am' }, ['1 weekday-am']]);
    assert.is((am.journeys as PlannerJourneyTimes).trees!.builds, 0); // adopted, not built here
    const amEta = eta();
    assert.ok(amEta > priorEta); // residential at half speed in the morning
    // the band boundary: the morning's trees answer until the night's arrive
    clock.set(NIGHT);
    assert.equal([now().calibration, eta()], [{ version, band: 'weekday-am' }, amEta]);
    assert.equal(
      h.asked.map((a) => a.band),
      ['weekday-am', 'weekday-night'],
    );
    h.finish(1);
    await cal.settled();
    assert.equal(now().calibration, { version, band: 'weekday-night' });
    // a rollback to the prior is at once; a build still out when it lands is dropped
    engine.execute({ type: 'calibration.rollBack', reason: 'test' }, ctx);
    assert.equal([now().calibration, eta()], [null, priorEta]);
    bringIn();
    assert.is(h.asked.length, 3);
    engine.execute({ type: 'calibration.rollBack', reason: 'test' }, ctx);
    h.finish(2);
    await cal.settled();
    assert.equal([now().calibration, now().journeys === prior.journeys], [null, true]);
    assert.equal(told, ['1 weekday-am', '1 weekday-night', null]);
  } finally {
    cal.close();
    store.close();
  }
});

test.run();
