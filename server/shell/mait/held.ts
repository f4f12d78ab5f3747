/**
 * Messages from a partner that came before their predecessor (issue 18 item 3): kept in the
 * room's database until the gap is filled, so a restart between the two loses neither. The
 * inbox (./inbox.ts) applies a held message once the one before it is applied and then drops it
 * here; one already applied (a duplicate held twice, or one held across a crash) is dropped too.
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
