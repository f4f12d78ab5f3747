/**
 * Binds a Lit element to some slices of the ClientStore: the host re-renders (once per frame at
 * most, since the store batches) whenever one of them changes, and stops listening when it leaves
 * the page.
 *
 * A host that is not on screen (a hidden tab) can `pause()` the controller: changes are then only
 * remembered, with no update requested, so a burst of status changes costs a hidden panel
 * nothing; `resume()` says whether anything changed meanwhile, and the host renders once on show.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientStore, Slice } from '../state/store.ts';

export class StoreController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  /** Slices that changed since the host last rendered. */
  changed: Set<Slice> = new Set();
  private paused = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** A getter: the host's store property may be set after construction (before connection). */
    private readonly store: () => ClientStore,
    private readonly slices: readonly Slice[],
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = this.store().subscribe(this.slices, (changed) => {
      for (const c of changed) this.changed.add(c);
      if (!this.paused) this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  hostUpdated(): void {
    this.changed.clear();
  }

  /** Keep listening but stop asking the host to update (it is not on screen). */
  pause(): void {
    this.paused = true;
  }

  /** Ask for updates again. True when some slice changed while paused (or since the last render). */
  resume(): boolean {
    this.paused = false;
    return this.changed.size > 0;
  }

  get isPaused(): boolean {
    return this.paused;
  }
}
