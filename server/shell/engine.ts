import { batchRecord, type ChangeRecord } from '../core/changes.ts';
import type { CommandContext, JcrEvent, NewEvent } from '../core/events.ts';
import type { Trigger } from '../core/reactions/policy.ts';
import { Room, type Command, type RoomOptions } from '../core/room.ts';
import type { Clock } from '../core/clock.ts';
import type { Scenario } from '../core/scenario/types.ts';
import { JcrError } from '../core/errors.ts';
import type { OwnChanges } from './own-changes.ts';
import { BusyQueue, type BusyLimits } from './store/busy-queue.ts';
import type { Store } from './store/store.ts';
import { serverTimers, type Timers } from './timers.ts';

/** Hears each applied batch as a change record: the events and what they did to live state. */
export type ChangeListener = (record: ChangeRecord) => void;
export type EventListener = (events: readonly JcrEvent[]) => void;
/** Called once per accepted AVL batch with the ids of resources whose live position changed (each once). */
export type PositionListener = (resourceIds: readonly string[]) => void;

/** What runs after listeners (server/shell/reactor.ts): takes each batch in order, acts between batches. */
export interface AfterBatch {
  /** A batch has been applied (called before its listeners, so batches queue in log order). */
  enqueue(trigger: Trigger): void;
  /** Every listener of every batch in flight has returned: act on the queue. */
  drain(): void;
  /**
   * The first seq of the earliest batch not yet wholly reacted to, null when none waits: every
   * batch before it has had all its reactions appended (stamped on each cluster log message).
   */
  unreactedFrom(): number | null;
  /**
   * A standby applied a batch the leader appended, the leader having reacted wholly to every
   * batch up to `reactedThrough` (from the log message; undefined: to all before this one).
   */
  followed(record: ChangeRecord, reactedThrough: number | undefined): void;
}

/**
 * Cluster mode (server/shell/cluster/): whether this instance may append, and the cluster log's
 * copy of each batch it appends. Without one (the embedded default) the local store is the log.
 */
export interface Replication {
  /** True while this instance leads: only a leader decides and appends. */
  leads(): boolean;
  /**
   * A batch about to be committed: throws a JcrError (JCR_CHANGE_TOO_LARGE) if the cluster log
   * could never take it, so nothing is written or applied that the log would lack.
   */
  admit?(fresh: readonly NewEvent[]): void;
  /**
   * A batch just committed to the local store: send it to the cluster log, in order, with the
   * last seq up to which every batch has been wholly reacted to (AfterBatch.unreactedFrom).
   */
  appended(events: readonly JcrEvent[], reactedThrough: number): void;
  /**
   * Resolves once every batch appended so far is in the cluster log (and every AVL report kept
   * so far in the positions stream), rejects (JcrError JCR_NOT_LEADER) if it never will be; null
   * when nothing is waiting. With `own` (what the waiting request changed) the rejection says
   * JCR_OUTCOME_UNKNOWN only if one of its own changes was sent to the log.
   */
  pending(own?: OwnChanges): Promise<void> | null;
}

/**
 * The one path by which commands change the room: decide (core, pure) → append (store, durable)
 * → apply (core, returns what changed) → notify listeners with the change record → reactions.
 * The WebSocket and HTTP adapters, the simulator and the tests all call `execute`; nothing else
 * mutates the room's durable state.
 */
export class Engine {
  readonly room: Room;
  readonly store: Store;
  private readonly listeners = new Set<ChangeListener>();
  private readonly positionListeners = new Set<PositionListener>();
  private after: AfterBatch | null = null;
  private replication: Replication | null = null;
  /** Listener calls in progress (a listener may itself execute a command). */
  private notifying = 0;
  /** Commands waiting for a write-locked event log (server/shell/store/busy-queue.ts). */
  private readonly busy: BusyQueue;

  private constructor(room: Room, store: Store, busy: BusyQueue) {
    this.room = room;
    this.store = store;
    this.busy = busy;
  }

  /**
   * Build live state by replaying the whole event log over the scenario. `shell.timers` retries
   * the commands that wait for a write-locked log (Engine.submit).
   */
  static boot(
    scenario: Scenario,
    store: Store,
    clock: Clock,
    opts: Omit<RoomOptions, 'clock'> = {},
    shell: { timers?: Timers; busy?: Partial<BusyLimits> } = {},
  ): Engine {
    const room = new Room(scenario, { ...opts, clock });
    for (const e of store.events(0)) room.replay(e);
    return new Engine(room, store, new BusyQueue(shell.timers ?? serverTimers, shell.busy));
  }

  /**
   * Validate, persist and apply a command now. Throws JcrError (nothing persisted) if refused,
   * JCR_STORE_BUSY at once if the event log is write-locked or other commands wait for it.
   */
  execute(cmd: Command, ctx: CommandContext): JcrEvent[] {
    return this.commit(this.room.decide(cmd, ctx));
  }

  /**
   * Execute a command without ever waiting on the database: at once if the log is free, else in
   * line behind the commands already waiting, retried on a timer and decided afresh each time.
   * Resolves once its events are durable and applied (acknowledge only then); rejects with the
   * refusal, or JCR_STORE_BUSY once it has waited BUSY_LIMITS.waitMs (nothing persisted).
   */
  submit(cmd: Command, ctx: CommandContext): Promise<JcrEvent[]> {
    return this.inLine(() => this.execute(cmd, ctx));
  }

  /**
   * Run `attempt` (which appends through execute or commit) now if the log is free, else in line
   * as submit does; it must throw JCR_STORE_BUSY having changed nothing when the log is locked.
   */
  inLine<T>(attempt: () => T): Promise<T> {
    return this.busy.run(attempt);
  }

  /** Commands waiting for the event log now (metrics, tests). */
  get waiting(): number {
    return this.busy.length;
  }

  /** Fail the commands still waiting for the log (JCR_NOT_READY): the server is closing. */
  close(): void {
    this.busy.close();
  }

  /**
   * Persist and apply events the room has just decided (Room.decide, or Room.decideStatus for each
   * report of an AVL batch): one durable append, all or nothing (JcrError JCR_STORE_BUSY,
   * JCR_STORE_FULL or, in cluster mode, JCR_CHANGE_TOO_LARGE: nothing persisted or applied), then
   * apply and notify as one batch.
   */
  commit(fresh: readonly NewEvent[]): JcrEvent[] {
    this.assertLeads();
    if (fresh.length === 0) return [];
    this.replication?.admit?.(fresh);
    // Changes wait for the log: nothing may overtake them (an AVL batch joins the line).
    if (this.busy.blocking)
      throw new JcrError('JCR_STORE_BUSY', `${this.busy.length} changes wait for the write-locked event log`);
    const durable = this.store.append(fresh);
    if (durable.length === 0) return durable;
    const first = (durable[0] as JcrEvent).seq;
    this.replication?.appended(durable, (this.after?.unreactedFrom() ?? first) - 1);
    this.applyBatch(durable);
    return durable;
  }

  /**
   * A standby's path: a batch the leader appended (read from the cluster log) is stored locally
   * with its own seqs, applied and heard by listeners like any other. Reactions are the
   * leader's; a standby only follows them in the log, and keeps for the reactor what the leader
   * had not yet wholly reacted to (`reactedThrough`: up to which seq it had), in case it takes over.
   */
  follow(events: readonly JcrEvent[], reactedThrough?: number): void {
    if (events.length === 0) return;
    this.store.appendFollowed(events);
    this.applyBatch(events, { reactedThrough });
  }

  /** Cluster mode: who may append and where appends are copied (see Replication). */
  setReplication(replication: Replication): void {
    this.replication = replication;
  }

  /** True unless a cluster replication says another instance leads. */
  leads(): boolean {
    return this.replication?.leads() ?? true;
  }

  /** Refuse with JCR_NOT_LEADER unless this instance may append. */
  assertLeads(): void {
    if (!this.leads()) throw new JcrError('JCR_NOT_LEADER', 'this instance is a standby: another instance leads');
  }

  /**
   * Resolves once everything appended so far is in the cluster log (then a change may be
   * acknowledged); null when nothing waits, always in the embedded mode. `own`: what the waiting
   * request changed (./own-changes.ts), so a failed wait is answered by its own changes.
   */
  whenReplicated(own?: OwnChanges): Promise<void> | null {
    return this.replication?.pending(own) ?? null;
  }

  private applyBatch(durable: readonly JcrEvent[], followed?: { reactedThrough: number | undefined }): void {
    const record = batchRecord(durable.map((e) => this.room.apply(e)));
    if (followed) this.after?.followed(record, followed.reactedThrough);
    this.notify({ kind: 'events', record }, () => {
      for (const l of this.listeners) l(record);
    });
  }

  /** Hear every applied batch as a change record (server/core/changes.ts). Returns an unsubscribe function. */
  onChanges(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Hear only the events of every applied batch (in the same order as onChanges listeners). */
  onEvents(listener: EventListener): () => void {
    return this.onChanges((record) => listener(record.events));
  }

  /**
   * Position changes (AVL fixes) are not events: they move live state (Fleet.applyFix, index in
   * step) and go to the position-history table, not the log. Observers such as the operating
   * picture subscribe here; read the new positions from room.fleet. Status changes still arrive
   * through onChanges. Returns an unsubscribe function.
   */
  onPositions(listener: PositionListener): () => void {
    this.positionListeners.add(listener);
    return () => this.positionListeners.delete(listener);
  }

  /** Called by the AVL service after each batch that moved at least one resource. */
  notifyPositions(resourceIds: readonly string[]): void {
    this.notify({ kind: 'positions', resourceIds }, () => {
      for (const l of this.positionListeners) l(resourceIds);
    });
  }

  /** The reactor (server/shell/reactor.ts); one per engine. */
  setAfterBatch(after: AfterBatch): void {
    if (this.after) throw new Error('the engine already has a reactor');
    this.after = after;
  }

  /**
   * The queueing rule: a batch is queued for reactions before its listeners run, and the queue is
   * drained only once no listener is running, so reactions never run inside a listener and batches
   * are reacted to in the order they were applied.
   */
  private notify(trigger: Trigger, run: () => void): void {
    // A standby reacts to nothing: the leader's reactions reach it through the log.
    if (this.leads()) this.after?.enqueue(trigger);
    this.notifying++;
    try {
      run();
    } finally {
      this.notifying--;
    }
    if (this.notifying === 0) this.after?.drain();
  }
}
