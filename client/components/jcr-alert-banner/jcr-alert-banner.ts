/**
 * <jcr-alert-banner>: the newest active alert this user has not acknowledged, in words, with a
 * count badge of all of them; Acknowledge (POST /api/alerts/:id/ack, per user; not on the wall)
 * and Mute. A new alert sounds a short tone made in the page with Web Audio (no sound files),
 * unless this user muted it (kept in localStorage under the user's name).
 */
import { LitElement, css, html, nothing } from 'lit';
import { StoreController } from '../../controllers/store-controller.ts';
import type { AppContext } from '../../context.ts';

export class JcrAlertBanner extends LitElement {
  static override properties = { ctx: { attribute: false }, muted: { state: true } };
  ctx!: AppContext;
  muted = false;
  private heard = new Set<string>();
  private audio: AudioContext | null = null;

  constructor() {
    super();
    new StoreController(this, () => this.ctx.store, ['alerts']);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    try {
      this.muted = localStorage.getItem(this.muteKey()) === '1';
    } catch {
      this.muted = false;
    }
    // alerts already active when the page opens are not news
    for (const a of this.ctx.store.alerts) this.heard.add(a.id);
    if (this.ctx.view !== 'wall') void this.loadAcknowledged();
  }

  /** What this user acknowledged before (another page, before a reload): GET /api/alerts says. */
  private async loadAcknowledged(): Promise<void> {
    const r = await this.ctx.api.request('GET', '/api/alerts');
    const list: unknown =
      r.ok && typeof r.body === 'object' && r.body !== null ? (r.body as { alerts?: unknown }).alerts : null;
    if (!Array.isArray(list)) return;
    for (const a of list as unknown[]) {
      if (typeof a !== 'object' || a === null) continue;
      const { id, acknowledged } = a as { id?: unknown; acknowledged?: unknown };
      if (typeof id === 'string' && acknowledged === true) this.ctx.store.acknowledge(id);
    }
  }

  private muteKey(): string {
    return `jcr-mute:${this.ctx.user?.username ?? ''}`;
  }

  static override styles = css`
    :host {
      display: block;
    }
    [role='alert'] {
      display: flex;
      align-items: center;
      gap: 0.8em;
      padding: 0.2em 0.6em;
      background: #000;
      color: #fff;
      border: 3px solid #f0e442;
      font-weight: 700;
    }
    .badge {
      background: #f0e442;
      color: #000;
      padding: 0 0.4em;
      border-radius: 0.6em;
    }
    .text {
      flex: 1;
    }
    button {
      font: inherit;
      background: #fff;
      color: #000;
      border: 2px solid #f0e442;
    }
  `;

  protected override updated(): void {
    // Alerts active when the page opened are not news: the first picture arrives after connect.
    const s = this.ctx.store;
    const fresh = s.alerts.filter((a) => !this.heard.has(a.id) && !s.alertsAtOpen.has(a.id));
    for (const a of fresh) this.heard.add(a.id);
    if (fresh.length > 0 && !this.muted) this.beep();
  }

  /** Two short tones, made in the page: no file, nothing fetched. */
  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      const ctx = this.audio;
      for (const [i, hz] of [880, 660].entries()) {
        const o = ctx.createOscillator();
        const g = ctx.createGain();
        o.frequency.value = hz;
        g.gain.value = 0.15;
        o.connect(g).connect(ctx.destination);
        o.start(ctx.currentTime + i * 0.18);
        o.stop(ctx.currentTime + i * 0.18 + 0.15);
      }
    } catch {
      // no audio device or not allowed before a user gesture: the banner still shows
    }
  }

  private toggleMute(): void {
    this.muted = !this.muted;
    try {
      localStorage.setItem(this.muteKey(), this.muted ? '1' : '0');
    } catch {
      // storage refused: muted for this page only
    }
  }

  private async ack(id: string): Promise<void> {
    const r = await this.ctx.api.request('POST', `/api/alerts/${encodeURIComponent(id)}/ack`);
    if (r.ok) this.ctx.store.acknowledge(id);
  }

  override render() {
    const s = this.ctx.store;
    const open = s.alerts.filter((a) => !s.acknowledged.has(a.id));
    const top = [...open].sort((a, b) => (a.priority || 9) - (b.priority || 9) || b.raisedAtMs - a.raisedAtMs)[0];
    if (!top) return nothing;
    const wall = this.ctx.view === 'wall';
    return html`<div role="alert" data-alert=${top.id} data-kind=${top.kind}>
      <span class="badge" data-alert-count=${open.length} aria-label=${`${open.length} alerts`}>${open.length}</span>
      <span class="text">${top.text}</span>
      ${wall ? nothing : html`<button type="button" @click=${() => void this.ack(top.id)}>Acknowledge</button>`}
      <button type="button" aria-pressed=${this.muted ? 'true' : 'false'} @click=${() => this.toggleMute()}>
        Mute
      </button>
    </div>`;
  }
}
customElements.define('jcr-alert-banner', JcrAlertBanner);

declare global {
  interface HTMLElementTagNameMap {
    'jcr-alert-banner': JcrAlertBanner;
  }
}
