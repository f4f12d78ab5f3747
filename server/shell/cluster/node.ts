/**
 * One instance of a clustered room: a standby that follows the log and watches the lease, or the
 * leader that holds the lease and appends. It is the engine's Replication (server/shell/engine.ts).
 *
 * Following: a standby hears the leader's heartbeats and tries for the lease key every POLL_MS
 * (cluster/lease-watch.ts): it takes it once the holder has been silent for the lease (or the key
 * is absent). It then catches up to the stream's head before it leads, so its first append
 * expects the sequence the old leader's last one got.
 *
 * Leading: it heartbeats and renews the key (cluster/lease-holder.ts), and appends through
 * cluster/appender.ts: each message with the stream's expected last sequence, so a leader that
 * was deposed (another took the lease and appended) has its next append refused by JetStream
 * itself: no fork. What JetStream does not answer (it is electing after losing a NATS node) is
 * waited out and retried, not a reason to step down. It steps down when an append is refused,
 * when the lease key moved to another holder, or when its lease lapsed; it tells its owner
 * (onStepDown), which restarts it as a standby from the log (server/main.ts).
 *
 * AVL positions (cluster/positions.ts): every instance follows the positions stream into its
 * position history; the leader publishes each batch's kept reports there (PositionLog), and a
 * change or report is acknowledged once both the log and the positions stream have what it waits on.
 */
import { hostname } from 'node:os';
import { isJcrError, JcrError } from '../../core/errors.ts';
import type { JcrEvent, NewEvent } from '../../core/events.ts';
import type { MarkedRows, PositionHistory } from '../avl/history.ts';
import type { PositionLog } from '../avl/service.ts';
import type { Engine, Replication } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { OwnChanges } from '../own-changes.ts';
import { Appender } from './appender.ts';
import { coverMeta } from './cache.ts';
import { encodeLease, leaseTtlMs } from './lease.ts';
import { LeaseHolder } from './lease-holder.ts';
import { LeaseWatch, type Taken } from './lease-watch.ts';
import { Follower } from './follower.ts';
import type { ClusterLog } from './log.ts';
import type { ClusterOptions } from './options.ts';
import { followPositions, PositionPublisher } from './positions.ts';
import type { Leading } from './publish-pipeline.ts';

/** How often a standby looks at the lease. */
const POLL_MS = 200;

export type ClusterRole = 'standby' | 'promoting' | 'leader' | 'deposed' | 'closed';

export class ClusterNode implements Replication, PositionLog {
  role: ClusterRole = 'standby';
  readonly id: string;
  private readonly follower: Follower;
  private timer: NodeJS.Timeout | null = null;
  private watch: LeaseWatch | null = null;
  private holder: LeaseHolder | null = null;
  private appender: Appender | null = null;
  /** The position history the positions stream is followed into, and that following. */
  private history: PositionHistory | null = null;
  private positions: Follower | null = null;
  private publisher: PositionPublisher | null = null;
  private readonly stepDownListeners: Array<(reason: string) => void> = [];
  private readonly leadingListeners: Array<() => void> = [];
  private readonly ledListeners: Array<() => void> = [];
  /** What the lease says while this instance holds it: its id and where its HTTP server is. */
  private leaseValue = '';

  constructor(
    private readonly clusterLog: ClusterLog,
    private readonly engine: Engine,
    private readonly opts: ClusterOptions,
    private readonly log: Logger,
    coveredSeq: number,
  ) {
    this.id = opts.instanceId ?? `${hostname()}:${process.pid}`;
    this.follower = new Follower(clusterLog, engine, log, coveredSeq);
    engine.setReplication(this);
  }

  /** Where the positions stream is written (the AVL service's history); before start. */
  keepHistory(history: PositionHistory): void {
    this.history = history;
  }

  /** Follow the log, and (unless started as a standby) try for the lease at once. */
  async start(url: string): Promise<void> {
    this.leaseValue = encodeLease({ id: this.id, url: this.opts.advertiseUrl ?? url });
    await this.follower.start();
    if (this.history) this.positions = await followPositions(this.clusterLog, this.engine, this.history, this.log);
    const { lease, nc, room } = this.clusterLog;
    // A standby reads the key at once: silence counts from what it knows, so waiting before the
    // first read would add that wait to a takeover when the leader dies soon after it starts.
    const createFrom = this.opts.standby ? Date.now() + this.opts.leaseMs : 0;
    this.watch = new LeaseWatch(lease, nc, room, this.id, this.leaseValue, this.opts.leaseMs, createFrom);
    this.timer = setTimeout(() => void this.poll(), 0);
  }

  /** While leading, unless paused past the lease (a standby may have taken over) until it is confirmed again. */
  leads(): boolean {
    if (this.role !== 'leader') return false;
    const s = this.holder?.standing();
    return s === 'lead' || s === 'reconfirm';
  }

  /** Refuse a batch the log could never take as one message (JCR_CHANGE_TOO_LARGE), before it is written. */
  admit(fresh: readonly NewEvent[]): void {
    this.appender?.admit(fresh);
  }

  appended(events: readonly JcrEvent[], reactedThrough: number): void {
    if (!this.appender) throw new JcrError('JCR_NOT_LEADER', 'this instance is a standby: another instance leads');
    this.appender.append(events, reactedThrough);
  }

  /**
   * Both what was appended and the positions published so far (the leader's acks wait on both).
   * Rejects JCR_NOT_LEADER if nothing of the request's own (`own`; without it, nothing waited on)
   * was sent to JetStream (it changed nothing: resend), JCR_OUTCOME_UNKNOWN if some was (it may
   * be in the log: read before resending).
   */
  pending(own?: OwnChanges): Promise<void> | null {
    const waits = [this.appender?.pending(own), this.publisher?.pending(own)].filter((p) => p != null);
    if (waits.length === 0) return null;
    // Both settle (a stopping leader fails both at once), so an unknown outcome is never hidden
    // behind the other's JCR_NOT_LEADER.
    return Promise.all(
      waits.map((p) =>
        p.then(
          () => null,
          (e: unknown) => e,
        ),
      ),
    ).then((errs) => {
      const failed = errs.filter((e) => e !== null);
      if (failed.length === 0) return;
      const known = failed.every((e) => isJcrError(e) && e.code === 'JCR_NOT_LEADER');
      if (known) throw failed[0];
      throw (
        failed.find((e) => isJcrError(e) && e.code === 'JCR_OUTCOME_UNKNOWN') ??
        new JcrError('JCR_OUTCOME_UNKNOWN', `the cluster log's confirmation failed: ${String(failed[0])}`)
      );
    });
  }

  positionsRoom(): number {
    return this.publisher?.room ?? 0;
  }

  appendPositions(rows: MarkedRows, wire?: Uint8Array): void {
    if (!this.publisher) throw new JcrError('JCR_NOT_LEADER', 'this instance is a standby: another instance leads');
    this.publisher.append(rows, wire);
  }

  /** Called once this instance leads (it serves the AVL gateways from then: cluster/avl-relay.ts). */
  onLeading(listener: () => void): void {
    this.leadingListeners.push(listener);
  }

  /** Called once this instance leads and may append (after onLeading): the MAIT courier starts. */
  onLed(listener: () => void): void {
    this.ledListeners.push(listener);
  }

  /** Called once when this instance stops leading (or fails to follow); it must restart as a standby. */
  onStepDown(listener: (reason: string) => void): void {
    this.stepDownListeners.push(listener);
  }

  status(): { role: ClusterRole; id: string; streamSeq: number; lastSeq: number } {
    const streamSeq = this.role === 'leader' && this.appender ? this.appender.streamSeq : this.follower.streamSeq;
    return { role: this.role, id: this.id, streamSeq, lastSeq: this.engine.room.lastSeq };
  }

  async close(): Promise<void> {
    // A clean stop hands over what is appended, then the lease at once rather than after silence.
    if (this.role === 'leader') {
      await Promise.all([this.appender?.drain(this.opts.leaseMs), this.publisher?.drain(this.opts.leaseMs)]);
    }
    this.role = 'closed';
    this.end('closing');
    await this.holder?.stop(true);
    await this.follower.stop();
    await this.positions?.stop();
  }

  private async poll(): Promise<void> {
    if (this.role !== 'standby' || !this.watch) return;
    const taken = await this.watch.tryTake();
    if (taken && this.role === 'standby')
      await this.promote(taken).catch((e: unknown) => this.stepDown(`could not take the lead: ${String(e)}`));
    if (this.role === 'standby') this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async promote(taken: Taken): Promise<void> {
    this.role = 'promoting';
    this.watch?.stop();
    const { lease, nc, room } = this.clusterLog;
    const holder = new LeaseHolder(lease, nc, room, this.id, this.leaseValue, this.opts.leaseMs, this.log, taken, (r) =>
      this.stepDown(`lease lost: ${r}`),
    );
    this.holder = holder;
    // Catch up to the log's head. JetStream not answering (electing after losing a node) is waited
    // out while the lease holds; past its TTL the lease goes back for another to try.
    const until = Date.now() + leaseTtlMs(this.opts.leaseMs);
    for (;;) {
      if (this.role !== 'promoting') return;
      // And every position published before: the fleet starts from them, the history holds them.
      const [head, posHead] = await Promise.all([
        this.clusterLog.lastStreamSeq().catch(() => null),
        this.positions ? this.clusterLog.lastStreamSeq(this.clusterLog.positionsStream).catch(() => null) : 0,
      ]);
      if (
        head !== null &&
        posHead !== null &&
        (await this.follower.caughtUp(head, this.opts.leaseMs)) &&
        (await (this.positions?.caughtUp(posHead, this.opts.leaseMs) ?? true))
      )
        break;
      if (Date.now() > until) {
        this.stepDown(`could not catch up to the log's head (${this.follower.streamSeq} of ${head ?? '?'})`);
        return;
      }
      if (head === null || posHead === null) await new Promise((r) => setTimeout(r, POLL_MS));
    }
    await this.follower.stop();
    if (this.role !== 'promoting') return;
    const leading: Leading = {
      term: `${this.id}@${taken.revision}`,
      gate: () => holder.confirmed(),
      attemptMs: Math.max(1000, this.opts.leaseMs / 3),
      onDeposed: (reason) => this.stepDown(reason),
    };
    const { streamSeq } = this.follower;
    this.appender = new Appender(this.clusterLog, this.log, leading, streamSeq, this.engine.room.lastSeq, (seq) =>
      coverMeta(this.engine, seq),
    );
    this.publisher = new PositionPublisher(this.clusterLog, this.log, leading);
    // Subscriptions made on leading (the AVL relay) reach the server before anyone is told we lead.
    for (const l of this.leadingListeners) l();
    await nc.flush();
    if (this.role !== 'promoting') return;
    this.role = 'leader';
    this.log.info('cluster: leading', {
      id: this.id,
      streamSeq: this.appender.streamSeq,
      lastSeq: this.engine.room.lastSeq,
    });
    for (const l of this.ledListeners) l();
  }

  /** Stop trying, appending and heartbeating. */
  private end(reason: string): void {
    if (this.timer) clearTimeout(this.timer);
    this.watch?.stop();
    this.appender?.fail(reason);
    this.publisher?.fail(reason);
  }

  private stepDown(reason: string): void {
    if (this.role === 'deposed' || this.role === 'closed') return;
    this.role = 'deposed';
    this.end(reason);
    // The key goes back only if this instance still holds it (a failed catch-up, a refused append).
    void this.holder?.stop(true);
    this.log.warn('cluster: stepping down', { id: this.id, reason });
    for (const l of this.stepDownListeners) l(reason);
  }
}
