/**
 * The staleness policy: the room records, as `resource.staleness` events, when a resource's AVL
 * fix goes stale (on the reactor's clock tick: only time changes that) and when it is fresh again
 * (on the AVL batch that brought the fix). So listeners hear of it as a change record, at once,
 * instead of re-deriving it from the clock at their next look: the cover recomputes the surfaces
 * the resource serves, since where it starts from follows (core/fleet/start.ts). The rule is the
 * fleet's (Fleet.stalenessChange); origin 'system', actor 'staleness'.
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import type { Policy, Reaction } from './policy.ts';

const ctx = { origin: 'system', actor: 'staleness' } as const;

function mark(fleet: Fleet, r: LiveResource | undefined, now: number, out: Reaction[]): void {
  if (!r) return;
  const stale = fleet.stalenessChange(r, now);
  if (stale !== null) out.push({ cmd: { type: 'resource.markStale', resourceId: r.def.id, stale }, ctx });
}

export const stalenessPolicy: Policy = (trigger, room) => {
  const out: Reaction[] = [];
  const now = room.clock();
  if (trigger.kind === 'tick') for (const r of room.fleet.all()) mark(room.fleet, r, now, out);
  else if (trigger.kind === 'positions')
    for (const id of trigger.resourceIds) mark(room.fleet, room.fleet.get(id), now, out);
  return out;
};
