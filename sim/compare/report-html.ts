/**
 * The outcome report as one self-contained HTML file (no scripts, no CDN, no fonts to fetch):
 * inline SVG drawn here. Per target: cumulative response-time curves per mode at each demand
 * factor, with the standard's time (vertical) and share (horizontal) as lines; and the fraction
 * late against demand per mode. The report's JSON is embedded as
 * <script type="application/json" id="jcr-outcome-report"> for a screen that loads the file.
 */
import type { OutcomeReport } from './compare.ts';
import { formatReport, goal, mmss } from './report-format.ts';

const COLOURS = ['#1b6ca8', '#d1495b', '#2e933c', '#8e5ea2', '#e09f3e', '#555555'];
const W = 420;
const H = 260;
const PAD = { l: 46, r: 12, t: 24, b: 34 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Series {
  name: string;
  points: Array<[number, number]>;
}

/** A line chart: x and y ranges, series as polylines, extra reference lines, axis labels. */
function chart(o: {
  title: string;
  xMax: number;
  xLabel: string;
  xTick: (x: number) => string;
  xTicks: number[];
  series: Series[];
  vLine?: number;
  hLine?: number;
  yLabel: string;
}): string {
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const X = (x: number) => PAD.l + (Math.min(x, o.xMax) / o.xMax) * iw;
  const Y = (y: number) => PAD.t + (1 - y) * ih;
  const f = (n: number) => n.toFixed(1);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(o.title)}">`,
    `<text x="${PAD.l}" y="15" font-size="12" font-weight="bold">${esc(o.title)}</text>`,
    `<rect x="${PAD.l}" y="${PAD.t}" width="${iw}" height="${ih}" fill="none" stroke="#999"/>`,
  ];
  for (const y of [0, 0.25, 0.5, 0.75, 1])
    parts.push(
      `<line x1="${PAD.l}" x2="${PAD.l + iw}" y1="${f(Y(y))}" y2="${f(Y(y))}" stroke="#eee"/>`,
      `<text x="${PAD.l - 4}" y="${f(Y(y) + 4)}" font-size="10" text-anchor="end">${Math.round(y * 100)}%</text>`,
    );
  for (const x of o.xTicks)
    parts.push(`<text x="${f(X(x))}" y="${PAD.t + ih + 14}" font-size="10" text-anchor="middle">${o.xTick(x)}</text>`);
  parts.push(
    `<text x="${PAD.l + iw / 2}" y="${H - 4}" font-size="10" text-anchor="middle">${esc(o.xLabel)}</text>`,
    `<text x="10" y="${PAD.t + ih / 2}" font-size="10" transform="rotate(-90 10 ${PAD.t + ih / 2})" text-anchor="middle">${esc(o.yLabel)}</text>`,
  );
  if (o.vLine !== undefined)
    parts.push(
      `<line x1="${f(X(o.vLine))}" x2="${f(X(o.vLine))}" y1="${PAD.t}" y2="${PAD.t + ih}" stroke="#000" stroke-dasharray="4 3"/>`,
    );
  if (o.hLine !== undefined)
    parts.push(
      `<line x1="${PAD.l}" x2="${PAD.l + iw}" y1="${f(Y(o.hLine))}" y2="${f(Y(o.hLine))}" stroke="#000" stroke-dasharray="4 3"/>`,
    );
  o.series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length]!;
    const pts = s.points.filter(([, y]) => Number.isFinite(y)).map(([x, y]) => `${f(X(x))},${f(Y(y))}`);
    parts.push(`<polyline fill="none" stroke="${c}" stroke-width="1.6" points="${pts.join(' ')}"/>`);
    for (const p of s.points.length <= 6 ? pts : []) {
      const [cx, cy] = p.split(',');
      parts.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${c}"/>`);
    }
    parts.push(
      `<rect x="${PAD.l + 8}" y="${PAD.t + 6 + i * 13}" width="10" height="3" fill="${c}"/>`,
      `<text x="${PAD.l + 22}" y="${PAD.t + 10 + i * 13}" font-size="10">${esc(s.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface ReportChart {
  /** File-name-safe: `${standardId}-${nth}-${what}`. */
  name: string;
  /** The target's key, `standardId#nth`. */
  key: string;
  svg: string;
}

/** Every chart of the report: per target, the curves at each demand, then late against demand. */
export function reportCharts(r: OutcomeReport): ReportChart[] {
  const out: ReportChart[] = [];
  for (const t of r.targets) {
    const base = `${t.standardId}-${t.nth}`;
    const xMax = Math.min(r.curveS[r.curveS.length - 1]!, Math.max(900, t.withinS * 2));
    const xTicks = Array.from({ length: 5 }, (_, i) => Math.round((xMax * i) / 4));
    for (const demand of r.demands) {
      const series: Series[] = r.results
        .filter((x) => x.demand === demand && x.targets[t.key])
        .map((x) => ({
          name: x.mode,
          points: r.curveS.map((s, i) => [s, x.targets[t.key]!.curve[i]!] as [number, number]),
        }));
      if (series.length === 0) continue;
      out.push({
        name: `${base}-curves-${demand}x`,
        key: t.key,
        svg: chart({
          title: `${t.key} at ${demand}× demand: share reached by`,
          xMax,
          xLabel: 'minutes from call',
          xTick: (x) => String(Math.round(x / 60)),
          xTicks,
          series,
          vLine: t.withinS,
          hLine: t.share,
          yLabel: 'share of incidents',
        }),
      });
    }
    const late: Series[] = r.modes.map((mode) => ({
      name: mode,
      points: r.demands.map((d) => [
        d,
        r.results.find((x) => x.demand === d && x.mode === mode)?.targets[t.key]?.late ?? NaN,
      ]),
    }));
    if (r.demands.length > 1 && late.some((s) => s.points.some(([, y]) => Number.isFinite(y))))
      out.push({
        name: `${base}-late-by-demand`,
        key: t.key,
        svg: chart({
          title: `${t.key}: fraction late against demand`,
          xMax: Math.max(...r.demands),
          xLabel: 'demand factor',
          xTick: (x) => `${x}×`,
          xTicks: r.demands,
          series: late,
          hLine: 1 - t.share,
          yLabel: 'fraction late',
        }),
      });
  }
  return out;
}

/** The whole report page. */
export function reportHtml(r: OutcomeReport): string {
  const charts = reportCharts(r);
  const sections: string[] = [];
  for (const t of r.targets) {
    const mine = charts.filter((c) => c.key === t.key);
    if (mine.length === 0) continue;
    sections.push(
      `<section><h2>${esc(t.standardId)}: ${t.nth === 1 ? 'first' : `arrival ${t.nth}`} within ${mmss(t.withinS)} on ${Math.round(t.share * 100)}%</h2>${mine.map((c) => c.svg).join('\n')}</section>`,
    );
  }
  const json = JSON.stringify(r).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Outcome report: ${esc(r.scenario)}</title>
<style>body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}svg{margin:4px;background:#fff;border:1px solid #ddd}
pre{font-size:11px;overflow-x:auto;background:#f6f6f6;padding:8px}h2{font-size:15px;margin-top:1.5em}</style></head>
<body><h1>Outcome report: ${esc(r.scenario)}</h1>
<p>${esc(goal(r).text)}</p>
<p>Dashed lines: the standard's time and share (share reached), or the late fraction the standard allows (fraction late).</p>
${sections.join('\n')}
<h2>Table</h2><pre>${esc(formatReport(r))}</pre>
<script type="application/json" id="jcr-outcome-report">${json}</script>
</body></html>
`;
}
