/**
 * One instance of a clustered room: a standby that follows the log and watches the lease, or the
 * leader that holds the lease and appends. It is the engine's Replication (server/shell/engine.ts).
 *
 * Leading: the lease is key `leader` in a bucket whose TTL is the lease; the leader renews it
 * every third of the TTL by compare-and-set on its revision. Each appended batch is published
 * with the stream's expected last sequence, so a leader that was deposed (its lease lapsed and
 * another took over and appended) has its next append refused by JetStream itself: no fork.
 * A refused append, a lost renewal or a lease older than its TTL deposes this instance; it
 * tells its owner (onStepDown), which restarts it as a standby from the log (server/main.ts).
 *
 * Following: a standby tries to create the lease key every POLL_MS; the create succeeds only
 * once the key has expired (or was released). It then catches up to the stream's head before it
 * leads, so its first append expects the sequence the old leader's last one got.
 */
import { hostname } from 'node:os';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import type { Engine, Replication } from '../engine.ts';
import type { Logger } from '../log.ts';
import { coverMeta } from './cache.ts';
import { encodeLease, LEASE_KEY } from './lease.ts';
import { Follower } from './follower.ts';
import { encodeBatch, type ClusterLog } from './log.ts';
import type { ClusterOptions } from './options.ts';

/** How often a standby tries for the lease. */
const POLL_MS = 200;

export type ClusterRole = 'standby' | 'promoting' | 'leader' | 'deposed' | 'closed';

export class ClusterNode implements Replication {
  role: ClusterRole = 'standby';
  readonly id: string;
  private readonly follower: Follower;
  private leaseRevision = 0;
  /** When the last successful renewal was sent (the lease runs from then). */
  private leaseFrom = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The stream sequence the next append expects to be last. */
  private streamSeq = 0;
  private appendedSeq = 0;
  private ackedSeq = 0;
  private tail: Promise<void> = Promise.resolve();
  private readonly stepDownListeners: Array<(reason: string) => void> = [];
  private readonly leadingListeners: Array<() => void> = [];

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

  /** What the lease says while this instance holds it: its id and where its HTTP server is. */
  private leaseValue = '';

  /** Follow the log, and (unless started as a standby) try for the lease at once. */
  async start(url: string): Promise<void> {
    this.leaseValue = encodeLease({ id: this.id, url: this.opts.advertiseUrl ?? url });
    await this.follower.start();
    const firstTry = this.opts.standby ? this.opts.leaseMs : 0;
    this.timer = setTimeout(() => void this.poll(), firstTry);
  }

  leads(): boolean {
    return this.role === 'leader' && Date.now() - this.leaseFrom < this.opts.leaseMs;
  }

  appended(events: readonly JcrEvent[]): void {
    const expect = this.streamSeq++;
    const last = (events[events.length - 1] as JcrEvent).seq;
    this.appendedSeq = last;
    const published = this.clusterLog.js.publish(this.clusterLog.subject, encodeBatch(events), {
      expect: { lastSequence: expect },
      timeout: this.opts.leaseMs,
    });
    const step = Promise.all([this.tail, published]).then(([, ack]) => {
      this.ackedSeq = last;
      coverMeta(this.engine, ack.seq);
    });
    step.catch((e: unknown) => this.stepDown(`append refused by the cluster log: ${String(e)}`));
    this.tail = step;
  }

  pending(): Promise<void> | null {
    if (this.ackedSeq >= this.appendedSeq) return null;
    return this.tail.catch(() => {
      throw new JcrError('JCR_NOT_LEADER', 'this instance was deposed before the cluster log took the change');
    });
  }

  /** Called once this instance leads (it serves the AVL gateways from then: cluster/avl-relay.ts). */
  onLeading(listener: () => void): void {
    this.leadingListeners.push(listener);
  }

  /** Called once when this instance stops leading (or fails to follow); it must restart as a standby. */
  onStepDown(listener: (reason: string) => void): void {
    this.stepDownListeners.push(listener);
  }

  status(): { role: ClusterRole; id: string; streamSeq: number; lastSeq: number } {
    const streamSeq = this.role === 'leader' ? this.streamSeq : this.follower.streamSeq;
    return { role: this.role, id: this.id, streamSeq, lastSeq: this.engine.room.lastSeq };
  }

  async close(): Promise<void> {
    const wasLeader = this.role === 'leader';
    this.role = 'closed';
    if (this.timer) clearTimeout(this.timer);
    await this.follower.stop();
    // A clean stop hands over at once rather than after the TTL.
    if (wasLeader) await this.tail.then(() => this.clusterLog.lease.delete(LEASE_KEY)).catch(() => {});
  }

  private async poll(): Promise<void> {
    if (this.role !== 'standby') return;
    let held = false;
    try {
      this.leaseRevision = await this.clusterLog.lease.create(LEASE_KEY, this.leaseValue);
      this.leaseFrom = Date.now();
      held = true;
    } catch {
      // held by the leader (or NATS unreachable): try again
    }
    // Holding the lease but unable to lead (JetStream not answering while it elects a stream
    // leader after losing a node): let the lease go and start again as a standby, rather than
    // renew a lease nobody uses and leave the room with no leader at all.
    if (held)
      await this.promote().catch((e: unknown) => {
        void this.clusterLog.lease.delete(LEASE_KEY, { previousSeq: this.leaseRevision }).catch(() => {});
        this.stepDown(`could not take the lead: ${String(e)}`);
      });
    if (this.role === 'standby') this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  private async promote(): Promise<void> {
    this.role = 'promoting';
    this.timer = setTimeout(() => void this.renew(), this.opts.leaseMs / 3);
    const head = await this.clusterLog.lastStreamSeq();
    if (!(await this.follower.caughtUp(head, this.opts.leaseMs))) {
      this.stepDown(`could not catch up to the log's head (${this.follower.streamSeq} of ${head})`);
      return;
    }
    await this.follower.stop();
    this.streamSeq = this.follower.streamSeq;
    this.appendedSeq = this.ackedSeq = this.engine.room.lastSeq;
    if (this.role !== 'promoting') return;
    // Subscriptions made on leading (the AVL relay) reach the server before anyone is told we lead.
    for (const l of this.leadingListeners) l();
    await this.clusterLog.nc.flush();
    if (this.role !== 'promoting') return;
    this.role = 'leader';
    this.log.info('cluster: leading', { id: this.id, streamSeq: this.streamSeq, lastSeq: this.appendedSeq });
  }

  private async renew(): Promise<void> {
    if (this.role !== 'leader' && this.role !== 'promoting') return;
    const sent = Date.now();
    try {
      this.leaseRevision = await this.clusterLog.lease.update(LEASE_KEY, this.leaseValue, this.leaseRevision);
      this.leaseFrom = sent;
    } catch (e) {
      this.stepDown(`lease lost: ${String(e)}`);
      return;
    }
    if (this.role === 'leader' || this.role === 'promoting')
      this.timer = setTimeout(() => void this.renew(), this.opts.leaseMs / 3);
  }

  private stepDown(reason: string): void {
    if (this.role === 'deposed' || this.role === 'closed') return;
    this.role = 'deposed';
    if (this.timer) clearTimeout(this.timer);
    this.log.warn('cluster: stepping down', { id: this.id, reason });
    for (const l of this.stepDownListeners) l(reason);
  }
}
