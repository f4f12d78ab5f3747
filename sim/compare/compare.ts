/**
 * The outcome report: the same incident stream run twice on the in-process core (the journey
 * planner and the FleetSim, identical speeds, scene times and call handling), once with dynamic
 * mobilisation (live AVL positions, predicted journey time, mobile and returning resources) and
 * once with static home-station mobilisation. For each response standard target: the share of
 * incidents within it, the median and the 90th percentile response (call to nth arrival).
 * Pure given its inputs; the CLI loads the world and the stream.
 */
import type { JourneyPlanner } from '../../server/core/graph/planner.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { runHeadless, type IncidentOutcome } from '../headless.ts';
import type { GeneratedIncident } from '../incidents/generator.ts';
import type { DispatchMode } from './dispatch.ts';

export interface TargetRow {
  standardId: string;
  nth: number;
  withinS: number;
  targetShare: number;
  /** Incidents measured against this target. */
  n: number;
  byMode: Record<DispatchMode, { share: number; medianS: number; p90S: number }>;
}

/** Nearest-rank percentile of sorted values (Infinity for a response that never came). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const k = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[k - 1]!;
}

/** Response seconds of every incident measured against each standard target, in stream order. */
export function responses(scenario: Scenario, outcomes: readonly IncidentOutcome[]): Map<string, number[]> {
  const types = new Map(scenario.incidentTypes.map((t) => [t.id, t]));
  const standards = new Map(scenario.standards.map((s) => [s.id, s]));
  const defs = new Map(scenario.resources.map((r) => [r.id, r]));
  const out = new Map<string, number[]>();
  for (const o of outcomes) {
    const type = types.get(o.typeId);
    if (!type) continue;
    for (const sid of type.standards) {
      const st = standards.get(sid);
      if (!st) continue;
      const times = [...o.arrivals]
        .filter(([id]) => {
          const d = defs.get(id);
          return d !== undefined && d.agency === st.agency && d.capabilities.includes(st.capability);
        })
        .map(([, t]) => (t - o.t) / 1000)
        .sort((a, b) => a - b);
      for (const target of st.targets) {
        const key = `${sid}#${target.nth}`;
        let list = out.get(key);
        if (!list) out.set(key, (list = []));
        list.push(times[target.nth - 1] ?? Infinity);
      }
    }
  }
  return out;
}

export interface CompareResult {
  rows: TargetRow[];
  incidents: number;
  unfilled: Record<DispatchMode, number>;
}

export function compareModes(o: {
  scenario: Scenario;
  planner: JourneyPlanner;
  incidents: readonly GeneratedIncident[];
  seed: number;
  startMs: number;
  durationMs: number;
}): CompareResult {
  const modes: DispatchMode[] = ['dynamic', 'static'];
  const per = new Map<DispatchMode, Map<string, number[]>>();
  const unfilled = { dynamic: 0, static: 0 };
  for (const mode of modes) {
    const r = runHeadless({ ...o, mode, record: false, drainMs: 3 * 3_600_000 });
    per.set(mode, responses(o.scenario, r.outcomes));
    unfilled[mode] = r.outcomes.reduce((a, x) => a + x.unfilled, 0);
  }
  const rows: TargetRow[] = [];
  for (const st of o.scenario.standards) {
    for (const target of st.targets) {
      const key = `${st.id}#${target.nth}`;
      const dyn = per.get('dynamic')!.get(key);
      if (!dyn || dyn.length === 0) continue;
      const byMode = {} as TargetRow['byMode'];
      for (const mode of modes) {
        const xs = [...(per.get(mode)!.get(key) ?? [])].sort((a, b) => a - b);
        byMode[mode] = {
          share: xs.filter((x) => x <= target.withinS).length / xs.length,
          medianS: percentile(xs, 0.5),
          p90S: percentile(xs, 0.9),
        };
      }
      rows.push({
        standardId: st.id,
        nth: target.nth,
        withinS: target.withinS,
        targetShare: target.share,
        n: dyn.length,
        byMode,
      });
    }
  }
  return { rows, incidents: o.incidents.length, unfilled };
}

const mmss = (s: number) =>
  Number.isFinite(s) ? `${Math.floor(s / 60)}:${String(Math.round(s % 60)).padStart(2, '0')}` : 'none';
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatCompare(r: CompareResult): string {
  const head =
    '| standard | target | n | dynamic within | static within | dynamic median | static median | dynamic p90 | static p90 |';
  const sep = '|---|---|---|---|---|---|---|---|---|';
  const lines = r.rows.map((x) => {
    const d = x.byMode.dynamic;
    const s = x.byMode.static;
    return `| ${x.standardId} | ${x.nth === 1 ? '1st' : x.nth === 2 ? '2nd' : `${x.nth}th`} in ${mmss(x.withinS)} on ${pct(x.targetShare)} | ${x.n} | ${pct(d.share)} | ${pct(s.share)} | ${mmss(d.medianS)} | ${mmss(s.medianS)} | ${mmss(d.p90S)} | ${mmss(s.p90S)} |`;
  });
  return [
    head,
    sep,
    ...lines,
    '',
    `${r.incidents} incidents; attendance slots left unfilled: dynamic ${r.unfilled.dynamic}, static ${r.unfilled.static}`,
  ].join('\n');
}
