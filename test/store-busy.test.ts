import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ERRORS, JcrError } from '../server/core/errors.ts';
import type { NewEvent } from '../server/core/events.ts';
import { Store, storeError } from '../server/shell/store/store.ts';

/**
 * Issue 15 item 10: an append on the event loop never waits long on another connection's write
 * lock, and SQLite's busy and full errors come out as stable codes with nothing written.
 */
const ev: NewEvent = {
  type: 'resource.status',
  at: 1_767_258_000_000,
  origin: 'operator',
  actor: 'alice',
  data: { resourceId: 'HAT1', status: 2 },
} as NewEvent;

test('item 10: an append under another connection holding BEGIN EXCLUSIVE fails at once with JCR_STORE_BUSY', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-busy-'));
  const path = join(dir, 'jcr.sqlite');
  const store = Store.open(path);
  assert.equal(
    store.append([ev]).map((e) => e.seq),
    [1],
  );
  const other = new Database(path);
  other.exec('BEGIN EXCLUSIVE');
  try {
    let err: unknown = null;
    try {
      store.append([ev, ev]);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof JcrError, String(err));
    assert.is((err as JcrError).code, 'JCR_STORE_BUSY');
    assert.equal([ERRORS.JCR_STORE_BUSY.status, ERRORS.JCR_STORE_BUSY.close], [503, 1013]);
    assert.is(store.db.pragma('busy_timeout', { simple: true }), 0);
  } finally {
    other.exec('ROLLBACK');
    other.close();
  }
  // Nothing of the refused batch was written; the next append goes on from seq 2.
  assert.is(store.lastSeq(), 1);
  assert.equal(
    store.append([ev]).map((e) => e.seq),
    [2],
  );
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('item 10: SQLITE_FULL is JCR_STORE_FULL; other SQLite errors are left as they are', () => {
  const full = storeError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
  assert.equal([full?.code, ERRORS.JCR_STORE_FULL.status], ['JCR_STORE_FULL', 507]);
  assert.is(storeError(new Database.SqliteError('busy', 'SQLITE_BUSY_SNAPSHOT'))?.code, 'JCR_STORE_BUSY');
  assert.is(storeError(new Database.SqliteError('constraint', 'SQLITE_CONSTRAINT')), null);
  assert.is(storeError(new Error('x')), null);
});

test.run();
