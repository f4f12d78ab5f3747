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

function mark(
  fleet: Fleet,
  r: LiveResource | undefined,
  now: number,
  out: Array<{ resourceId: string; stale: boolean }>,
): void {
  if (!r) return;
  const stale = fleet.stalenessChange(r, now);
  if (stale !== null) out.push({ resourceId: r.def.id, stale });
}

/**
 * Marks per command at most. A command's events are one append and, in cluster mode, one log
 * message, which may be no larger than NATS's max_payload (1 MB by default; a larger change is
 * refused JCR_CHANGE_TOO_LARGE, docs/cluster.md § Limits): 2,000 marks are about 340 kB of it.
 */
export const MARKS_PER_COMMAND = 2_000;

/**
 * All the marks of one trigger go in one command, so one durable append: a feed back after an
 * outage makes a whole batch fresh again at once, and a tick can find a whole fleet gone stale
 * (one append per resource cost the event loop about a millisecond each). A fleet of more than
 * MARKS_PER_COMMAND goes in several commands, one after another.
 */
export const stalenessPolicy: Policy = (trigger, room) => {
  const marks: Array<{ resourceId: string; stale: boolean }> = [];
  const now = room.clock();
  if (trigger.kind === 'tick') for (const r of room.fleet.all()) mark(room.fleet, r, now, marks);
  else if (trigger.kind === 'positions')
    for (const id of trigger.resourceIds) mark(room.fleet, room.fleet.get(id), now, marks);
  if (marks.length === 0) return [];
  if (marks.length === 1) {
    const m = marks[0] as { resourceId: string; stale: boolean };
    return [{ cmd: { type: 'resource.markStale', resourceId: m.resourceId, stale: m.stale }, ctx }];
  }
  const out: Reaction[] = [];
  for (let i = 0; i < marks.length; i += MARKS_PER_COMMAND)
    out.push({ cmd: { type: 'resource.markStaleMany', marks: marks.slice(i, i + MARKS_PER_COMMAND) }, ctx });
  return out;
};
