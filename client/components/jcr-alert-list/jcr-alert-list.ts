/**
 * <jcr-alert-list>: every active alert this screen may see, large, for the wall (issue 17 item 1:
 * "the alerts of item 3, large"): most urgent first (priority 1 first, then the newest), each
 * with what kind it is, its words and how long it has been active, the clock running. The banner
 * (<jcr-alert-banner>) shows one at a time; from across the room the wall shows them all.
 * Read-only: acknowledging is per user, at a desk.
 */
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AlertMsg } from '../../../proto/wire.ts';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { formatDuration } from '../../format.ts';

/** Each kind in a few words (docs/alerts.md). */
const KIND_WORDS: Record<string, string> = {
  'new-p1': 'New priority 1',
  unassigned: 'No unit sent',
  'joint-request': 'Request waiting',
  quicker: 'Quicker unit',
  'avl-stale': 'AVL stale',
  'cover-below': 'Cover below target',
};

/** Most urgent first: priority 1 before 2 and 3, an alert without an incident (cover) last; then the newest. */
export function alertOrder(list: readonly AlertMsg[]): AlertMsg[] {
  return [...list].sort((a, b) => (a.priority || 9) - (b.priority || 9) || b.raisedAtMs - a.raisedAtMs);
}

export class JcrAlertList extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['alerts', 'clock']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    h2 {
      margin: 0.2em 0;
      font-size: 1em;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: grid;
      grid-template-columns: 1fr auto;
      gap: 0 0.5em;
      padding: 0.25em 0.4em;
      margin-bottom: 0.25em;
      background: #000;
      color: #fff;
      border: 3px solid #f0e442;
      font-size: 1.1em;
      line-height: 1.2;
    }
    .kind {
      font-weight: 800;
      color: #f0e442;
    }
    .age {
      font-variant-numeric: tabular-nums;
      font-weight: 700;
    }
    .text {
      grid-column: 1 / -1;
    }
    .none {
      font-style: italic;
    }
  `;

  override render() {
    const list = alertOrder(this.ctx.store.alerts);
    const now = Date.now();
    return html`<section aria-labelledby="alerts-h">
      <h2 id="alerts-h">Alerts <span data-alert-count=${list.length}>(${list.length})</span></h2>
      ${
        list.length === 0
          ? html`<p class="none" data-alerts="none">No active alerts.</p>`
          : html`<ol aria-label="Active alerts">
              ${repeat(
                list,
                (a) => a.id,
                (a) =>
                  html`<li data-alert=${a.id} data-kind=${a.kind} data-priority=${String(a.priority)}>
                    <span class="kind">${KIND_WORDS[a.kind] ?? a.kind}</span>
                    <span class="age" aria-label="active for"
                      >${formatDuration(Math.max(0, now - a.raisedAtMs) / 1000)}</span
                    >
                    <span class="text">${a.text}</span>
                  </li>`,
              )}
            </ol>`
      }
    </section>`;
  }
}
customElements.define('jcr-alert-list', JcrAlertList);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-alert-list': JcrAlertList;
  }
}
