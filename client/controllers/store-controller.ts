/**
 * Binds a Lit element to some slices of the ClientStore: the host re-renders (once per frame at
 * most, since the store batches) whenever one of them changes, and stops listening when it leaves
 * the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ClientStore, Slice } from '../state/store.ts';

export class StoreController implements ReactiveController {
  private unsubscribe: (() => void) | null = null;
  /** Slices that changed since the host last rendered. */
  changed: Set<Slice> = new Set();

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
      this.host.requestUpdate();
    });
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  hostUpdated(): void {
    this.changed.clear();
  }
}
