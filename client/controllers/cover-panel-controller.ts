/**
 * The cover panel's state, owned for <jcr-app>: the standby moves the server suggests for the
 * current cover picture (fetched only while the panel is open, again when the picture changes),
 * the panel's message and busy flag, the move just cancelled (offered for re-applying), and the
 * moves cancelled here. Applying and cancelling go through client/state/commands.ts; the host
 * re-renders on every change and passes these fields to <jcr-cover-panel>.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AppContext } from '../context.ts';
import {
  applyStandbyMove,
  cancelStandbyMove,
  errText,
  reloadResources,
  type CommandOutput,
  type StandbyCancel,
  type StandbyOrder,
} from '../state/commands.ts';
import { parseCoverMoves } from '../state/parse-cover.ts';
import type { CoverMoveSuggestion } from '../state/types.ts';

export class CoverPanelController implements ReactiveController {
  message = '';
  /** Suggested standby moves (null = not fetched for this cover picture). */
  moves: CoverMoveSuggestion[] | null = null;
  movesError = '';
  busy = false;
  /** The standby move just cancelled, offered for re-applying (the undo of a cancel). */
  undo: StandbyOrder | null = null;
  /** moveIds cancelled (or found ended) from this screen: hidden even if a cover answer already in flight lists them. */
  cancelled: ReadonlySet<string> = new Set();
  /** The cover picture (computedAtMs|eventSeq) the suggestions were fetched for. */
  private movesFor = '';
  private movesInFlight = false;
  private unsubscribe: (() => void) | null = null;
  private readonly out: Pick<CommandOutput, 'message'> = {
    message: (text) => this.set(() => (this.message = text)),
  };

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly ctx: () => AppContext,
    /** Is the cover panel on screen? Suggestions are fetched only then. */
    private readonly open: () => boolean,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    // A new cover picture makes the suggestions stale: fetch again while the cover panel is open.
    this.unsubscribe = this.ctx().store.subscribe(['cover'], () => void this.refresh(false));
  }

  hostDisconnected(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  private set(change: () => void): void {
    change();
    this.host.requestUpdate();
  }

  /**
   * Fetch the suggested standby moves for the current cover picture, when the cover panel is
   * open (the server computes them on demand). `force` asks again for the same picture.
   */
  async refresh(force: boolean): Promise<void> {
    const { store: s, api, view } = this.ctx();
    const c = s.cover;
    if (view === 'wall' || !this.open() || !s.capabilities.cover || !c || this.movesInFlight) return;
    const key = `${c.computedAtMs}|${c.eventSeq}`;
    if (!force && key === this.movesFor) return;
    this.movesFor = key;
    this.movesInFlight = true;
    const r = await api.coverMoves();
    this.movesInFlight = false;
    this.set(() => {
      if (r.ok) {
        this.moves = parseCoverMoves(r.body);
        this.movesError = '';
      } else {
        this.movesError = `Suggestions not available: ${errText(r)}`;
        this.moves = [];
      }
    });
  }

  async apply(order: StandbyOrder): Promise<void> {
    const dest =
      order.destinationName ??
      this.moves?.find((m) => m.resourceId === order.resourceId && m.destination.id === order.destinationId)
        ?.destination.name ??
      order.destinationId;
    this.set(() => (this.busy = true));
    const applied = await applyStandbyMove(this.ctx(), order, dest, this.out);
    // Busy ends in the same update as the undo offer is withdrawn (the panel reads both together).
    this.set(() => {
      this.busy = false;
      if (applied) this.undo = null;
    });
    if (!applied) return;
    await reloadResources(this.ctx());
    await this.refresh(true);
  }

  /** Cancel a standby move in progress: no confirmation, the panel then offers to re-apply it. */
  async cancel(move: StandbyCancel): Promise<void> {
    this.set(() => {
      this.busy = true;
      this.undo = null;
    });
    const outcome = await cancelStandbyMove(this.ctx(), move, this.out);
    // Busy ends in the same update as the re-apply offer appears: the panel moves focus to it then.
    this.set(() => {
      this.busy = false;
      // Cancelled, or already ended (arrived, mobilised, cancelled elsewhere): stop showing it as in progress.
      if (outcome !== 'failed') this.cancelled = new Set([...this.cancelled, move.moveId]);
      if (outcome === 'cancelled')
        this.undo = {
          resourceId: move.resourceId,
          destinationId: move.destinationId,
          callSign: move.callSign,
          destinationName: move.destinationName,
        };
    });
    if (outcome === 'cancelled') await this.refresh(true);
  }
}
