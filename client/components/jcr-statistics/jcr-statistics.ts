/**
 * <jcr-statistics>: how the service performed over a day or a week (issue 17 item 4,
 * docs/statistics.md). Response times against each standard day by day, incidents by hour and
 * weekday, utilisation, joint requests and overrides: a uPlot plot per figure (<jcr-plot>) and
 * each table with its CSV download (the server's `?format=csv&table=`, the same columns:
 * proto/statistics.ts). Renders into light DOM so uPlot's bundled stylesheet reaches the plots;
 * its own styles are ./statistics.css.
 *
 * A saved report (issue 20: `compare --report` or `--statistics` files) is opened with "Open
 * saved report…" or dropped on the screen, and read in the browser (./saved-report.ts): a
 * compare report shows its response-time curves a line per mode, one demand factor at a time,
 * and each mode's fraction late against static; "Back to live statistics" returns.
 *
 * Properties: `ctx`; `report` (optional: show this report, fetch nothing). Events (bubbling,
 * composed): `jcr-statistics-close`, detail StatisticsCloseDetail (back to the room).
 */
import { LitElement, html, nothing } from 'lit';
import uPlot from 'uplot';
import {
  statisticsTable,
  type Cell,
  type StatisticsReport,
  type StatisticsTableId,
} from '../../../proto/statistics.ts';
import type { AppContext } from '../../context.ts';
import type { PlotSpec } from '../jcr-plot/jcr-plot.ts';
import '../jcr-plot/jcr-plot.ts';
import { statisticsPlots } from './plots.ts';
import { lateRows, type SavedReport } from './saved-report.ts';
import { StatisticsController } from './statistics-controller.ts';
import './statistics.css';

export interface StatisticsCloseDetail {
  /** Where the close came from. */
  via: 'button' | 'escape';
}

const PERCENT_COLUMNS = new Set(['share', 'targetShare']);
const bars = uPlot.paths.bars?.({ size: [0.6, 48] });

function cell(column: string, c: Cell) {
  if (c === null) return '—';
  if (typeof c === 'number' && PERCENT_COLUMNS.has(column)) return `${(c * 100).toFixed(1)}%`;
  return String(c);
}

export class JcrStatistics extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;
  private readonly state = new StatisticsController(this, () => this.ctx);
  private plots: { report: StatisticsReport; specs: ReturnType<typeof statisticsPlots> } | null = null;

  /** Show a report made elsewhere instead of fetching one. */
  set report(r: StatisticsReport | null) {
    if (r) this.state.show(r);
  }
  get report(): StatisticsReport | null {
    return this.state.report;
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private close(via: StatisticsCloseDetail['via']): void {
    this.dispatchEvent(
      new CustomEvent<StatisticsCloseDetail>('jcr-statistics-close', {
        detail: { via },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onSubmit(e: SubmitEvent): void {
    e.preventDefault();
    const f = new FormData(e.target as HTMLFormElement);
    void this.state.load({ from: String(f.get('from') ?? ''), to: String(f.get('to') ?? '') });
  }

  /** A picked or dropped file: read it here, show it if it is a report this screen reads. */
  private async openFile(file: File | undefined): Promise<void> {
    if (!file) return;
    this.state.openSaved(file.name, await file.text());
  }

  private onDrop(e: DragEvent): void {
    e.preventDefault();
    void this.openFile(e.dataTransfer?.files[0]);
  }

  /** What the saved file is, its demand factors to choose from, and the way back. */
  private savedBar(s: SavedReport) {
    const o = s.outcome;
    const hours = o ? `${o.hours} h from ${new Date(o.startMs).toISOString().slice(0, 10)}` : '';
    const seeds = o ? (o.seeds.length === 1 ? `seed ${o.seeds[0]}` : `${o.seeds.length} seeds`) : '';
    return html`<div class="saved" data-saved>
      <p>
        Saved report <strong>${s.name}</strong>${
          o ? html`: ${o.scenario}, ${hours}, ${seeds}, modes ${o.modes.join(', ')}.` : html`.`
        }
      </p>
      ${
        o && o.demands.length > 1
          ? html`<div class="demands" role="group" aria-label="Demand">
              ${o.demands.map(
                (d) =>
                  html`<button
                    type="button"
                    data-demand=${d}
                    aria-pressed=${d === s.demand ? 'true' : 'false'}
                    @click=${() => this.state.showDemand(d)}
                  >
                    ${d}× demand
                  </button>`,
              )}
            </div>`
          : nothing
      }
      <button type="button" class="live" @click=${() => void this.state.load(this.state.range)}>
        Back to live statistics
      </button>
    </div>`;
  }

  /** A saved compare report's fraction late per mode, against static with its 95% interval. */
  private lateTable(s: SavedReport) {
    const rows = lateRows(s);
    return html`<div class="stats-table" data-table="late">
      <table>
        <caption>
          Fraction late at ${s.demand}× demand, against static (95% interval across seeds)
        </caption>
        <thead>
          <tr>
            <th scope="col">target</th>
            <th scope="col">mode</th>
            <th scope="col">n</th>
            <th scope="col">late</th>
            <th scope="col">late − static</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr>
                <td>${r.target}</td>
                <td>${r.mode}</td>
                <td>${r.n}</td>
                <td>${r.late}</td>
                <td>${r.diff}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  /** A saved compare report has response times only: the other sections would be empty. */
  private outcomeBody(r: StatisticsReport, s: SavedReport) {
    const p = this.specs(r);
    return html`<section data-section="response" aria-label="Response times">
      <h3>Response times against standards, a line per mode</h3>
      <div class="plots">${p.response.map((x) => this.plot(x, 'response'))}</div>
      ${this.lateTable(s)} ${this.table(r, 'response')}
    </section>`;
  }

  /** Plot specs, rebuilt only when the report changes (a new object each fetch). */
  private specs(r: StatisticsReport): ReturnType<typeof statisticsPlots> {
    if (this.plots?.report !== r) this.plots = { report: r, specs: statisticsPlots(r, bars) };
    return this.plots.specs;
  }

  private csvHref(r: StatisticsReport, id: StatisticsTableId): string {
    const q = new URLSearchParams({
      from: new Date(r.fromMs).toISOString(),
      to: new Date(r.toMs).toISOString(),
      format: 'csv',
      table: id,
    });
    return `/api/statistics?${q.toString()}`;
  }

  private table(r: StatisticsReport, id: StatisticsTableId) {
    const t = statisticsTable(r, id);
    return html`<div class="stats-table" data-table=${id}>
      <table>
        <caption>
          ${t.title}
          ${
            this.state.given
              ? nothing
              : html`<a class="csv" href=${this.csvHref(r, id)} download=${`statistics-${id}.csv`}>CSV</a>`
          }
        </caption>
        <thead>
          <tr>
            ${t.columns.map((c) => html`<th scope="col">${c}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${
            t.rows.length === 0
              ? html`<tr>
                  <td colspan=${t.columns.length}>None in this range.</td>
                </tr>`
              : t.rows.map(
                  (row) =>
                    html`<tr>
                      ${row.map((c, i) => html`<td>${cell(t.columns[i] ?? '', c)}</td>`)}
                    </tr>`,
                )
          }
        </tbody>
      </table>
    </div>`;
  }

  private plot(spec: PlotSpec, name: string) {
    return html`<jcr-plot data-plot=${name} .spec=${spec}></jcr-plot>`;
  }

  private body(r: StatisticsReport) {
    const p = this.specs(r);
    const first = r.days[0]?.date ?? '';
    const last = r.days[r.days.length - 1]?.date ?? '';
    return html`<p class="range" data-range>
        ${first}${last !== first ? html` to ${last}` : nothing} (${r.timezone}), ${r.incidents.total} incidents called;
        as of ${new Date(r.asOfMs).toISOString().slice(0, 16).replace('T', ' ')} UTC.
      </p>
      <section data-section="response" aria-label="Response times">
        <h3>Response times against standards, day by day</h3>
        <div class="plots">${p.response.map((s) => this.plot(s, 'response'))}</div>
        ${this.table(r, 'response')}
      </section>
      <section data-section="incidents" aria-label="Incidents by time">
        <h3>Incidents by hour of day and day of week</h3>
        <div class="plots">${this.plot(p.byHour, 'by-hour')} ${this.plot(p.byWeekday, 'by-weekday')}</div>
        ${this.table(r, 'incidents-by-hour')} ${this.table(r, 'incidents-by-weekday')}
      </section>
      <section data-section="utilisation" aria-label="Utilisation">
        <h3>Utilisation</h3>
        <div class="plots">${this.plot(p.utilisation, 'utilisation')}</div>
        ${this.table(r, 'utilisation-stations')} ${this.table(r, 'utilisation-resources')}
      </section>
      <section data-section="requests" aria-label="Joint requests">
        <h3>Joint requests</h3>
        <div class="plots">${this.plot(p.requests, 'requests')}</div>
        ${this.table(r, 'request-pairs')} ${this.table(r, 'requests')}
      </section>
      <section data-section="overrides" aria-label="Overrides">
        <h3>Overrides</h3>
        <p data-overrides>
          ${r.overrides.overridden} of ${r.overrides.decisions} mobilise decisions overrode the recommendation.
        </p>
        ${this.table(r, 'override-reasons')} ${this.table(r, 'overrides')}
      </section>`;
  }

  override render() {
    const s = this.state;
    const r = s.report;
    const saved = s.saved;
    return html`<div
      class="statistics"
      @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && this.close('escape')}
      @dragover=${(e: DragEvent) => e.preventDefault()}
      @drop=${(e: DragEvent) => this.onDrop(e)}
    >
      <header>
        <h2>Statistics</h2>
        <form @submit=${(e: SubmitEvent) => this.onSubmit(e)}>
          <label>From <input type="date" name="from" .value=${s.range.from || (r?.days[0]?.date ?? '')} /></label>
          <label
            >To <input type="date" name="to" .value=${s.range.to || (r?.days[r.days.length - 1]?.date ?? '')}
          /></label>
          <button type="submit" ?disabled=${s.busy}>Show</button>
        </form>
        <label class="open">
          Open saved report…
          <input
            type="file"
            accept=".json,application/json"
            @change=${(e: Event) => {
              const input = e.target as HTMLInputElement;
              void this.openFile(input.files?.[0]).then(() => (input.value = ''));
            }}
          />
        </label>
        <button type="button" class="close" @click=${() => this.close('button')}>Back to the room</button>
      </header>
      ${s.busy ? html`<p class="note" role="status">Computing statistics…</p>` : nothing}
      ${s.error ? html`<p class="error" role="alert" data-error>${s.error}</p>` : nothing}
      ${saved ? this.savedBar(saved) : nothing}
      ${r ? (saved?.outcome ? this.outcomeBody(r, saved) : this.body(r)) : nothing}
    </div>`;
  }
}
customElements.define('jcr-statistics', JcrStatistics);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-statistics': JcrStatistics;
  }
  interface HTMLElementEventMap {
    'jcr-statistics-close': CustomEvent<StatisticsCloseDetail>;
  }
}
