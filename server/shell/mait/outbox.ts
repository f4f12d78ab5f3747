/**
 * The MAIT outbox (issue 18 item 3): every message to a partner room, durable from the moment it
 * is queued until the partner has taken it. A row is written inside the same transaction as the
 * event that queued it (Store.onAppend), so "sent" is never said of a message a crash could lose;
 * the courier (./courier.ts) reads the pending rows in queue order and records each attempt.
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
}

const COLUMNS =
  'id, message_id, partner_id, incident_key, seq, kind, body, queued_at, attempts, next_at, last_error, delivered_at';

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
  };
}

export class Outbox {
  private readonly insert: Database.Statement;
  private readonly headOf: Database.Statement;
  private readonly delivered: Database.Statement;
  private readonly failed: Database.Statement;
  private readonly byId: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT INTO mait_outbox (message_id, partner_id, incident_key, seq, kind, body, queued_at, next_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.headOf = db.prepare(
      `SELECT ${COLUMNS} FROM mait_outbox WHERE partner_id = ? AND delivered_at IS NULL ORDER BY id LIMIT 1`,
    );
    this.delivered = db.prepare('UPDATE mait_outbox SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?');
    this.failed = db.prepare(
      'UPDATE mait_outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?',
    );
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM mait_outbox WHERE message_id = ?`);
  }

  /** Queue a message. Call inside the transaction of the event that queues it (Store.onAppend). */
  enqueue(m: OutboxMessage, at: number): void {
    this.insert.run(m.messageId, m.partnerId, m.incidentKey, m.seq, m.kind, m.body, at, at);
  }

  /** The oldest message not yet taken by `partnerId`: the only one the courier may send to it now. */
  head(partnerId: string): OutboxRow | undefined {
    const r = this.headOf.get(partnerId) as Row | undefined;
    return r && fromRow(r);
  }

  /** Partners with messages waiting. */
  waitingPartners(): string[] {
    const rows = this.db
      .prepare('SELECT DISTINCT partner_id AS p FROM mait_outbox WHERE delivered_at IS NULL ORDER BY p')
      .all() as Array<{ p: string }>;
    return rows.map((r) => r.p);
  }

  markDelivered(id: number, at: number): void {
    this.delivered.run(at, id);
  }

  /** A failed attempt: try again no sooner than `nextAt`. */
  markFailed(id: number, nextAt: number, error: string): void {
    this.failed.run(nextAt, error.slice(0, 500), id);
  }

  get(messageId: string): OutboxRow | undefined {
    const r = this.byId.get(messageId) as Row | undefined;
    return r && fromRow(r);
  }

  /** Messages not yet delivered, per partner (metrics, the status API). */
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

  /** Every row of one partner, in queue order (tests, diagnostics). */
  all(partnerId: string): OutboxRow[] {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM mait_outbox WHERE partner_id = ? ORDER BY id`)
      .all(partnerId) as Row[];
    return rows.map(fromRow);
  }
}
