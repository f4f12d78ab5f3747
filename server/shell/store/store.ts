import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent, NewEvent } from '../../core/events.ts';
import { MIGRATIONS } from './migrations.ts';

type Db = Database.Database;

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

  private constructor(db: Db, path: string) {
    this.db = db;
    this.path = path;
    this.insertEvent = db.prepare('INSERT INTO events (at, type, origin, actor, data) VALUES (?, ?, ?, ?, ?)');
    this.appendTx = db.transaction((events: readonly NewEvent[]) =>
      events.map((e) => {
        const info = this.insertEvent.run(e.at, e.type, e.origin, e.actor, JSON.stringify(e.data));
        return { ...e, seq: Number(info.lastInsertRowid) } as JcrEvent;
      }),
    );
  }

  /** Open (creating if need be) and migrate. `:memory:` gives a private in-memory store for tests. */
  static open(path: string): Store {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let db: Db;
    try {
      db = new Database(path);
    } catch (e) {
      throw new JcrError('JCR_NOT_READY', `cannot open database ${path}: ${(e as Error).message}`);
    }
    if (path !== ':memory:') db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return new Store(db, path);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  /** Append events atomically and durably; returns them with their sequence numbers. */
  append(events: readonly NewEvent[]): JcrEvent[] {
    if (events.length === 0) return [];
    return this.appendTx(events);
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
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new JcrError(
      'JCR_NOT_READY',
      `database schema v${current} is newer than this server (v${MIGRATIONS.length})`,
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
