/**
 * Performance against standards (issue 17 item 2, docs/performance.md): for each standard target
 * and each window (today since local midnight, the last 24 hours, the current shift), from actual
 * arrivals: the share of incidents whose nth unit arrived within the target time, and the median
 * and 90th percentile response time.
 *
 * The rules, per target and incident whose call time is in the window:
 * - the nth unit arrived: counted, within when it arrived no later than withinS after the call;
 * - it has not arrived and withinS has passed (while the incident was open): counted, not within
 *   (overdue); it ranks above every arrival in the percentiles;
 * - it has not arrived and withinS has not passed: pending, not counted yet;
 * - the incident closed before withinS passed without it: not counted (stood down, not needed).
 * Percentiles are nearest-rank (the ceil(p·n)th smallest); one that falls on an overdue
 * incident is null. Pure: `now` comes in.
 */
import type { PerformanceFigureMsg, PerformanceReport, PerformanceWindowMsg } from '../../../proto/wire.ts';
import { DEFAULT_SHIFTS, type Scenario } from '../scenario/types.ts';
import type { IncidentSample } from './samples.ts';
import { currentShift, parseHhMm, startOfLocalDay } from './zone.ts';

export const DAY_MS = 86_400_000;

/** The windows at `now`: today (local midnight in the scenario's zone), the last 24 hours, the shift. */
export function performanceWindows(scenario: Scenario, now: number): PerformanceWindowMsg[] {
  const zone = scenario.timezone;
  const shifts = scenario.shifts ?? DEFAULT_SHIFTS;
  const shift = currentShift(
    zone,
    shifts.map((s) => parseHhMm(s.start) ?? 0),
    now,
  );
  return [
    { id: 'today', label: 'Today', fromMs: startOfLocalDay(zone, now), toMs: now },
    { id: 'last24h', label: 'Last 24 hours', fromMs: now - DAY_MS, toMs: now },
    { id: 'shift', label: shifts[shift.index]?.name ?? 'Shift', fromMs: shift.fromMs, toMs: now },
  ];
}

/** Nearest-rank percentile of ascending `sorted`; null for none or an overdue (Infinity) rank. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const v = sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return Number.isFinite(v) ? v : null;
}

/** One target over some incidents at `now` (the rules above): response times ascending, overdue as Infinity. */
export interface TargetMeasure {
  times: number[];
  within: number;
  overdue: number;
  pending: number;
}

/** Measure `target` of standard `standardId` over `samples` at `now`; statistics reuses it per day. */
export function measureTarget(
  samples: Iterable<IncidentSample>,
  standardId: string,
  target: { nth: number; withinS: number },
  now: number,
): TargetMeasure {
  const withinMs = target.withinS * 1000;
  const m: TargetMeasure = { times: [], within: 0, overdue: 0, pending: 0 };
  for (const s of samples) {
    const a = s.standards.find((x) => x.standardId === standardId);
    if (!a) continue;
    const arrived = a.arrivals[target.nth - 1];
    if (arrived !== undefined && arrived <= now) {
      const rt = Math.max(0, arrived - s.calledAt) / 1000;
      m.times.push(rt);
      if (rt <= target.withinS) m.within++;
      continue;
    }
    const deadline = s.calledAt + withinMs;
    if (s.closedAt !== null && s.closedAt <= deadline) continue;
    if (now > deadline) {
      m.overdue++;
      m.times.push(Infinity);
    } else m.pending++;
  }
  m.times.sort((x, y) => x - y);
  return m;
}

/** The report at `now` over `samples` (any order; those outside every window are ignored). */
export function performanceReport(
  scenario: Scenario,
  samples: Iterable<IncidentSample>,
  now: number,
  eventSeq: number,
): PerformanceReport {
  const windows = performanceWindows(scenario, now);
  const list = [...samples];
  const figures: PerformanceFigureMsg[] = [];
  for (const std of scenario.standards) {
    for (const target of std.targets) {
      for (const w of windows) {
        const inWindow = list.filter((s) => s.calledAt >= w.fromMs && s.calledAt <= w.toMs);
        const { times, within, overdue, pending } = measureTarget(inWindow, std.id, target, now);
        const counted = times.length;
        const share = counted > 0 ? within / counted : null;
        figures.push({
          standardId: std.id,
          standardName: std.name,
          agency: std.agency,
          capability: std.capability,
          nth: target.nth,
          withinS: target.withinS,
          targetShare: target.share,
          window: w.id,
          counted,
          within,
          overdue,
          pending,
          share,
          medianS: percentile(times, 0.5),
          p90S: percentile(times, 0.9),
          belowTarget: share !== null && share < target.share,
        });
      }
    }
  }
  return { computedAtMs: now, eventSeq, timezone: scenario.timezone, windows, figures };
}
