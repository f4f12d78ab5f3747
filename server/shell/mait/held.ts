/**
 * The inbox's rows (issue 18 item 3): every message from a partner that has been received and
 * acknowledged but not yet applied, in the room's database (table mait_inbox_held, migration 5).
 * A message waits here for the event log (a busy store) or for its predecessor (one that came
 * out of order), so a restart in between loses none. The append that applies a message drops its
 * row in the same transaction (MaitService); one found already applied (held twice, or across a
 * crash) is dropped by the inbox (./inbox.ts).
 */
import type Database from 'better-sqlite3';

export interface HeldMessage {
  messageId: string;
  partnerId: string;
  incidentKey: string;
  seq: number;
  /** The message as received and checked (its JSON), applied later as if it arrived then. */
  body: string;
  receivedAt: number;
}

interface Row {
  message_id: string;
  partner_id: string;
  incident_key: string;
  seq: number;
  body: string;
  received_at: number;
}

export class HeldMessages {
  private readonly insert: Database.Statement;
  private readonly next: Database.Statement;
  private readonly remove: Database.Statement;
  private readonly exists: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare(
      `INSERT OR IGNORE INTO mait_inbox_held (message_id, partner_id, incident_key, seq, body, received_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    this.next = db.prepare(
      `SELECT message_id, partner_id, incident_key, seq, body, received_at FROM mait_inbox_held
       WHERE partner_id = ? AND incident_key = ? ORDER BY seq, received_at LIMIT 1`,
    );
    this.remove = db.prepare('DELETE FROM mait_inbox_held WHERE message_id = ?');
    this.exists = db.prepare('SELECT 1 FROM mait_inbox_held WHERE message_id = ?');
  }

  /** Keep a message for later; the same message id twice is kept once. */
  hold(m: HeldMessage): void {
    this.insert.run(m.messageId, m.partnerId, m.incidentKey, m.seq, m.body, m.receivedAt);
  }

  /** The lowest-numbered message held for one incident of one partner. */
  first(partnerId: string, incidentKey: string): HeldMessage | undefined {
    const r = this.next.get(partnerId, incidentKey) as Row | undefined;
    return (
      r && {
        messageId: r.message_id,
        partnerId: r.partner_id,
        incidentKey: r.incident_key,
        seq: r.seq,
        body: r.body,
        receivedAt: r.received_at,
      }
    );
  }

  /** Every (partner, incident) with a message held: at start, release what a crash left. */
  threads(): Array<{ partnerId: string; incidentKey: string }> {
    return (
      this.db
        .prepare('SELECT DISTINCT partner_id, incident_key FROM mait_inbox_held ORDER BY partner_id, incident_key')
        .all() as Array<{ partner_id: string; incident_key: string }>
    ).map((r) => ({ partnerId: r.partner_id, incidentKey: r.incident_key }));
  }

  /** How many of one thread's messages numbered from..to-1 are here (are its predecessors all in?). */
  countBetween(partnerId: string, incidentKey: string, from: number, to: number): number {
    const row = this.db
      .prepare(
        'SELECT COUNT(DISTINCT seq) AS n FROM mait_inbox_held WHERE partner_id = ? AND incident_key = ? AND seq >= ? AND seq < ?',
      )
      .get(partnerId, incidentKey, from, to) as { n: number };
    return row.n;
  }

  /** Is this message in the inbox (received, not yet applied)? */
  has(messageId: string): boolean {
    return this.exists.get(messageId) !== undefined;
  }

  drop(messageId: string): void {
    this.remove.run(messageId);
  }

  count(partnerId?: string): number {
    const row = (
      partnerId === undefined
        ? this.db.prepare('SELECT COUNT(*) AS n FROM mait_inbox_held').get()
        : this.db.prepare('SELECT COUNT(*) AS n FROM mait_inbox_held WHERE partner_id = ?').get(partnerId)
    ) as { n: number };
    return row.n;
  }
}
