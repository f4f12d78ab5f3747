/**
 * <jcr-kpi-strip>: open incidents, deployable resources by agency, and the share of today's
 * incidents reached within standard. A figure the server cannot supply yet is shown as "—" with
 * the reason, never as a made-up number.
 */
import { LitElement, css, html } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel, formatShare } from '../../format.ts';
import { AGENCIES } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';

export class JcrKpiStrip extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['statuses', 'incidents', 'kpis', 'capabilities']);
  }

  static override styles = css`
    :host {
      display: flex;
      gap: 1.2em;
      align-items: stretch;
      flex-wrap: wrap;
    }
    .kpi {
      display: flex;
      flex-direction: column;
      padding: 0.1em 0.6em;
      border-left: 3px solid var(--jcr-fg, #111);
    }
    .v {
      font-size: 1.5em;
      font-weight: 800;
      line-height: 1.1;
      display: inline-flex;
      align-items: center;
      gap: 0.25em;
    }
    .k {
      font-size: 0.8em;
    }
    .na {
      font-size: 0.8em;
      font-weight: 400;
    }
  `;

  override render() {
    const s = this.ctx.store;
    const avail = s.availableByAgency();
    const open = s.capabilities.incidents ? String(s.openIncidents().length) : '—';
    const kpis = s.kpis;
    return html`
      <div class="kpi" data-kpi="open-incidents">
        <span class="v">${open}</span>
        <span class="k"
          >open
          incidents${s.capabilities.incidents ? '' : html` <span class="na">(incident service not available)</span>`}</span
        >
      </div>
      ${AGENCIES.map(
        (a) =>
          html`<div class="kpi" data-kpi=${`available-${a}`}>
            <span class="v">${symbolSvg(a, 'AVAILABLE_AT_STATION', false, 20)}${avail[a] ?? 0}</span>
            <span class="k">${agencyLabel(a)} available</span>
          </div>`,
      )}
      <div class="kpi" data-kpi="within-standard">
        <span class="v"
          >${kpis && kpis.incidentsToday > 0 ? formatShare(kpis.reachedWithinStandard / kpis.incidentsToday) : '—'}</span
        >
        <span class="k"
          >today reached within
          standard${
            kpis
              ? html` (${kpis.reachedWithinStandard} of ${kpis.incidentsToday})`
              : html` <span class="na">(not computed yet)</span>`
          }</span
        >
      </div>
    `;
  }
}
customElements.define('jcr-kpi-strip', JcrKpiStrip);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-kpi-strip': JcrKpiStrip;
  }
}
