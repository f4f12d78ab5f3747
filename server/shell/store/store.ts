import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent, NewEvent } from '../../core/events.ts';
import { MIGRATIONS } from './migrations.ts';
import { holdServing } from './serving.ts';

type Db = Database.Database;

/**
 * How long an append (or any write on the event loop) waits for another connection's write lock,
 * ms: not at all (issue 15 item 10). A locked log fails the append at once with JCR_STORE_BUSY,
 * nothing written; Engine.submit then queues the command and retries it on a timer
 * (server/shell/store/busy-queue.ts). Opening and migrating keep better-sqlite3's 5 s.
 */
export const APPEND_BUSY_TIMEOUT_MS = 0;

interface EventRow {
  seq: number;
  at: number;
  type: string;
  origin: string;
  actor: string;
  data: string;
}

/**
 * The durable store: one SQLite file in WAL mode. `append` commits before it returns (with
 * synchronous=FULL the commit is on disk, not just in the OS cache), so a caller that appends and
 * then acknowledges never acknowledges an event a crash could lose.
 */
export class Store {
  readonly db: Db;
  readonly path: string;
  private readonly insertEvent: Database.Statement<[number, string, string, string, string]>;
  private readonly appendTx: (events: readonly NewEvent[]) => JcrEvent[];
  /** Run inside each append's transaction: rows that must be durable exactly when their events are. */
  private readonly hooks: Array<(durable: readonly JcrEvent[]) => void> = [];
  private readonly followTx: (events: readonly JcrEvent[]) => void;
  private serving: { release(): void } | null = null;

  private constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
    this.insertEvent = db.prepare('INSERT INTO events (at, type, origin, actor, data) VALUES (?, ?, ?, ?, ?)');
    this.appendTx = db.transaction((events: readonly NewEvent[]) => {
      const durable = events.map((e) => {
        const info = this.insertEvent.run(e.at, e.type, e.origin, e.actor, JSON.stringify(e.data));
        return { ...e, seq: Number(info.lastInsertRowid) } as JcrEvent;
      });
      for (const hook of this.hooks) hook(durable);
      return durable;
    });
    const insertAt = db.prepare('INSERT INTO events (seq, at, type, origin, actor, data) VALUES (?, ?, ?, ?, ?, ?)');
    // A followed batch runs the append hooks too: a standby's outbox holds what the leader's
    // does, so it sends on from there once it leads (server/shell/mait/service.ts).
    this.followTx = db.transaction((events: readonly JcrEvent[]) => {
      for (const e of events) insertAt.run(e.seq, e.at, e.type, e.origin, e.actor, JSON.stringify(e.data));
      for (const hook of this.hooks) hook(events);
    });
  }

  /**
   * Open (creating if need be) and migrate. `:memory:` gives a private in-memory store for tests.
   * `serving`: the server's own store, which marks the file served until closed (./serving.ts).
   */
  static open(path: string, opts: { serving?: boolean } = {}): Store {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Db;
    try {
      db = new Database(path);
    } catch (e) {
      throw new JcrError('JCR_NOT_READY', `cannot open database ${path}: ${(e as Error).message}`);
    }
    try {
      if (path !== ':memory:') db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      checkIntact(db, path);
      migrate(db, path);
      db.pragma(`busy_timeout = ${APPEND_BUSY_TIMEOUT_MS}`);
      const store = new Store(db, path);
      if (opts.serving) store.serving = holdServing(path);
      return store;
    } catch (e) {
      db.close();
      throw damaged(e, path);
    }
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /**
   * Append events atomically and durably; returns them with their sequence numbers. A write lock
   * held elsewhere is JCR_STORE_BUSY at once (APPEND_BUSY_TIMEOUT_MS), a full disk JCR_STORE_FULL;
   * in both cases the transaction is rolled back and nothing was written. Synchronous: an
   * append behind another interface (a JetStream log, issue 21) fits Engine.submit, the async path.
   */
  append(events: readonly NewEvent[]): JcrEvent[] {
    if (events.length === 0) return [];
    try {
      return this.appendTx(events);
    } catch (e) {
      throw storeError(e) ?? e;
    }
  }

  /**
   * Write rows of another table in the same transaction as each append (the MAIT outbox, a row per
   * queued message), and each followed batch (cluster mode): they commit with their events or not
   * at all. A hook that throws rolls the append back.
   */
  onAppend(hook: (durable: readonly JcrEvent[]) => void): void {
    this.hooks.push(hook);
  }

  /**
   * Cluster mode: store a batch another instance appended, with the seqs the cluster log gave
   * it (a standby's cache of the log). One transaction; a seq already present is an error.
   */
  appendFollowed(events: readonly JcrEvent[]): void {
    try {
      this.followTx(events);
    } catch (e) {
      throw storeError(e) ?? e;
    }
  }

  /**
   * Cluster mode: drop cached events after `seq` (appended here but never taken by the cluster
   * log, so never acknowledged), so the next seq is seq + 1 again.
   */
  truncateAfter(seq: number): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM events WHERE seq > ?').run(seq);
      this.db.prepare("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'").run(seq);
    })();
  }

  lastSeq(): number {
    const row = this.db.prepare('SELECT MAX(seq) AS s FROM events').get() as { s: number | null };
    return row.s ?? 0;
  }

  /** Events after `afterSeq`, in order, streamed so a long log does not sit in memory at once. */
  *events(afterSeq = 0): Generator<JcrEvent> {
    const stmt = this.db.prepare('SELECT seq, at, type, origin, actor, data FROM events WHERE seq > ? ORDER BY seq');
    for (const row of stmt.iterate(afterSeq) as IterableIterator<EventRow>) {
      yield {
        seq: row.seq,
        at: row.at,
        type: row.type,
        origin: row.origin,
        actor: row.actor,
        data: JSON.parse(row.data),
      } as JcrEvent;
    }
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  close(): void {
    this.serving?.release();
    this.serving = null;
    if (this.db.open) this.db.close();
  }
}

/** SQLite's busy and full errors as their stable codes; null for anything else. */
export function storeError(e: unknown): JcrError | null {
  const code = e instanceof Database.SqliteError ? e.code : '';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new JcrError('JCR_STORE_BUSY', `the event log is locked by another connection (${code})`);
  if (code === 'SQLITE_FULL' || code === 'SQLITE_IOERR_WRITE')
    return new JcrError('JCR_STORE_FULL', `the event log cannot grow: the disk is full (${code})`);
  return null;
}

/**
 * `PRAGMA quick_check` at start: a damaged page found now is one clear refusal, not a crash
 * mid-shift when the replay or a query reaches it. (It reads every page, O(file size), but skips
 * the index-content cross-checks of integrity_check.)
 */
function checkIntact(db: Db, path: string): void {
  const rows = db.pragma('quick_check(1)') as Array<{ quick_check: string }>;
  // One line: SQLite's report spans several ("*** in database main ***\nTree 2 page 40: ...").
  const first = (rows[0]?.quick_check ?? 'no answer').replace(/\s+/g, ' ');
  if (first !== 'ok')
    throw new JcrError('JCR_DB_CORRUPT', `database ${path} failed its integrity check (${first.slice(0, 200)})`);
}

/** SQLite's words for a file that is not (or no longer) a whole database. */
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_INDEX', 'SQLITE_CORRUPT_VTAB']);

/** Any failure to open: JcrErrors as they are, SQLite's corruption codes as JCR_DB_CORRUPT. */
function damaged(e: unknown, path: string): unknown {
  if (e instanceof JcrError) return e;
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  if (typeof code === 'string' && CORRUPT_CODES.has(code))
    return new JcrError('JCR_DB_CORRUPT', `database ${path} is damaged or not a database (${message})`);
  return new JcrError('JCR_NOT_READY', `cannot open database ${path}: ${message}`);
}

function migrate(db: Db, path: string): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new JcrError(
      'JCR_DB_TOO_NEW',
      `database ${path} has schema v${current}, newer than this server's v${MIGRATIONS.length}: run the newer server or restore a backup`,
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] as string;
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
