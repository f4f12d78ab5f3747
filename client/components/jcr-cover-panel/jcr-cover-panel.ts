/**
 * <jcr-cover-panel>: cover figures against the response standards, the current gaps, and the
 * standby moves the server suggests (each can be applied). Says plainly when cover has not been
 * computed, or when the server has no cover service.
 *
 * Events: `jcr-standby-apply` detail {moveId}.
 */
import { LitElement, css, html, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatShare } from '../../format.ts';
import { barSvg, symbolSvg } from '../symbol-svg.ts';

export interface StandbyApplyDetail {
  moveId: string;
}

export class JcrCoverPanel extends LitElement {
  static override properties = { ctx: { attribute: false }, message: { type: String } };
  ctx!: AppContext;
  message = '';

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['cover', 'capabilities']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      padding: 0;
      margin: 0.3em 0;
    }
    .fig {
      display: grid;
      grid-template-columns: 1.4em 1fr 8em 3.5em;
      gap: 0.4em;
      align-items: center;
      margin: 0.2em 0;
    }
    .track {
      display: block;
      line-height: 0;
    }
    button {
      font: inherit;
    }
    button:focus-visible {
      outline: 3px solid var(--jcr-focus, #0072b2);
    }
    .empty {
      font-style: italic;
    }
    .msg {
      font-weight: 700;
      min-height: 1.2em;
    }
  `;

  override render() {
    const s = this.ctx.store;
    if (!s.capabilities.cover) return html`<p class="empty" data-empty="unavailable">Cover not computed yet: this server has no cover service.</p>`;
    const c = s.cover;
    if (!c) return html`<p class="empty" data-empty="none">Cover not computed yet.</p>`;
    const readOnly = this.ctx.view === 'wall';
    return html`
      <p class="msg" role="status" aria-live="polite">${this.message}</p>
      <h4>Cover against standards</h4>
      <ul aria-label="Cover figures">
        ${c.figures.map((f) => {
          const below = f.share < f.target;
          return html`<li class="fig" aria-label=${`${f.name}: ${formatShare(f.share)} of demand covered, target ${formatShare(f.target)}${below ? ', below target' : ''}`}>
            ${symbolSvg(f.agency, 'AVAILABLE_AT_STATION', false)}
            <span>${f.name}</span>
            <span class="track">${barSvg(f.share, f.target, below)}</span>
            <strong>${formatShare(f.share)}</strong>
          </li>`;
        })}
      </ul>
      <h4>Gaps</h4>
      ${c.gaps.length === 0
        ? html`<p class="empty">No gaps.</p>`
        : html`<ul>
            ${c.gaps.map((g) => html`<li>${agencyLabel(g.agency)}: ${g.label}</li>`)}
          </ul>`}
      <h4>Suggested standby moves</h4>
      ${c.moves.length === 0
        ? html`<p class="empty">No moves suggested.</p>`
        : html`<ul>
            ${c.moves.map(
              (m) => html`<li>
                ${m.callSign} → ${m.toName} (+${formatShare(m.gain)} covered)
                ${readOnly
                  ? nothing
                  : html`<button type="button" aria-label=${`Apply standby move: ${m.callSign} to ${m.toName}`}
                      @click=${() => this.dispatchEvent(new CustomEvent<StandbyApplyDetail>('jcr-standby-apply', { detail: { moveId: m.id }, bubbles: true, composed: true }))}>Apply</button>`}
              </li>`,
            )}
          </ul>`}
    `;
  }
}
customElements.define('jcr-cover-panel', JcrCoverPanel);
