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
  // 5: control room to control room (issue 18, docs/mait.md). The outbox holds each message to a
  // partner room from the moment it is queued (in the same transaction as its event) until the
  // partner has taken it; id is the send order. The inbox holds messages that arrived before
  // their predecessor, until it comes; a message applied is in the event log, not here.
  `CREATE TABLE mait_outbox (
     id           INTEGER PRIMARY KEY AUTOINCREMENT,
     message_id   TEXT    NOT NULL UNIQUE,
     partner_id   TEXT    NOT NULL,
     incident_key TEXT    NOT NULL,
     seq          INTEGER NOT NULL,
     kind         TEXT    NOT NULL,
     body         TEXT    NOT NULL,
     queued_at    INTEGER NOT NULL,
     attempts     INTEGER NOT NULL DEFAULT 0,
     next_at      INTEGER NOT NULL,
     last_error   TEXT,
     delivered_at INTEGER
   );
   CREATE INDEX mait_outbox_pending ON mait_outbox(partner_id, id) WHERE delivered_at IS NULL;
   CREATE TABLE mait_inbox_held (
     message_id   TEXT    PRIMARY KEY,
     partner_id   TEXT    NOT NULL,
     incident_key TEXT    NOT NULL,
     seq          INTEGER NOT NULL,
     body         TEXT    NOT NULL,
     received_at  INTEGER NOT NULL
   );
   CREATE INDEX mait_inbox_held_next ON mait_inbox_held(partner_id, incident_key, seq);`,
  // 6: journey-time calibrations learnt from AVL (issue 19, docs/calibration.md). Each run is one
  // versioned artefact (its factors as JSON, its held-out error and verdict); calibration_force is
  // the log of which version is in force (NULL: the prior), so a rollback is one more row.
  `CREATE TABLE calibrations (
     version        INTEGER PRIMARY KEY AUTOINCREMENT,
     created_at     INTEGER NOT NULL,
     network        TEXT    NOT NULL,
     learned_from   INTEGER NOT NULL,
     learned_to     INTEGER NOT NULL,
     held_out_trips INTEGER NOT NULL,
     mape_before    REAL    NOT NULL,
     mape_after     REAL    NOT NULL,
     bias_after     REAL    NOT NULL,
     accepted       INTEGER NOT NULL,
     reason         TEXT    NOT NULL,
     factors        TEXT    NOT NULL
   );
   CREATE TABLE calibration_force (
     seq     INTEGER PRIMARY KEY AUTOINCREMENT,
     at      INTEGER NOT NULL,
     version INTEGER REFERENCES calibrations(version),
     actor   TEXT    NOT NULL,
     reason  TEXT    NOT NULL
   );`,
  // 7: which calibration is in force is a change of the room, a `calibration.inForce` event in the
  // log (server/core/calibration/force.ts), so calibration_force goes. A version it held in force
  // is not carried over: the prior is in force until one is brought in again (the artefacts stay).
  `DROP TABLE calibration_force;`,
  // 8: MAIT dead letters (issue 18, docs/mait-delivery.md). `refusals` counts the partner's final
  // refusals of a message (it read the message and refused its content); at MAIT_DEAD_AFTER the
  // courier stops retrying it and sets `dead_at`, and holds back the rest of its incident's thread.
  `ALTER TABLE mait_outbox ADD COLUMN refusals INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE mait_outbox ADD COLUMN dead_at INTEGER;
   CREATE INDEX mait_outbox_dead ON mait_outbox(partner_id, incident_key) WHERE dead_at IS NOT NULL;`,
];
