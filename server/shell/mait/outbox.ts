/**
 * The MAIT outbox (issue 18 item 3): every message to a partner room, durable from the moment it
 * is queued until the partner has taken it. A row is written inside the same transaction as the
 * event that queued it (Store.onAppend), so "sent" is never said of a message a crash could lose;
 * the courier (./courier.ts) reads the pending rows in queue order and records each attempt. A
 * message the partner keeps refusing becomes a dead letter (dead_at, docs/mait-delivery.md): no
 * longer sent, and the rest of its incident's thread waits behind it until an operator retries it.
 * In the server both are events (`mait.deadLettered`, `mait.revived`: deadBy, revive in their
 * transaction), so every instance of a cluster holds the same dead letters.
 */
import type Database from 'better-sqlite3';

/** One queued message: who it is for, which incident and where in its sequence, the wire body. */
export interface OutboxMessage {
  messageId: string;
  partnerId: string;
  /** The incident the message is about, as the wire names it ("room/id"): its sequence's scope. */
  incidentKey: string;
  /** 1, 2, 3... per (sender, incident). */
  seq: number;
  kind: string;
  /** The encoded message (XML), sent byte for byte on every attempt. */
  body: string;
}

export interface OutboxRow extends OutboxMessage {
  /** Queue order: the courier sends a partner's rows in this order. */
  id: number;
  queuedAt: number;
  attempts: number;
  /** Not before this (ms): the backoff after a failed attempt. */
  nextAt: number;
  lastError: string | null;
  deliveredAt: number | null;
  /** The partner's final refusals of this message so far (the dead-letter policy counts them). */
  refusals: number;
  /** When it became a dead letter: no longer sent until retried (POST …/dead-letters/:id/retry). */
  deadAt: number | null;
}

/** A dead letter, with the messages of its thread held back behind it. */
export interface DeadLetter extends OutboxRow {
  blocked: number;
}

interface Row {
  id: number;
  message_id: string;
  partner_id: string;
  incident_key: string;
  seq: number;
  kind: string;
  body: string;
  queued_at: number;
  attempts: number;
  next_at: number;
  last_error: string | null;
  delivered_at: number | null;
  refusals: number;
  dead_at: number | null;
}

const COLUMNS =
  'id, message_id, partner_id, incident_key, seq, kind, body, queued_at, attempts, next_at, last_error, delivered_at, refusals, dead_at';

/** Not delivered, not dead, and no dead letter ahead of it in its thread: the courier may send it. */
const SENDABLE = `delivered_at IS NULL AND dead_at IS NULL AND NOT EXISTS (
  SELECT 1 FROM mait_outbox d WHERE d.partner_id = mait_outbox.partner_id
    AND d.incident_key = mait_outbox.incident_key AND d.dead_at IS NOT NULL AND d.delivered_at IS NULL)`;

function fromRow(r: Row): OutboxRow {
  return {
    id: r.id,
    messageId: r.message_id,
    partnerId: r.partner_id,
    incidentKey: r.incident_key,
    seq: r.seq,
    kind: r.kind,
    body: r.body,
    queuedAt: r.queued_at,
    attempts: r.attempts,
    nextAt: r.next_at,
    lastError: r.last_error,
    deliveredAt: r.delivered_at,
    refusals: r.refusals,
    deadAt: r.dead_at,
  };
}

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly headOf: Database.Statement;
  private readonly delivered: Database.Statement;
  private readonly failed: Database.Statement;
  private readonly dead: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly deliveredById: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO mait_outbox (message_id, partner_id, incident_key, seq, kind, body, queued_at, next_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.headOf = db.prepare(
      `SELECT ${COLUMNS} FROM mait_outbox WHERE partner_id = ? AND ${SENDABLE} ORDER BY id LIMIT 1`,
    );
    this.delivered = db.prepare('UPDATE mait_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?');
    this.failed = db.prepare(
      'UPDATE mait_outbox SET attempts = attempts + 1, next_at = ?, last_error = ?, refusals = refusals + ? WHERE id = ?',
    );
    this.dead = db.prepare(
      'UPDATE mait_outbox SET attempts = attempts + 1, last_error = ?, refusals = refusals + 1, dead_at = ? WHERE id = ?',
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM mait_outbox WHERE message_id = ?`);
    this.deliveredById = db.prepare(
      'UPDATE mait_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE message_id = ? AND delivered_at IS NULL',
    );
  }

  /** Queue a message. Call inside the transaction of the event that queues it (Store.onAppend). */
  enqueue(m: OutboxMessage, at: number): void {
    this.insert.run(m.messageId, m.partnerId, m.incidentKey, m.seq, m.kind, m.body, at, at);
  }

  /**
   * The oldest message not yet taken by `partnerId` that may go: the only one the courier sends it
   * now. A dead letter, and the later messages of its thread, are passed over.
   */
  head(partnerId: string): OutboxRow | undefined {
    const r = this.headOf.get(partnerId) as Row | undefined;
    return r && fromRow(r);
  }

  /** Partners with messages waiting. */
  waitingPartners(): string[] {
    const rows = this.db
      .prepare(`SELECT DISTINCT partner_id AS p FROM mait_outbox WHERE ${SENDABLE} ORDER BY p`)
      .all() as Array<{ p: string }>;
    return rows.map((r) => r.p);
  }

  markDelivered(id: number, at: number): void {
    this.delivered.run(at, id);
  }

  /**
   * A `mait.delivered` event, appended here or followed from the cluster log, in its transaction:
   * the partner took the message, whoever sent it.
   */
  deliveredBy(messageId: string, at: number): void {
    this.deliveredById.run(at, messageId);
  }

  /** A failed attempt: try again no sooner than `nextAt`. `refused`: the partner's final word on it. */
  markFailed(id: number, nextAt: number, error: string, refused = false): void {
    this.failed.run(nextAt, error.slice(0, 500), refused ? 1 : 0, id);
  }

  /**
   * A `mait.deadLettered` event, appended here or followed from the cluster log, in its
   * transaction: the partner refused it `refusals` times, the last with `error`.
   */
  deadBy(messageId: string, at: number, refusals: number, error: string): void {
    this.db
      .prepare(
        `UPDATE mait_outbox SET attempts = attempts + 1, last_error = ?, refusals = ?, dead_at = ?
         WHERE message_id = ? AND delivered_at IS NULL AND dead_at IS NULL`,
      )
      .run(error.slice(0, 500), refusals, at, messageId);
  }

  /** A refusal that makes it a dead letter: not sent again, its thread held behind it. */
  markDead(id: number, at: number, error: string): void {
    this.dead.run(error.slice(0, 500), at, id);
  }

  /** Dead letters, oldest first, each with how many later messages of its thread wait behind it. */
  deadLetters(partnerId?: string): DeadLetter[] {
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS}, (SELECT COUNT(*) FROM mait_outbox b WHERE b.partner_id = o.partner_id
           AND b.incident_key = o.incident_key AND b.id > o.id AND b.delivered_at IS NULL) AS blocked
         FROM mait_outbox o WHERE dead_at IS NOT NULL AND delivered_at IS NULL AND (? IS NULL OR partner_id = ?)
         ORDER BY id`,
      )
      .all(partnerId ?? null, partnerId ?? null) as Array<Row & { blocked: number }>;
    return rows.map((r) => ({ ...fromRow(r), blocked: r.blocked }));
  }

  /** The dead letter of one thread, if it has one (the transfer's view). */
  deadLetterOf(partnerId: string, incidentKey: string): DeadLetter | undefined {
    return this.deadLetters(partnerId).find((d) => d.incidentKey === incidentKey);
  }

  /**
   * An operator sends a dead letter again (after the partner or the partners file is put right):
   * due now, its refusals forgotten. False if `messageId` is not a dead letter.
   */
  revive(messageId: string, at: number): boolean {
    const info = this.db
      .prepare(
        'UPDATE mait_outbox SET dead_at = NULL, refusals = 0, next_at = ? WHERE message_id = ? AND dead_at IS NOT NULL AND delivered_at IS NULL',
      )
      .run(at, messageId);
    return info.changes === 1;
  }

  get(messageId: string): OutboxRow | undefined {
    const r = this.byId.get(messageId) as Row | undefined;
    return r && fromRow(r);
  }

  /** Messages not yet delivered, dead letters and those behind them included (metrics, the status API). */
  pendingCount(partnerId?: string): number {
    const row = (
      partnerId === undefined
        ? this.db.prepare('SELECT COUNT(*) AS n FROM mait_outbox WHERE delivered_at IS NULL').get()
        : this.db
            .prepare('SELECT COUNT(*) AS n FROM mait_outbox WHERE delivered_at IS NULL AND partner_id = ?')
            .get(partnerId)
    ) as { n: number };
    return row.n;
  }

  /** When the oldest message still waiting for `partnerId` was queued (null: none waits). */
  oldestPendingAt(partnerId: string): number | null {
    const row = this.db
      .prepare('SELECT MIN(queued_at) AS t FROM mait_outbox WHERE delivered_at IS NULL AND partner_id = ?')
      .get(partnerId) as { t: number | null };
    return row.t;
  }

  /** Every row of one partner, in queue order (tests, diagnostics). */
  all(partnerId: string): OutboxRow[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM mait_outbox WHERE partner_id = ? ORDER BY id`)
      .all(partnerId) as Row[];
    return rows.map(fromRow);
  }
}

/**
 * Cluster mode: the cached log is cut back after `seq` (server/shell/cluster/cache.ts), so the
 * outbox forgets what those events said: a message queued by a cut event is dropped (the cluster
 * log never had it; no one was told it was sent), one whose delivery was cut is pending again
 * (sent again, the partner answers a duplicate), and one whose dead letter or revival was cut is
 * as the log left it. Call in the transaction that cuts the events.
 */
export function forgetCutEvents(db: Database.Database, seq: number): void {
  db.prepare(
    `DELETE FROM mait_outbox WHERE message_id IN
       (SELECT json_extract(data, '$.message.messageId') FROM events WHERE seq > ? AND type = 'mait.queued')`,
  ).run(seq);
  db.prepare(
    `UPDATE mait_outbox SET delivered_at = NULL WHERE message_id IN
       (SELECT json_extract(data, '$.messageId') FROM events WHERE seq > ? AND type = 'mait.delivered')`,
  ).run(seq);
  // A cut dead letter or revival: the row is as the last one left says (none, or a revival:
  // alive, its refusals forgotten; the leader's courier counts them again).
  const last = (field: string) => `(SELECT CASE e.type WHEN 'mait.deadLettered' THEN ${field} END FROM events e
      WHERE e.seq <= ? AND e.type IN ('mait.deadLettered', 'mait.revived')
        AND json_extract(e.data, '$.messageId') = mait_outbox.message_id ORDER BY e.seq DESC LIMIT 1)`;
  db.prepare(
    `UPDATE mait_outbox SET dead_at = ${last('e.at')}, refusals = COALESCE(${last("json_extract(e.data, '$.refusals')")}, 0)
     WHERE message_id IN (SELECT json_extract(data, '$.messageId') FROM events
       WHERE seq > ? AND type IN ('mait.deadLettered', 'mait.revived'))`,
  ).run(seq, seq, seq);
}
