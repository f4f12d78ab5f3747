/**
 * A saved report opened on the statistics screen (issue 20): the file a duty officer is sent or
 * finds, read in the browser and checked before use (it is data from outside the page). Two kinds:
 *
 *   - a saved outcome report (`npm run sim -- compare ... --report FILE`, `jcr-outcome-report`
 *     v1): shown at one demand factor at a time as the screen's report (a line per mode,
 *     sim/compare/as-statistics.ts), with each mode's fraction late against static;
 *   - a statistics report (`compare ... --statistics FILE`, or any `StatisticsReport`).
 *
 * Nothing is sent to the server.
 */
import type { StatisticsReport } from '../../../proto/statistics.ts';
import { outcomeAsStatistics } from '../../../sim/compare/as-statistics.ts';
import type { OutcomeReport } from '../../../sim/compare/compare.ts';
import type { ScenarioInfo } from '../../state/types.ts';
import { parseStatistics } from './parse-statistics.ts';

export interface SavedReport {
  /** The file's name. */
  name: string;
  /** Set when the file is an outcome report; `report` is then its `demand` factor. */
  outcome: OutcomeReport | null;
  demand: number | null;
  report: StatisticsReport;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A figure that may be missing (a response that never came serialises as null). */
const isFig = (v: unknown) => v === null || isNum(v);
const nums = (v: unknown) => Array.isArray(v) && v.every(isNum);

/** The outcome report when `body` has the shape the screen reads, else null. */
export function parseOutcome(body: unknown): OutcomeReport | null {
  if (!isObj(body) || body.format !== 'jcr-outcome-report' || body.version !== 1) return null;
  if (typeof body.scenario !== 'string' || !isNum(body.startMs) || !isNum(body.hours)) return null;
  if (!nums(body.seeds) || !nums(body.demands) || !nums(body.curveS)) return null;
  if (!Array.isArray(body.modes) || !body.modes.every((m) => typeof m === 'string')) return null;
  if (!Array.isArray(body.targets) || !Array.isArray(body.results)) return null;
  for (const t of body.targets)
    if (!isObj(t) || typeof t.key !== 'string' || typeof t.standardId !== 'string') return null;
    else if (!isNum(t.nth) || !isNum(t.withinS) || !isNum(t.share)) return null;
  for (const r of body.results) {
    if (!isObj(r) || !isNum(r.demand) || typeof r.mode !== 'string' || !isObj(r.targets)) return null;
    for (const x of Object.values(r.targets)) {
      if (!isObj(x) || !isNum(x.n) || !isNum(x.late) || !Array.isArray(x.curve)) return null;
      if (!x.curve.every(isFig) || !isFig(x.medianS) || !isFig(x.p90S) || !isFig(x.lateDiff)) return null;
      if (x.lateCI !== null && !(Array.isArray(x.lateCI) && x.lateCI.length === 2 && x.lateCI.every(isFig)))
        return null;
    }
  }
  return body as unknown as OutcomeReport;
}

/** The saved report in `text` (a file named `name`), or why the screen cannot show it. */
export function readSaved(
  name: string,
  text: string,
  scenario: Pick<ScenarioInfo, 'standards' | 'timezone'> | null,
): SavedReport | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: `${name} is not JSON: open a report saved by compare --report or --statistics.` };
  }
  const outcome = parseOutcome(body);
  if (outcome) {
    if (!scenario) return { error: 'The room has not sent its scenario yet: try again in a moment.' };
    return atDemand({ name, outcome, demand: null, report: null as unknown as StatisticsReport }, scenario);
  }
  const report = parseStatistics(body);
  if (report) return { name, outcome: null, demand: null, report };
  return { error: `${name} is not a saved report this screen can read (compare --report or --statistics).` };
}

/** The saved outcome report shown at `demand` (default: its first demand factor). */
export function atDemand(
  s: SavedReport,
  scenario: Pick<ScenarioInfo, 'standards' | 'timezone'>,
  demand?: number,
): SavedReport | { error: string } {
  const o = s.outcome;
  if (!o) return s;
  const d = demand ?? o.demands[0];
  if (d === undefined || !o.demands.includes(d)) return { error: `${s.name} has no ${demand}× demand.` };
  const report = outcomeAsStatistics(o, scenario, d);
  if (report.response.length === 0)
    return { error: `${s.name} measures no standard of this room's scenario (it is of "${o.scenario}").` };
  return { ...s, demand: d, report };
}

/** One row per target and mode at the shown demand: fraction late and its difference from static. */
export function lateRows(
  s: SavedReport,
): Array<{ target: string; mode: string; n: number; late: string; diff: string }> {
  const o = s.outcome;
  if (!o) return [];
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const pp = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
  const out = [];
  for (const t of o.targets)
    for (const r of o.results) {
      const x = r.demand === s.demand ? r.targets[t.key] : undefined;
      if (!x) continue;
      const ci = x.lateCI;
      const diff =
        r.mode === 'static' || x.lateDiff === null
          ? '—'
          : `${pp(x.lateDiff)} pp` + (ci && isNum(ci[0]) && isNum(ci[1]) ? ` [${pp(ci[0])}, ${pp(ci[1])}]` : '');
      out.push({ target: `${t.standardId} #${t.nth}`, mode: r.mode, n: x.n, late: pct(x.late), diff });
    }
  return out;
}
