/**
 * The reactor: the one place where the room reacts to its own changes. It runs the core's pure
 * reaction policies (server/core/reactions/) after each applied batch and executes the commands
 * they return through Engine.execute, like any other change.
 *
 * The queueing rule: each batch (a change record, or an AVL batch's moved resources) is queued
 * when it is applied, before its listeners hear it; the queue is worked only once no listener is
 * running. So reactions never run inside a listener, every listener hears a batch before anything
 * reacts to it, and batches are reacted to one at a time in the order they were applied. For each
 * batch the policies run in the order they were registered; each policy reads the state left by
 * the reactions of the policies before it. A reaction's own batch joins the end of the queue.
 * A refused reaction is logged and skipped: the change it reacted to is already durable. One that
 * finds the event log write-locked waits in line (Engine.submit) and is decided afresh when its
 * turn comes.
 *
 * Taking over (cluster mode): a leader that dies after appending a batch and before appending
 * all of its reactions leaves them to no one, so each log message says up to which seq its
 * leader had reacted wholly (Engine.commit, AfterBatch.unreactedFrom). A standby reacts to
 * nothing; it keeps the records of the batches it followed past that mark (`tail`: normally the
 * last message or so). The new leader, caught up to the log's head and before it serves, runs
 * the same policies once over that tail and over every resource's position (an arrival or a
 * staleness mark decided from a fix that is shared, not logged: cluster/live.ts). A reaction
 * the old leader did append is not made twice: the policies are idempotent given state (a
 * status already set, an alert's cause raised, a flag already made, a partner's event already
 * answered: core/reactions/mait.ts). Time-only reactions come with the next tick.
 */
import { isJcrError } from '../core/errors.ts';
import { arrivalPolicy } from '../core/reactions/arrival.ts';
import type { ChangeRecord } from '../core/changes.ts';
import type { Policy, Trigger } from '../core/reactions/policy.ts';
import { alertPolicy, type AlertDeps } from '../core/reactions/alerts.ts';
import { maitPolicy, type TheirType } from '../core/reactions/mait.ts';
import { quickerPolicy } from '../core/reactions/quicker.ts';
import { stalenessPolicy } from '../core/reactions/staleness.ts';
import { standbyArrivalPolicy } from '../core/reactions/standby-arrival.ts';
import type { Command } from '../core/room.ts';
import type { AfterBatch, Engine } from './engine.ts';
import { isStoreBusy } from './store/busy-queue.ts';
import type { Mobilisation } from './incidents/mobilisation.ts';
import type { Logger } from './log.ts';
import { every, type Timers } from './timers.ts';

/** How often the reactor's clock tick lets policies see what time alone changed (alerts). */
export const REACTOR_TICK_MS = 5_000;

export class Reactor implements AfterBatch {
  private readonly engine: Engine;
  private readonly log: Logger;
  private readonly policies: Array<{ name: string; policy: Policy }> = [];
  private readonly queue: Trigger[] = [];
  private draining = false;
  /** The trigger whose policies are running (its reactions are being appended). */
  private current: Trigger | null = null;
  /** A standby's: batches followed that the leader had not yet wholly reacted to, in log order. */
  private readonly tail: ChangeRecord[] = [];
  /** Told to take over and not yet done: it was not leading that instant (its lease unconfirmed). */
  private owed = false;

  constructor(engine: Engine, log: Logger) {
    this.engine = engine;
    this.log = log;
    engine.setAfterBatch(this);
  }

  /** Add a policy; it runs after those registered before it. */
  register(name: string, policy: Policy): this {
    this.policies.push({ name, policy });
    return this;
  }

  /**
   * The clock tick: queue a `tick` trigger and react to it now (a timer callback runs outside
   * every listener). What only time changes (an incident waiting too long, AVL gone stale) is
   * seen here. Tests call it after moving a fake clock.
   */
  tick(): void {
    if (!this.engine.leads()) return; // a standby's room changes only by following the leader
    this.enqueue({ kind: 'tick' });
    this.drain();
  }

  /** Tick every `ms` on `timers`; returns the function that stops it. */
  startTicking(timers: Timers, ms: number = REACTOR_TICK_MS): () => void {
    return every(timers, ms, () => this.tick());
  }

  enqueue(trigger: Trigger): void {
    if (this.policies.length === 0) return;
    this.settle(); // what the old leader left goes first
    this.queue.push(trigger);
  }

  drain(): void {
    if (this.draining) return; // a reaction's batch: the loop below takes it in turn
    this.draining = true;
    try {
      for (let t = this.queue.shift(); t !== undefined; t = this.queue.shift()) {
        this.current = t;
        for (const { name, policy } of this.policies) this.react(name, policy, t);
      }
    } finally {
      this.current = null;
      this.draining = false;
    }
  }

  unreactedFrom(): number | null {
    if (this.owed && this.tail[0]) return firstSeq(this.tail[0]);
    if (this.current?.kind === 'events') return firstSeq(this.current.record);
    for (const t of this.queue) if (t.kind === 'events') return firstSeq(t.record);
    return null;
  }

  followed(record: ChangeRecord, reactedThrough: number | undefined): void {
    if (this.policies.length === 0 || record.events.length === 0) return;
    this.tail.push(record);
    const through = reactedThrough ?? firstSeq(record) - 1;
    while (this.tail.length > 0 && lastSeq(this.tail[0] as ChangeRecord) <= through) this.tail.shift();
  }

  /** Batches followed that their leader had not wholly reacted to when it last appended (tests). */
  get pending(): readonly ChangeRecord[] {
    return this.tail;
  }

  /**
   * Become the one that reacts: run the policies once over what the old leader may not have
   * reacted to (the tail followed, then every resource's position), before serving. Not leading
   * that instant (promoted while a heartbeat gap left the lease unconfirmed: ClusterNode.leads),
   * it is owed, and made ahead of the first trigger once this instance leads (a change, a tick).
   */
  takeOver(): void {
    if (this.policies.length === 0) return;
    this.owed = true;
    this.settle();
    this.drain();
  }

  /** An owed takeover, once leading: the tail and every position go to the front of the queue. */
  private settle(): void {
    if (!this.owed || !this.engine.leads()) return;
    this.owed = false;
    const resourceIds = [...this.engine.room.fleet.all()].map((r) => r.def.id);
    const owed: Trigger[] = this.tail.splice(0).map((record) => ({ kind: 'events', record }));
    this.queue.unshift(...owed, { kind: 'positions', resourceIds });
  }

  private react(name: string, policy: Policy, trigger: Trigger): void {
    let reactions;
    try {
      reactions = policy(trigger, this.engine.room);
    } catch (e) {
      this.log.error('reaction policy failed', { policy: name, err: e instanceof Error ? e.message : String(e) });
      return;
    }
    for (const { cmd, ctx } of reactions) {
      try {
        this.engine.execute(cmd, ctx);
      } catch (e) {
        // A write-locked log: wait in line (server/shell/store/busy-queue.ts), never dropped for it.
        if (isStoreBusy(e)) this.engine.submit(cmd, ctx).catch((err: unknown) => this.refused(name, cmd, err));
        else this.refused(name, cmd, e);
      }
    }
  }

  private refused(name: string, cmd: Command, e: unknown): void {
    if (isJcrError(e)) this.log.warn('reaction not recorded', { policy: name, command: cmd.type, code: e.code });
    else this.log.error('reaction failed', { policy: name, command: cmd.type, err: String(e) });
  }
}

function firstSeq(record: ChangeRecord): number {
  return (record.events[0] as { seq: number }).seq;
}

function lastSeq(record: ChangeRecord): number {
  return (record.events[record.events.length - 1] as { seq: number }).seq;
}

/**
 * The control room's reactor: arrival from AVL, standby arrival, AVL staleness recorded, with
 * journey times the quicker-resource flag, then alerts (which see the flags the policies before
 * raised), then with partner rooms what they are told (acknowledgements, updates, positions:
 * docs/mait.md).
 */
export function startReactor(
  engine: Engine,
  opts: { mobilisation?: Mobilisation | undefined; log: Logger; alerts?: AlertDeps; mait?: { theirType: TheirType } },
): Reactor {
  const reactor = new Reactor(engine, opts.log);
  reactor
    .register('arrival', arrivalPolicy)
    .register('standby-arrival', standbyArrivalPolicy)
    .register('staleness', stalenessPolicy);
  if (opts.mobilisation) reactor.register('quicker', quickerPolicy(opts.mobilisation));
  reactor.register('alerts', alertPolicy(opts.alerts ?? {}));
  if (opts.mait) reactor.register('mait', maitPolicy(opts.mait.theirType));
  return reactor;
}
