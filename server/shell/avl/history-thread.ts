import type Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { AvlReportIn } from '../../core/avl/ingest.ts';
import type { Clock } from '../../core/clock.ts';
import { putMarked, putRow, type HistoryOptions, type MarkedRows, type PositionHistory } from './history.ts';
import {
  CLOSED,
  COMMITTED,
  CTRL_SLOTS,
  S_DROPPED,
  S_FLUSHES,
  S_PRUNED,
  S_WRITTEN,
  STAT_SLOTS,
  type HandOff,
  type WorkerInit,
  type WorkerReport,
} from './history-protocol.ts';
import { PositionRowWriter, ROW, StringTable, writeBatch } from './history-rows.ts';
import { every, type Timers } from '../timers.ts';

export interface ThreadedHistoryOptions extends HistoryOptions {
  /** The database file (the worker opens its own connection to it). */
  file: string;
  /** Longest the main thread waits for the writer before giving up on it (then writes in-process). */
  stallLimitMs?: number;
}

/**
 * Position history written on a worker thread, so SQLite's insert and fsync time (about a third of
 * the ingest CPU when done inline) runs on another core while the event loop validates the next
 * batches.
 *
 * Rows are copied into one of two shared Float64Array buffers (no allocation per report; strings
 * as indices into a table whose new entries travel with the hand-off). Every tickMs/2 the buffer
 * is handed to the worker, which writes it in one transaction; the main thread fills the other
 * buffer meanwhile. The main thread never waits for the writer: while the previous batch is
 * not yet committed (a slow disk, or a write lock held by another process) a hand-off is put off
 * and the current buffer keeps filling. When it is full, `room` is 0 and the AVL service refuses
 * whole batches with JCR_AVL_BUSY (back-pressure on the senders, not on the event loop; issue 15
 * item 10). The crash bound: the uncommitted rows are at most the batch being written plus the one
 * being filled, i.e. at most maxPending rows (each buffer holds maxPending/2; a full buffer is
 * handed off early), and with a disk that keeps up, positions received in the last tickMs. Status changes never pass through here: they are appended to the event log on
 * the main connection before their ack.
 *
 * If the worker dies or has not committed a batch for stallLimitMs, its uncommitted batch is counted as dropped
 * (onError) and the history is written in-process on the main connection from then on.
 */
export class ThreadedHistoryWriter implements PositionHistory {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly opts: ThreadedHistoryOptions;
  private readonly capacity: number;
  private readonly bufs: Float64Array[];
  private readonly ctrl: Int32Array;
  private readonly stats: Float64Array;
  private readonly strings = new StringTable();
  private readonly worker: Worker;
  private readonly stop: () => void;
  private readonly stallLimitMs: number;
  /** Buffer being filled, rows in it. */
  private cur = 0;
  private count = 0;
  /** The positions stream's message the buffer's rows complete (0: none). */
  private mark = 0;
  /** Seq of the last batch handed off, and its row count. */
  private sent = 0;
  private sentRows = 0;
  /** performance.now() of the last hand-off, for the stall limit. */
  private sentAt = 0;
  /** Set once the worker has failed: rows are then written in-process with this. */
  private fallback: PositionRowWriter | undefined;
  private local = { written: 0, pruned: 0, flushes: 0, dropped: 0 };
  private closed = false;
  /** Resolves once the worker has opened its connection (or failed, and fallen back). */
  readonly ready: Promise<void>;
  /** Time the main thread spent blocked waiting for the writer, and how often (for the bench). */
  waitedMs = 0;
  waits = 0;

  constructor(db: Database.Database, clock: Clock, opts: ThreadedHistoryOptions, timers: Timers) {
    this.db = db;
    this.clock = clock;
    this.opts = opts;
    this.stallLimitMs = opts.stallLimitMs ?? 30_000;
    this.capacity = Math.max(1, Math.floor(opts.maxPending / 2));
    const buffers = [0, 1].map(() => new SharedArrayBuffer(this.capacity * ROW * Float64Array.BYTES_PER_ELEMENT));
    this.bufs = buffers.map((b) => new Float64Array(b));
    const ctrl = new SharedArrayBuffer(CTRL_SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const stats = new SharedArrayBuffer(STAT_SLOTS * Float64Array.BYTES_PER_ELEMENT);
    this.ctrl = new Int32Array(ctrl);
    this.stats = new Float64Array(stats);
    const init: WorkerInit = { file: opts.file, busyTimeoutMs: 5_000, buffers, ctrl, stats };
    this.worker = startTsWorker(new URL('./history-worker.ts', import.meta.url), init);
    this.worker.unref(); // never keeps the process alive
    let onReady: () => void = () => {};
    this.ready = new Promise<void>((r) => (onReady = r));
    this.worker.on('message', (m: WorkerReport) => {
      if (m.type === 'ready') onReady();
      else this.opts.onError?.(new Error(m.message), m.rows);
    });
    this.worker.on('error', (e) => {
      this.fail(e);
      onReady();
    });
    this.worker.on('exit', (code) => {
      if (!this.closed) this.fail(new Error(`history writer thread exited (${code})`));
      onReady();
    });
    this.stop = every(timers, Math.max(1, Math.floor(opts.tickMs / 2)), () => this.flush());
  }

  get pending(): number {
    return (
      this.count + (this.fallback === undefined && Atomics.load(this.ctrl, COMMITTED) < this.sent ? this.sentRows : 0)
    );
  }
  get written(): number {
    return this.local.written + (this.stats[S_WRITTEN] as number);
  }
  get pruned(): number {
    return this.local.pruned + (this.stats[S_PRUNED] as number);
  }
  get flushes(): number {
    return this.local.flushes + (this.stats[S_FLUSHES] as number);
  }
  get dropped(): number {
    return this.local.dropped + (this.stats[S_DROPPED] as number);
  }
  /** True once the worker has failed and rows are written on the main connection. */
  get inProcess(): boolean {
    return this.fallback !== undefined;
  }

  /** Rows push() can take now without waiting for the writer; the AVL service refuses batches beyond it. */
  get room(): number {
    if (this.fallback || this.closed) return Number.POSITIVE_INFINITY;
    const handOffFree = Atomics.load(this.ctrl, COMMITTED) >= this.sent;
    return this.capacity - this.count + (handOffFree ? this.capacity : 0);
  }

  push(r: AvlReportIn, resourceId: string, live: boolean, feedId: string, receivedAt: number): void {
    // Both buffers full: only a caller that ignored `room` gets here (tests, the crash child); the
    // AVL service never does, so the event loop never waits on the writer.
    if (this.count >= this.capacity) {
      this.waitOrFail();
      this.flush();
    }
    putRow(
      this.bufs[this.cur] as Float64Array,
      this.count++,
      r,
      this.strings.id(resourceId),
      live,
      this.strings.id(feedId),
      receivedAt,
    );
    if (this.count >= this.capacity) this.flush();
  }

  pushMarked(mark: number, rows: MarkedRows): void {
    // A message's rows go in one hand-off: make room for all of them first.
    if (this.count + rows.reports.length > this.capacity) {
      this.waitOrFail();
      this.flush();
    }
    this.count = putMarked(this.bufs[this.cur] as Float64Array, this.count, rows, this.strings);
    this.mark = mark;
    if (this.count >= this.capacity) this.flush();
  }

  /**
   * Hand the filled buffer to the worker if the previous batch is committed (usually long done);
   * otherwise put it off and return 0, never waiting. Returns the rows handed over. Empty batches
   * are handed over too: the worker prunes by retention on every one.
   */
  flush(): number {
    const n = this.count;
    if (this.closed) {
      this.count = 0; // pushed after close: nowhere to write them
      return 0;
    }
    if (this.fallback) return this.writeInProcess(n);
    if (Atomics.load(this.ctrl, COMMITTED) < this.sent) {
      if (performance.now() - this.sentAt < this.stallLimitMs) return 0;
      this.fail(new Error(`history writer thread stalled for ${this.stallLimitMs} ms`));
      return this.writeInProcess(n);
    }
    const fresh = this.strings.fresh;
    this.strings.fresh = [];
    const m: HandOff = {
      type: 'rows',
      seq: ++this.sent,
      buf: this.cur,
      n,
      cutoff: this.clock() - this.opts.retentionMs,
      fresh,
      mark: this.mark,
    };
    this.mark = 0;
    this.worker.postMessage(m);
    this.sentAt = performance.now();
    this.sentRows = n;
    this.cur ^= 1;
    this.count = 0;
    return n;
  }

  /**
   * Flush and wait until every row pushed so far is committed: for shutdown and tests only (it
   * blocks the thread; ingest never calls it).
   */
  sync(): void {
    this.waitOrFail();
    this.flush();
    this.waitOrFail();
  }

  close(): void {
    if (this.closed) return;
    this.stop();
    this.sync();
    this.closed = true;
    if (this.fallback) return;
    this.worker.postMessage({ type: 'close' });
    const deadline = performance.now() + 5_000;
    while (Atomics.load(this.ctrl, CLOSED) === 0 && performance.now() < deadline)
      Atomics.wait(this.ctrl, CLOSED, 0, 100);
    if (Atomics.load(this.ctrl, CLOSED) === 0) void this.worker.terminate();
  }

  /** Block until the last hand-off is committed, at most stallLimitMs; then give up on the thread. */
  private waitOrFail(): void {
    if (!this.fallback && !this.closed && !this.waitCommitted(this.sent))
      this.fail(new Error(`history writer thread stalled for ${this.stallLimitMs} ms`));
  }

  /** Block until batch `seq` is done, at most stallLimitMs. */
  private waitCommitted(seq: number): boolean {
    let c = Atomics.load(this.ctrl, COMMITTED);
    if (c >= seq) return true;
    const t0 = performance.now();
    this.waits++;
    const deadline = t0 + this.stallLimitMs;
    while (c < seq) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(this.ctrl, COMMITTED, c, Math.min(left, 1_000));
      c = Atomics.load(this.ctrl, COMMITTED);
    }
    this.waitedMs += performance.now() - t0;
    return c >= seq;
  }

  /** The worker is gone or stuck: count its uncommitted batch as lost and write in-process from now on. */
  private fail(e: unknown): void {
    if (this.fallback || this.closed) return;
    if (!this.db.open) {
      // Shutting down without close(): nothing left to write to.
      this.closed = true;
      return;
    }
    this.fallback = new PositionRowWriter(this.db);
    const lost = Atomics.load(this.ctrl, COMMITTED) < this.sent ? this.sentRows : 0;
    this.local.dropped += lost;
    this.opts.onError?.(e, lost);
    void this.worker.terminate();
  }

  private writeInProcess(n: number): number {
    const num = this.bufs[this.cur] as Float64Array;
    const mark = this.mark;
    this.count = this.mark = 0;
    if (!this.db.open) return 0;
    return writeBatch(
      this.fallback as PositionRowWriter,
      num,
      n,
      this.strings.strings,
      this.clock() - this.opts.retentionMs,
      this.local,
      (e, dropped) => this.opts.onError?.(e, dropped),
      mark,
    );
  }
}

/**
 * Start a TypeScript worker. The server runs under tsx (`node --import tsx`), but a worker's entry
 * module is not passed through the parent's loader hooks, so a tiny JavaScript bootstrap registers
 * tsx inside the worker first and then imports the .ts entry.
 */
function startTsWorker(entry: URL, workerData: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
