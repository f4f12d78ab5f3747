/**
 * What makes the cover stale, read from the engine's change records (server/core/changes.ts):
 * a resource whose status was reported, or whose fix the room recorded gone stale or fresh again
 * (`resource.staleness`, server/core/reactions/staleness.ts), marks the surfaces it counts
 * towards dirty, and a standby move ordered or ended changes the snapshot's list of moves. Either calls for a new picture,
 * after the queue's debounce. No rule of the room is repeated here: which resources an event
 * touched, and whether their standby move changed, is what the record says.
 */
import { resourceChanges } from '../../core/changes.ts';
import type { CoverModel } from '../../core/cover/model.ts';
import type { Engine } from '../engine.ts';
import type { RecomputeQueue } from './recompute.ts';

/** Watch the engine's change records for the queue; returns the unsubscribe function. */
export function watchStatus(engine: Engine, model: CoverModel, queue: RecomputeQueue): () => void {
  return engine.onChanges((record) => {
    let touched = false;
    for (const c of resourceChanges(record)) {
      const standbyMoved = c.before.standbyMoveId !== c.after.standbyMoveId;
      if (standbyMoved) queue.noteStandby();
      // A standby move ordered or ended and nothing else: the resource's availability is as it was.
      if (!standbyMoved || c.before.status !== c.after.status) {
        const r = engine.room.fleet.get(c.resourceId);
        if (r) queue.mark(model.surfacesOf(r.def).map((s) => s.key));
      }
      touched = true;
    }
    if (touched) {
      queue.changed();
      queue.kick();
    }
  });
}
