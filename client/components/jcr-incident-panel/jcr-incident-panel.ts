/**
 * <jcr-incident-panel>: create an incident (from a map click, the map centre, or typed
 * coordinates); for the selected incident, the recommendation with ETAs as bars against the
 * response standard and its cover impact; mobilise the recommendation, or override it with a
 * reason. The create form and the mobilise controls are shown only to a role that acts for an
 * agency (not the wall account, client/state/permissions.ts). The recommendation is the lead
 * agency's and the duty officer's: an agency that only supports the incident or was asked on it
 * sees its own part instead (its lines and units are in <jcr-incident-detail>, its request in the
 * inbox) and may override with its own units only.
 *
 * Events (bubbling, composed):
 *  - `jcr-incident-create` detail {typeId, lat, lon, address}
 *  - `jcr-mobilise` detail {incidentId, resourceIds (null = accept the recommendation), reason?}
 *  - `jcr-recommendation-refresh` detail {incidentId}
 */
import { LitElement, html, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatDuration, formatShare } from '../../format.ts';
import { STATUS_LABEL } from '../../map/symbols.ts';
import type { ClientResource, Incident, Recommendation } from '../../state/types.ts';
import { mayCreateIncident, mayOnIncident, maySetStatus, takingPart } from '../../state/permissions.ts';
import { barSvg, symbolSvg } from '../symbol-svg.ts';
import { incidentPanelStyles } from './styles.ts';

export interface IncidentCreateDetail {
  typeId: string;
  lat: number;
  lon: number;
  address: string;
}

export interface MobiliseDetail {
  incidentId: string;
  /** null: accept the recommendation as proposed. */
  resourceIds: string[] | null;
  /** Required by the server whenever the choice differs from the recommendation. */
  reason?: string;
}

export interface RecommendationRefreshDetail {
  incidentId: string;
}

/** Pure: bar length (0..1) of each ETA against a scale that fits the longest ETA and the standard. */
export function etaBars(etas: readonly number[], standardS: number | null): { scaleS: number; fractions: number[] } {
  const scaleS = Math.max(60, standardS ?? 0, ...etas) * 1.1;
  return { scaleS, fractions: etas.map((e) => Math.min(1, e / scaleS)) };
}

function distM(aLat: number, aLon: number, bLat: number, bLon: number): number {
  const k = Math.PI / 180;
  const x = (bLon - aLon) * k * Math.cos(((aLat + bLat) / 2) * k);
  const y = (bLat - aLat) * k;
  return Math.sqrt(x * x + y * y) * 6_371_000;
}

export class JcrIncidentPanel extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    message: { type: String },
    busy: { type: Boolean },
    overriding: { state: true },
  };
  ctx!: AppContext;
  /** Result of the last action, set by the app (announced politely). */
  message = '';
  busy = false;
  overriding = false;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, [
      'selection',
      'incidents',
      'recommendations',
      'scenario',
      'capabilities',
      'statuses',
    ]);
  }

  static override styles = incidentPanelStyles;

  focusCreate(): void {
    this.renderRoot.querySelector<HTMLSelectElement>('select[name=typeId]')?.focus();
  }

  /** Keyboard: Ctrl+Enter mobilises the recommendation of the open incident. */
  mobiliseRecommended(): void {
    const s = this.ctx.store;
    const id = s.selection.incidentId;
    const rec = id ? s.recommendations.get(id) : undefined;
    if (!id || !rec || rec.resources.length === 0) return;
    this.dispatchEvent(
      new CustomEvent<MobiliseDetail>('jcr-mobilise', {
        detail: { incidentId: id, resourceIds: null },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onCreate(e: Event): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const typeId = String(fd.get('typeId') ?? '');
    const lat = Number(fd.get('lat'));
    const lon = Number(fd.get('lon'));
    if (
      !typeId ||
      !Number.isFinite(lat) ||
      !Number.isFinite(lon) ||
      String(fd.get('lat') ?? '') === '' ||
      String(fd.get('lon') ?? '') === ''
    ) {
      this.message = 'Choose a type and give a location (click the map, or type latitude and longitude).';
      return;
    }
    this.dispatchEvent(
      new CustomEvent<IncidentCreateDetail>('jcr-incident-create', {
        detail: { typeId, lat, lon, address: String(fd.get('address') ?? '').trim() },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onOverride(e: Event, incidentId: string): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const resourceIds = fd.getAll('resourceId').map(String);
    const reason = String(fd.get('reason') ?? '').trim();
    if (resourceIds.length === 0 || reason.length === 0) {
      this.message = 'An override needs at least one resource and a reason.';
      return;
    }
    this.dispatchEvent(
      new CustomEvent<MobiliseDetail>('jcr-mobilise', {
        detail: { incidentId, resourceIds, reason },
        bubbles: true,
        composed: true,
      }),
    );
    this.overriding = false;
  }

  private refresh(incidentId: string): void {
    this.dispatchEvent(
      new CustomEvent<RecommendationRefreshDetail>('jcr-recommendation-refresh', {
        detail: { incidentId },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private renderCreate() {
    const s = this.ctx.store;
    const p = s.selection.point;
    const types = s.scenario?.incidentTypes ?? [];
    return html`<form @submit=${this.onCreate} aria-label="New incident">
      <fieldset>
        <legend>New incident (N)</legend>
        ${s.capabilities.incidents ? nothing : html`<p class="note" data-pending="incidents">This server has no incident service yet: creating an incident will be refused.</p>`}
        <label
          >Type
          <select name="typeId" required>
            ${types.map((t) => html`<option value=${t.id}>P${t.priority} ${t.name} (${agencyLabel(t.leadAgency)})</option>`)}
          </select>
        </label>
        <div class="row">
          <label
            >Latitude
            <input name="lat" type="number" step="any" min="-90" max="90" required .value=${p ? p.lat.toFixed(5) : ''}
          /></label>
          <label
            >Longitude
            <input
              name="lon"
              type="number"
              step="any"
              min="-180"
              max="180"
              required
              .value=${p ? p.lon.toFixed(5) : ''}
          /></label>
        </div>
        <p class="note">Click the map, or focus the map and press Enter to use its centre.</p>
        <label>Address or location <input name="address" type="text" maxlength="500" /></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Create incident</button>
      </fieldset>
    </form>`;
  }

  private renderRecommendation(inc: Incident, rec: Recommendation | undefined) {
    const s = this.ctx.store;
    if (!s.capabilities.recommendations)
      return html`<p class="note" data-rec="unavailable">
          No recommendation: the server has no road network loaded, so it cannot time journeys. Mobilise with Override.
        </p>
        <button
          type="button"
          aria-expanded=${this.overriding ? 'true' : 'false'}
          @click=${() => (this.overriding = !this.overriding)}
        >
          Override…
        </button>`;
    if (!rec)
      return html`<p class="note" data-rec="pending">Recommendation not received yet.</p>
        <button type="button" @click=${() => this.refresh(inc.id)}>Get recommendation</button>
        <button
          type="button"
          aria-expanded=${this.overriding ? 'true' : 'false'}
          @click=${() => (this.overriding = !this.overriding)}
        >
          Override…
        </button>`;
    const type = s.scenario?.incidentTypes.find((t) => t.id === inc.typeId);
    const std = s.scenario?.standards.find((x) => type?.standards.includes(x.id));
    const stdS = std?.targets.find((t) => t.nth === 1)?.withinS ?? null;
    const { scaleS, fractions } = etaBars(
      rec.resources.map((r) => r.etaS),
      stdS,
    );
    return html`<section aria-label="Recommendation" data-rec="shown">
      <h4>Recommended attendance${std ? html` <small>(standard: ${std.name})</small>` : nothing}</h4>
      ${rec.resources.length === 0 ? html`<p>No resource can be recommended.</p>` : nothing}
      <ul class="bars">
        ${rec.resources.map((r, i) => {
          const late = stdS !== null && r.etaS > stdS;
          return html`<li
            data-resource-id=${r.resourceId}
            aria-label=${`${r.callSign} for ${r.capability}, ETA ${formatDuration(r.etaS)}${late ? ', outside the standard' : ''}`}
          >
            ${symbolSvg(r.agency, 'AVAILABLE_AT_STATION', false)}
            <span>${r.callSign}</span>
            <span class="track">${barSvg(fractions[i] ?? 0, stdS !== null ? stdS / scaleS : null, late)}</span>
            <span class="eta">${formatDuration(r.etaS)}</span>
          </li>`;
        })}
      </ul>
      ${rec.unfilled.length ? html`<p><strong>Not filled:</strong> ${rec.unfilled.map((u) => `${u.count} × ${u.capability}`).join(', ')}</p>` : nothing}
      <h4>Cover impact</h4>
      ${
        rec.coverImpact.length === 0
          ? html`<p class="note">No cover impact given.</p>`
          : html`<ul>
              ${rec.coverImpact.map((c) => html`<li>${c.label}: ${formatShare(c.beforeShare)} → <strong>${formatShare(c.afterShare)}</strong></li>`)}
            </ul>`
      }
      <div class="row">
        <button
          class="primary"
          type="button"
          ?disabled=${this.busy || rec.resources.length === 0}
          @click=${() => this.mobiliseRecommended()}
          aria-keyshortcuts="Control+Enter"
        >
          Mobilise recommended (Ctrl+Enter)
        </button>
        <button
          type="button"
          aria-expanded=${this.overriding ? 'true' : 'false'}
          @click=${() => (this.overriding = !this.overriding)}
        >
          Override…
        </button>
      </div>
    </section>`;
  }

  /** An agency that takes part but does not lead: its own part, no recommendation of the whole. */
  private renderOwnPart(inc: Incident) {
    const role = this.ctx.user?.role;
    const own = takingPart(inc).find((a) => maySetStatus(role, a));
    const asked = own !== undefined && inc.requestedAgencies.includes(own);
    return html`<section aria-label="Your agency's part" data-rec="own-part">
        <p>
          ${inc.leadAgency ? agencyLabel(inc.leadAgency) : 'Another agency'} leads this incident and mobilises from its
          recommendation. ${own ? html`${agencyLabel(own)} takes part: its lines and units are below.` : nothing}
          ${asked ? html`Answer the request to ${agencyLabel(own)} in the Requests tab (R).` : nothing}
        </p>
      </section>
      <button
        type="button"
        aria-expanded=${this.overriding ? 'true' : 'false'}
        @click=${() => (this.overriding = !this.overriding)}
      >
        Send own units…
      </button>`;
  }

  private renderOverride(inc: Incident) {
    const s = this.ctx.store;
    const role = this.ctx.user?.role;
    const rec = s.recommendations.get(inc.id);
    const timed = rec && rec.candidates.length > 0;
    const rows = timed
      ? rec.candidates.map((c) => ({
          id: c.resourceId,
          agency: c.agency,
          text: `${c.callSign} (${c.capability}) — ETA ${formatDuration(c.etaS)}${c.proposed ? ', recommended' : ''}${c.withheld ? `, withheld: ${c.withheld}` : ''}`,
        }))
      : [...s.resources.values()]
          .filter(
            (r) =>
              (r.status === 'AVAILABLE_AT_STATION' || r.status === 'AVAILABLE_MOBILE' || r.status === 'RETURNING') &&
              // Only what this role may mobilise (its own agency's; the duty officer, any).
              maySetStatus(role, r.agency),
          )
          .sort((a, b) => distM(a.lat, a.lon, inc.lat, inc.lon) - distM(b.lat, b.lon, inc.lat, inc.lon))
          .slice(0, 20)
          .map((r: ClientResource) => ({
            id: r.id,
            agency: r.agency,
            text: `${r.callSign} ${r.type} — ${STATUS_LABEL[r.status]}, ${(distM(r.lat, r.lon, inc.lat, inc.lon) / 1000).toFixed(1)} km in a straight line`,
          }));
    return html`<form @submit=${(e: Event) => this.onOverride(e, inc.id)} aria-label="Override recommendation">
      <fieldset>
        <legend>
          Override: choose resources
          ${timed ? '(timed by the server)' : '(nearest in a straight line; no journey times)'}
        </legend>
        <div class="override-list">
          ${rows.map((r) => html`<label><input type="checkbox" name="resourceId" value=${r.id} /> ${symbolSvg(r.agency, 'AVAILABLE_AT_STATION', false)} ${r.text}</label>`)}
        </div>
        <label>Reason (required) <textarea name="reason" required rows="2" maxlength="500"></textarea></label>
        <button class="primary" type="submit" ?disabled=${this.busy}>Mobilise with override</button>
      </fieldset>
    </form>`;
  }

  override render() {
    const s = this.ctx.store;
    const id = s.selection.incidentId;
    const inc = id ? s.incidents.get(id) : undefined;
    return html`
      <p class="msg" role="status" aria-live="polite">${this.message}</p>
      ${
        inc
          ? html`<section aria-label=${`Incident ${inc.id}`} data-incident-id=${inc.id}>
              <h3>P${inc.priority} ${inc.typeName} <small>${inc.id}</small></h3>
              <p>
                ${inc.lat.toFixed(5)}, ${inc.lon.toFixed(5)} · ${formatDuration((Date.now() - inc.callTimeMs) / 1000)}
                since call${inc.description ? html` · ${inc.description}` : nothing}
              </p>
              ${
                inc.assigned.length
                  ? html`<p>
                      Assigned: ${inc.assigned.map((rid) => s.resources.get(rid)?.callSign ?? rid).join(', ')}
                    </p>`
                  : nothing
              }
              ${
                mayCreateIncident(this.ctx.user?.role)
                  ? html`${
                      mayOnIncident(this.ctx.user?.role, inc, 'update')
                        ? this.renderRecommendation(inc, s.recommendations.get(inc.id))
                        : this.renderOwnPart(inc)
                    }
                    ${this.overriding ? this.renderOverride(inc) : nothing}`
                  : nothing
              }
              <button type="button" @click=${() => s.select({ incidentId: null })}>Close incident view</button>
            </section>`
          : nothing
      }
      ${this.ctx.view === 'wall' || !mayCreateIncident(this.ctx.user?.role) ? nothing : this.renderCreate()}
    `;
  }
}
customElements.define('jcr-incident-panel', JcrIncidentPanel);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-incident-panel': JcrIncidentPanel;
  }
}
