/**
 * Is a server running on a database file? For the command-line tools that share the file with it
 * (`npm run calibrate`, docs/calibration.md): a server holds an exclusive SQLite lock on a small
 * file beside the database (`<db>.serving`) for as long as it runs. The operating system drops
 * the lock when the process ends, however it ends, so a crashed server leaves no stale mark.
 * (SQLite in WAL mode shares a database only between processes of one host; so does this lock.)
 */
import Database from 'better-sqlite3';

export const servingPath = (dbPath: string): string => `${dbPath}.serving`;

/** Hold the mark while serving `dbPath`; null for `:memory:` or when another process holds it already. */
export function holdServing(dbPath: string): { release(): void } | null {
  if (dbPath === ':memory:') return null;
  const db = new Database(servingPath(dbPath), { timeout: 0 });
  try {
    db.exec('CREATE TABLE IF NOT EXISTS serving (pid INTEGER, since INTEGER)');
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    // a write in the open transaction: the exclusive lock is taken now and held until release
    db.prepare('INSERT INTO serving VALUES (?, ?)').run(process.pid, Date.now());
  } catch {
    db.close();
    return null;
  }
  return { release: () => db.close() };
}

/** Whether a running server holds the mark of `dbPath` (never for `:memory:`). */
export function isServed(dbPath: string): boolean {
  if (dbPath === ':memory:') return false;
  let db: Database.Database;
  try {
    db = new Database(servingPath(dbPath), { fileMustExist: true, timeout: 0 });
  } catch {
    return false; // no mark file: no server has served it here
  }
  try {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
    return false;
  } catch (e) {
    return e instanceof Database.SqliteError && e.code.startsWith('SQLITE_BUSY');
  } finally {
    db.close();
  }
}
