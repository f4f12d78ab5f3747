/**
 * <jcr-resource-board>: every resource, grouped by agency and home station, filterable by text
 * (call sign, type, station, capability), agency and status. Selecting a row selects the resource
 * on the map; the selected resource's status can be set from here.
 *
 * Events: `jcr-status-set` (detail {resourceId, status}).
 */
import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import { AGENCIES, STATUSES, type Agency, type ClientResource, type StatusName } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';

export interface StatusSetDetail {
  resourceId: string;
  status: StatusName;
}

export interface BoardFilter {
  text: string;
  agency: Agency | '';
  status: StatusName | '';
}

/** Pure: does a resource pass the filter? (`stationName` for matching by station.) */
export function matchesFilter(r: ClientResource, f: BoardFilter, stationName: string): boolean {
  if (f.agency && r.agency !== f.agency) return false;
  if (f.status && r.status !== f.status) return false;
  const q = f.text.trim().toLowerCase();
  if (!q) return true;
  return (
    r.callSign.toLowerCase().includes(q) ||
    r.id.toLowerCase().includes(q) ||
    r.type.toLowerCase().includes(q) ||
    stationName.toLowerCase().includes(q) ||
    r.capabilities.some((c) => c.toLowerCase().includes(q))
  );
}

export interface BoardGroup {
  agency: Agency;
  stations: { id: string; name: string; resources: ClientResource[] }[];
  count: number;
}

/** Pure: group resources by agency then station (stations by name, resources by call sign). */
export function groupResources(list: Iterable<ClientResource>, stationNames: ReadonlyMap<string, string>): BoardGroup[] {
  const by = new Map<Agency, Map<string, ClientResource[]>>();
  for (const r of list) {
    let a = by.get(r.agency);
    if (!a) by.set(r.agency, (a = new Map()));
    let st = a.get(r.station);
    if (!st) a.set(r.station, (st = []));
    st.push(r);
  }
  const out: BoardGroup[] = [];
  for (const agency of AGENCIES) {
    const a = by.get(agency);
    if (!a) continue;
    const stations = [...a.entries()]
      .map(([id, resources]) => ({ id, name: stationNames.get(id) ?? id, resources: resources.sort((x, y) => x.callSign.localeCompare(y.callSign)) }))
      .sort((x, y) => x.name.localeCompare(y.name));
    out.push({ agency, stations, count: stations.reduce((n, s) => n + s.resources.length, 0) });
  }
  return out;
}

export class JcrResourceBoard extends LitElement {
  static override properties = { ctx: { attribute: false }, filter: { state: true } };
  ctx!: AppContext;
  filter: BoardFilter = { text: '', agency: '', status: '' };
  private lastStale = -1;
  private readonly sc: StoreController;

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
    }
    details {
      margin: 0 0 0.2em;
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
    // The clock only matters when the set of stale resources changed.
    const s = this.ctx.store;
    const now = Date.now();
    let stale = 0;
    for (const r of s.resources.values()) if (s.isStale(r, now)) stale++;
    const staleChanged = stale !== this.lastStale;
    this.lastStale = stale;
    const clockOnly = changed.size === 0 && this.sc.changed.size === 1 && this.sc.changed.has('clock');
    if (clockOnly && !staleChanged) {
      this.sc.changed.clear();
      return false;
    }
    return true;
  }

  focusFilter(): void {
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
    this.dispatchEvent(new CustomEvent<StatusSetDetail>('jcr-status-set', { detail: { resourceId: sel, status }, bubbles: true, composed: true }));
  }

  override render() {
    const s = this.ctx.store;
    const now = Date.now();
    const stationNames = new Map((s.scenario?.stations ?? []).map((st) => [st.id, st.name]));
    const f = this.filter;
    const list = [...s.resources.values()].filter((r) => matchesFilter(r, f, stationNames.get(r.station) ?? r.station));
    const groups = groupResources(list, stationNames);
    const selected = s.selection.resourceId ? s.resources.get(s.selection.resourceId) : undefined;
    const readOnly = this.ctx.view === 'wall';
    return html`
      <div class="filters" role="search">
        <input type="search" aria-label="Filter resources by call sign, type, station or capability" placeholder="Filter (/)" .value=${f.text} @input=${(e: Event) => (this.filter = { ...f, text: (e.target as HTMLInputElement).value })} />
        <select aria-label="Agency" @change=${(e: Event) => (this.filter = { ...f, agency: AGENCIES.find((a) => a === (e.target as HTMLSelectElement).value) ?? '' })}>
          <option value="">All agencies</option>
          ${AGENCIES.map((a) => html`<option value=${a} ?selected=${f.agency === a}>${agencyLabel(a)}</option>`)}
        </select>
        <select aria-label="Status" @change=${(e: Event) => (this.filter = { ...f, status: STATUSES.find((x) => x === (e.target as HTMLSelectElement).value) ?? '' })}>
          <option value="">All statuses</option>
          ${STATUSES.map((x) => html`<option value=${x} ?selected=${f.status === x}>${STATUS_LABEL[x]}</option>`)}
        </select>
      </div>
      ${selected && !readOnly
        ? html`<form class="selected-detail" @submit=${this.setStatus} aria-label=${`Selected resource ${selected.callSign}`}>
            ${symbolSvg(selected.agency, selected.status, s.isStale(selected, now), 22)}
            <strong>${selected.callSign}</strong> ${selected.type} — ${STATUS_LABEL[selected.status]}${selected.incidentId ? ` (${selected.incidentId})` : ''}
            <select name="status" aria-label=${`New status for ${selected.callSign}`}>
              ${STATUSES.map((x) => html`<option value=${x} ?selected=${x === selected.status}>${STATUS_LABEL[x]}</option>`)}
            </select>
            <button type="submit">Set status</button>
          </form>`
        : nothing}
      <div class="list" role="region" aria-label="Resource status board">
        ${list.length === 0 ? html`<p>${s.resources.size === 0 ? 'No resources loaded yet.' : 'No resources match the filter.'}</p>` : nothing}
        ${groups.map(
          (g) => html`<h3>${symbolSvg(g.agency, 'AVAILABLE_AT_STATION', false, 16)} ${agencyLabel(g.agency)} <span class="count">(${g.count})</span></h3>
            ${g.stations.map((st) => {
              const avail = st.resources.filter((r) => r.status === 'AVAILABLE_AT_STATION' || r.status === 'AVAILABLE_MOBILE').length;
              return html`<details open>
                <summary>${st.name} <span class="count">— ${avail} of ${st.resources.length} available</span></summary>
                <ul>
                  ${repeat(
                    st.resources,
                    (r) => r.id,
                    (r) => {
                      const stale = s.isStale(r, now);
                      return html`<li>
                        <button type="button" data-resource-id=${r.id} data-status=${r.status} aria-pressed=${r.id === s.selection.resourceId ? 'true' : 'false'} @click=${() => this.onSelect(r.id)}
                          aria-label=${`${r.callSign}, ${r.type}, ${STATUS_LABEL[r.status]}${stale ? ', no recent position' : ''}`}>
                          ${symbolSvg(r.agency, r.status, stale)}
                          <span>${r.callSign}</span>
                          <span>${r.type}</span>
                          <span class=${stale ? 'stale' : ''}>${STATUS_LABEL[r.status]}${stale ? ' ·stale' : ''}</span>
                        </button>
                      </li>`;
                    },
                  )}
                </ul>
              </details>`;
            })}`,
        )}
      </div>
    `;
  }
}
customElements.define('jcr-resource-board', JcrResourceBoard);
