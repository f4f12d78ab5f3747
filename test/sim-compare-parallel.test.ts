/**
 * Issue 20: the outcome report made faster and resumable gives the same report. On the small
 * real-road world (Cambridge, test/support/cover-world.ts) written as a scenario file: the runs in
 * two worker threads equal the runs in one; runs kept in a --runs-dir are read back, not run again,
 * and a run of another window is refused; the move-up cover model's remembered journey times are
 * the planner's; a router handed in (`--true-traffic`) is the one the vehicles drive, and threads
 * with true traffic and no progress callback settle (they hung: the count of finished runs was
 * only bumped inside `progress?.(++done)`) with the in-process true-traffic report.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Scenario } from '../server/core/scenario/types.ts';
import { compareModes, MODES, rememberingEta, type CompareOptions } from '../sim/compare/compare.ts';
import { compareInWorkers } from '../sim/compare/parallel.ts';
import { dirRunStore, type RunWorld } from '../sim/compare/run-store.ts';
import { formatReport } from '../sim/compare/report-format.ts';
import { plannerRouter } from '../sim/headless.ts';
import { loadWorld } from '../sim/world.ts';
import { coverScenario } from './support/cover-world.ts';

const base = coverScenario();
const scenario: Scenario = {
  ...base,
  network: { ...base.network, file: resolve('test/fixtures/osm/cambridge.osm.pbf') },
  incidentTypes: [
    {
      id: 'cardiac-arrest',
      name: 'Cardiac arrest',
      leadAgency: 'ambulance',
      priority: 1,
      attendance: [{ capability: 'paramedic', count: 1, agency: 'ambulance' }],
      standards: ['amb-test'],
    },
    {
      id: 'dwelling-fire',
      name: 'Dwelling fire',
      leadAgency: 'fire',
      priority: 1,
      attendance: [{ capability: 'pump', count: 2, agency: 'fire' }],
      standards: ['fire-test'],
    },
  ],
};
const START = Date.UTC(2026, 0, 5, 8, 0, 0);
const RATES = { 'cardiac-arrest': 8_000, 'dwelling-fire': 2_000 };
const grid = {
  startMs: START,
  durationMs: 3 * 3_600_000,
  seeds: [1, 2],
  demands: [1, 2],
  modes: [...MODES],
  ratesPerYear: RATES,
};
const dir = mkdtempSync(join(tmpdir(), 'jcr-compare-'));
const scenarioPath = join(dir, 'scenario.json');
writeFileSync(scenarioPath, JSON.stringify(scenario));
// The world as the CLI and each worker thread load it: planner, and incidents placed on the road.
const { planner, onRoad } = loadWorld(scenarioPath);
const opts = (): CompareOptions => ({ ...grid, scenario, planner, place: onRoad });
const one = compareModes(opts());

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('two worker threads give the same report as one thread, run for run', async () => {
  const seen: number[] = [];
  const two = await compareInWorkers({ ...grid, scenarioPath, workers: 2, progress: (d) => seen.push(d) });
  assert.equal(seen, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
  assert.equal(JSON.parse(JSON.stringify(two)), JSON.parse(JSON.stringify(one)));
  assert.is(formatReport(two), formatReport(one));
});

test('runs kept in a runs dir are read back, not run again; another window is refused', async () => {
  const world: RunWorld = {
    scenario: scenario.id,
    startMs: START,
    durationMs: grid.durationMs,
    trueTraffic: null,
    stream: null,
  };
  const runs = join(dir, 'runs');
  const first = compareModes({ ...opts(), store: dirRunStore(runs, world) });
  assert.is(readdirSync(runs).length, 16);
  assert.ok(readdirSync(runs).includes('d2-s1-dynamic+cover.json'));
  // Every run is in the dir: a planner that cannot route proves nothing is run again.
  const broken = Object.create(planner) as typeof planner;
  broken.eta = () => {
    throw new Error('ran again');
  };
  broken.candidatesToTarget = () => {
    throw new Error('ran again');
  };
  const again = compareModes({ ...opts(), planner: broken, store: dirRunStore(runs, world) });
  assert.equal(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(first)));
  assert.equal(JSON.parse(JSON.stringify(first)), JSON.parse(JSON.stringify(one)));
  // The threads read them too (and have nothing left to run).
  const threads = await compareInWorkers({ ...grid, scenarioPath, workers: 2, store: dirRunStore(runs, world) });
  assert.equal(JSON.parse(JSON.stringify(threads)), JSON.parse(JSON.stringify(first)));
  assert.throws(
    () => compareModes({ ...opts(), store: dirRunStore(runs, { ...world, trueTraffic: 7 }) }),
    /d1-s1-static\.json is a run of another window or world/,
  );
});

test("the cover model's remembered journey times are the planner's, searched once", () => {
  let searches = 0;
  const counting = Object.create(planner) as typeof planner;
  counting.eta = (...a: Parameters<typeof planner.eta>) => {
    searches++;
    return planner.eta(...a);
  };
  const memo = rememberingEta(counting);
  const from = { lat: 52.2036, lon: 0.1303 };
  const to = { lat: 52.211, lon: 0.16 };
  const direct = planner.eta(from, to, 'ambulance', { maxS: 7200 })!;
  assert.equal(memo.eta(from, to, 'ambulance', { maxS: 7200 }), direct);
  assert.equal(memo.eta(from, to, 'ambulance', { maxS: 7200 }), direct);
  assert.is(searches, 1);
  memo.eta(from, to, 'ambulance', { maxS: 600 }); // another bound is another question
  assert.is(searches, 2);
  assert.is(memo.snap(from.lat, from.lon).edge, planner.snap(from.lat, from.lon).edge);
});

test('a router handed in is the one the vehicles drive (compare --true-traffic)', () => {
  let calls = 0;
  const own = plannerRouter(planner);
  const slow: CompareOptions['router'] = (from, to, profile) => {
    calls++;
    const r = own(from, to, profile);
    return r && { coords: r.coords, seconds: r.seconds * 2 };
  };
  const plain = compareModes({ ...opts(), demands: [1], modes: ['static'] });
  const same = compareModes({ ...opts(), demands: [1], modes: ['static'], router: own });
  assert.is(formatReport(same), formatReport(plain));
  const slowed = compareModes({ ...opts(), demands: [1], modes: ['static'], router: slow });
  assert.ok(calls > 0);
  const mean = (r: typeof plain) => r.results[0]!.targets['amb-test#1']!.meanS;
  assert.ok(mean(slowed) > mean(plain), `${mean(slowed)} > ${mean(plain)}`);
  assert.is(slowed.results[0]!.targets['amb-test#1']!.n, plain.results[0]!.targets['amb-test#1']!.n);
});

test('threads with true traffic and no progress callback settle, with the in-process report', async () => {
  const truth = loadWorld(scenarioPath, { trueTrafficSeed: 7 });
  const threads = compareInWorkers({ ...grid, scenarioPath, workers: 2, trueTrafficSeed: 7 });
  // The main thread is busy while the workers start and run, as when the CLI is loaded.
  const inProcess = compareModes({ ...opts(), router: truth.router! });
  // Before the fix the promise never settled and the idle workers kept the process alive: fail instead.
  let guard: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    guard = setTimeout(() => reject(new Error('compareInWorkers did not settle')), 120_000);
  });
  const two = await Promise.race([threads, hung]).finally(() => clearTimeout(guard));
  assert.equal(JSON.parse(JSON.stringify(two)), JSON.parse(JSON.stringify(inProcess)));
  // True traffic was driven: not the planner-speed report.
  assert.is.not(formatReport(two), formatReport(one));
});

test.run();
