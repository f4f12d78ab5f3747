/**
 * <jcr-standards-panel>: performance against standards from actual arrivals (issue 17 item 2), as
 * the COP pushes it: per standard target, today, the last 24 hours and the shift, the share
 * reached within the target time, the median and 90th percentile. A target being missed is marked
 * in words and with an edge, never by colour alone. Read-only; on the wall and the dispatcher view.
 */
import { LitElement, css, html } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { agencyLabel } from '../../format.ts';
import { standardsRows } from './standards-model.ts';

export class JcrStandardsPanel extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['performance']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    table {
      border-collapse: collapse;
      width: 100%;
      font-variant-numeric: tabular-nums;
    }
    caption {
      text-align: left;
      font-weight: 700;
      padding: 0.2em 0;
    }
    th,
    td {
      text-align: left;
      vertical-align: top;
      padding: 0.2em 0.35em;
      border-bottom: 1px solid currentColor;
    }
    td .s {
      font-size: 1.25em;
      font-weight: 800;
    }
    td .c,
    td .t,
    th .n {
      display: block;
      font-size: 0.8em;
      font-weight: 400;
    }
    td.below {
      /* #d55e00 edge: 3.6:1 on white, 4.3:1 on black (a symbol, WCAG 1.4.11) */
      outline: 3px solid #d55e00;
      outline-offset: -3px;
    }
    .mark {
      font-weight: 800;
      font-size: 0.8em;
    }
    .empty {
      font-style: italic;
    }
  `;

  override render() {
    const { windows, rows } = standardsRows(this.ctx.store.performance);
    if (rows.length === 0)
      return html`<p class="empty" data-empty="standards">Performance against standards not received yet.</p>`;
    return html`<table data-standards>
      <caption>
        Performance against standards
      </caption>
      <thead>
        <tr>
          <th scope="col">Target</th>
          ${windows.map((w) => html`<th scope="col" data-window=${w.id}>${w.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr data-target=${r.key}>
              <th scope="row">${agencyLabel(r.agency)}: ${r.target}<span class="n">${r.standardName}</span></th>
              ${r.cells.map(
                (c) =>
                  html`<td
                    class=${c.belowTarget ? 'below' : ''}
                    data-window=${c.window}
                    data-below=${c.belowTarget ? 'true' : 'false'}
                  >
                    <span class="s">${c.share}</span>
                    ${c.belowTarget ? html`<span class="mark">▼ below target</span>` : ''}
                    <span class="c">${c.counts}</span>
                    ${c.times ? html`<span class="t">${c.times}</span>` : ''}
                  </td>`,
              )}
            </tr>`,
        )}
      </tbody>
    </table>`;
  }
}
customElements.define('jcr-standards-panel', JcrStandardsPanel);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-standards-panel': JcrStandardsPanel;
  }
}
