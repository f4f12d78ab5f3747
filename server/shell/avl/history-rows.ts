import type Database from 'better-sqlite3';

/**
 * The position-history buffer layout and the SQL that writes it, shared by the in-process writer
 * (history.ts, used with ':memory:' databases) and the writer thread (history-worker.ts), so both
 * write exactly the same rows.
 *
 * A buffer is one Float64Array of ROW numbers per position. The two strings of a row (resource id,
 * feed id) are held as indices into a string table that only grows (resource ids come from the
 * scenario, feed ids from the feeds table, so it is bounded); numbers can cross to a worker in
 * shared memory, strings cannot.
 */
export const F_RECEIVED = 0;
export const F_FIX_TIME = 1;
export const F_LAT = 2;
export const F_LON = 3;
export const F_SPEED = 4;
export const F_HEADING = 5;
export const F_ACCURACY = 6;
export const F_STATUS = 7;
export const F_LIVE = 8;
export const F_RESOURCE = 9;
export const F_FEED = 10;
/** Numbers per buffered row. */
export const ROW = 11;

/** Rows per INSERT statement: a multi-row VALUES list costs one JS→SQLite call per 64 rows, not per row. */
export const ROWS_PER_INSERT = 64;
const COLS = 11;
const INSERT_SQL =
  'INSERT INTO positions (received_at, resource_id, fix_time, lat, lon, speed_mps, heading_deg, accuracy_m, status, live, feed) VALUES ';
const ROW_SQL = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';

/** Interns strings to small integers; `fresh` collects the ones added since it was last emptied. */
export class StringTable {
  private readonly index = new Map<string, number>();
  readonly strings: string[] = [];
  fresh: string[] = [];

  private lastString = '';
  private lastId = -1;

  id(s: string): number {
    // Every report of a batch comes from one feed: its id is the same string object each time.
    if (s === this.lastString) return this.lastId;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.index.set(s, i);
      this.strings.push(s);
      this.fresh.push(s);
    }
    this.lastString = s;
    this.lastId = i;
    return i;
  }
}

/**
 * Meta key: in cluster mode, the last message of the positions stream whose rows the history
 * holds (cluster/positions.ts). Written in the transaction that writes that message's rows, so
 * a restart follows the stream from the next message and stores each report once.
 */
export const META_POSITIONS_SEQ = 'cluster.positionsSeq';

export interface WriteResult {
  written: number;
  pruned: number;
}

/** One write: rows `num`/`strings` (n of them), pruning before `cutoff`, and the history's mark. */
type WriteTx = (
  num: Float64Array,
  n: number,
  strings: readonly string[],
  cutoff: number,
  pruneLimit: number,
  mark: number,
) => WriteResult;

/**
 * Writes buffered rows in ONE transaction through one prepared 64-row INSERT (plus a one-row
 * INSERT for the tail), with one reused argument array, then prunes rows received before the
 * retention cutoff in a bounded step (at most `pruneLimit` rows), so pruning keeps pace with
 * ingest without ever stalling a flush.
 */
export class PositionRowWriter {
  private readonly insertMany: Database.Statement<unknown[]>;
  private readonly insertOne: Database.Statement<unknown[]>;
  private readonly args: unknown[] = new Array<unknown>(ROWS_PER_INSERT * COLS);
  private readonly one: unknown[] = new Array<unknown>(COLS);
  private readonly oldest: Database.Statement<[]>;
  private readonly boundary: Database.Statement<[number, number, number]>;
  private readonly deleteBelow: Database.Statement<[number]>;
  private readonly setMark: Database.Statement<[string, string]>;
  private readonly tx: Database.Transaction<WriteTx>;

  constructor(db: Database.Database) {
    this.insertMany = db.prepare(INSERT_SQL + Array<string>(ROWS_PER_INSERT).fill(ROW_SQL).join(', '));
    this.insertOne = db.prepare(INSERT_SQL + ROW_SQL);
    this.oldest = db.prepare('SELECT id, received_at AS at FROM positions ORDER BY id LIMIT 1');
    this.boundary = db.prepare(
      'SELECT id FROM positions WHERE id >= ? AND id < ? AND received_at >= ? ORDER BY id LIMIT 1',
    );
    this.deleteBelow = db.prepare('DELETE FROM positions WHERE id < ?');
    this.setMark = db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.tx = db.transaction<WriteTx>((num, n, strings, cutoff, pruneLimit, mark): WriteResult => {
      const { args, one } = this;
      let i = 0;
      for (; i + ROWS_PER_INSERT <= n; i += ROWS_PER_INSERT) {
        for (let j = 0; j < ROWS_PER_INSERT; j++) put(args, j * COLS, num, (i + j) * ROW, strings);
        this.insertMany.run(args);
      }
      for (; i < n; i++) {
        put(one, 0, num, i * ROW, strings);
        this.insertOne.run(one);
      }
      if (mark > 0) this.setMark.run(META_POSITIONS_SEQ, String(mark));
      return { written: n, pruned: this.pruneOld(cutoff, pruneLimit) };
    });
  }

  /**
   * Write rows 0..n-1 of `num` and prune, in one transaction (IMMEDIATE: it takes the write lock
   * at BEGIN, so two connections to one file never deadlock upgrading a read to a write).
   * `mark` > 0: the positions stream's message the rows complete (META_POSITIONS_SEQ), in the
   * same transaction. Throws, with nothing written, if the transaction fails.
   */
  write(
    num: Float64Array,
    n: number,
    strings: readonly string[],
    cutoff: number,
    pruneLimit: number,
    mark = 0,
  ): WriteResult {
    return this.tx.immediate(num, n, strings, cutoff, pruneLimit, mark);
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
}

/** The bounded prune step of a flush of n rows: twice the rows written, at least 1,000. */
export function pruneLimit(n: number): number {
  return Math.max(1000, 2 * n);
}

/** What a history counts of its writes (PositionHistory's counters). */
export interface HistoryTally {
  written: number;
  pruned: number;
  flushes: number;
  dropped: number;
}

/**
 * Write `n` buffered rows on the caller's connection (one transaction, then the bounded prune of
 * rows before `cutoff`) and count them in `tally`: written and one flush, or, if the write fails,
 * dropped and `failed` told. Returns the rows written. `mark`: as PositionRowWriter.write. Shared by the in-process history and the
 * threaded one's fallback so both count a batch alike.
 */
export function writeBatch(
  rows: PositionRowWriter,
  num: Float64Array,
  n: number,
  strings: readonly string[],
  cutoff: number,
  tally: HistoryTally,
  failed: (e: unknown, rowsDropped: number) => void,
  mark = 0,
): number {
  try {
    tally.pruned += rows.write(num, n, strings, cutoff, pruneLimit(n), mark).pruned;
  } catch (e) {
    tally.dropped += n;
    failed(e, n);
    return 0;
  }
  tally.written += n;
  tally.flushes++;
  return n;
}

function put(args: unknown[], o: number, num: Float64Array, k: number, strings: readonly string[]): void {
  args[o] = num[k + F_RECEIVED];
  args[o + 1] = strings[num[k + F_RESOURCE] as number];
  args[o + 2] = num[k + F_FIX_TIME];
  args[o + 3] = num[k + F_LAT];
  args[o + 4] = num[k + F_LON];
  args[o + 5] = num[k + F_SPEED];
  args[o + 6] = num[k + F_HEADING];
  args[o + 7] = num[k + F_ACCURACY];
  args[o + 8] = num[k + F_STATUS];
  args[o + 9] = num[k + F_LIVE];
  args[o + 10] = strings[num[k + F_FEED] as number];
}
