/**
 * The statistics screen's state, owned for <jcr-statistics>: the range asked for, the report
 * (GET /api/statistics, checked before use: the answer is data from outside the page), whether a
 * request is running and what went wrong. A report handed to the element (`report` property, e.g.
 * a saved compare report, issue 20) is shown as it is and nothing is fetched.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StatisticsReport } from '../../../proto/statistics.ts';
import type { AppContext } from '../../context.ts';

export interface StatisticsRange {
  /** First local day shown, YYYY-MM-DD ('' = the server's default). */
  from: string;
  /** Last local day shown, inclusive, YYYY-MM-DD ('' = up to now). */
  to: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The report when `body` has the shape the screen reads, else null. */
export function parseStatistics(body: unknown): StatisticsReport | null {
  if (!isObj(body) || !isNum(body.fromMs) || !isNum(body.toMs) || typeof body.timezone !== 'string') return null;
  if (!Array.isArray(body.days) || !Array.isArray(body.response)) return null;
  const inc = body.incidents;
  const use = body.utilisation;
  const req = body.requests;
  const ov = body.overrides;
  if (!isObj(inc) || !Array.isArray(inc.byHour) || inc.byHour.length !== 24 || !Array.isArray(inc.byWeekday))
    return null;
  if (!isObj(use) || !Array.isArray(use.resources) || !Array.isArray(use.stations)) return null;
  if (!isObj(req) || !Array.isArray(req.rows) || !Array.isArray(req.pairs)) return null;
  if (!isObj(ov) || !Array.isArray(ov.rows) || !Array.isArray(ov.reasons)) return null;
  for (const d of body.response) {
    if (!isObj(d) || !Array.isArray(d.minutes) || !Array.isArray(d.days) || !isObj(d.total)) return null;
    if (!isNum(d.withinS) || !isNum(d.targetShare)) return null;
  }
  return body as unknown as StatisticsReport;
}

/** The day after a YYYY-MM-DD date (the exclusive `to` of an inclusive last day). */
export function nextDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** The query string for a range: `to` is sent as the day after the last day shown. */
export function statisticsQuery(r: StatisticsRange): string {
  const q = new URLSearchParams();
  if (r.from) q.set('from', r.from);
  if (r.to) q.set('to', nextDate(r.to));
  const s = q.toString();
  return s ? `?${s}` : '';
}

export class StatisticsController implements ReactiveController {
  report: StatisticsReport | null = null;
  range: StatisticsRange = { from: '', to: '' };
  busy = false;
  error = '';
  /** The report was handed in: do not fetch over it. */
  given = false;
  private seq = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    if (!this.given && !this.report) void this.load(this.range);
  }

  /** Show a report made elsewhere (issue 20's saved compare report, tests). */
  show(report: StatisticsReport): void {
    this.seq++; // a fetch still running must not replace it
    this.given = true;
    this.busy = false;
    this.report = report;
    this.error = '';
    this.host.requestUpdate();
  }

  async load(range: StatisticsRange): Promise<void> {
    this.given = false;
    this.range = range;
    this.busy = true;
    this.error = '';
    const mine = ++this.seq;
    this.host.requestUpdate();
    const r = await this.ctx().api.request('GET', `/api/statistics${statisticsQuery(range)}`, undefined, 30_000);
    if (mine !== this.seq) return; // a newer range was asked for meanwhile
    this.busy = false;
    if (!r.ok) this.error = `${r.code}: ${r.message}`;
    else {
      const report = parseStatistics(r.body);
      if (report) this.report = report;
      else this.error = 'The server answered statistics this screen cannot read.';
    }
    this.host.requestUpdate();
  }
}
