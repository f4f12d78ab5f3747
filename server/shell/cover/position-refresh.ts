/**
 * Position refresh: positions alone do not mark surfaces dirty, but an AVAILABLE_MOBILE or
 * RETURNING resource farther than `movedM` from where the published picture has it schedules a
 * recompute of its surfaces `everyMs` later. Jitter within the threshold never recomputes; a
 * moving fleet recomputes at most once per `everyMs` (the timer is not re-armed while one is
 * pending).
 */
import type { CoverModel } from '../../core/cover/model.ts';
import { ResourceStatus } from '../../core/fleet/status.ts';
import { haversineM } from '../../core/geo.ts';
import type { Engine } from '../engine.ts';
import type { FleetView } from './fleet-view.ts';
import type { CoverServiceStats, RecomputeQueue } from './recompute.ts';
import { after, type Timers } from '../timers.ts';

export interface PositionRefreshDeps {
  engine: Engine;
  model: CoverModel;
  view: FleetView;
  queue: RecomputeQueue;
  stats: CoverServiceStats;
  timers: Timers;
  everyMs: number;
  movedM: number;
}

export class PositionRefresh {
  /** Resources seen moving far while available mobile or returning, since the last refresh. */
  private readonly moved = new Set<string>();
  private cancelRefresh: (() => void) | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly d: PositionRefreshDeps) {
    this.unsubscribe = d.engine.onPositions((ids) => this.check(ids));
  }

  /** Note the resources among `ids` that moved far, and schedule one refresh for them. */
  private check(ids: readonly string[]): void {
    if (this.closed) return;
    for (const id of ids) if (this.movedFar(id)) this.moved.add(id);
    if (this.moved.size === 0 || this.cancelRefresh) return;
    this.cancelRefresh = after(this.d.timers, this.d.everyMs, () => {
      this.cancelRefresh = null;
      this.refresh();
    });
  }

  private movedFar(id: string): boolean {
    const r = this.d.engine.room.fleet.get(id);
    if (!r || (r.status !== ResourceStatus.AVAILABLE_MOBILE && r.status !== ResourceStatus.RETURNING)) return false;
    const seen = this.d.view.picturedAt(id);
    // Never in a compute request: the first one sends the whole fleet anyway.
    return seen !== undefined && haversineM(seen.lat, seen.lon, r.lat, r.lon) > this.d.movedM;
  }

  private refresh(): void {
    if (this.closed) return;
    let any = false;
    for (const id of this.moved) {
      // Checked again: it may have come back, stopped being available, or been sent since.
      if (!this.movedFar(id)) continue;
      this.d.queue.mark(this.d.model.surfacesOf(this.d.engine.room.fleet.require(id).def).map((s) => s.key));
      any = true;
    }
    this.moved.clear();
    if (!any) return;
    this.d.queue.changed();
    this.d.stats.refreshes++;
    this.d.queue.dispatch();
  }

  close(): void {
    this.closed = true;
    if (this.cancelRefresh) this.cancelRefresh();
    this.cancelRefresh = null;
    this.unsubscribe();
  }
}
