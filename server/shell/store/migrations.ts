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
  // 2: AVL feeds (only a SHA-256 of each token is stored) and raw position history, written in
  // one transaction per tick by server/shell/avl/history.ts and pruned by received_at.
  `CREATE TABLE feeds (
     id           TEXT PRIMARY KEY,
     agency       TEXT CHECK (agency IN ('fire', 'police', 'ambulance')),
     token_sha256 TEXT NOT NULL UNIQUE,
     created_at   INTEGER NOT NULL,
     revoked_at   INTEGER
   );
   CREATE TABLE positions (
     id          INTEGER PRIMARY KEY,
     received_at INTEGER NOT NULL,
     resource_id TEXT    NOT NULL,
     fix_time    INTEGER NOT NULL,
     lat         REAL    NOT NULL,
     lon         REAL    NOT NULL,
     speed_mps   REAL    NOT NULL,
     heading_deg REAL    NOT NULL,
     accuracy_m  REAL    NOT NULL,
     status      INTEGER NOT NULL,
     live        INTEGER NOT NULL,
     feed        TEXT    NOT NULL
   );
   CREATE INDEX positions_received ON positions(received_at);`,
  // 3: operators and their sign-in sessions. Passwords are scrypt hashes (server/shell/auth/
  // password.ts); sessions store only the SHA-256 of the bearer token.
  `CREATE TABLE users (
     username      TEXT PRIMARY KEY,
     role          TEXT NOT NULL,
     display_name  TEXT NOT NULL,
     password_hash TEXT NOT NULL,
     created_at    INTEGER NOT NULL,
     disabled      INTEGER NOT NULL DEFAULT 0
   );
   CREATE TABLE sessions (
     token_sha256 TEXT PRIMARY KEY,
     username     TEXT NOT NULL REFERENCES users(username) ON DELETE CASCADE,
     created_at   INTEGER NOT NULL,
     expires_at   INTEGER NOT NULL
   );
   CREATE INDEX sessions_user ON sessions(username);`,
  // 4: positions needs no received_at index: ids are assigned in receive order, so retention
  // prunes by id range (server/shell/avl/history.ts), and the index cost ~30% of insert time.
  `DROP INDEX IF EXISTS positions_received;`,
];
