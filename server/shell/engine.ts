import type { JcrEvent } from '../core/events.ts';
import { Room, type Command, type CommandContext } from '../core/room.ts';
import type { Clock } from '../core/clock.ts';
import type { Scenario } from '../core/scenario/types.ts';
import type { Store } from './store/store.ts';

export type EventListener = (events: readonly JcrEvent[]) => void;
/** Called once per accepted AVL batch with the ids of resources whose live position changed (each once). */
export type PositionListener = (resourceIds: readonly string[]) => void;

/**
 * The one path by which commands change the room: decide (core, pure) → append (store, durable)
 * → apply (core) → notify listeners. The WebSocket and HTTP adapters, the simulator and the tests
 * all call `execute`; nothing else mutates the room's durable state.
 */
export class Engine {
  readonly room: Room;
  readonly store: Store;
  private readonly listeners = new Set<EventListener>();
  private readonly positionListeners = new Set<PositionListener>();

  private constructor(room: Room, store: Store) {
    this.room = room;
    this.store = store;
  }

  /** Build live state by replaying the whole event log over the scenario. */
  static boot(scenario: Scenario, store: Store, clock: Clock): Engine {
    const room = new Room(scenario, { clock });
    for (const e of store.events(0)) room.apply(e);
    return new Engine(room, store);
  }

  /** Validate, persist and apply a command. Throws JcrError (nothing persisted) if refused. */
  execute(cmd: Command, ctx: CommandContext): JcrEvent[] {
    const fresh = this.room.decide(cmd, ctx);
    const durable = this.store.append(fresh);
    for (const e of durable) this.room.apply(e);
    if (durable.length > 0) for (const l of this.listeners) l(durable);
    return durable;
  }

  onEvents(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Position changes (AVL fixes) are not events: they move live state (Fleet.applyFix, index in
   * step) and go to the position-history table, not the log. Observers such as the operating
   * picture subscribe here; read the new positions from room.fleet. Status changes still arrive
   * through onEvents. Returns an unsubscribe function.
   */
  onPositions(listener: PositionListener): () => void {
    this.positionListeners.add(listener);
    return () => this.positionListeners.delete(listener);
  }

  /** Called by the AVL service after each batch that moved at least one resource. */
  notifyPositions(resourceIds: readonly string[]): void {
    for (const l of this.positionListeners) l(resourceIds);
  }
}
