import type Database from 'better-sqlite3';
import type { AvlReportIn } from '../../core/avl/ingest.ts';
import type { Clock } from '../../core/clock.ts';
import type { Every } from './timer.ts';

export interface HistoryOptions {
  tickMs: number;
  retentionMs: number;
  maxPending: number;
  /** Called when a flush fails (disk full, I/O error); the tick's rows are dropped and counted. */
  onError?: (e: unknown, rowsDropped: number) => void;
}

/** Rows per INSERT statement: a multi-row VALUES list costs one JS→SQLite call per 64 rows, not per row. */
export const ROWS_PER_INSERT = 64;
const COLS = 11;
/** Numeric columns buffered per row: received_at, fix_time, lat, lon, speed, heading, accuracy, status, live. */
const NUM = 9;
const INSERT_SQL = 'INSERT INTO positions (received_at, resource_id, fix_time, lat, lon, speed_mps, heading_deg, accuracy_m, status, live, feed) VALUES ';
const ROW_SQL = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/**
 * Raw position history. Reports are copied into preallocated columns (no per-report allocation)
 * and written once per tick in ONE transaction through one prepared 64-row INSERT (plus a
 * one-row INSERT for the tail), with one reused argument array. During each flush, rows older
 * than the retention are deleted in a bounded step (at most twice the rows just written, at least
 * 1,000), so pruning keeps pace with ingest without ever stalling the loop.
 *
 * Crash guarantee: the buffer holds at most one tick of positions (or `maxPending` rows, which
 * triggers an early flush), so a crash loses at most that. Status changes never pass through here:
 * they are in the event log before their ack is sent.
 */
export class HistoryWriter {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly opts: HistoryOptions;
  private readonly insertMany: Database.Statement<unknown[]>;
  private readonly insertOne: Database.Statement<unknown[]>;
  private readonly args: unknown[] = new Array<unknown>(ROWS_PER_INSERT * COLS);
  private readonly oldest: Database.Statement<[]>;
  private readonly boundary: Database.Statement<[number, number, number]>;
  private readonly deleteBelow: Database.Statement<[number]>;
  private readonly writeTx: (n: number) => void;
  /**
   * The buffer, as columns: NUM numbers per row in one preallocated Float64Array, and the
   * resource and feed ids as references to long-lived strings (the scenario's and the feed's), so
   * the decoded report objects die young instead of being kept (and promoted) until the flush.
   */
  private readonly num: Float64Array;
  private readonly ids: string[];
  private readonly feeds: string[];
  private count = 0;
  private readonly stop: () => void;
  /** Rows written since start; rows pruned since start (for tests and /api/health-style views). */
  written = 0;
  pruned = 0;
  flushes = 0;
  /** Rows lost to failed flushes: the live state is unaffected, memory stays bounded. */
  dropped = 0;

  constructor(db: Database.Database, clock: Clock, opts: HistoryOptions, every: Every) {
    this.db = db;
    this.clock = clock;
    this.opts = opts;
    this.insertMany = db.prepare(INSERT_SQL + Array<string>(ROWS_PER_INSERT).fill(ROW_SQL).join(', '));
    this.insertOne = db.prepare(INSERT_SQL + ROW_SQL);
    this.oldest = db.prepare('SELECT id, received_at AS at FROM positions ORDER BY id LIMIT 1');
    this.boundary = db.prepare('SELECT id FROM positions WHERE id >= ? AND id < ? AND received_at >= ? ORDER BY id LIMIT 1');
    this.deleteBelow = db.prepare('DELETE FROM positions WHERE id < ?');
    this.writeTx = db.transaction((n: number) => {
      const { num, ids, feeds, args } = this;
      const put = (i: number, o: number) => {
        const k = i * NUM;
        args[o] = num[k];
        args[o + 1] = ids[i];
        args[o + 2] = num[k + 1];
        args[o + 3] = num[k + 2];
        args[o + 4] = num[k + 3];
        args[o + 5] = num[k + 4];
        args[o + 6] = num[k + 5];
        args[o + 7] = num[k + 6];
        args[o + 8] = num[k + 7];
        args[o + 9] = num[k + 8];
        args[o + 10] = feeds[i];
      };
      let i = 0;
      for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) put(i + j, j * COLS);
        this.insertMany.run(args);
      }
      const one = new Array<unknown>(COLS);
      for (; i < n; i++) {
        put(i, 0);
        for (let c = 0; c < COLS; c++) one[c] = args[c];
        this.insertOne.run(one);
      }
      const cutoff = this.clock() - this.opts.retentionMs;
      this.pruned += this.pruneOld(cutoff, Math.max(1000, 2 * n));
    });
    this.num = new Float64Array(opts.maxPending * NUM);
    this.ids = new Array<string>(opts.maxPending).fill('');
    this.feeds = new Array<string>(opts.maxPending).fill('');
    this.stop = every(opts.tickMs, () => this.flush());
  }

  /**
   * Delete up to `limit` of the oldest rows received before `cutoff`. Rows get ids in receive
   * order, so the old rows are an id prefix: find where it ends within the next `limit` ids and
   * delete below that. Every step is bounded by `limit` rows; no index on received_at is needed.
   */
  private pruneOld(cutoff: number, limit: number): number {
    const first = this.oldest.get() as { id: number; at: number } | undefined;
    if (!first || first.at >= cutoff) return 0;
    const end = first.id + limit;
    const b = this.boundary.get(first.id, end, cutoff) as { id: number } | undefined;
    return this.deleteBelow.run(b ? b.id : end).changes;
  }

  get pending(): number {
    return this.count;
  }

  /** Buffer one row. `resourceId` should be the scenario's own id string (long-lived), not r's. */
  push(r: AvlReportIn, resourceId: string, live: boolean, feedId: string, receivedAt: number): void {
    const i = this.count++;
    const k = i * NUM;
    const num = this.num;
    num[k] = receivedAt;
    num[k + 1] = Math.round(r.fixTimeMs);
    num[k + 2] = r.lat;
    num[k + 3] = r.lon;
    num[k + 4] = r.speedMps;
    num[k + 5] = r.headingDeg;
    num[k + 6] = r.accuracyM;
    num[k + 7] = r.status;
    num[k + 8] = live ? 1 : 0;
    this.ids[i] = resourceId;
    this.feeds[i] = feedId;
    if (this.count >= this.opts.maxPending) this.flush();
  }

  /** Write everything pending in one transaction (and prune); returns the rows written. */
  flush(): number {
    const n = this.count;
    if (!this.db.open) return 0;
    try {
      this.writeTx(n);
    } catch (e) {
      this.count = 0;
      this.dropped += n;
      if (this.opts.onError) this.opts.onError(e, n);
      else throw e;
      return 0;
    }
    this.count = 0;
    this.written += n;
    this.flushes++;
    return n;
  }

  /** Stop the tick and write what is pending. */
  close(): void {
    this.stop();
    this.flush();
  }
}
