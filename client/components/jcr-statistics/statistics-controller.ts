/**
 * The statistics screen's state, owned for <jcr-statistics>: the range asked for, the report
 * (GET /api/statistics, checked before use: the answer is data from outside the page), whether a
 * request is running and what went wrong. A report handed to the element (`report` property, e.g.
 * a saved compare report, issue 20) is shown as it is and nothing is fetched.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { StatisticsReport } from '../../../proto/statistics.ts';
import type { AppContext } from '../../context.ts';
import { parseStatistics } from './parse-statistics.ts';
import { atDemand, readSaved, type SavedReport } from './saved-report.ts';

export interface StatisticsRange {
  /** First local day shown, YYYY-MM-DD ('' = the server's default). */
  from: string;
  /** Last local day shown, inclusive, YYYY-MM-DD ('' = up to now). */
  to: string;
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
  /** The saved report file shown (./saved-report.ts), if that is what is shown. */
  saved: SavedReport | null = null;
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
    this.saved = null;
    this.shown(report);
  }

  /** Open a saved report file's text (a picked or dropped file); a file it cannot read says why. */
  openSaved(name: string, text: string): void {
    this.settle(readSaved(name, text, this.ctx().store.scenario));
  }

  /** Show the saved outcome report at another demand factor. */
  showDemand(demand: number): void {
    const scenario = this.ctx().store.scenario;
    if (this.saved && scenario) this.settle(atDemand(this.saved, scenario, demand));
  }

  private settle(r: SavedReport | { error: string }): void {
    if ('error' in r) {
      this.error = r.error;
      this.host.requestUpdate();
      return;
    }
    this.saved = r;
    this.shown(r.report);
  }

  private shown(report: StatisticsReport): void {
    this.seq++; // a fetch still running must not replace it
    this.given = true;
    this.busy = false;
    this.report = report;
    this.error = '';
    this.host.requestUpdate();
  }

  async load(range: StatisticsRange): Promise<void> {
    this.given = false;
    this.saved = null;
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
