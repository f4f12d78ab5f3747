/**
 * The MAIT inbox (issue 18 item 3): a partner's checked message (./receive.ts has verified its
 * signature, form and addressing) applied exactly once and in its incident's sequence. A
 * message already applied is a duplicate and changes nothing; one ahead of its turn is held in
 * the database (./held.ts) and applied, with any held after it, once its predecessor has been.
 * Applying is Engine.execute with origin `partner`: decide, durable append, apply, reactions.
 */
import type { MaitIncidentRef, MaitMessage } from '../../../proto/mait.ts';
import type { Clock } from '../../core/clock.ts';
import { isJcrError } from '../../core/errors.ts';
import { incidentKey } from '../../core/mait/transfers.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { HeldMessages } from './held.ts';

/** What became of a message: applied now (with any held behind it), seen before, or held. */
export type InboxOutcome = 'applied' | 'duplicate' | 'held';

export class Inbox {
  constructor(
    private readonly engine: Engine,
    private readonly held: HeldMessages,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Apply, skip or hold one message; throws the JcrError of a refused one (nothing applied). */
  receive(partnerId: string, message: MaitMessage): InboxOutcome {
    const book = this.engine.room.transfers;
    if (book.applied(partnerId, message)) return 'duplicate';
    if (message.seq > book.expectedSeq(partnerId, message.incident)) {
      this.held.hold({
        messageId: message.messageId,
        partnerId,
        incidentKey: incidentKey(message.incident),
        seq: message.seq,
        body: JSON.stringify(message),
        receivedAt: this.clock(),
      });
      return 'held';
    }
    this.apply(partnerId, message);
    this.release(partnerId, message.incident);
    return 'applied';
  }

  /** At start: apply what a stop left held behind a message since applied. */
  releaseAll(): void {
    for (const t of this.held.threads()) {
      const first = this.held.first(t.partnerId, t.incidentKey);
      if (first) this.release(t.partnerId, (JSON.parse(first.body) as MaitMessage).incident);
    }
  }

  private apply(partnerId: string, message: MaitMessage): void {
    this.engine.execute({ type: 'mait.receive', partnerId, message }, { origin: 'partner', actor: partnerId });
  }

  /** Apply held messages of one thread while the next in sequence is among them. */
  private release(partnerId: string, ref: MaitIncidentRef): void {
    const book = this.engine.room.transfers;
    for (;;) {
      const h = this.held.first(partnerId, incidentKey(ref));
      if (!h) return;
      const m = JSON.parse(h.body) as MaitMessage;
      if (book.applied(partnerId, m)) {
        this.held.drop(h.messageId);
        continue;
      }
      if (m.seq !== book.expectedSeq(partnerId, ref)) return;
      try {
        this.apply(partnerId, m);
      } catch (e) {
        // Busy store: keep it held for the next arrival or start. Refused: it can never apply.
        if (isJcrError(e) && e.code === 'JCR_STORE_BUSY') return;
        this.log.error('held MAIT message refused; dropped', {
          partner: partnerId,
          messageId: m.messageId,
          err: isJcrError(e) ? e.code : String(e),
        });
      }
      this.held.drop(h.messageId);
    }
  }
}
