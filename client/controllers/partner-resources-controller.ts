/**
 * Partner rooms' resources for the map (issue 18 item 4), owned for <jcr-map>. Their positions
 * arrive from the partner as MAIT messages, which change no resource or incident the operating
 * picture carries, so the COP push never sees them: they are read from GET
 * /api/partner-resources every PARTNER_POLL_MS (a partner sends at most one position per
 * resource per 5 s) and at once whenever our incidents change (a transfer accepted, an incident
 * closed). Without partner rooms the list stays empty and the layer draws nothing. At most one
 * read is in flight: changes heard meanwhile ask for one more read after it, so a busy COP does
 * not turn every incident tick into a request from every screen, and an older answer can never
 * overwrite a newer one.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Timers } from '../../proto/timer.ts';
import type { AppContext } from '../context.ts';
import { loadPartnerResources, type ClientPartnerResource } from '../state/partner-resources.ts';

export const PARTNER_POLL_MS = 3_000;

export class PartnerResourcesController implements ReactiveController {
  resources: ClientPartnerResource[] = [];
  /** Reads done, for tests and the debug hook. */
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
  ) {
    host.addController(this);
  }

  /** Hear each new list (the map layer). */
  onChange(listener: (list: readonly ClientPartnerResource[]) => void): void {
    this.listener = listener;
    listener(this.resources);
  }

  hostConnected(): void {
    this.unsubscribe = this.ctx().store.subscribe(['incidents'], () => void this.refresh());
    this.poll = this.timers.setInterval(() => void this.refresh(), PARTNER_POLL_MS);
    void this.refresh();
  }

  hostDisconnected(): void {
    this.timers.clearInterval(this.poll);
    this.unsubscribe?.();
    this.unsubscribe = null;
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
      if (list === null) continue;
      this.resources = list;
      this.listener?.(list);
      this.host.requestUpdate();
    } while (this.again);
  }
}
