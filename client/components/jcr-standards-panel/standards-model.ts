/**
 * The standards panel's rows, pure (no DOM) so tests give it a literal report: one row per
 * standard target, one cell per window in the report's order, each with the share, median and
 * 90th percentile as words and whether the target is being missed.
 */
import type { PerformanceFigureMsg, PerformanceReport } from '../../../proto/wire.ts';
import { formatDuration } from '../../format.ts';
import { formatMinutes, formatShare1, nthUnit } from '../../format-standards.ts';

export interface StandardsCell {
  window: string;
  /** "87.5%" or "—" when nothing is counted yet. */
  share: string;
  /** "7 of 8" (with "1 overdue" when some are), "none yet". */
  counts: string;
  /** "median 6:10 · 90% 9:40"; '' when not known. */
  times: string;
  belowTarget: boolean;
}

export interface StandardsRow {
  key: string;
  standardName: string;
  agency: string;
  /** "1st appliance within 10 min on 90%". */
  target: string;
  cells: StandardsCell[];
}

export function standardsRows(report: PerformanceReport | null): {
  windows: { id: string; label: string }[];
  rows: StandardsRow[];
} {
  if (!report) return { windows: [], rows: [] };
  const windows = report.windows.map((w) => ({ id: w.id, label: w.label }));
  const rows = new Map<string, StandardsRow>();
  for (const f of report.figures) {
    const key = `${f.standardId}#${f.nth}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        key,
        standardName: f.standardName,
        agency: f.agency,
        target: `${nthUnit(f.agency, f.nth)} within ${formatMinutes(f.withinS)} on ${formatShare1(f.targetShare)}`,
        cells: [],
      };
      rows.set(key, row);
    }
    row.cells.push(cell(f));
  }
  // Cells in the windows' order, whatever order the figures came in.
  const order = new Map(windows.map((w, i) => [w.id, i]));
  for (const r of rows.values()) r.cells.sort((a, b) => (order.get(a.window) ?? 99) - (order.get(b.window) ?? 99));
  return { windows, rows: [...rows.values()] };
}

function cell(f: PerformanceFigureMsg): StandardsCell {
  const counts =
    f.counted === 0 ? 'none yet' : `${f.within} of ${f.counted}${f.overdue > 0 ? `, ${f.overdue} overdue` : ''}`;
  const times = [
    f.medianS !== null ? `median ${formatDuration(f.medianS)}` : '',
    f.p90S !== null ? `90% ${formatDuration(f.p90S)}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return {
    window: f.window,
    share: f.share === null ? '—' : formatShare1(f.share),
    counts,
    times,
    belowTarget: f.belowTarget,
  };
}
