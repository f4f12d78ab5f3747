/**
 * <jcr-kpi-strip>: open incidents, deployable resources by agency (those with no recent position
 * counted apart: where they are is not known), and how many of today's standard targets are met.
 * A figure the server cannot supply yet is shown as "—" with the reason, never as a made-up number.
 */
import { LitElement, css, html } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import type { PerformanceReport } from '../../../proto/wire.ts';
import { agencyLabel } from '../../format.ts';
import { AGENCIES } from '../../state/types.ts';
import { symbolSvg } from '../symbol-svg.ts';

export class JcrKpiStrip extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['statuses', 'incidents', 'performance', 'capabilities', 'clock']);
  }

  static override styles = css`
    :host {
      display: flex;
      gap: 0.9em;
      align-items: center;
      flex-wrap: nowrap;
      white-space: nowrap;
      overflow: hidden;
    }
    /* value and label side by side: one line of header, not four */
    .kpi {
      display: flex;
      align-items: baseline;
      gap: 0.3em;
      padding: 0 0.5em;
      border-left: 3px solid var(--jcr-fg, #111);
    }
    .v {
      font-size: 1.3em;
      font-weight: 800;
      line-height: 1.1;
      display: inline-flex;
      align-items: center;
      gap: 0.25em;
    }
    .k {
      font-size: 0.8em;
    }
    .na,
    .stale {
      font-size: 0.8em;
      font-weight: 400;
    }
    .below {
      font-weight: 700;
    }
  `;

  override render() {
    const s = this.ctx.store;
    const { available, stale } = s.availableByAgency(Date.now());
    const open = s.capabilities.incidents ? String(s.openIncidents().length) : '—';
    const today = todayTargets(s.performance);
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
            <span class="v">${symbolSvg(a, 'AVAILABLE_AT_STATION', false, 20)}${available[a] ?? 0}</span>
            <span class="k"
              >${agencyLabel(a)}
              available${
                stale[a]
                  ? html` <span class="stale" data-stale=${stale[a]}>+ ${stale[a]} no recent position</span>`
                  : ''
              }</span
            >
          </div>`,
      )}
      <div class="kpi" data-kpi="within-standard">
        <span class="v">${today ? `${today.met}/${today.total}` : '—'}</span>
        <span class="k"
          >standard targets met
          today${
            today
              ? today.below > 0
                ? html` <span class="below" data-below=${today.below}>▼ ${today.below} below target</span>`
                : ''
              : html` <span class="na">(not received yet)</span>`
          }</span
        >
      </div>
    `;
  }
}

/**
 * Today's standard targets with a share, how many meet their target and how many are below; null
 * when there is no report or nothing counted yet today.
 */
export function todayTargets(p: PerformanceReport | null): { met: number; below: number; total: number } | null {
  const today = (p?.figures ?? []).filter((f) => f.window === 'today' && f.share !== null);
  if (today.length === 0) return null;
  const below = today.filter((f) => f.belowTarget).length;
  return { met: today.length - below, below, total: today.length };
}
customElements.define('jcr-kpi-strip', JcrKpiStrip);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-kpi-strip': JcrKpiStrip;
  }
}
