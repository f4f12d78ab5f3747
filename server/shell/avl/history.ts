import type Database from 'better-sqlite3';
import type { AvlReportIn } from '../../core/avl/ingest.ts';
import type { Clock } from '../../core/clock.ts';
import {
  F_ACCURACY,
  F_FEED,
  F_FIX_TIME,
  F_HEADING,
  F_LAT,
  F_LIVE,
  F_LON,
  F_RECEIVED,
  F_RESOURCE,
  F_SPEED,
  F_STATUS,
  PositionRowWriter,
  ROW,
  StringTable,
  writeBatch,
} from './history-rows.ts';
import { every, type Timers } from '../timers.ts';

export { ROWS_PER_INSERT } from './history-rows.ts';

export interface HistoryOptions {
  tickMs: number;
  retentionMs: number;
  maxPending: number;
  /** Called when a flush fails (disk full, I/O error); the tick's rows are dropped and counted. */
  onError?: (e: unknown, rowsDropped: number) => void;
}

/**
 * Raw position history, as the AVL service sees it: `push` one row per accepted (or out-of-order)
 * report, rows reach the `positions` table in batched transactions. Two implementations: the
 * in-process HistoryWriter below (':memory:' databases, tests) and ThreadedHistoryWriter
 * (history-thread.ts: a file database, the writes on a worker thread).
 */
export interface PositionHistory {
  /** Buffer one row. `resourceId` should be the scenario's own id string (long-lived), not r's. */
  push(r: AvlReportIn, resourceId: string, live: boolean, feedId: string, receivedAt: number): void;
  /**
   * Cluster mode: buffer the rows of message `mark` of the positions stream (cluster/positions.ts).
   * They are committed in one transaction, never split, with `mark` as META_POSITIONS_SEQ.
   */
  pushMarked(mark: number, rows: MarkedRows): void;
  /** Hand what is buffered to the database now (in-process: written when this returns). */
  flush(): number;
  /** Flush and wait until every row pushed so far is committed (or dropped by a failed write). */
  sync(): void;
  /** Stop the tick, write what is pending, release the connection or thread. */
  close(): void;
  /** Rows buffered or being written, not yet committed. */
  readonly pending: number;
  /** Rows push() can take now without the event loop waiting on the database (AvlService pushes back beyond it). */
  readonly room: number;
  /** Rows committed, rows pruned by retention, transactions committed, rows lost to failed writes. */
  readonly written: number;
  readonly pruned: number;
  readonly flushes: number;
  readonly dropped: number;
}

/** A message of the positions stream as history rows: reports resolved to the scenario's ids. */
export interface MarkedRows {
  reports: readonly AvlReportIn[];
  /** Indices of the reports kept in history only (out of order), not live. */
  historyOnly: readonly number[];
  feedId: string;
  receivedAt: number;
}

/** Copy a message's rows into `num` from row `at`; returns the row after the last. */
export function putMarked(num: Float64Array, at: number, rows: MarkedRows, strings: StringTable): number {
  const feed = strings.id(rows.feedId);
  rows.reports.forEach((r, i) => {
    const live = !rows.historyOnly.includes(i);
    putRow(num, at++, r, strings.id(r.resourceId), live, feed, rows.receivedAt);
  });
  return at;
}

/** Copy one report into row `i` of a buffer (no allocation: the decoded report can die young). */
export function putRow(
  num: Float64Array,
  i: number,
  r: AvlReportIn,
  resource: number,
  live: boolean,
  feed: number,
  receivedAt: number,
): void {
  const k = i * ROW;
  num[k + F_RECEIVED] = receivedAt;
  num[k + F_FIX_TIME] = Math.round(r.fixTimeMs);
  num[k + F_LAT] = r.lat;
  num[k + F_LON] = r.lon;
  num[k + F_SPEED] = r.speedMps;
  num[k + F_HEADING] = r.headingDeg;
  num[k + F_ACCURACY] = r.accuracyM;
  num[k + F_STATUS] = r.status;
  num[k + F_LIVE] = live ? 1 : 0;
  num[k + F_RESOURCE] = resource;
  num[k + F_FEED] = feed;
}

/**
 * In-process history: reports are copied into one preallocated Float64Array (no per-report
 * allocation) and written once per tick in ONE transaction on the caller's connection
 * (PositionRowWriter: 64-row INSERTs, then a bounded retention prune). Used where a second
 * connection cannot see the same database (':memory:').
 *
 * Crash guarantee: the buffer holds at most one tick of positions (or `maxPending` rows, which
 * triggers an early flush), so a crash loses at most that. Status changes never pass through here:
 * they are in the event log before their ack is sent.
 */
export class HistoryWriter implements PositionHistory {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly opts: HistoryOptions;
  private readonly rows: PositionRowWriter;
  private readonly strings = new StringTable();
  private readonly num: Float64Array;
  private count = 0;
  /** The positions stream's message the buffered rows complete (0: none). */
  private mark = 0;
  private readonly stop: () => void;
  written = 0;
  pruned = 0;
  flushes = 0;
  dropped = 0;

  constructor(db: Database.Database, clock: Clock, opts: HistoryOptions, timers: Timers) {
    this.db = db;
    this.clock = clock;
    this.opts = opts;
    this.rows = new PositionRowWriter(db);
    this.num = new Float64Array(opts.maxPending * ROW);
    this.stop = every(timers, opts.tickMs, () => this.flush());
  }

  get pending(): number {
    return this.count;
  }
  /** A full buffer is written at once, in-process: always room. */
  get room(): number {
    return Number.POSITIVE_INFINITY;
  }

  push(r: AvlReportIn, resourceId: string, live: boolean, feedId: string, receivedAt: number): void {
    putRow(this.num, this.count++, r, this.strings.id(resourceId), live, this.strings.id(feedId), receivedAt);
    if (this.count >= this.opts.maxPending) this.flush();
  }

  pushMarked(mark: number, rows: MarkedRows): void {
    if (this.count + rows.reports.length > this.opts.maxPending) this.flush();
    this.count = putMarked(this.num, this.count, rows, this.strings);
    this.mark = mark;
    if (this.count >= this.opts.maxPending) this.flush();
  }

  /** Write everything pending in one transaction (and prune); returns the rows written. A failed write throws unless there is an onError. */
  flush(): number {
    const n = this.count;
    const mark = this.mark;
    this.count = this.mark = 0;
    // After shutdown closed the database, late reports cannot be written: count them dropped
    // rather than letting `count` run past the fixed row buffer.
    if (!this.db.open) {
      this.dropped += n;
      return 0;
    }
    return writeBatch(
      this.rows,
      this.num,
      n,
      this.strings.strings,
      this.clock() - this.opts.retentionMs,
      this,
      (e, dropped) => {
        if (this.opts.onError) this.opts.onError(e, dropped);
        else throw e;
      },
      mark,
    );
  }

  sync(): void {
    this.flush();
  }

  close(): void {
    this.stop();
    this.flush();
  }
}
