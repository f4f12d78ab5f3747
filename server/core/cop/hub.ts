import type { Clock } from '../clock.ts';
import type { ChangeRecord } from '../changes.ts';
import type { Room } from '../room.ts';
import type { Locate } from '../places/locate.ts';
import { buildDelta } from './delta.ts';
import {
  UNFILTERED,
  type CopControl,
  type CopCoverSummaryMsg,
  type CopEncode,
  type CopSnapshotMsg,
  type NormalFilter,
  type PerformanceReport,
} from './frames.ts';
import { CopJournal, type TickRecord } from './journal.ts';
import { COP_LIMITS, type CopLimits } from './limits.ts';
import {
  CopSessions,
  type CopClientInfo,
  type CopPrincipal,
  type CopSocket,
  type DropReason,
  type TickResult,
} from './sessions.ts';

export type { CopClientInfo, CopPrincipal, CopSocket, DropReason, TickResult } from './sessions.ts';

/**
 * The common operating picture hub: the pure heart of /ws/cop, and the one door the shell and
 * the tests use. It joins three rooms: the change journal (journal.ts: what changed, cut into one
 * record per tick with a contiguous COP sequence number, and the resume ring), delta building
 * (delta.ts: a record range as one filter's frame), and client sessions (sessions.ts: each
 * client's state machine and backpressure). It owns no timer and no socket: the shell calls
 * `tick()` and `heartbeat()` on its timers and wraps each WebSocket in a `CopSocket`; tests do
 * both by hand with fake sockets.
 */

/** Something that says which resources moved (Engine.onPositions, the bench's injector). */
export interface PositionSource {
  onPositions(listener: (resourceIds: readonly string[]) => void): () => void;
}

export interface CopHubOptions {
  room: Room;
  clock: Clock;
  encode: CopEncode;
  /** This server instance's id: sequence numbers are only comparable within one epoch. */
  epoch: string;
  limits?: Partial<CopLimits>;
  /** The cover summary at start (null = none yet); later ones arrive through onCover(). */
  cover?: () => CopCoverSummaryMsg | null;
  /** The performance figures at start (null = none); later ones arrive through onPerformance(). */
  performance?: () => PerformanceReport | null;
  /** Told when the hub drops a client by itself (for logs and metrics). */
  onDrop?: (clientId: number, reason: DropReason) => void;
  /** Where an incident is (server/core/places/locate.ts); without it incidents carry no location. */
  locate?: Locate | undefined;
  /** A partner room's name from its id (the partners file, docs/mait.md); '' without one. */
  partnerName?: ((partnerId: string) => string) | undefined;
  /** Told of each record this hub cuts, with the event seq it is current to (cluster: the leader publishes it). */
  onCut?: (record: TickRecord, eventSeq: number) => void;
}

export class CopHub {
  readonly limits: CopLimits;
  readonly epoch: string;
  private readonly clock: Clock;
  private readonly encode: CopEncode;
  private readonly journal: CopJournal;
  private readonly sessions: CopSessions;
  private readonly onCut: ((record: TickRecord, eventSeq: number) => void) | undefined;
  private readonly room: Room;

  constructor(opts: CopHubOptions) {
    this.onCut = opts.onCut;
    this.room = opts.room;
    this.clock = opts.clock;
    this.encode = opts.encode;
    this.epoch = opts.epoch;
    this.limits = { ...COP_LIMITS, ...(opts.limits ?? {}) };
    this.journal = new CopJournal(opts.room, this.limits, opts.cover?.() ?? null, opts.locate, opts.partnerName);
    this.journal.setPerformance(opts.performance?.() ?? null);
    this.sessions = new CopSessions({
      journal: this.journal,
      clock: opts.clock,
      encode: opts.encode,
      epoch: opts.epoch,
      limits: this.limits,
      onDrop: opts.onDrop,
    });
  }

  /** COP sequence number of the last delta cut (0 = none yet). */
  get seq(): number {
    return this.journal.seq;
  }

  /** Total bytes handed to sockets since start. */
  get bytesSent(): number {
    return this.sessions.bytesSent;
  }

  /** Total frames handed to sockets since start. */
  get framesSent(): number {
    return this.sessions.framesSent;
  }

  // -------------------------------------------------------------------------------------------
  // Inputs: see CopJournal

  /** Resources whose live position changed (one call per accepted AVL batch). */
  markMoved(resourceIds: readonly string[]): void {
    this.journal.markMoved(resourceIds);
  }

  /** An applied batch's change record, after the room has applied it (CopJournal.onChanges). */
  onChanges(record: ChangeRecord): void {
    this.journal.onChanges(record);
  }

  /**
   * A new cover picture (the cover service's summary after each recompute). Every client gets it,
   * whatever its filter: it is one small, room-wide record.
   */
  onCover(summary: CopCoverSummaryMsg): void {
    this.journal.onCover(summary);
  }

  /** New performance figures (docs/performance.md): every client gets them, whatever its filter. */
  onPerformance(report: PerformanceReport): void {
    this.journal.onPerformance(report);
  }

  /** Oldest seq the ring can still replay from (seq + 1 when it is empty). */
  get ringOldest(): number {
    return this.journal.ringOldest;
  }

  get ringSize(): { frames: number; bytes: number } {
    return this.journal.ringSize;
  }

  // -------------------------------------------------------------------------------------------
  // Clients: see CopSessions

  connect(socket: CopSocket, principal: CopPrincipal): number {
    return this.sessions.connect(socket, principal);
  }

  disconnect(id: number): void {
    this.sessions.disconnect(id);
  }

  pong(id: number): void {
    this.sessions.pong(id);
  }

  get clientCount(): number {
    return this.sessions.count;
  }

  /** A validated control message (subscribe, setFilter, ack); frames go out at the next tick. */
  control(id: number, ctl: CopControl): void {
    this.sessions.control(id, ctl);
  }

  clientInfo(id: number): CopClientInfo | undefined {
    return this.sessions.info(id);
  }

  // -------------------------------------------------------------------------------------------
  // The tick

  /**
   * Cut a delta from everything that changed since the last tick (if anything did), then bring
   * every subscribed client up to date: the shared frame for its filter if it is one behind, a
   * merged catch-up if it is further behind but the ring still holds the ticks, else a snapshot.
   * A client whose socket is over the high-water mark is skipped (it costs nothing here) and
   * terminated if it stays so for `stuckMs`.
   */
  tick(): TickResult {
    const now = this.clock();
    const cut = this.journal.following ? null : this.journal.cut(Math.round(now), this.encodeShared);
    if (cut) this.onCut?.(cut.record, this.room.lastSeq);
    return this.sessions.deliver(now, cut);
  }

  // -------------------------------------------------------------------------------------------
  // Cluster mode: one numbering for the room (server/shell/cluster/cop-stream.ts)

  /** Stop cutting records: from now on they are the leader's, given to `ingest`, after its `seq`. */
  follow(seq: number): void {
    this.journal.follow(seq);
  }

  get following(): boolean {
    return this.journal.following;
  }

  /** A record the leader cut: kept under its seq and delivered to clients at once. */
  ingest(record: TickRecord): TickResult {
    const now = this.clock();
    return this.sessions.deliver(now, this.journal.ingest(record, this.encodeShared));
  }

  /** This instance leads: cut records again, numbered on from `seq` (CopJournal.lead). */
  lead(seq: number): void {
    this.journal.lead(seq);
  }

  private readonly encodeShared = (record: TickRecord): Uint8Array =>
    this.encode({ delta: buildDelta([record], UNFILTERED) });

  /** Ping every client; terminate those that did not answer the previous ping or never subscribed. */
  heartbeat(): void {
    this.sessions.heartbeat();
  }

  /** The picture under filter `f` now (the R-tree answers the viewport). */
  snapshot(f: NormalFilter, reason: number, now: number = this.clock()): CopSnapshotMsg {
    return this.journal.snapshot(f, reason, now, this.epoch);
  }
}
