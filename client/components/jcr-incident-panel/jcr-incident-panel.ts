/**
 * <jcr-incident-panel>: create an incident (from a place searched by name, grid reference or
 * coordinates, a map click, or the map centre; ./create-form.ts), showing where its point meets
 * the road network and, beyond the allowance, asking before creating it off the network; for the
 * selected incident, where it is (road, town, grid reference), the recommendation with ETAs as
 * bars against the response standard and its cover impact, or why nothing is proposed; mobilise
 * the recommendation, or override it with a reason. The create form and the mobilise controls are
 * shown only to a role that acts for an agency (not the wall account, client/state/permissions.ts).
 * The whole recommendation is the lead agency's and the duty officer's: an agency that only
 * supports the incident or was asked on it sees its own part of it (its own units proposed, with
 * their ETAs; its lines and units are in <jcr-incident-detail>, its request in the inbox) and may
 * send its own units only. Partner rooms near the incident, and what they offered, follow our own
 * resources (<jcr-via-partner>, issue 18), for a supporting agency too: it may ask them as it
 * may ask our own agencies (an agency only asked reads them, and answers its request first).
 *
 * Events (bubbling, composed):
 *  - `jcr-incident-create` detail {typeId, lat, lon, address, callerAccount, uprn, confirmOffRoad?}
 *  - `jcr-mobilise` detail {incidentId, resourceIds (null = accept the recommendation), reason?}
 *  - `jcr-recommendation-refresh` detail {incidentId}
 *  - `jcr-requests-show` detail {incidentId} (an asked agency goes to its inbox to answer)
 */
import { LitElement, html, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatDuration } from '../../format.ts';
import { coverImpactList } from './cover-impact.ts';
import '../jcr-since-call/jcr-since-call.ts';
import type { Agency, Incident, Recommendation } from '../../state/types.ts';
import { mayCreateIncident, mayOnIncident, maySetStatus, takingPart } from '../../state/permissions.ts';
import type { CreateOutcome } from '../../state/commands.ts';
import { barSvg, symbolSvg } from '../symbol-svg.ts';
import { CreateController } from './create-controller.ts';
import { locationLine } from './location-line.ts';
import { overrideForm } from './override-form.ts';
import { incidentPanelStyles } from './styles.ts';
import '../jcr-via-partner/jcr-via-partner.ts';

export type { IncidentCreateDetail } from './create-controller.ts';

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

export interface RequestsShowDetail {
  incidentId: string;
}

/** Pure: bar length (0..1) of each ETA against a scale that fits the longest ETA and the standard. */
export function etaBars(etas: readonly number[], standardS: number | null): { scaleS: number; fractions: number[] } {
  const scaleS = Math.max(60, standardS ?? 0, ...etas) * 1.1;
  return { scaleS, fractions: etas.map((e) => Math.min(1, e / scaleS)) };
}

export class JcrIncidentPanel extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    message: { type: String },
    busy: { type: Boolean },
    offRoad: { attribute: false },
    overriding: { state: true },
  };
  ctx!: AppContext;
  /** Result of the last action, set by the app (announced politely). */
  message = '';
  busy = false;
  /** The app's last create refused for want of a road (JCR_OFF_ROAD), else null. */
  offRoad: Extract<CreateOutcome, { kind: 'off-road' }> | null = null;
  overriding = false;
  private readonly create = new CreateController(this);

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

  /** N: the location field, the first thing a call-taker enters (issue 16); the type is one Shift+Tab back. */
  focusCreate(): void {
    this.renderRoot.querySelector('jcr-place-search')?.focus();
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
      ${
        rec.resources.length === 0
          ? html`<p data-rec="empty">
              <strong>No resource proposed:</strong> ${rec.emptyReason ?? 'the server gave no reason.'}
            </p>`
          : nothing
      }
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
      ${coverImpactList(rec.coverImpact)}
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
      ${rec.viaPartner ? this.renderViaPartner(inc, rec) : nothing}
    </section>`;
  }

  /**
   * Partner rooms near enough to ask (issue 18), after our own: asked for what is unfilled first,
   * then the type's lines, then (for an agency that supports) what its own units do.
   */
  private renderViaPartner(inc: Incident, rec: Recommendation, own?: Agency) {
    const s = this.ctx.store;
    const type = s.scenario?.incidentTypes.find((t) => t.id === inc.typeId);
    const ownCaps = own ? [...s.resources.values()].filter((r) => r.agency === own).flatMap((r) => r.capabilities) : [];
    const caps = [...new Set([...[...rec.unfilled, ...(type?.attendance ?? [])].map((l) => l.capability), ...ownCaps])];
    return html`<jcr-via-partner
      .ctx=${this.ctx}
      incidentId=${inc.id}
      .via=${rec.viaPartner}
      .capabilities=${caps}
      ?canAsk=${mayOnIncident(this.ctx.user?.role, inc, 'requestAssistance')}
    ></jcr-via-partner>`;
  }

  /**
   * An agency that takes part but does not lead: its own part of the recommendation (the units of
   * its own it proposes, with their ETAs), not the whole incident's.
   */
  private renderOwnPart(inc: Incident, rec: Recommendation | undefined) {
    const role = this.ctx.user?.role;
    const own = takingPart(inc).find((a) => maySetStatus(role, a));
    const asked = own !== undefined && inc.requestedAgencies.includes(own);
    const mine = rec?.resources.filter((r) => maySetStatus(role, r.agency)) ?? [];
    return html`<section aria-label="Your agency's part" data-rec="own-part">
        <p>
          ${inc.leadAgency ? agencyLabel(inc.leadAgency) : 'Another agency'} leads this incident and mobilises from its
          recommendation. ${own ? html`${agencyLabel(own)} takes part: its lines and units are below.` : nothing}
        </p>
        ${
          asked
            ? html`<p>
                ${agencyLabel(own)} was asked to attend: it answers in its inbox.
                <button type="button" aria-keyshortcuts="R" @click=${() => this.showRequests(inc.id)}>
                  Answer the request (R)
                </button>
              </p>`
            : nothing
        }
        ${
          !rec
            ? html`<p class="note">Your part of the recommendation is not received yet.</p>`
            : mine.length === 0
              ? html`<p class="note" data-own-proposed="none">None of your units is proposed.</p>`
              : html`<h4>Proposed of yours</h4>
                  <ul>
                    ${mine.map((r) => html`<li data-resource-id=${r.resourceId}>${symbolSvg(r.agency, 'AVAILABLE_AT_STATION', false)} ${r.callSign} for ${r.capability}, ETA ${formatDuration(r.etaS)}</li>`)}
                  </ul>`
        }
        ${rec?.viaPartner ? this.renderViaPartner(inc, rec, own) : nothing}
      </section>
      <button
        type="button"
        aria-expanded=${this.overriding ? 'true' : 'false'}
        @click=${() => (this.overriding = !this.overriding)}
      >
        Send own units…
      </button>`;
  }

  private showRequests(incidentId: string): void {
    this.dispatchEvent(
      new CustomEvent<RequestsShowDetail>('jcr-requests-show', {
        detail: { incidentId },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private renderOverride(inc: Incident) {
    return overrideForm(this.ctx.store, inc, this.busy, this.ctx.user?.role, (e) => this.onOverride(e, inc.id));
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
              ${locationLine(inc)}
              <p>
                ${inc.lat.toFixed(5)}, ${inc.lon.toFixed(5)} ·
                <jcr-since-call data-since-call .ctx=${this.ctx} .callTimeMs=${inc.callTimeMs}></jcr-since-call>
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
                        : this.renderOwnPart(inc, s.recommendations.get(inc.id))
                    }
                    ${this.overriding ? this.renderOverride(inc) : nothing}`
                  : nothing
              }
              <button type="button" @click=${() => s.select({ incidentId: null })}>Close incident view</button>
            </section>`
          : nothing
      }
      ${this.ctx.view === 'wall' || !mayCreateIncident(this.ctx.user?.role) ? nothing : this.create.render()}
    `;
  }
}
customElements.define('jcr-incident-panel', JcrIncidentPanel);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-incident-panel': JcrIncidentPanel;
  }
}
