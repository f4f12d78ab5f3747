/**
 * <jcr-since-call>: the time since an incident's call ("4:05"), running. It redraws on the store's
 * `clock` slice (the feed's one-second tick on the one timer type, proto/timer.ts), so the
 * incident panel shows the same running time as the queue without re-rendering the whole panel
 * every second.
 */
import { LitElement, html } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';
import { formatDuration } from '../../format.ts';

export class JcrSinceCall extends LitElement {
  static override properties = { ctx: { attribute: false }, callTimeMs: { attribute: false } };
  ctx!: AppContext;
  callTimeMs = 0;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['clock']);
  }

  override render() {
    return html`${formatDuration((Date.now() - this.callTimeMs) / 1000)}`;
  }
}
customElements.define('jcr-since-call', JcrSinceCall);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-since-call': JcrSinceCall;
  }
}
