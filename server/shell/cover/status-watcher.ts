/**
 * What makes the cover stale: a resource's status change marks the surfaces it counts towards
 * dirty, and a standby order or end changes the snapshot's list of moves. Either calls for a new
 * picture, after the queue's debounce.
 */
import type { CoverModel } from '../../core/cover/model.ts';
import type { Engine } from '../engine.ts';
import type { RecomputeQueue } from './recompute.ts';

/** Watch the engine's events for the queue; returns the unsubscribe function. */
export function watchStatus(engine: Engine, model: CoverModel, queue: RecomputeQueue): () => void {
  return engine.onEvents((events) => {
    let touched = false;
    for (const e of events) {
      if (e.type === 'resource.status') {
        const r = engine.room.fleet.get(e.data.resourceId);
        if (!r) continue;
        queue.mark(model.surfacesOf(r.def).map((s) => s.key));
        touched = true;
      } else if (e.type === 'cover.standbyOrdered' || e.type === 'cover.standbyEnded') {
        queue.noteStandby();
        touched = true;
      }
    }
    if (touched) {
      queue.changed();
      queue.kick();
    }
  });
}
