/**
 * The leader's side of the lease (cluster/lease.ts): from the moment it takes the key it
 * publishes a heartbeat every sixth of the lease on core NATS and renews the key every third by
 * compare-and-set on its revision. A renewal JetStream does not answer (it is electing the
 * bucket's leader after losing a node) costs nothing but a retry: the heartbeats keep standbys
 * away. A renewal refused because the revision moved means another instance holds the key: the
 * holder is told (onLost) and steps down. So is one unconfirmed for so long that the key may
 * have expired (`lapsed`). The cluster log's appends wait on `confirmed()` whenever the last
 * renewal is older than the lease, and a holder whose heartbeats stopped (it was paused past the
 * lease) leads no more until a renewal sent after it woke succeeds.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../log.ts';
import { heartbeatSubject, LEASE_KEY, leaseHolderId, standing, type Heartbeat, type Tenure } from './lease.ts';

/** How often a holder waiting for a renewal looks again. */
const WAIT_STEP_MS = 20;

export class LeaseHolder {
  private revision: number;
  private readonly tenure: Tenure;
  private beatTimer: NodeJS.Timeout | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private lost = false;
  private renewing = false;
  private warned = false;

  constructor(
    private readonly kv: KV,
    private readonly nc: NatsConnection,
    private readonly room: string,
    private readonly id: string,
    private readonly value: string,
    private readonly leaseMs: number,
    private readonly log: Logger,
    /** The key was taken (revision `revision`) by a write sent at `sentAt`. */
    taken: { revision: number; sentAt: number },
    /** Called once if the lease is lost: another holder, or lapsed. */
    private readonly onLost: (reason: string) => void,
  ) {
    this.revision = taken.revision;
    this.tenure = { confirmedAt: taken.sentAt, beatAt: Date.now(), gapAt: 0 };
    this.beat();
    this.schedule(leaseMs / 3);
  }

  /** The holder's standing now (lease.ts standing). */
  standing(): ReturnType<typeof standing> {
    return standing(Date.now(), this.tenure, this.leaseMs);
  }

  /** Resolves once the lease is confirmed within the lease; rejects once it is lost. */
  async confirmed(): Promise<void> {
    for (;;) {
      if (this.lost || this.stopped) throw new Error('the lease is lost');
      const s = this.standing();
      if (s === 'lead') return;
      if (s === 'lapsed') {
        this.lose('lease unconfirmed past its TTL');
        throw new Error('the lease lapsed');
      }
      await new Promise((r) => setTimeout(r, WAIT_STEP_MS));
    }
  }

  /** Stop heartbeats and renewals; with `release`, delete the key unless another took it. */
  async stop(release: boolean): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.beatTimer) clearTimeout(this.beatTimer);
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (!release || this.lost) return;
    const released = await this.kv.delete(LEASE_KEY, { previousSeq: this.revision }).then(
      () => true,
      () => false,
    );
    // Revision 0 tells standbys the key is gone: they read it at once rather than wait the lease.
    if (released && !this.nc.isClosed())
      this.nc.publish(heartbeatSubject(this.room), JSON.stringify({ id: this.id, rev: 0 } satisfies Heartbeat));
  }

  private beat(): void {
    if (this.stopped) return;
    const now = Date.now();
    // A heartbeat late by the lease: paused or stalled, a standby may have taken over meanwhile.
    if (now - this.tenure.beatAt > this.leaseMs) {
      this.tenure.gapAt = now;
      this.log.warn('cluster: heartbeats stopped for the lease; confirming it before leading on', {
        gapMs: now - this.tenure.beatAt,
      });
      if (!this.renewing) this.schedule(0);
    }
    this.tenure.beatAt = now;
    this.publishBeat();
    this.beatTimer = setTimeout(() => this.beat(), this.leaseMs / 6);
  }

  private publishBeat(): void {
    if (this.stopped || this.nc.isClosed()) return;
    this.nc.publish(
      heartbeatSubject(this.room),
      JSON.stringify({ id: this.id, rev: this.revision } satisfies Heartbeat),
    );
  }

  private schedule(ms: number): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (!this.stopped && !this.lost) this.renewTimer = setTimeout(() => void this.renew(), ms);
  }

  private async renew(): Promise<void> {
    if (this.stopped || this.lost) return;
    if (this.standing() === 'lapsed') return void this.lose('lease unconfirmed past its TTL');
    // Taken before the heartbeat that announces the renewal: standbys count silence from that
    // heartbeat, so this lease never outlasts their wait (lease.ts afterRefusedClaim).
    const sentAt = Date.now();
    this.publishBeat();
    let next = this.leaseMs / 3;
    this.renewing = true;
    try {
      this.revision = await this.kv.update(LEASE_KEY, this.value, this.revision, this.leaseMs / 3);
      this.tenure.confirmedAt = sentAt;
      // Standbys claim with the revision they last heard: tell them the new one at once.
      this.publishBeat();
      if (this.warned) this.log.warn('cluster: lease renewed again', { revision: this.revision });
      this.warned = false;
    } catch (e) {
      if (e instanceof JetStreamApiError && e.code === JetStreamApiCodes.StreamWrongLastSequence) {
        await this.revisionMoved();
        next = 100;
      } else {
        // JetStream not answering (electing), or the connection moving to another node: go on.
        if (!this.warned) this.log.warn('cluster: lease renewal unanswered; trying again', { err: String(e) });
        this.warned = true;
        next = 100;
      }
    }
    this.renewing = false;
    // Woken from a pause while this renewal was out: one sent since must succeed before leading.
    if (this.tenure.confirmedAt < this.tenure.gapAt) next = Math.min(next, 100);
    this.schedule(next);
  }

  /**
   * A renewal was refused for the revision: the key moved. If it names this instance, an earlier
   * renewal landed though its answer was lost: take its revision. Else another holds it.
   */
  private async revisionMoved(): Promise<void> {
    const e = await this.kv.get(LEASE_KEY).catch(() => undefined);
    if (e === undefined) return; // unanswered: the next renewal asks again
    if (e && e.operation === 'PUT' && leaseHolderId(e.string()) === this.id) {
      this.revision = e.revision;
      return;
    }
    const holder = e && e.operation === 'PUT' ? leaseHolderId(e.string()) : null;
    this.lose(holder ? `lease taken by ${holder}` : 'lease deleted');
  }

  private lose(reason: string): void {
    if (this.lost || this.stopped) return;
    this.lost = true;
    void this.stop(false);
    this.onLost(reason);
  }
}
