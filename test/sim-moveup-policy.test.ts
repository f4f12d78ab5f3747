/**
 * Issue 20: the move-up policies on literal small worlds (DMEXCLP's base choice, the cover move
 * policy's order, return home and rate limit) and the outcome report's statistics on literal
 * samples, hand-computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { dmexclpChoice, idleCounts } from '../server/core/cover/dmexclp.ts';
import { decideCover, rateLimited, type CoverMovePolicy } from '../server/core/cover/move-policy.ts';
import type { TargetFigure } from '../server/core/cover/figures.ts';
import type { MoveRecommendation } from '../server/core/cover/moves.ts';
import type { OutcomeReport, TargetResult } from '../sim/compare/compare.ts';
import { goal, mmss } from '../sim/compare/report-format.ts';
import { meanCI, pairedDiffCI, summarise, t975, cumulative } from '../sim/compare/stats.ts';

// Three demand points: a town of 10 near home, villages of 5 and 1 near a post; threshold 8 min.
const weights = [10, 5, 1];
const home = [300, 900, 900];
const post = [900, 400, 200];
const otherIdle = [[100, 1000, 1000]]; // another idle unit already covers the town

test('DMEXCLP: n_i counts the other idle units within the threshold', () => {
  assert.equal(idleCounts(weights, otherIdle, 480), [1, 0, 0]);
  assert.equal(idleCounts(weights, [...otherIdle, [480, 481, Infinity]], 480), [2, 0, 0]);
});

test('DMEXCLP at q = 0.5 sends the freed unit to the post: 6 x 0.5 beats 10 x 0.5 x 0.5', () => {
  const c = dmexclpChoice({ weights, baseTimes: [home, post], idleTimes: otherIdle, thresholdS: 480, busy: 0.5 });
  assert.equal(c.gains, [2.5, 3]);
  assert.is(c.base, 1);
  assert.is(c.gain, 3);
});

test('DMEXCLP at q = 0.9 keeps it home: the second unit for the town is worth more when units are busy', () => {
  const c = dmexclpChoice({ weights, baseTimes: [home, post], idleTimes: otherIdle, thresholdS: 480, busy: 0.9 });
  // home: 10 x 0.1 x 0.9 = 0.9; post: (5 + 1) x 0.1 x 1 = 0.6
  assert.is(c.base, 0);
  assert.ok(Math.abs(c.gains[0]! - 0.9) < 1e-12 && Math.abs(c.gains[1]! - 0.6) < 1e-12);
});

test('DMEXCLP: a tie goes to the first base (home), an unreachable base gains nothing', () => {
  const c = dmexclpChoice({
    weights: [4, 4],
    baseTimes: [
      [100, Infinity],
      [Infinity, 100],
      [NaN, NaN],
    ],
    idleTimes: [],
    thresholdS: 480,
    busy: 0.25,
  });
  assert.equal(c.gains, [3, 3, 0]);
  assert.is(c.base, 0);
});

const fig = (meets: boolean): TargetFigure => ({
  standardId: 'amb',
  standardName: 'Ambulance 8 min',
  nth: 1,
  withinS: 480,
  share: 0.75,
  surface: 'ambulance:paramedic',
  coveredWeight: meets ? 80 : 60,
  totalWeight: 100,
  coveredShare: meets ? 0.8 : 0.6,
  meetsStandard: meets,
  label: '',
});

const rec = (
  resourceId: string,
  destinationId: string,
  travelS: number | null,
  netShare = 0.1,
): MoveRecommendation => ({
  resourceId,
  callSign: resourceId,
  surface: 'ambulance:paramedic',
  from: { lat: 0, lon: 0 },
  destination: { id: destinationId, kind: 'post', name: destinationId, lat: 0, lon: 0 },
  travelS,
  gainWeight: netShare * 100,
  strippedWeight: 0,
  netShare,
  before: [],
  after: [],
});

const policy: CoverMovePolicy = { maxDriveS: 900, movesPerUnitPerHour: 1 };
const T = Date.UTC(2026, 0, 5, 12, 0, 0);

test('cover policy: below target, the top move within the drive cap of a unit not moved this hour', () => {
  const recs = [rec('A1', 'DAP-FAR', 1200), rec('A2', 'DAP-1', 600), rec('A3', 'DAP-2', 300)];
  let asked: ReadonlySet<string> | undefined;
  const action = decideCover(
    {
      now: T,
      figures: [fig(false)],
      recommend: (limited) => {
        asked = limited;
        return recs;
      },
      away: [],
      movesAt: new Map([['A2', [T - 30 * 60_000]]]),
    },
    policy,
  );
  // A1's drive is over the 15-minute cap, A2 moved 30 minutes ago: A3 to DAP-2.
  assert.equal(action, { kind: 'move', resourceId: 'A3', destinationId: 'DAP-2', travelS: 300 });
  assert.equal([...asked!], ['A2']);
});

test('cover policy: a move an hour and more ago no longer limits; nothing within the cap, no move', () => {
  assert.equal([...rateLimited(new Map([['A2', [T - 3_600_000, T - 59 * 60_000]]]), T, policy)], ['A2']);
  assert.equal([...rateLimited(new Map([['A2', [T - 3_600_000]]]), T, policy)], []);
  assert.equal([...rateLimited(new Map([['A2', [T - 3_600_000]]]), T, { ...policy, movesPerUnitPerHour: 2 })], []);
  const none = decideCover(
    {
      now: T,
      figures: [fig(false)],
      recommend: () => [rec('A1', 'DAP-FAR', 1200), rec('A4', 'X', null)],
      away: [],
      movesAt: new Map(),
    },
    policy,
  );
  assert.is(none, null);
});

test('cover policy: cover recovered, the first away unit whose return keeps the target goes home', () => {
  let recommended = false;
  const action = decideCover(
    {
      now: T,
      figures: [fig(true)],
      recommend: () => {
        recommended = true;
        return [];
      },
      away: [
        { resourceId: 'A1', figuresIfHome: () => [fig(false)] },
        { resourceId: 'A2', figuresIfHome: () => [fig(true)] },
      ],
      movesAt: new Map(),
    },
    policy,
  );
  assert.equal(action, { kind: 'home', resourceId: 'A2' });
  assert.is(recommended, false);
  const limited = decideCover(
    {
      now: T,
      figures: [fig(true)],
      recommend: () => [],
      away: [{ resourceId: 'A2', figuresIfHome: () => [fig(true)] }],
      movesAt: new Map([['A2', [T - 10 * 60_000]]]),
    },
    policy,
  );
  assert.is(limited, null);
});

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

test('the 95% interval of a paired difference is mean ± t(n-1) s / √n, by hand', () => {
  // differences 1..5: mean 3, s = √(10/4) = 1.58113883, s/√5 = 0.70710678, t(4) = 2.776
  const ci = pairedDiffCI([2, 4, 6, 8, 10], [1, 2, 3, 4, 5]);
  assert.ok(close(ci.mean, 3));
  assert.ok(close(ci.lo, 3 - 2.776 * Math.sqrt(0.5)), String(ci.lo));
  assert.ok(close(ci.hi, 3 + 2.776 * Math.sqrt(0.5)), String(ci.hi));
  assert.ok(close(ci.lo, 1.037072) || Math.abs(ci.lo - 1.037072) < 1e-6);
  // fractions late of two modes over three seeds: differences -0.05, -0.05, +0.02
  const f = pairedDiffCI([0.3, 0.25, 0.4], [0.35, 0.3, 0.38]);
  assert.ok(Math.abs(f.mean - -0.0266667) < 1e-6);
  assert.ok(Math.abs(f.lo - -0.12707) < 1e-6, String(f.lo));
  assert.ok(Math.abs(f.hi - 0.0737367) < 1e-6, String(f.hi));
  assert.is(t975(1), 12.706);
  assert.is(t975(40), 1.96);
  const one = meanCI([0.2]);
  assert.is(one.mean, 0.2);
  assert.ok(Number.isNaN(one.lo) && Number.isNaN(one.hi));
});

test('summaries: a response that never came is late and has no mean; nearest-rank median and p90', () => {
  const s = summarise([400, 100, Infinity, 300, 200], 250);
  assert.equal(s, { n: 5, share: 0.4, late: 0.6, meanS: 250, medianS: 300, p90S: Infinity });
  assert.equal(cumulative([100, 200, Infinity, 300], [0, 150, 300, 3600]), [0, 0.25, 0.75, 0.75]);
});

test('times print as m:ss rounded to the second first; a response that never came prints none', () => {
  assert.equal([mmss(1559.6), mmss(59.4), mmss(600), mmss(Infinity)], ['26:00', '0:59', '10:00', 'none']);
});

test('the goal line: relative reduction, the interval against static, and the increment over dynamic', () => {
  const key = 'ambulance-cat1#1';
  const tr = (lateBySeed: number[], ci: [number, number] | null = null): TargetResult => ({
    n: 30,
    share: 0,
    late: lateBySeed.reduce((a, b) => a + b, 0) / lateBySeed.length,
    meanS: 0,
    medianS: 0,
    p90S: 0,
    lateBySeed,
    lateDiff: ci ? (ci[0] + ci[1]) / 2 : 0,
    lateCI: ci,
    curve: [],
  });
  // cover - static per seed: -0.1, -0.05, -0.1: mean -0.083333, s/√3 = 0.0166667, t(2) = 4.303
  const h = 4.303 * (Math.sqrt(0.000833333333) / Math.sqrt(3));
  const mode = (m: string, t: TargetResult) => ({
    demand: 1,
    mode: m as 'static',
    incidents: 10,
    unfilled: 0,
    movesPerIncident: 0,
    moveMinutes: 0,
    targets: { [key]: t },
  });
  const r = {
    demands: [1],
    results: [
      mode('static', tr([0.4, 0.3, 0.5], [0, 0])),
      mode('dynamic', tr([0.35, 0.3, 0.45])),
      mode('dynamic+cover', tr([0.3, 0.25, 0.4], [-0.083333 - h, -0.083333 + h])),
    ],
  } as unknown as OutcomeReport;
  const g = goal(r);
  assert.is(g.met, true);
  assert.ok(
    g.text.endsWith(
      ': MET (static late 40.0%, dynamic+cover late 31.7%, 20.8% fewer, difference -8.3 [-15.5, -1.2] pp; against dynamic alone -5.0 [-5.0, -5.0] pp).',
    ),
    g.text,
  );
  // The same reduction with an interval reaching zero is not met.
  r.results[2]!.targets[key]!.lateCI = [-0.2, 0.01];
  assert.is(goal(r).met, false);
  assert.is(goal(r, 'police#1').met, null);
});

test.run();
