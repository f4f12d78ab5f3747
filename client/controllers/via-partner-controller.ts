/**
 * Cross-border assistance for the selected incident (issue 18 item 5), owned for
 * <jcr-via-partner>: sends the dispatcher's ask (a capability and count of a partner room, or one
 * resource it offered) and, while a request is out and unanswered, reads the incident's
 * transfers every VIA_PARTNER_POLL_MS (cheap: partner answers are not on the COP) so that, when
 * the partner answers, the host asks for a fresh recommendation, which lists the offers.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers } from '../../proto/timer.ts';
import type { AppContext } from '../context.ts';
import { loadTransfers } from '../state/transfers.ts';
import { askPartner, type PartnerAsk, type ViaPartner } from '../state/via-partner.ts';

export const VIA_PARTNER_POLL_MS = 3_000;
const WAITING = new Set(['queued', 'delivered', 'acknowledged']);

/** The recommendation carries the room's own status; the transfer list says "delivered" for a queued one taken. */
const same = (a: string, b: string) => a === b || (a === 'delivered' && b === 'queued');

export class ViaPartnerController implements ReactiveController {
  message = '';
  busy = false;
  private poll: unknown = null;
  /** The status of each request the shown recommendation knows of, by transfer id. */
  private known = new Map<string, string>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    /** The recommendation is out of date (a request sent or answered): fetch it again. */
    private readonly stale: () => void,
    private readonly timers: Timers = globalThis,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.stop();
  }

  /** Keep watching while any request to a partner, as the recommendation shows it, waits for its answer. */
  watch(incidentId: string, via: ViaPartner | undefined): void {
    this.known = new Map(
      (via?.partners ?? []).flatMap((p) => (p.request ? [[p.request.transferId, p.request.status] as const] : [])),
    );
    const waiting = [...this.known.values()].some((s) => WAITING.has(s));
    if (!waiting) return this.stop();
    if (this.poll !== null) return;
    this.poll = this.timers.setInterval(() => void this.check(incidentId), VIA_PARTNER_POLL_MS);
  }

  private stop(): void {
    if (this.poll !== null) this.timers.clearInterval(this.poll);
    this.poll = null;
  }

  /** A request's status moved on from what the recommendation shows: it is out of date. */
  private async check(incidentId: string): Promise<void> {
    const q = `?status=all&direction=out&incidentId=${encodeURIComponent(incidentId)}`;
    const ts = await loadTransfers(this.ctx().api, q);
    const moved = ts.some((t) => {
      const shown = this.known.get(t.id);
      return shown !== undefined && !same(t.status, shown);
    });
    if (moved) {
      this.stop();
      this.stale();
    }
  }

  async ask(incidentId: string, ask: PartnerAsk, partnerName: string): Promise<void> {
    this.busy = true;
    this.message = `Asking ${partnerName}…`;
    this.host.requestUpdate();
    const r = await askPartner(this.ctx().api, incidentId, ask);
    this.busy = false;
    const what = 'resourceId' in ask ? ask.resourceId : `${ask.count} × ${ask.capability}`;
    this.message = r.ok
      ? `Asked ${partnerName} for ${what}: queued until it is taken.`
      : `Not asked: ${r.code} ${r.message}`;
    this.host.requestUpdate();
    if (r.ok) this.stale();
  }
}
