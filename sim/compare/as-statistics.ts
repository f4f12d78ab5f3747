/**
 * A saved outcome report (./compare.ts, `jcr-outcome-report` v1) at one demand factor as the
 * statistics screen's `StatisticsReport` (proto/statistics.ts, docs/statistics.md), so
 * `<jcr-statistics>` can draw it through its `report` property: per standard target, one line
 * per mode where the screen draws a line per day (labelled with the mode), and static as the
 * thick "whole range" line (docs/statistics.md § Showing a saved compare report). The incident
 * counts are zero and the utilisation, request and override tables empty: the outcome report has
 * none of them. `compare ... --statistics FILE` writes it.
 */
import type { ResponseDay, ResponseDistribution, StatisticsReport } from '../../proto/statistics.ts';
import type { ResponseStandard } from '../../server/core/scenario/types.ts';
import type { OutcomeReport, TargetResult } from './compare.ts';

const zero = () => ({ total: 0, fire: 0, police: 0, ambulance: 0 });
const finite = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);

function day(date: string, t: TargetResult, r: OutcomeReport, withinS: number, minutes: number[]): ResponseDay {
  const at = (s: number) => {
    let i = -1;
    r.curveS.forEach((c, k) => {
      if (c <= s) i = k;
    });
    return i >= 0 ? finite(t.curve[i] ?? null) : null;
  };
  const within = Math.round((at(withinS) ?? 0) * t.n);
  return {
    date,
    counted: t.n,
    within,
    overdue: t.n - within,
    pending: 0,
    share: t.n > 0 ? within / t.n : null,
    medianS: finite(t.medianS),
    p90S: finite(t.p90S),
    cumulative: minutes.map((m) => at(m * 60)),
  };
}

export function outcomeAsStatistics(
  r: OutcomeReport,
  scenario: { standards: readonly Pick<ResponseStandard, 'id' | 'name' | 'agency' | 'capability'>[]; timezone: string },
  demand: number = r.demands[0]!,
): StatisticsReport {
  const toMs = r.startMs + r.hours * 3_600_000;
  const last = r.curveS[r.curveS.length - 1] ?? 0;
  const minutes = Array.from({ length: Math.floor(last / 60) + 1 }, (_, m) => m);
  const rows = r.results.filter((x) => x.demand === demand);
  const response: ResponseDistribution[] = [];
  for (const t of r.targets) {
    const st = scenario.standards.find((s) => s.id === t.standardId);
    const mine = rows.filter((x) => x.targets[t.key]);
    if (!st || mine.length === 0) continue;
    const base = mine.find((x) => x.mode === 'static') ?? mine[0]!;
    response.push({
      standardId: t.standardId,
      standardName: `${st.name} (${demand}× demand)`,
      agency: st.agency,
      capability: st.capability,
      nth: t.nth,
      withinS: t.withinS,
      targetShare: t.share,
      minutes,
      days: mine.map((x) => day(x.mode, x.targets[t.key]!, r, t.withinS, minutes)),
      total: day('all', base.targets[t.key]!, r, t.withinS, minutes),
    });
  }
  return {
    fromMs: r.startMs,
    toMs,
    asOfMs: toMs,
    eventSeq: 0,
    timezone: scenario.timezone,
    days: [],
    response,
    // The screen's hour and weekday plots expect every hour and day, here with nothing in them.
    incidents: {
      total: 0,
      byHour: Array.from({ length: 24 }, (_, hour) => ({ hour, ...zero() })),
      byWeekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].map((weekday) => ({ weekday, ...zero() })),
    },
    utilisation: { spanMs: toMs - r.startMs, resources: [], stations: [] },
    requests: { rows: [], pairs: [] },
    overrides: { decisions: 0, overridden: 0, rows: [], reasons: [] },
  };
}
