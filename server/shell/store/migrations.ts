/**
 * Versioned schema migrations, applied in order inside one transaction each. The schema version
 * lives in SQLite's `user_version`. Never edit a released migration: add a new one.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the append-only event log. seq is the rowid alias, so it is strictly increasing;
  // AUTOINCREMENT guarantees a seq is never reused even after the newest row is deleted.
  `CREATE TABLE events (
     seq     INTEGER PRIMARY KEY AUTOINCREMENT,
     at      INTEGER NOT NULL,
     type    TEXT    NOT NULL,
     origin  TEXT    NOT NULL,
     actor   TEXT    NOT NULL,
     data    TEXT    NOT NULL
   );
   CREATE INDEX events_type ON events(type, seq);
   CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`,
];
