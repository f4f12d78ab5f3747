/**
 * <jcr-cover-panel>: cover figures against the response standards, the current gaps, and the
 * standby moves the server suggests (each can be applied). Says plainly when cover has not been
 * computed, or when the server has no cover service.
 *
 * Events: `jcr-standby-apply` detail {moveId}.
 */
import { LitElement, css, html, nothing } from 'lit';
import { styleMap } from 'lit/directives/style-map.js';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatShare } from '../../format.ts';
import { symbolSvg } from '../symbol-svg.ts';

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
      position: relative;
      height: 0.9em;
      border: 1px solid #555;
      background: #fff;
    }
    .bar {
      position: absolute;
      inset: 0 auto 0 0;
      background: #333;
    }
    .bar.below {
      background: repeating-linear-gradient(45deg, #d55e00, #d55e00 4px, #fff 4px, #fff 7px);
    }
    .target {
      position: absolute;
      top: -3px;
      bottom: -3px;
      border-left: 2px dashed #000;
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
            <span class="track" aria-hidden="true"
              ><span class=${below ? 'bar below' : 'bar'} style=${styleMap({ width: `${Math.min(100, f.share * 100).toFixed(1)}%` })}></span
              ><span class="target" style=${styleMap({ left: `${Math.min(100, f.target * 100).toFixed(1)}%` })}></span
            ></span>
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
