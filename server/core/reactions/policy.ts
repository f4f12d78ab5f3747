/**
 * Reaction policies: pure functions from what just happened (an applied batch's change record,
 * or the resources an AVL batch moved) and the room's state to the commands the room issues in
 * response: arrival from AVL, quicker-resource flags, standby arrival, and the alerts and
 * joint-request follow-ups to come. They read, never change; the shell's reactor
 * (server/shell/reactor.ts) runs them after each batch and executes what they return.
 */
import type { ChangeRecord } from '../changes.ts';
import type { Room, Command } from '../room.ts';
import type { CommandContext } from '../events.ts';

/**
 * What a policy reacts to: one applied batch of events, one accepted AVL batch's moved resources,
 * or the reactor's clock tick (what only time changes: an incident waiting too long, AVL gone stale).
 */
export type Trigger =
  | { readonly kind: 'events'; readonly record: ChangeRecord }
  | { readonly kind: 'positions'; readonly resourceIds: readonly string[] }
  | { readonly kind: 'tick' };

/** A command a policy issues, with who it is issued as. */
export interface Reaction {
  readonly cmd: Command;
  readonly ctx: CommandContext;
}

/** The state a policy may read. */
export type RoomView = Pick<Room, 'scenario' | 'fleet' | 'incidents' | 'standby' | 'alerts' | 'transfers' | 'clock'>;

export type Policy = (trigger: Trigger, room: RoomView) => readonly Reaction[];
