/**
 * Issue 20: the outcome report on a small real-road world (Cambridge, test/support/cover-world.ts):
 * every mode runs on the same stream, the report on fixed seeds gives the same table twice, the
 * `--json` line has the documented shape, and the HTML is self-contained.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Scenario } from '../server/core/scenario/types.ts';
import { compareModes, mergeReports, MODES, parseModes, type OutcomeReport } from '../sim/compare/compare.ts';
import { formatReport, goal, summaryLine } from '../sim/compare/report-format.ts';
import { reportCharts, reportHtml } from '../sim/compare/report-html.ts';
import { outcomeAsStatistics } from '../sim/compare/as-statistics.ts';
import { parseStatistics } from '../client/components/jcr-statistics/parse-statistics.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario: Scenario = {
  ...coverScenario(),
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
const planner = coverPlanner(scenario);
const START = Date.UTC(2026, 0, 5, 8, 0, 0);

function report(): OutcomeReport {
  return compareModes({
    scenario,
    planner,
    startMs: START,
    durationMs: 4 * 3_600_000,
    seeds: [1, 2, 3],
    demands: [1, 2],
    modes: [...MODES],
    ratesPerYear: { 'cardiac-arrest': 8_000, 'dwelling-fire': 2_000 },
  });
}

const first = report();

test('the report on fixed seeds gives the same table twice', () => {
  const again = report();
  assert.is(formatReport(again), formatReport(first));
  assert.is(summaryLine(again), summaryLine(first));
});

test('every mode measured the same incidents; static against itself differs by exactly zero', () => {
  for (const demand of [1, 2]) {
    const rows = first.results.filter((r) => r.demand === demand);
    assert.equal(
      rows.map((r) => r.mode),
      [...MODES],
    );
    const n = rows.map((r) => r.targets['amb-test#1']!.n);
    assert.ok(n[0]! > 0 && n.every((x) => x === n[0]), String(n));
    const st = rows[0]!.targets['amb-test#1']!;
    assert.is(st.lateDiff, 0);
    assert.equal(st.lateCI, [0, 0]);
    assert.is(rows[0]!.movesPerIncident, 0);
    assert.is(rows[1]!.movesPerIncident, 0); // dynamic: no moves
  }
  // The cover policy moved ambulances and pumps, with minutes driven to show for it.
  const cover = first.results.find((r) => r.demand === 2 && r.mode === 'dynamic+cover')!;
  assert.ok(cover.movesPerIncident > 0 && cover.moveMinutes > 0);
  // Twice the demand, at least as many incidents.
  const inc = (d: number) => first.results.find((r) => r.demand === d && r.mode === 'static')!.incidents;
  assert.ok(inc(2) > inc(1));
});

test('late_diff is the mode late minus static late, the mean of the per-seed differences', () => {
  for (const r of first.results.filter((x) => x.demand === 1)) {
    const st = first.results.find((x) => x.demand === 1 && x.mode === 'static')!.targets['amb-test#1']!;
    const me = r.targets['amb-test#1']!;
    const diffs = me.lateBySeed.map((x, i) => x - st.lateBySeed[i]!);
    assert.ok(Math.abs(me.lateDiff! - diffs.reduce((a, b) => a + b, 0) / diffs.length) < 1e-12);
    assert.ok(Math.abs(me.lateDiff! - (me.late - st.late)) < 1e-12);
  }
});

test('the --json line: {"modes": {mode: {standardId#nth: {share, late, p90_s, late_diff, late_ci}}}}', () => {
  const line = summaryLine(first);
  assert.not.ok(line.includes('\n'));
  const j = JSON.parse(line) as { modes: Record<string, Record<string, Record<string, unknown>>> };
  assert.equal(Object.keys(j), ['modes']);
  assert.equal(Object.keys(j.modes), [...MODES]);
  for (const m of MODES) {
    assert.equal(Object.keys(j.modes[m]!).sort(), ['amb-test#1', 'fire-test#1', 'fire-test#2']);
    const x = j.modes[m]!['amb-test#1']!;
    assert.equal(Object.keys(x), ['share', 'late', 'p90_s', 'late_diff', 'late_ci']);
    assert.ok(Array.isArray(x.late_ci) && (x.late_ci as unknown[]).length === 2);
  }
  assert.equal(j.modes.static!['amb-test#1']!.late_ci, [0, 0]);
});

test('the HTML report is self-contained: inline SVG, nothing fetched, the report embedded', () => {
  const html = reportHtml(first);
  assert.ok(html.startsWith('<!doctype html>'));
  assert.not.ok(/<script[^>]*\ssrc=|<link|@import|url\(/i.test(html));
  assert.ok((html.match(/<svg /g) ?? []).length >= 3);
  const m = /<script type="application\/json" id="jcr-outcome-report">([^<]*)<\/script>/.exec(html);
  assert.ok(m);
  assert.equal(JSON.parse(m![1]!), JSON.parse(JSON.stringify(first)));
  assert.ok(goal(first).text.startsWith('Goal: dynamic+cover'));
});

test('reports saved per demand factor merge back into the whole report; a mismatched one is refused', () => {
  const saved = (d: number): OutcomeReport =>
    JSON.parse(JSON.stringify({ ...first, demands: [d], results: first.results.filter((r) => r.demand === d) }));
  const merged = mergeReports([saved(2), saved(1)]);
  assert.equal(merged, JSON.parse(JSON.stringify(first)));
  assert.is(formatReport(merged), formatReport(JSON.parse(JSON.stringify(first))));
  assert.throws(() => mergeReports([saved(1), { ...saved(2), seeds: [9] }]), /not over the same/);
});

test('charts: per target the curves at each demand, then late against demand, each a standalone SVG', () => {
  const charts = reportCharts(first);
  assert.equal(
    charts.filter((c) => c.key === 'amb-test#1').map((c) => c.name),
    ['amb-test-1-curves-1x', 'amb-test-1-curves-2x', 'amb-test-1-late-by-demand'],
  );
  assert.is(charts.length, 9);
  for (const c of charts)
    assert.ok(c.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"') && c.svg.endsWith('</svg>'));
  // The late chart has one polyline per mode through a point per demand factor.
  const late = charts.find((c) => c.name === 'amb-test-1-late-by-demand')!.svg;
  assert.is((late.match(/<polyline/g) ?? []).length, MODES.length);
  assert.is((late.match(/<circle/g) ?? []).length, MODES.length * 2);
});

test('as the statistics screen report: a line per mode, static as the whole range, curves at whole minutes', () => {
  const st = outcomeAsStatistics(first, scenario, 2);
  assert.equal(
    st.response.map((x) => `${x.standardId}#${x.nth}`),
    ['fire-test#1', 'fire-test#2', 'amb-test#1'],
  );
  const amb = st.response[2]!;
  const src = first.results.find((x) => x.demand === 2 && x.mode === 'static')!.targets['amb-test#1']!;
  assert.equal(
    amb.days.map((d) => d.date),
    [...MODES],
  );
  assert.is(amb.minutes.length, 61);
  assert.equal(amb.minutes.slice(0, 3), [0, 1, 2]);
  // Minute m is the report's curve at 60 m seconds (every second sample of its 30 s grid).
  assert.equal(
    amb.total.cumulative,
    src.curve.filter((_, i) => i % 2 === 0),
  );
  assert.is(amb.total.counted, src.n);
  assert.is(amb.total.within, Math.round(src.curve[16]! * src.n)); // 480 s = sample 16
  assert.is(amb.total.within + amb.total.overdue, src.n);
  assert.equal([st.fromMs, st.toMs, st.timezone], [START, START + 4 * 3_600_000, 'Europe/London']);
  assert.ok(amb.standardName.endsWith('(2× demand)'));
  assert.equal(
    [st.incidents.byHour.length, st.incidents.byWeekday[6], st.utilisation.resources],
    [24, { weekday: 'Sun', total: 0, fire: 0, police: 0, ambulance: 0 }, []],
  );
  // The screen's own check accepts it as saved (JSON: a p90 that never came is null).
  const saved = JSON.parse(JSON.stringify(st)) as unknown;
  assert.equal(parseStatistics(saved), saved);
});

test('modes parse from the command line list; an unknown mode is refused', () => {
  assert.equal(parseModes('static,dynamic+cover'), ['static', 'dynamic+cover']);
  assert.is(parseModes('static,teleport'), null);
});

test.run();
