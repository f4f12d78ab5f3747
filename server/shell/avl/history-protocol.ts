/**
 * The messages and shared-memory slots between ThreadedHistoryWriter (history-thread.ts, main
 * thread) and the writer thread (history-worker.ts). Types and constants only, so both sides
 * agree without importing each other.
 */

/** Int32 slots of the control block. */
export const COMMITTED = 0; // seq of the last batch the worker finished (committed or dropped)
export const CLOSED = 1; // 1 once the worker has closed its connection
export const CTRL_SLOTS = 2;

/** Float64 slots of the counters the worker keeps. */
export const S_WRITTEN = 0;
export const S_PRUNED = 1;
export const S_FLUSHES = 2;
export const S_DROPPED = 3;
export const STAT_SLOTS = 4;

export interface WorkerInit {
  file: string;
  busyTimeoutMs: number;
  /** Two row buffers (ROW float64 per row), used in turn. */
  buffers: SharedArrayBuffer[];
  ctrl: SharedArrayBuffer;
  stats: SharedArrayBuffer;
}

/** Main → worker: rows 0..n-1 of buffers[buf] are ready; `fresh` extends the string table. */
export interface HandOff {
  type: 'rows';
  seq: number;
  buf: number;
  n: number;
  /** Retention: prune rows received before this (computed with the server's injected clock). */
  cutoff: number;
  fresh: string[];
  /** Cluster mode: the positions stream's message these rows complete, written with them (0: none). */
  mark: number;
}

/** Worker → main. */
export type WorkerReport = { type: 'ready' } | { type: 'error'; message: string; rows: number };
