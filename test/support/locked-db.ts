/**
 * A mini server on a database file with manual timers and its clock at T0, and a second SQLite
 * connection to the same file that a test uses to hold the log's write lock (issue 15 item 10:
 * the event loop never waits on the database).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fakeClock } from '../../server/core/clock.ts';
import type { RunningServer } from '../../server/shell/server.ts';
import { T0 } from './avl.ts';
import { miniServer, type MiniServerOptions } from './server.ts';
import { manualTimer, type ManualTimer } from './timers.ts';

export interface LockableServer {
  server: RunningServer;
  timer: ManualTimer;
  /** The second connection: `lock.exec('BEGIN EXCLUSIVE')` holds the write lock. */
  lock: Database.Database;
  /** Let the lock go, close both and remove the file. */
  close(): Promise<void>;
}

export async function lockableServer(opts: MiniServerOptions = {}): Promise<LockableServer> {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-locked-'));
  const file = join(dir, 'jcr.sqlite');
  const timer = manualTimer();
  const server = await miniServer({ db: file, clock: fakeClock(T0).now, timers: timer, ...opts });
  const lock = new Database(file);
  return {
    server,
    timer,
    lock,
    async close() {
      if (lock.inTransaction) lock.exec('ROLLBACK');
      lock.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
