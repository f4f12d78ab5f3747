/**
 * <jcr-resource-board>: every resource, grouped by agency and home station, filterable by text
 * (call sign, type, station, capability), agency and status. Selecting a row selects the resource
 * on the map; the selected resource's status can be set from here, by a role that may set it (its
 * own agency's dispatcher or the duty officer: a fire dispatcher gets no status control for a
 * police unit).
 *
 * Cheap under status churn (a major incident mobilises dozens at once): while `active` is false
 * (its tab is hidden) it renders nothing new and only remembers that the store changed, then
 * renders once when shown; when shown, a store notification (at most one per frame) re-renders
 * only the stations and rows whose status, stale marking or selection changed (./board-model.ts
 * versions behind Lit `guard`), and groups and sorts again only when the rows in view changed.
 *
 * Properties: `ctx`, `active` (default true). Events: `jcr-status-set` (detail {resourceId, status}).
 */
import { LitElement, css, html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import { AGENCIES, STATUSES, type ScenarioInfo, type StatusName } from '../../state/types.ts';
import { maySetStatus } from '../../state/permissions.ts';
import { symbolSvg } from '../symbol-svg.ts';
import { BoardModel, type BoardFilter, type RowView, type StationView } from './board-model.ts';

export { groupResources, matchesFilter, type BoardFilter, type BoardGroup } from './board-model.ts';

export interface StatusSetDetail {
  resourceId: string;
  status: StatusName;
}

/** Render counts, for the browser tests and the bench. */
export interface BoardStats {
  /** Renders of the board. */
  renders: number;
  /** Row templates built (a row not changed is not rebuilt). */
  rows: number;
  /** Times the rows were grouped and sorted again. */
  regroups: number;
}

export class JcrResourceBoard extends LitElement {
  static override properties = { ctx: { attribute: false }, active: { type: Boolean }, filter: { state: true } };
  ctx!: AppContext;
  /** On screen? While false the board does not render (its tab is hidden). */
  active = true;
  filter: BoardFilter = { text: '', agency: '', status: '' };
  readonly stats: BoardStats = { renders: 0, rows: 0, regroups: 0 };
  private readonly sc: StoreController;
  private readonly model = new BoardModel();
  private names: ReadonlyMap<string, string> = new Map();
  private namesFor: ScenarioInfo | null = null;
  /** What the selected-resource form shows, to re-render when it changes even if filtered out. */
  private selectedKey = '';

  constructor() {
    super();
    this.sc = new StoreController(this, () => this.ctx.store, ['statuses', 'scenario', 'selection', 'clock']);
  }

  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      min-height: 0;
      font-size: 0.9em;
    }
    .filters {
      display: flex;
      gap: 0.4em;
      flex-wrap: wrap;
      padding: 0.4em 0;
    }
    input,
    select,
    button {
      font: inherit;
    }
    input[type='search'] {
      flex: 1 1 10em;
    }
    .list {
      overflow: auto;
      flex: 1;
      min-height: 0;
      /* A row changing cannot change the layout or paint of anything outside the list. */
      contain: content;
    }
    details {
      margin: 0 0 0.2em;
      /* Stations scrolled out of the list are neither laid out nor painted (2,000 rows); their
         last rendered height is kept, so the scrollbar does not jump. */
      content-visibility: auto;
      contain-intrinsic-size: auto 10em;
    }
    summary {
      font-weight: 700;
      cursor: pointer;
      padding: 0.15em 0;
    }
    h3 {
      margin: 0.5em 0 0.2em;
      font-size: 1em;
      display: flex;
      align-items: center;
      gap: 0.3em;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0 0 0 0.6em;
    }
    li button {
      all: unset;
      box-sizing: border-box;
      display: grid;
      grid-template-columns: 1.4em 6.5em 1fr 9em;
      gap: 0.4em;
      width: 100%;
      padding: 0.1em 0.3em;
      cursor: pointer;
      align-items: center;
    }
    li button:focus-visible {
      outline: 3px solid var(--jcr-focus, #0072b2);
    }
    li button[aria-pressed='true'] {
      background: var(--jcr-sel, #fff3a0);
      font-weight: 700;
    }
    .stale {
      color: #555;
      font-style: italic;
    }
    .selected-detail {
      border: 2px solid var(--jcr-fg, #111);
      padding: 0.4em;
      margin-bottom: 0.4em;
      display: flex;
      gap: 0.4em;
      flex-wrap: wrap;
      align-items: center;
    }
    .count {
      font-weight: 400;
    }
  `;

  protected override shouldUpdate(changed: Map<PropertyKey, unknown>): boolean {
    if (!this.active) {
      // Hidden: remember that the store changed (the controller does), render when shown.
      this.sc.pause();
      return false;
    }
    this.sc.resume();
    const s = this.ctx.store;
    if (s.scenario !== this.namesFor) {
      this.namesFor = s.scenario;
      this.names = new Map((s.scenario?.stations ?? []).map((st) => [st.id, st.name]));
    }
    const now = Date.now();
    const rowsChanged = this.model.update({
      resources: s.resources,
      filter: this.filter,
      stationNames: this.names,
      selectedId: s.selection.resourceId,
      isStale: (r) => s.isStale(r, now),
    });
    this.stats.regroups = this.model.regroups;
    const sel = s.selection.resourceId ? s.resources.get(s.selection.resourceId) : undefined;
    const selectedKey = sel ? `${sel.id}|${sel.status}|${sel.incidentId ?? ''}|${s.isStale(sel, now) ? 1 : 0}` : '';
    const selectedChanged = selectedKey !== this.selectedKey;
    this.selectedKey = selectedKey;
    // Own properties (filter, active, ctx) always render; a store change only when it changed
    // something the board shows (a clock tick usually does not).
    if (changed.size > 0 || rowsChanged || selectedChanged) return true;
    this.sc.changed.clear();
    return false;
  }

  async focusFilter(): Promise<void> {
    // Called right after the tab is shown: the board may not have rendered yet.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[type=search]')?.focus();
  }

  private onSelect(id: string): void {
    this.ctx.store.select({ resourceId: this.ctx.store.selection.resourceId === id ? null : id });
  }

  private setStatus(e: Event): void {
    e.preventDefault();
    const sel = this.ctx.store.selection.resourceId;
    const form = e.target as HTMLFormElement;
    const v = new FormData(form).get('status');
    if (!sel || typeof v !== 'string') return;
    const status = STATUSES.find((x) => x === v);
    if (!status) return;
    this.dispatchEvent(
      new CustomEvent<StatusSetDetail>('jcr-status-set', {
        detail: { resourceId: sel, status },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private row(row: RowView) {
    this.stats.rows++;
    const r = row.resource;
    const stale = row.stale;
    return html`<li>
      <button
        type="button"
        data-resource-id=${r.id}
        data-status=${row.status}
        aria-pressed=${row.selected ? 'true' : 'false'}
        @click=${() => this.onSelect(r.id)}
        aria-label=${`${r.callSign}, ${r.type}, ${STATUS_LABEL[row.status]}${stale ? ', no recent position' : ''}`}
      >
        ${symbolSvg(r.agency, row.status, stale)}
        <span>${r.callSign}</span>
        <span>${r.type}</span>
        <span class=${stale ? 'stale' : ''}>${STATUS_LABEL[row.status]}${stale ? ' ·stale' : ''}</span>
      </button>
    </li>`;
  }

  private station(st: StationView) {
    return html`<details open>
      <summary>${st.name} <span class="count">— ${st.available} of ${st.rows.length} available</span></summary>
      <ul>
        ${repeat(
          st.rows,
          (row) => row.id,
          (row) => guard([row.version], () => this.row(row)),
        )}
      </ul>
    </details>`;
  }

  override render() {
    this.stats.renders++;
    const s = this.ctx.store;
    const now = Date.now();
    const f = this.filter;
    const selected = s.selection.resourceId ? s.resources.get(s.selection.resourceId) : undefined;
    const readOnly = this.ctx.view === 'wall';
    return html`
      <div class="filters" role="search">
        <input
          type="search"
          aria-label="Filter resources by call sign, type, station or capability"
          placeholder="Filter (/)"
          .value=${f.text}
          @input=${(e: Event) => (this.filter = { ...f, text: (e.target as HTMLInputElement).value })}
        />
        <select
          aria-label="Agency"
          @change=${(e: Event) => (this.filter = { ...f, agency: AGENCIES.find((a) => a === (e.target as HTMLSelectElement).value) ?? '' })}
        >
          <option value="">All agencies</option>
          ${AGENCIES.map((a) => html`<option value=${a} ?selected=${f.agency === a}>${agencyLabel(a)}</option>`)}
        </select>
        <select
          aria-label="Status"
          @change=${(e: Event) => (this.filter = { ...f, status: STATUSES.find((x) => x === (e.target as HTMLSelectElement).value) ?? '' })}
        >
          <option value="">All statuses</option>
          ${STATUSES.map((x) => html`<option value=${x} ?selected=${f.status === x}>${STATUS_LABEL[x]}</option>`)}
        </select>
      </div>
      ${
        selected && !readOnly && maySetStatus(this.ctx.user?.role, selected.agency)
          ? html`<form
              class="selected-detail"
              @submit=${this.setStatus}
              aria-label=${`Selected resource ${selected.callSign}`}
            >
              ${symbolSvg(selected.agency, selected.status, s.isStale(selected, now), 22)}
              <strong>${selected.callSign}</strong> ${selected.type} —
              ${STATUS_LABEL[selected.status]}${selected.incidentId ? ` (${selected.incidentId})` : ''}
              <select name="status" aria-label=${`New status for ${selected.callSign}`}>
                ${STATUSES.map((x) => html`<option value=${x} ?selected=${x === selected.status}>${STATUS_LABEL[x]}</option>`)}
              </select>
              <button type="submit">Set status</button>
            </form>`
          : nothing
      }
      <div class="list" role="region" aria-label="Resource status board">
        ${this.model.shown === 0 ? html`<p>${s.resources.size === 0 ? 'No resources loaded yet.' : 'No resources match the filter.'}</p>` : nothing}
        ${repeat(
          this.model.groups,
          (g) => g.agency,
          (g) =>
            html`<h3>
                ${symbolSvg(g.agency, 'AVAILABLE_AT_STATION', false, 16)} ${agencyLabel(g.agency)}
                <span class="count">(${g.count})</span>
              </h3>
              ${repeat(
                g.stations,
                (st) => st.id,
                (st) => guard([st.version], () => this.station(st)),
              )}`,
        )}
      </div>
    `;
  }
}
customElements.define('jcr-resource-board', JcrResourceBoard);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-resource-board': JcrResourceBoard;
  }
}
