/**
 * <jcr-via-partner>: cross-border assistance under an incident's recommendation (issue 18 item
 * 5), shown only when a partner room is near enough to ask. After our own resources: each near
 * partner with how far the incident is from its area and where our latest request to it
 * stands; the resources partners offered, quickest first, each marked "via partner" with its ETA
 * and a **Request** button (asks for that one resource); and **Ask partner** (a capability, the
 * incident type's first, and a count). The ask controls are for a role that may ask for
 * assistance on the incident (`canAsk`); others, and the wall, only read.
 *
 * Properties: `ctx`, `incidentId`, `via`, `capabilities` (offered in the form), `canAsk`.
 * Events (bubbling, composed): `jcr-recommendation-refresh` detail {incidentId}, once a request
 * is sent or a partner has answered, so the recommendation (and its offers) is fetched again.
 */
import { LitElement, css, html, nothing } from 'lit';
import type { AppContext } from '../../context.ts';
import { ViaPartnerController } from '../../controllers/via-partner-controller.ts';
import { formatDuration } from '../../format.ts';
import { requestWords, type NearPartner, type ViaPartner, type ViaPartnerOffer } from '../../state/via-partner.ts';

export interface ViaPartnerRefreshDetail {
  incidentId: string;
}

function distanceWords(p: NearPartner): string {
  return p.metresFromArea === 0
    ? 'the incident is in its area'
    : `${(p.metresFromArea / 1000).toFixed(1)} km from its area`;
}

export class JcrViaPartner extends LitElement {
  static override properties = {
    ctx: { attribute: false },
    incidentId: { type: String },
    via: { attribute: false },
    capabilities: { attribute: false },
    canAsk: { type: Boolean },
  };
  ctx!: AppContext;
  incidentId = '';
  via: ViaPartner | undefined = undefined;
  capabilities: string[] = [];
  canAsk = false;
  private readonly state = new ViaPartnerController(
    this,
    () => this.ctx,
    () =>
      this.dispatchEvent(
        new CustomEvent<ViaPartnerRefreshDetail>('jcr-recommendation-refresh', {
          detail: { incidentId: this.incidentId },
          bubbles: true,
          composed: true,
        }),
      ),
  );

  static override styles = css`
    :host {
      display: block;
      border: 2px dashed #6a3d9a;
      padding: 0.3em 0.5em;
      margin: 0.4em 0;
    }
    h4 {
      margin: 0.1em 0 0.3em;
    }
    ul,
    ol {
      margin: 0.2em 0;
      padding-left: 1.2em;
    }
    form {
      display: flex;
      flex-wrap: wrap;
      gap: 0.4em;
      align-items: end;
    }
    label {
      display: flex;
      flex-direction: column;
    }
    input,
    select,
    button {
      font: inherit;
    }
    input[type='number'] {
      width: 4em;
    }
    button:focus-visible,
    input:focus-visible,
    select:focus-visible {
      outline: 3px solid var(--jcr-focus, #0072b2);
    }
  `;

  override willUpdate(): void {
    if (this.incidentId) this.state.watch(this.incidentId, this.via);
  }

  private onAsk(e: Event): void {
    e.preventDefault();
    const fd = new FormData(e.target as HTMLFormElement);
    const partnerId = String(fd.get('partnerId') ?? '');
    const p = this.via?.partners.find((x) => x.partnerId === partnerId);
    if (!p) return;
    const capability = String(fd.get('capability') ?? '');
    const count = Number(fd.get('count') ?? 1);
    const note = String(fd.get('note') ?? '').trim();
    void this.state.ask(this.incidentId, { partnerId, capability, count, ...(note ? { note } : {}) }, p.name);
  }

  private pick(o: ViaPartnerOffer): void {
    void this.state.ask(this.incidentId, { partnerId: o.partnerId, resourceId: o.resourceId }, o.partnerName);
  }

  override render() {
    const via = this.via;
    if (!via || via.partners.length === 0) return nothing;
    const busy = this.state.busy;
    return html`<section aria-label="Via partner rooms" data-via-partner=${this.incidentId}>
      <h4>Via partner rooms <small>(after our own)</small></h4>
      <ul>
        ${via.partners.map(
          (p) =>
            html`<li data-partner-id=${p.partnerId}>
              ${p.name}: ${distanceWords(p)}${p.request ? html` · ${requestWords(p.request)}` : nothing}
            </li>`,
        )}
      </ul>
      ${
        via.offered.length
          ? html`<ol aria-label="Offered via partner">
              ${via.offered.map(
                (o) =>
                  html`<li data-resource-id=${o.resourceId} data-partner-id=${o.partnerId}>
                    <span class="what"
                      >${o.callsign} ${o.capability}, ETA ${formatDuration(o.etaS)}, via partner ${o.partnerName}</span
                    >
                    ${
                      this.canAsk
                        ? html`<button type="button" ?disabled=${busy} @click=${() => this.pick(o)}>
                            Request ${o.callsign} via partner
                          </button>`
                        : nothing
                    }
                  </li>`,
              )}
            </ol>`
          : nothing
      }
      ${
        this.canAsk
          ? html`<form aria-label="Ask a partner room for resources" @submit=${(e: Event) => this.onAsk(e)}>
              <label
                >Partner
                <select name="partnerId">
                  ${via.partners.map((p) => html`<option value=${p.partnerId}>${p.name}</option>`)}
                </select></label
              >
              <label
                >Capability
                <select name="capability">
                  ${this.capabilities.map((c) => html`<option value=${c}>${c}</option>`)}
                </select></label
              >
              <label>Count <input name="count" type="number" min="1" max="100" value="1" required /></label>
              <label>Note <input name="note" maxlength="2000" /></label>
              <button type="submit" ?disabled=${busy || this.capabilities.length === 0}>Ask partner</button>
            </form>`
          : nothing
      }
      <p role="status" aria-live="polite">${this.state.message}</p>
    </section>`;
  }
}
customElements.define('jcr-via-partner', JcrViaPartner);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-via-partner': JcrViaPartner;
  }
}
