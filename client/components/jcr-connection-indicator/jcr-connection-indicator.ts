/**
 * <jcr-connection-indicator>: always visible; says in words and by shape whether the picture is
 * live, stale (no update for a while) or reconnecting, and how long since the last update; and
 * "Reconnecting to the room…" while a command or read waits out the room's changeover to its
 * standby (state/failover.ts), so a panel's "Mobilising…" that takes seconds says why.
 */
import { LitElement, css, html } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';

const LABEL = { connecting: 'Connecting', live: 'Live', stale: 'Stale', reconnecting: 'Reconnecting' } as const;

export class JcrConnectionIndicator extends LitElement {
  static override properties = { ctx: { attribute: false } };
  ctx!: AppContext;
  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['connection', 'clock']);
  }

  static override styles = css`
    :host {
      display: inline-flex;
      align-items: center;
      gap: 0.4em;
      font-weight: 700;
      padding: 0.2em 0.6em;
      border-radius: 1em;
      border: 2px solid currentColor;
      white-space: nowrap;
    }
    .dot {
      width: 0.8em;
      height: 0.8em;
      border-radius: 50%;
      border: 2px solid currentColor;
      box-sizing: border-box;
    }
    :host([state='live']) {
      color: var(--jcr-ok, #007a5a);
    }
    :host([state='live']) .dot {
      background: currentColor;
    }
    :host([state='stale']) {
      color: var(--jcr-warn, #a35200);
    }
    :host([state='stale']) .dot {
      border-style: dashed;
    }
    :host([state='reconnecting']),
    :host([state='connecting']) {
      color: var(--jcr-bad, #b00020);
    }
    :host([state='reconnecting']) .dot,
    :host([state='connecting']) .dot {
      border-radius: 0;
      transform: rotate(45deg);
    }
    .age {
      font-weight: 400;
    }
    .retrying {
      color: var(--jcr-warn, #a35200);
    }
  `;

  override render() {
    const s = this.ctx.store;
    this.setAttribute('state', s.connection);
    const age = s.lastMessageAtMs > 0 ? Math.max(0, Math.round((Date.now() - s.lastMessageAtMs) / 1000)) : null;
    return html`<span class="dot" aria-hidden="true"></span>
      <span role="status" aria-live="polite" title=${s.connectionDetail} data-state=${s.connection}
        >${LABEL[s.connection]}</span
      >
      ${age !== null && s.connection !== 'live' ? html`<span class="age">(last update ${age} s ago)</span>` : null}
      ${s.restRetrying ? html`<span class="retrying" aria-live="polite">Reconnecting to the room…</span>` : null}`;
  }
}
customElements.define('jcr-connection-indicator', JcrConnectionIndicator);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-connection-indicator': JcrConnectionIndicator;
  }
}
