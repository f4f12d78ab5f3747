/**
 * A standby's side of the lease (cluster/lease.ts): it listens to the holder's heartbeats on core
 * NATS and, polled by cluster/node.ts, tries to take the key only when standbyMove says so: create
 * it when absent, or compare-and-set on the revision it last saw once the holder has been silent
 * for the lease. A live holder that reaches JetStream renews meanwhile, so a takeover on a stale
 * revision fails; one that cannot reach JetStream (an election) still heartbeats, so no standby
 * tries. A refused write means the key moved: it is read again, which restarts the wait.
 */
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  afterRefusedClaim,
  decodeHeartbeat,
  heartbeatSubject,
  LEASE_KEY,
  leaseHolderId,
  standbyMove,
  type Sighting,
} from './lease.ts';

export interface Taken {
  revision: number;
  /** When the write that took the key was sent: the lease runs from then. */
  sentAt: number;
}

export class LeaseWatch {
  private sighting: Sighting = null;
  private readonly sub: Subscription;

  constructor(
    private readonly kv: KV,
    nc: NatsConnection,
    room: string,
    private readonly id: string,
    private readonly value: string,
    private readonly leaseMs: number,
    /** Not before then does it create an absent key (lease.ts standbyMove). */
    private readonly createFrom = 0,
  ) {
    this.sub = nc.subscribe(heartbeatSubject(room), {
      callback: (_err, m) => {
        const h = decodeHeartbeat(m.data);
        // Revision 0: the holder released the key (a clean stop): read it again at once.
        if (h && h.id !== id)
          this.sighting =
            h.rev === 0 ? null : { revision: h.rev, at: Date.now(), holder: h.id, heard: true, mine: false };
      },
    });
  }

  /** One step towards the lease: the key if this instance took it now, else null. */
  async tryTake(): Promise<Taken | null> {
    const move = standbyMove(Date.now(), this.sighting, this.leaseMs, this.createFrom);
    const sentAt = Date.now();
    try {
      switch (move.kind) {
        case 'wait':
          return null;
        case 'read':
          await this.read();
          return null;
        case 'create':
          return { revision: await this.kv.create(LEASE_KEY, this.value), sentAt };
        case 'claim':
          return { revision: await this.kv.update(LEASE_KEY, this.value, move.revision, this.leaseMs / 3), sentAt };
      }
    } catch (e) {
      // The key moved (renewed, taken, or created meanwhile): read it again. Unanswered: try again.
      const moved =
        e instanceof JetStreamApiError &&
        (e.code === JetStreamApiCodes.StreamWrongLastSequence ||
          e.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
      if (moved && move.kind === 'claim') await this.readAfterRefusal();
      else if (moved) this.sighting = null;
      return null;
    }
  }

  /** Read the key back after a refused claim (unanswered: read it from scratch next time). */
  private async readAfterRefusal(): Promise<void> {
    const was = this.sighting;
    this.sighting = null;
    const e = await this.kv.get(LEASE_KEY).catch(() => undefined);
    if (e === undefined) return;
    const key = e && e.operation === 'PUT' ? { revision: e.revision, holder: leaseHolderId(e.string()) } : null;
    this.sighting = afterRefusedClaim(Date.now(), was, key, this.id);
  }

  stop(): void {
    if (!this.sub.isClosed()) this.sub.unsubscribe();
  }

  private async read(): Promise<void> {
    const e = await this.kv.get(LEASE_KEY);
    if (!e || e.operation !== 'PUT') this.sighting = 'absent';
    else {
      const holder = leaseHolderId(e.string());
      this.sighting = { revision: e.revision, at: Date.now(), holder, heard: false, mine: holder === this.id };
    }
  }
}
