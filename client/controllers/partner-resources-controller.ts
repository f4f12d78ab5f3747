/**
 * Partner rooms' resources for the map (issue 18 item 4), owned for <jcr-map>. Their positions
 * arrive from the partner as MAIT messages; the COP pushes each to the screens that see the
 * incident it attends (CopPartnerResource, docs/cop.md), so on a COP screen the list is the
 * store's, redrawn when it changes and as time passes (a fix grows stale by our fleet's rule,
 * `store.staleAfterMs`, on the server's clock as the last COP frame gave it). A screen on the REST feed (no COP) reads GET /api/partner-resources
 * instead, every PARTNER_POLL_MS and whenever our incidents change, one read at a time: changes
 * heard meanwhile ask for one more read after it, so an older answer never overwrites a newer one.
 * Without partner rooms the list stays empty and the layer draws nothing.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers } from '../../proto/timer.ts';
import type { AppContext } from '../context.ts';
import { loadPartnerResources, partnerFromCop, type ClientPartnerResource } from '../state/partner-resources.ts';

export const PARTNER_POLL_MS = 3_000;

export class PartnerResourcesController implements ReactiveController {
  resources: ClientPartnerResource[] = [];
  /** REST reads done (none on a COP screen), for tests and the debug hook. */
  reads = 0;
  private poll: unknown = null;
  private unsubscribe: (() => void) | null = null;
  private listener: ((list: readonly ClientPartnerResource[]) => void) | null = null;
  private inFlight: Promise<void> | null = null;
  /** A change was heard while a read was in flight: read once more after it. */
  private again = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    private readonly timers: Timers = globalThis,
    private readonly now: () => number = Date.now,
  ) {
    host.addController(this);
  }

  /** Hear each new list (the map layer). */
  onChange(listener: (list: readonly ClientPartnerResource[]) => void): void {
    this.listener = listener;
    listener(this.resources);
  }

  hostConnected(): void {
    const store = this.ctx().store;
    this.unsubscribe = store.subscribe(['partners', 'clock', 'incidents', 'capabilities'], (changed) => {
      if (store.capabilities.cop) this.fromStore();
      else if (changed.has('incidents')) void this.refresh();
    });
    this.follow();
  }

  hostDisconnected(): void {
    this.timers.clearInterval(this.poll);
    this.poll = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The COP's list when the screen has it; otherwise poll REST. */
  private follow(): void {
    if (this.ctx().store.capabilities.cop) {
      this.fromStore();
      return;
    }
    this.poll = this.timers.setInterval(() => void this.refresh(), PARTNER_POLL_MS);
    void this.refresh();
  }

  private fromStore(): void {
    if (this.poll !== null) {
      this.timers.clearInterval(this.poll);
      this.poll = null;
    }
    const s = this.ctx().store;
    // Judged on the server's clock, as GET /api/partner-resources judges it: a partner's fix time is
    // on the rooms' (NTP) clocks, which the screen's own may not share.
    const now = this.now() + s.serverOffsetMs;
    this.publish(s.partnerResources.map((m) => partnerFromCop(m, now, s.staleAfterMs)));
  }

  private publish(list: ClientPartnerResource[]): void {
    this.resources = list;
    this.listener?.(list);
    this.host.requestUpdate();
  }

  refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = this.readUntilQuiet().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async readUntilQuiet(): Promise<void> {
    do {
      this.again = false;
      const list = await loadPartnerResources(this.ctx().api);
      this.reads++;
      if (list === null || this.ctx().store.capabilities.cop) continue;
      this.publish(list);
    } while (this.again);
  }
}
