/**
 * <jcr-incident-queue>: open incidents, most urgent first (priority, then longest waiting), with
 * the time since the call and where ("A602, near Stevenage · TL 2416 2434": every incident record
 * carries it, on the COP as in the REST answers, when the server has a gazetteer). Selecting
 * one opens it in the incident panel and on the map.
 */
import { LitElement, css, html } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { formatDuration } from '../../format.ts';

export class JcrIncidentQueue extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['incidents', 'selection', 'clock', 'capabilities']);
  }

  static override styles = css`
    :host {
      display: block;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    button {
      all: unset;
      box-sizing: border-box;
      display: grid;
      grid-template-columns: 2em 1fr auto;
      gap: 0.5em;
      width: 100%;
      padding: 0.25em 0.3em;
      border-bottom: 1px solid #ccc;
      cursor: pointer;
      align-items: center;
    }
    button:focus-visible {
      outline: 3px solid var(--jcr-focus, #0072b2);
    }
    button[aria-current='true'] {
      background: var(--jcr-sel, #fff3a0);
    }
    .p {
      display: inline-grid;
      place-items: center;
      width: 1.6em;
      height: 1.6em;
      font-weight: 800;
      transform: rotate(45deg);
      border: 2px solid #000;
    }
    .p span {
      transform: rotate(-45deg);
    }
    .p1 {
      /* black with a yellow edge, as on the map: it stands out on a light panel and on the wall's black */
      background: #000;
      color: #fff;
      border-color: #f0e442;
    }
    .p2 {
      background: #e69f00;
    }
    .p3 {
      background: #fff;
    }
    .t {
      font-variant-numeric: tabular-nums;
      font-weight: 700;
    }
    .empty {
      font-style: italic;
    }
    .where {
      display: block;
      font-size: 0.85em;
    }
  `;

  override render() {
    const s = this.ctx.store;
    if (!s.capabilities.incidents)
      return html`<p class="empty" data-empty="unavailable">Incident service not available on this server yet.</p>`;
    const list = s.openIncidents();
    if (list.length === 0) return html`<p class="empty" data-empty="none">No open incidents.</p>`;
    const now = Date.now();
    const readOnly = this.ctx.view === 'wall';
    return html`<ol aria-label="Open incidents">
      ${repeat(
        list,
        (i) => i.id,
        (i) =>
          html`<li>
            <button
              type="button"
              ?disabled=${readOnly}
              data-incident-id=${i.id}
              aria-current=${i.id === s.selection.incidentId ? 'true' : 'false'}
              aria-label=${`Priority ${i.priority} ${i.typeName}, ${i.id}${i.location ? `, ${i.location.text}` : ''}, ${formatDuration((now - i.callTimeMs) / 1000)} since call, ${i.assigned.length} assigned`}
              @click=${() => s.select({ incidentId: i.id })}
            >
              <span class="p p${i.priority}"><span>${i.priority}</span></span>
              <span
                >${i.typeName}
                <small>${i.id}</small>${i.assigned.length ? html` · ${i.assigned.length} assigned` : ''}${
                  i.location ? html`<span class="where" data-location>${i.location.text}</span>` : ''
                }</span
              >
              <span class="t">${formatDuration((now - i.callTimeMs) / 1000)}</span>
            </button>
          </li>`,
      )}
    </ol>`;
  }
}
customElements.define('jcr-incident-queue', JcrIncidentQueue);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-incident-queue': JcrIncidentQueue;
  }
}
