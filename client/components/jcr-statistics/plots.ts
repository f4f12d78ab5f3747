/**
 * The statistics screen's plots, as uPlot specs built from the report (pure: no DOM, so the
 * client tests check them in node). Colours are the Okabe-Ito palette, told apart with colour
 * blindness; the x of every plot is a plain number (minutes, hours, indexes), not a time scale,
 * so nothing depends on the browser's own time zone.
 */
import type uPlot from 'uplot';
import type { ResponseDistribution, StatisticsReport } from '../../../proto/statistics.ts';
import type { PlotSpec } from '../jcr-plot/jcr-plot.ts';

export const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#8a7a00', '#555555'];
const AGENCY_COLOUR = { fire: '#d55e00', police: '#0072b2', ambulance: '#009e73' } as const;
const TARGET = '#c00000';

const percent = (_u: uPlot, vals: number[]) => vals.map((v) => `${Math.round(v * 100)}%`);
const shareAxis: uPlot.Axis = { label: 'share', values: percent };

/**
 * Response times of one standard target: the cumulative share reached against minutes after the
 * call, one line per day and a thicker one for the whole range, the target share across and the
 * target time as a vertical line (drawn on the canvas in the draw hook).
 */
export function responsePlot(d: ResponseDistribution): PlotSpec {
  const targetMin = d.withinS / 60;
  const series: uPlot.Series[] = [
    { label: 'minutes' },
    ...d.days.map((day, i) => ({ label: day.date, stroke: PALETTE[i % PALETTE.length]!, width: 1.5, spanGaps: false })),
    { label: 'whole range', stroke: '#111111', width: 3 },
    {
      label: `target ${Math.round(d.targetShare * 100)}%`,
      stroke: TARGET,
      width: 1,
      dash: [6, 4],
      points: { show: false },
    },
  ];
  const data: uPlot.AlignedData = [
    d.minutes,
    ...d.days.map((day) => day.cumulative),
    d.total.cumulative,
    d.minutes.map(() => d.targetShare),
  ];
  return {
    title: `${d.standardName} — unit ${d.nth} within ${fmtMin(targetMin)}`,
    opts: {
      scales: { x: { time: false }, y: { range: [0, 1] } },
      series,
      axes: [{ label: 'minutes after the call' }, shareAxis],
      hooks: {
        draw: [
          (u: uPlot) => {
            const x = u.valToPos(targetMin, 'x', true);
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = TARGET;
            ctx.lineWidth = (2 * ctx.canvas.width) / Math.max(1, u.width); // 2 CSS px at any pixel ratio
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    },
    data,
  };
}

function fmtMin(m: number): string {
  return Number.isInteger(m) ? `${m} min` : `${m.toFixed(1)} min`;
}

/** Bars of the total with a line per agency over categories (hours or weekdays). */
function countsPlot(
  title: string,
  xLabel: string,
  rows: ReadonlyArray<{ total: number; fire: number; police: number; ambulance: number }>,
  names: readonly string[],
  bars: uPlot.Series.PathBuilder | undefined,
): PlotSpec {
  const agencies = ['fire', 'police', 'ambulance'] as const;
  return {
    title,
    opts: {
      scales: {
        x: { time: false, range: [-0.5, rows.length - 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(1, max)] },
      },
      series: [
        { label: xLabel },
        {
          label: 'all',
          stroke: '#555555',
          fill: 'rgba(85,85,85,0.25)',
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
        },
        ...agencies.map((a) => ({ label: a, stroke: AGENCY_COLOUR[a], width: 2 })),
      ],
      axes: [
        { label: xLabel, values: (_u: uPlot, vals: number[]) => vals.map((v) => names[v] ?? '') },
        { label: 'incidents' },
      ],
    },
    data: [rows.map((_, i) => i), rows.map((r) => r.total), ...agencies.map((a) => rows.map((r) => r[a]))],
  };
}

/** Bars of each station's utilisation (share of resource time committed). */
function utilisationPlot(r: StatisticsReport, bars: uPlot.Series.PathBuilder | undefined): PlotSpec {
  const st = r.utilisation.stations;
  return {
    title: 'Utilisation per station (share of resource time committed)',
    height: 260,
    opts: {
      scales: {
        x: { time: false, range: [-0.5, Math.max(0.5, st.length - 0.5)] },
        y: { range: (_u, _min, max) => [0, Math.max(0.05, max)] },
      },
      series: [
        { label: 'station' },
        {
          label: 'committed',
          stroke: '#0072b2',
          fill: 'rgba(0,114,178,0.35)',
          ...(bars ? { paths: bars } : {}),
          points: { show: false },
        },
      ],
      axes: [
        {
          label: 'station',
          rotate: -45,
          size: 90,
          values: (_u: uPlot, vals: number[]) => vals.map((v) => st[v]?.stationName ?? ''),
        },
        shareAxis,
      ],
    },
    data: [st.map((_, i) => i), st.map((s) => s.share)],
  };
}

/** Each joint request's answer time in minutes, one point per request, per addressee agency. */
function requestsPlot(r: StatisticsReport): PlotSpec {
  const rows = r.requests.rows;
  const agencies = ['fire', 'police', 'ambulance'] as const;
  return {
    title: 'Joint requests: minutes to answer',
    opts: {
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      series: [
        { label: 'request' },
        ...agencies.map((a) => ({
          label: `to ${a}`,
          stroke: AGENCY_COLOUR[a],
          paths: () => null,
          points: { show: true, size: 8, fill: AGENCY_COLOUR[a] },
        })),
      ],
      axes: [{ label: 'request, in order asked' }, { label: 'minutes' }],
    },
    data: [
      rows.map((_, i) => i + 1),
      ...agencies.map((a) => rows.map((q) => (q.toAgency === a && q.answerS !== null ? q.answerS / 60 : null))),
    ],
  };
}

/**
 * Every plot of the report, in screen order. `bars` is uPlot.paths.bars (the screen passes it;
 * node tests pass undefined and get the same data and series).
 */
export function statisticsPlots(
  r: StatisticsReport,
  bars?: uPlot.Series.PathBuilder,
): { response: PlotSpec[]; byHour: PlotSpec; byWeekday: PlotSpec; utilisation: PlotSpec; requests: PlotSpec } {
  return {
    response: r.response.map(responsePlot),
    byHour: countsPlot(
      'Incidents by hour of day',
      'hour',
      r.incidents.byHour,
      r.incidents.byHour.map((h) => String(h.hour).padStart(2, '0')),
      bars,
    ),
    byWeekday: countsPlot(
      'Incidents by day of week',
      'day',
      r.incidents.byWeekday,
      r.incidents.byWeekday.map((w) => w.weekday),
      bars,
    ),
    utilisation: utilisationPlot(r, bars),
    requests: requestsPlot(r),
  };
}
