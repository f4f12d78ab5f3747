/**
 * The room's side of control room to control room (issue 18 item 3), put together: the outbox
 * row of every queued message written in its event's transaction, the courier woken when one is
 * queued, the inbox applying what partners send, and each transfer's status as the screens and
 * the API show it ("delivered" is the outbox's word: the partner has taken the message).
 *
 * The outbox is a function of the log: `mait.queued` adds a row, `mait.delivered` (the courier's
 * record that the partner took it) marks it, in the transaction of the append or, on a cluster's
 * standby, of the followed batch; `mait.deadLettered` and `mait.revived` likewise make and unmake
 * a dead letter. So a standby's outbox is the leader's, less the attempts, and a new leader sends
 * on what no leader delivered and holds the same dead letters. Only the leader sends (start(), maySend).
 */
import type { MaitMessage, MaitPartners } from '../../../proto/mait.ts';
import type { Clock } from '../../core/clock.ts';
import { incidentKey } from '../../core/mait/transfers.ts';
import type { Transfer, TransferStatus } from '../../core/mait/types.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { Timers } from '../timers.ts';
import { Courier, type Backoff, type Transport } from './courier.ts';
import { HeldMessages } from './held.ts';
import { Inbox } from './inbox.ts';
import { Outbox, type DeadLetter } from './outbox.ts';

/** A dead letter as the API shows it (no body: the XML stays in the outbox). */
function deadLetterView(d: DeadLetter) {
  return {
    messageId: d.messageId,
    partnerId: d.partnerId,
    incident: d.incidentKey,
    kind: d.kind,
    seq: d.seq,
    queuedAt: d.queuedAt,
    attempts: d.attempts,
    refusals: d.refusals,
    lastError: d.lastError,
    deadAt: d.deadAt,
    blocked: d.blocked,
  };
}

export interface MaitServiceDeps {
  engine: Engine;
  clock: Clock;
  timers: Timers;
  log: Logger;
  /** This room's id and its partners (the partners file, docs/mait.md). */
  partners: MaitPartners;
  /** A message as the wire carries it (XML: ./codec.ts buildMait); written to the outbox once. */
  encode: (m: MaitMessage) => string;
  transport: Transport;
  backoff?: Backoff;
  /**
   * Cluster mode (--nats): the inbox holds nothing outside the log. A partner's message is applied
   * and logged before it is answered, or refused with a retryable code (./inbox.ts).
   */
  clustered?: boolean;
}

export class MaitService {
  readonly outbox: Outbox;
  readonly held: HeldMessages;
  readonly inbox: Inbox;
  readonly courier: Courier;
  readonly partners: MaitPartners;
  private readonly engine: Engine;
  private readonly clock: Clock;
  /** Sending since start(): at once in one process, from leading on in a cluster. */
  private sending = false;

  constructor(deps: MaitServiceDeps) {
    const { engine, clock, timers, log } = deps;
    this.engine = engine;
    this.clock = clock;
    this.partners = deps.partners;
    const db = engine.store.db;
    this.outbox = new Outbox(db);
    this.held = new HeldMessages(db);
    this.inbox = new Inbox(engine, this.held, clock, log, timers, !deps.clustered);
    this.courier = new Courier({
      outbox: this.outbox,
      clock,
      timers,
      log,
      transport: deps.transport,
      ...(deps.backoff ? { backoff: deps.backoff } : {}),
      maySend: () => this.sending && engine.leads(),
      record: async (row) => {
        await engine.submit(
          { type: 'mait.markDelivered', partnerId: row.partnerId, messageId: row.messageId },
          { origin: 'system', actor: 'mait-courier' },
        );
      },
      recordDead: async (row, refusals, error) => {
        await engine.submit(
          { type: 'mait.markDead', partnerId: row.partnerId, messageId: row.messageId, refusals, error },
          { origin: 'system', actor: 'mait-courier' },
        );
      },
    });
    engine.store.onAppend((events) => {
      for (const e of events) {
        // A partner's message leaves the inbox in the transaction that applies it.
        if (e.type === 'mait.received') this.held.drop(e.data.message.messageId);
        if (e.type === 'mait.delivered') this.outbox.deliveredBy(e.data.messageId, e.at);
        if (e.type === 'mait.deadLettered') this.outbox.deadBy(e.data.messageId, e.at, e.data.refusals, e.data.error);
        if (e.type === 'mait.revived') this.outbox.revive(e.data.messageId, e.at);
        if (e.type !== 'mait.queued') continue;
        const m = e.data.message;
        this.outbox.enqueue(
          {
            messageId: m.messageId,
            partnerId: e.data.partnerId,
            incidentKey: incidentKey(m.incident),
            seq: m.seq,
            kind: m.kind,
            body: deps.encode(m),
          },
          e.at,
        );
      }
    });
    // Only wakes the courier (an attempt runs later, off this stack): no command from a listener.
    // A standby hears the leader's batches too, and sends nothing.
    engine.onEvents((events) => {
      if (!this.sending) return;
      for (const e of events) if (e.type === 'mait.queued') this.courier.kick(e.data.partnerId);
    });
  }

  /**
   * At start, or on leading in a cluster: send what the outbox still holds (a new leader, what
   * the old one queued and no one delivered), apply what the inbox held behind a message applied.
   */
  start(): void {
    this.sending = true;
    this.inbox.releaseAll();
    this.courier.kick();
  }

  /** Where a transfer stands, with the outbox's "delivered" for an outgoing one nothing has answered. */
  status(t: Transfer): TransferStatus {
    if (t.status === 'queued' && this.outbox.get(t.openedBy)?.deliveredAt != null) return 'delivered';
    return t.status;
  }

  /**
   * A transfer as the API shows it: with the delivery of the message that opened it (outgoing),
   * and the thread's dead letter, if a message of ours in it was refused for good.
   */
  view(t: Transfer) {
    const opened = t.direction === 'out' ? this.outbox.get(t.openedBy) : undefined;
    const dead = this.outbox.deadLetterOf(t.partnerId, incidentKey(t.ref));
    return {
      ...t,
      partnerName: this.partners.partners.find((p) => p.id === t.partnerId)?.name ?? t.partnerId,
      status: this.status(t),
      ...(opened ? { delivery: { attempts: opened.attempts, lastError: opened.lastError } } : {}),
      deadLetter: dead ? deadLetterView(dead) : null,
    };
  }

  /** Each partner link as operators see it: what waits for it, the head's last try, dead letters. */
  links() {
    return this.partners.partners.map((p) => {
      const head = this.outbox.head(p.id);
      const dead = this.outbox.deadLetters(p.id);
      return {
        id: p.id,
        name: p.name,
        queued: this.outbox.pendingCount(p.id) - dead.length,
        oldestQueuedAt: this.outbox.oldestPendingAt(p.id),
        head: head
          ? {
              messageId: head.messageId,
              kind: head.kind,
              seq: head.seq,
              incident: head.incidentKey,
              attempts: head.attempts,
              lastError: head.lastError,
              nextAt: head.nextAt,
            }
          : null,
        deadLetters: dead.length,
      };
    });
  }

  /** Dead letters, oldest first (GET /api/partner-links/dead-letters). */
  deadLetters() {
    return this.outbox.deadLetters().map(deadLetterView);
  }

  /**
   * Send a dead letter again, now (a `mait.revived` event, by `actor`, which revives the row in
   * its transaction, here and on every instance following); false if there is no such dead letter.
   */
  async revive(messageId: string, actor: string): Promise<boolean> {
    this.engine.assertLeads(); // a standby's outbox follows the leader's: retry on the leader
    const row = this.outbox.get(messageId);
    if (!row || row.deadAt === null || row.deliveredAt !== null) return false;
    await this.engine.submit(
      { type: 'mait.revive', partnerId: row.partnerId, messageId },
      { origin: 'operator', actor },
    );
    this.courier.kick(row.partnerId);
    return true;
  }

  /** Our type in a partner's words, or null when its mapping has none (the reactor's Update). */
  theirType(partnerId: string, ours: string): string | null {
    const p = this.partners.partners.find((x) => x.id === partnerId);
    return p?.types.find((t) => t.ours === ours)?.theirs ?? null;
  }

  close(): void {
    this.sending = false;
    this.courier.close();
    this.inbox.close();
  }
}
