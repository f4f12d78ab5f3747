import type { Clock } from '../clock.ts';
import { ERRORS, type ErrorCode } from '../errors.ts';
import { RateLimiter } from '../ratelimit.ts';
import { buildDelta } from './delta.ts';
import { scopeFilter, SnapshotReason, type CopControl, type CopEncode, type NormalFilter } from './frames.ts';
import type { CopJournal, TickRecord } from './journal.ts';
import type { CopLimits } from './limits.ts';

/**
 * COP client sessions: each connected screen walks a small state machine (waiting for subscribe →
 * live → behind → caught up or resynchronised), and each tick it gets the shared delta for its
 * filter, a merged catch-up from the journal's ring, or a snapshot. Backpressure lives here too:
 * a client whose socket is over the high-water mark (or that leaves too many frames unacked) is
 * skipped, and dropped if it stays so; heartbeats drop the silent and the never-subscribed.
 */

/** What the hub needs of a client connection. The ws adapter wraps a WebSocket in this. */
export interface CopSocket {
  /** Bytes accepted by send() and not yet written to the network (ws `bufferedAmount`). */
  readonly bufferedAmount: number;
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Drop the connection at once, with no closing handshake. */
  terminate(): void;
  ping(): void;
}

/** Who is connected: a signed-in user or the COP token (server/shell/cop/auth.ts). */
export interface CopPrincipal {
  readonly id: string;
  readonly via: string;
  /**
   * The one agency whose incidents this principal may see (a dispatcher's role agency); absent or
   * null = every incident (duty officer, wall viewer, COP token).
   */
  readonly incidentScope?: string | null;
}

export type DropReason = 'stuck' | 'heartbeat' | 'subscribeTimeout';

export interface TickResult {
  /** COP seq after the tick. */
  seq: number;
  /** Did this tick cut a new delta? */
  cut: boolean;
  /** Frames (deltas, catch-ups, snapshots) sent. */
  sent: number;
  /** Clients skipped because their socket was over the high-water mark. */
  behind: number;
  /** Encodes performed (one per distinct filter, catch-up or snapshot). */
  encodes: number;
}

export interface CopClientInfo {
  id: number;
  principal: CopPrincipal;
  subscribed: boolean;
  filterKey: string;
  delivered: number;
  behind: boolean;
  framesSent: number;
  bytesSent: number;
  snapshots: number;
  catchUps: number;
}

interface Client {
  readonly id: number;
  readonly socket: CopSocket;
  readonly principal: CopPrincipal;
  readonly connectedAt: number;
  filter: NormalFilter | null; // null until CopSubscribe
  /** COP seq of the last delta (or snapshot) whose effect the client holds. */
  delivered: number;
  /** Clock ms of the last FILTER_CHANGED snapshot sent (filterSnapshotMs apart at most one). */
  filterSnapshotAt: number;
  /** Non-zero: send a snapshot with this reason at the next chance. */
  snapshotReason: number;
  /** The client asked to resume; if that proves impossible the snapshot says RESUME_TOO_OLD. */
  resuming: boolean;
  /** Highest seq the client has acknowledged applying; null = this client does not ack. */
  acked: number | null;
  /** Clock ms when the socket was first seen over the high-water mark; null when it is not. */
  blockedSince: number | null;
  awaitingPong: boolean;
  framesSent: number;
  bytesSent: number;
  snapshots: number;
  catchUps: number;
}

export interface CopSessionsOptions {
  journal: CopJournal;
  clock: Clock;
  encode: CopEncode;
  epoch: string;
  limits: CopLimits;
  /** Told when a client is dropped for its own behaviour (for logs and metrics). */
  onDrop?: ((clientId: number, reason: DropReason) => void) | undefined;
}

export class CopSessions {
  private readonly journal: CopJournal;
  private readonly clock: Clock;
  private readonly encode: CopEncode;
  private readonly epoch: string;
  private readonly limits: CopLimits;
  private readonly onDrop: CopSessionsOptions['onDrop'];
  private readonly clients = new Map<number, Client>();
  /** CopSetFilter per connection (limits.filterChangeBurst, filterChangesPerS). */
  private readonly filterChanges: RateLimiter;
  private nextClientId = 1;
  /** Total bytes and frames handed to sockets since start. */
  bytesSent = 0;
  framesSent = 0;

  constructor(opts: CopSessionsOptions) {
    this.journal = opts.journal;
    this.clock = opts.clock;
    this.encode = opts.encode;
    this.epoch = opts.epoch;
    this.limits = opts.limits;
    this.onDrop = opts.onDrop;
    this.filterChanges = new RateLimiter(
      opts.clock,
      opts.limits.filterChangeBurst,
      opts.limits.filterChangesPerS,
      opts.limits.maxClients + 1,
    );
  }

  connect(socket: CopSocket, principal: CopPrincipal): number {
    const id = this.nextClientId++;
    this.clients.set(id, {
      id,
      socket,
      principal,
      connectedAt: this.clock(),
      filter: null,
      delivered: 0,
      filterSnapshotAt: -Infinity,
      snapshotReason: 0,
      resuming: false,
      acked: null,
      blockedSince: null,
      awaitingPong: false,
      framesSent: 0,
      bytesSent: 0,
      snapshots: 0,
      catchUps: 0,
    });
    return id;
  }

  disconnect(id: number): void {
    this.clients.delete(id);
  }

  pong(id: number): void {
    const c = this.clients.get(id);
    if (c) c.awaitingPong = false;
  }

  get count(): number {
    return this.clients.size;
  }

  /**
   * A validated control message. Subscribe (again) sets the filter and either resumes from
   * lastSeq (same epoch, not in the future) or asks for a snapshot; setFilter asks for a snapshot
   * under the new filter. Frames go out at the next tick, so state is always cut at a tick edge.
   */
  control(id: number, ctl: CopControl): void {
    const c = this.clients.get(id);
    if (!c) return;
    if (ctl.type === 'ack') {
      if (c.filter !== null && ctl.seq <= c.delivered && (c.acked === null || ctl.seq > c.acked)) c.acked = ctl.seq;
      return;
    }
    if (ctl.type === 'subscribe') {
      c.filter = scopeFilter(ctl.filter, c.principal.incidentScope ?? null);
      c.acked = null;
      // A replica of a clustered room may be a few of the leader's records behind the gateway the
      // client comes from: it waits for them (then gets the rest as a catch-up) rather than a snapshot.
      const ahead = this.journal.following ? this.limits.maxCatchUpFrames : 0;
      const canResume =
        ctl.resumeEpoch !== '' && ctl.resumeEpoch === this.epoch && ctl.lastSeq <= this.journal.seq + ahead;
      if (canResume) {
        c.delivered = ctl.lastSeq;
        c.snapshotReason = 0;
        c.resuming = true;
      } else {
        c.snapshotReason = ctl.resumeEpoch !== '' ? SnapshotReason.RESUME_TOO_OLD : SnapshotReason.INITIAL;
        c.resuming = false;
      }
      return;
    }
    if (c.filter === null) {
      this.drop(c, 'JCR_VALIDATION', 'setFilter before subscribe');
      return;
    }
    if (!this.filterChanges.take(String(c.id))) {
      const { filterChangeBurst: burst, filterChangesPerS: perS } = this.limits;
      this.drop(c, 'JCR_COP_FILTER_RATE', `more than ${burst} filter changes at once or ${perS} a second`);
      return;
    }
    // The latest filter wins; its snapshot waits for filterSnapshotMs since the last (deliver).
    c.filter = scopeFilter(ctl.filter, c.principal.incidentScope ?? null);
    c.snapshotReason = SnapshotReason.FILTER_CHANGED;
  }

  info(id: number): CopClientInfo | undefined {
    const c = this.clients.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      principal: c.principal,
      subscribed: c.filter !== null,
      filterKey: c.filter?.key ?? '',
      delivered: c.delivered,
      behind: c.blockedSince !== null,
      framesSent: c.framesSent,
      bytesSent: c.bytesSent,
      snapshots: c.snapshots,
      catchUps: c.catchUps,
    };
  }

  /**
   * Bring every subscribed client up to date after a tick (`cut` is the record it cut, if any,
   * with its unfiltered delta): the shared frame for its filter if it is one behind, a merged
   * catch-up if it is further behind but the ring still holds the ticks, else a snapshot. Each
   * distinct frame is encoded once. A client whose socket is over the high-water mark is skipped
   * (it costs nothing here) and terminated if it stays so for `stuckMs`.
   */
  deliver(now: number, cut: { record: TickRecord; shared: Uint8Array } | null): TickResult {
    const seq = this.journal.seq;
    const result: TickResult = { seq, cut: cut !== null, sent: 0, behind: 0, encodes: 0 };
    const single = new Map<string, Uint8Array>(); // filter key → this tick's delta
    const merged = new Map<string, Uint8Array>(); // filter key + from seq → catch-up
    const snaps = new Map<string, Uint8Array>(); // filter key + reason → snapshot
    if (cut) {
      single.set('', cut.shared);
      result.encodes++;
    }
    for (const c of this.clients.values()) {
      if (c.filter === null) continue;
      const unacked = c.acked === null ? 0 : c.delivered - c.acked;
      if (c.socket.bufferedAmount > this.limits.highWaterBytes || unacked >= this.limits.maxUnackedFrames) {
        result.behind++;
        if (c.blockedSince === null) c.blockedSince = now;
        else if (now - c.blockedSince >= this.limits.stuckMs) this.drop(c, null, 'stuck');
        continue;
      }
      c.blockedSince = null;
      // A filter change costs a snapshot: at most one per filterSnapshotMs; until then nothing is
      // sent (the snapshot that follows covers everything in between).
      if (c.snapshotReason === SnapshotReason.FILTER_CHANGED && now - c.filterSnapshotAt < this.limits.filterSnapshotMs)
        continue;
      const f = c.filter;
      let frame: Uint8Array | undefined;
      let isSnapshot = false;
      if (c.snapshotReason === 0 && c.delivered < seq) {
        const behindBy = seq - c.delivered;
        if (behindBy === 1 && cut) {
          frame = single.get(f.key);
          if (!frame) {
            frame = this.encode({ delta: buildDelta([cut.record], f) });
            single.set(f.key, frame);
            result.encodes++;
          }
        } else if (c.delivered + 1 >= this.journal.ringOldest && behindBy <= this.limits.maxCatchUpFrames) {
          const k = `${f.key}#${c.delivered}`;
          frame = merged.get(k);
          if (!frame) {
            frame = this.encode({ delta: buildDelta(this.journal.latest(behindBy), f) });
            merged.set(k, frame);
            result.encodes++;
          }
          c.catchUps++;
        } else {
          c.snapshotReason = c.resuming ? SnapshotReason.RESUME_TOO_OLD : SnapshotReason.RESYNC;
        }
      }
      if (c.snapshotReason !== 0) {
        const k = `${f.key}#${c.snapshotReason}`;
        frame = snaps.get(k);
        if (!frame) {
          frame = this.encode({ snapshot: this.journal.snapshot(f, c.snapshotReason, now, this.epoch) });
          snaps.set(k, frame);
          result.encodes++;
        }
        isSnapshot = true;
      }
      if (!frame) continue; // up to date
      if (c.snapshotReason === SnapshotReason.FILTER_CHANGED) c.filterSnapshotAt = now;
      c.resuming = false;
      c.snapshotReason = 0;
      c.delivered = seq;
      if (isSnapshot) c.snapshots++;
      c.framesSent++;
      c.bytesSent += frame.byteLength;
      this.framesSent++;
      this.bytesSent += frame.byteLength;
      result.sent++;
      c.socket.send(frame);
    }
    return result;
  }

  /** Ping every client; terminate those that did not answer the previous ping or never subscribed. */
  heartbeat(): void {
    const now = this.clock();
    for (const c of [...this.clients.values()]) {
      if (c.awaitingPong) {
        this.drop(c, null, 'heartbeat');
        continue;
      }
      if (c.filter === null && now - c.connectedAt >= this.limits.subscribeTimeoutMs) {
        this.drop(c, 'JCR_VALIDATION', 'subscribeTimeout');
        continue;
      }
      c.awaitingPong = true;
      c.socket.ping();
    }
  }

  private drop(c: Client, code: ErrorCode | null, reason: DropReason | string): void {
    this.clients.delete(c.id);
    if (code === null) c.socket.terminate();
    else c.socket.close(ERRORS[code].close, `${code}: ${reason}`);
    if (reason === 'stuck' || reason === 'heartbeat' || reason === 'subscribeTimeout') this.onDrop?.(c.id, reason);
  }
}
