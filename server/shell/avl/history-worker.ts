/**
 * The position-history writer thread (started by history-thread.ts). It owns a second
 * better-sqlite3 connection to the server's database file (WAL: the main connection keeps reading
 * and appending events meanwhile) and writes each batch the main thread hands over, in one
 * IMMEDIATE transaction with synchronous=FULL, exactly as the in-process writer would.
 *
 * Protocol: rows live in two shared buffers; a message `{seq, buf, n, cutoff, fresh}` says "rows
 * 0..n-1 of buffer `buf` are ready; `fresh` are new strings for the table". After the transaction
 * (or its failure) the counters in `stats` are updated and `ctrl[COMMITTED]` is set to seq and
 * notified: the main thread waits on it before it reuses that buffer or hands over the next batch.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { PositionRowWriter, pruneLimit } from './history-rows.ts';
import {
  CLOSED,
  COMMITTED,
  S_DROPPED,
  S_FLUSHES,
  S_PRUNED,
  S_WRITTEN,
  type HandOff,
  type WorkerInit,
  type WorkerReport,
} from './history-protocol.ts';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('history-worker.ts must run as a worker thread');

const db = new Database(init.file, { timeout: init.busyTimeoutMs });
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
const rows = new PositionRowWriter(db);
const bufs = init.buffers.map((b) => new Float64Array(b));
const ctrl = new Int32Array(init.ctrl);
const stats = new Float64Array(init.stats);
const strings: string[] = [];

const send = (m: WorkerReport) => port.postMessage(m);

port.on('message', (m: HandOff | { type: 'close' }) => {
  if (m.type === 'close') {
    db.close();
    Atomics.store(ctrl, CLOSED, 1);
    Atomics.notify(ctrl, CLOSED);
    port.close();
    return;
  }
  for (const s of m.fresh) strings.push(s);
  const num = bufs[m.buf] as Float64Array;
  try {
    const r = rows.write(num, m.n, strings, m.cutoff, pruneLimit(m.n), m.mark);
    stats[S_WRITTEN] = (stats[S_WRITTEN] as number) + r.written;
    stats[S_PRUNED] = (stats[S_PRUNED] as number) + r.pruned;
    stats[S_FLUSHES] = (stats[S_FLUSHES] as number) + 1;
  } catch (e) {
    stats[S_DROPPED] = (stats[S_DROPPED] as number) + m.n;
    send({ type: 'error', message: e instanceof Error ? e.message : String(e), rows: m.n });
  }
  // The stores above happen-before this one: the main thread reads the counters after it sees seq.
  Atomics.store(ctrl, COMMITTED, m.seq);
  Atomics.notify(ctrl, COMMITTED);
});

send({ type: 'ready' });
