import {
  AvlIngest,
  type AvlReportIn,
  type BatchOutcome,
  type FeedScope,
  type IngestSink,
} from '../../core/avl/ingest.ts';
import { AVL_LIMITS, type AvlLimits } from '../../core/avl/limits.ts';
import type { Clock } from '../../core/clock.ts';
import type { Engine } from '../engine.ts';
import { isStoreBusy } from '../store/busy-queue.ts';
import type { Logger } from '../log.ts';
import type { OwnChanges } from '../own-changes.ts';
import { FeedRegistry } from './feeds.ts';
import { RateLimiter } from '../../core/ratelimit.ts';
import { HistoryWriter, type HistoryOptions, type MarkedRows, type PositionHistory } from './history.ts';
import { ThreadedHistoryWriter } from './history-thread.ts';
import type { Timers } from '../timers.ts';
import type { AvlEndpoint } from './endpoint.ts';

/**
 * Cluster mode (cluster/node.ts): where the leader keeps the reports of each batch it keeps
 * (accepted, or history only) so that they are durable before the batch's ack; every instance's
 * history is written from there (cluster/positions.ts), not by this service.
 */
export interface PositionLog {
  /** Reports it can take now; a larger batch is refused JCR_AVL_BUSY. */
  positionsRoom(): number;
  /**
   * One batch's kept reports (valid only during the call: the reader reuses them). `wire`: the
   * jcr.v1.AvlBatch they were read from, given only when they are all of it, unchanged and in order.
   */
  appendPositions(rows: MarkedRows, wire?: Uint8Array): void;
}

export interface AvlServiceOptions {
  engine: Engine;
  clock: Clock;
  log: Logger;
  limits?: Partial<AvlLimits>;
  /** Development feed token (`--avl-token`): feed `dev`, every resource. */
  devToken?: string | undefined;
  /** Timer for the history tick (and the WebSocket heartbeat); tests pass a manual one. */
  timers: Timers;
  /**
   * Write position history on a worker thread (its own connection to the database file). Default:
   * on for a file database, off for ':memory:' (a second connection could not see it).
   */
  historyThread?: boolean | undefined;
  /** Cluster mode: kept reports go there, not to `history` (see PositionLog). */
  positions?: PositionLog | undefined;
}

/**
 * The shell side of AVL ingest, shared by every transport (WebSocket /ws/avl, OsmAnd HTTP):
 * authenticate → rate-limit → core AvlIngest (validate, apply, index) → status changes through
 * Engine.execute (durable before the caller acks) → history buffer → Engine.notifyPositions.
 */
export class AvlService implements AvlEndpoint {
  readonly limits: AvlLimits;
  readonly feeds: FeedRegistry;
  readonly history: PositionHistory;
  readonly core: AvlIngest;
  private readonly engine: Engine;
  private readonly clock: Clock;
  /** Per-feed token buckets (reports per second); bounded: feeds are rows an administrator writes. */
  private readonly rate: RateLimiter;
  private readonly sink: IngestSink;
  private batchNow = 0;
  private readonly positions: PositionLog | undefined;
  /** Cluster mode: the reports the batch being ingested keeps, and which of them are history only. */
  private kept: AvlReportIn[] = [];
  private historyOnly: number[] = [];
  /** Counters since start. */
  readonly stats = { batches: 0, accepted: 0, rejected: 0, rateLimited: 0 };
  /** Rejections by stable code, for /metrics. Keys are codes from the error table, so bounded. */
  readonly rejectedByCode = new Map<string, number>();

  constructor(opts: AvlServiceOptions) {
    this.limits = { ...AVL_LIMITS, ...opts.limits };
    this.engine = opts.engine;
    this.clock = opts.clock;
    const db = opts.engine.store.db;
    this.feeds = new FeedRegistry(db, opts.clock, opts.devToken);
    this.rate = new RateLimiter(opts.clock, this.limits.feedBurstReports, this.limits.feedReportsPerS);
    const historyOpts: HistoryOptions = {
      tickMs: this.limits.historyTickMs,
      retentionMs: this.limits.historyRetentionMs,
      maxPending: this.limits.historyMaxPending,
      onError: (e, rows) =>
        opts.log.error('position history flush failed; rows dropped', {
          rows,
          err: e instanceof Error ? e.message : String(e),
        }),
    };
    const store = opts.engine.store;
    const threaded = (opts.historyThread ?? true) && store.path !== ':memory:';
    this.history = threaded
      ? new ThreadedHistoryWriter(db, opts.clock, { ...historyOpts, file: store.path }, opts.timers)
      : new HistoryWriter(db, opts.clock, historyOpts, opts.timers);
    this.core = new AvlIngest(opts.engine.room, this.limits);
    const engine = this.engine;
    const positions = (this.positions = opts.positions);
    this.sink = {
      commitStatuses: (events) => {
        engine.commit(events);
      },
      history: positions
        ? (r, _id, live) => {
            if (!live) this.historyOnly.push(this.kept.length);
            this.kept.push(r);
          }
        : (r, resourceId, live, feed) => this.history.push(r, resourceId, live, feed.id, this.batchNow),
    };
  }

  /**
   * Ingest a batch for an authenticated feed, now. If the feed's token bucket cannot pay for the
   * whole batch, every report is refused with JCR_RATE_LIMITED and nothing changes; if its status
   * changes find the event log write-locked, every report is refused with JCR_STORE_BUSY.
   */
  ingest(reports: readonly AvlReportIn[], feed: FeedScope): BatchOutcome {
    const limited = this.admit(reports, feed);
    if (limited) return limited;
    try {
      return this.ingestNow(reports, feed);
    } catch (e) {
      if (!isStoreBusy(e)) throw e;
      return this.refuseAll(reports, 'JCR_STORE_BUSY', `${(e as Error).message}; nothing of the batch changed`);
    }
  }

  /**
   * As ingest, for a transport that can answer later (WebSocket, OsmAnd): a batch whose status
   * changes find the event log write-locked waits in line (Engine.inLine, off the event loop) and
   * is tried again, whole, on the engine's timer; the promise resolves with its outcome once it is
   * durable, or with every report refused JCR_STORE_BUSY after the wait limit (nothing changed).
   * Position-only batches never wait. A waiting batch's reports are copied (the WebSocket reader
   * reuses its own). `cost`: what the feed's bucket is charged, the batch as the feed sent it
   * (an AVL gateway relays only the reports that passed the stateless rules). `wire`: the
   * jcr.v1.AvlBatch `reports` were read from, valid during the call (PositionLog.appendPositions).
   */
  ingestOrWait(
    reports: readonly AvlReportIn[],
    feed: FeedScope,
    cost: number = reports.length,
    wire?: Uint8Array,
  ): BatchOutcome | Promise<BatchOutcome> {
    const limited = this.admit(reports, feed, cost);
    if (limited) return limited;
    try {
      return this.ingestNow(reports, feed, wire);
    } catch (e) {
      if (!isStoreBusy(e)) throw e;
    }
    const copy = reports.map((r) => ({ ...r }));
    return this.engine
      .inLine(() => this.ingestNow(copy, feed))
      .catch((e: unknown) => {
        if (!isStoreBusy(e)) throw e;
        return this.refuseAll(copy, 'JCR_STORE_BUSY', `${(e as Error).message}; resend the batch later`);
      });
  }

  /** Count the batch and charge the feed's token bucket: a refusal, or null to go on. */
  private admit(reports: readonly AvlReportIn[], feed: FeedScope, cost = reports.length): BatchOutcome | null {
    this.engine.assertLeads(); // cluster mode: a standby takes no reports (JCR_NOT_LEADER)
    this.stats.batches++;
    if (this.rate.take(feed.id, Math.max(1, cost))) return null;
    this.stats.rateLimited += reports.length;
    return this.refuseAll(
      reports,
      'JCR_RATE_LIMITED',
      `feed over ${this.limits.feedReportsPerS} reports/s (burst ${this.limits.feedBurstReports}); batch refused`,
    );
  }

  /**
   * Validate, append the status changes (one append; JCR_STORE_BUSY thrown with nothing of the
   * batch applied, core/avl/ingest.ts), apply, and tell position listeners.
   */
  private ingestNow(reports: readonly AvlReportIn[], feed: FeedScope, wire?: Uint8Array): BatchOutcome {
    // The history writer is behind (slow disk, or the database locked by another process): push
    // back on the sender rather than make the event loop wait on the database. Nothing changes.
    if (reports.length > this.history.room)
      return this.refuseAll(reports, 'JCR_AVL_BUSY', 'position history is behind; resend the batch later');
    const positions = this.positions;
    if (positions && reports.length > positions.positionsRoom())
      return this.refuseAll(reports, 'JCR_AVL_BUSY', 'the cluster is behind with positions; resend the batch later');
    const now = (this.batchNow = this.clock());
    this.kept = [];
    this.historyOnly = [];
    const out = this.core.ingestBatch(reports, feed, now, this.sink);
    // Cluster mode: durable in the positions stream before the ack (Engine.whenReplicated waits).
    // Every report kept, in order: the AvlBatch they came in is the stream's, not encoded again.
    if (positions && this.kept.length > 0) {
      const whole = wire && this.kept.length === reports.length && this.kept.every((r, i) => r === reports[i]);
      const rows = { reports: this.kept, historyOnly: this.historyOnly, feedId: feed.id, receivedAt: now };
      positions.appendPositions(rows, whole ? wire : undefined);
    }
    this.stats.accepted += out.accepted;
    this.stats.rejected += out.rejected.length;
    for (const r of out.rejected) this.rejectedByCode.set(r.code, (this.rejectedByCode.get(r.code) ?? 0) + 1);
    if (out.moved.length > 0) this.engine.notifyPositions(out.moved);
    return out;
  }

  /** Refuse every report of a batch with one code; nothing changes. */
  private refuseAll(
    reports: readonly AvlReportIn[],
    code: 'JCR_RATE_LIMITED' | 'JCR_AVL_BUSY' | 'JCR_STORE_BUSY',
    message: string,
  ): BatchOutcome {
    this.stats.rejected += reports.length;
    this.rejectedByCode.set(code, (this.rejectedByCode.get(code) ?? 0) + reports.length);
    return {
      accepted: 0,
      rejected: reports.map((_, index) => ({ index, code, message })),
      moved: [],
      whole: { code, message },
    };
  }

  /** Resolves once the history writer is ready (the writer thread has opened its connection). */
  ready(): Promise<void> {
    return this.history instanceof ThreadedHistoryWriter ? this.history.ready : Promise.resolve();
  }

  /** The feed a presented token belongs to (AvlEndpoint, server/shell/avl/ws.ts). */
  authenticate(token: string | undefined): FeedScope | undefined {
    return this.feeds.authenticate(token);
  }

  /** The scenario's resource ids, in order (the batch reader's table). */
  get resourceIds(): readonly string[] {
    return this.core.room.scenario.resources.map((r) => r.id);
  }

  /** Cluster mode: resolves once the cluster log has every status change so far (Engine.whenReplicated). */
  whenReplicated(own?: OwnChanges): Promise<void> | null {
    return this.engine.whenReplicated(own);
  }

  /** The injected clock's time. */
  now(): number {
    return this.clock();
  }

  close(): void {
    this.history.close();
  }
}
