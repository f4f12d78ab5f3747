/**
 * The transfer book (issue 18 item 3): every thread of messages with a partner room, the
 * sequence numbers each direction has reached and the message ids already applied. Deciding a
 * partner's message here is what makes the inbox exactly-once: an id seen before, or a sequence
 * number already passed, decides no events; a number beyond the next is refused, and the shell
 * holds it (server/shell/mait/inbox.ts) until its predecessor comes. Rebuilt from the log.
 */
import { JcrError } from '../errors.ts';
import type { CommandContext, JcrEvent, NewEvent } from '../events.ts';
import type { Scenario } from '../scenario/types.ts';
import type { MaitIncidentRef, MaitMessage } from '../../../proto/mait.ts';
import type { MaitCommand, MaitDraft, PartnerResource, Transfer } from './types.ts';

/** A thread's key: the partner and the incident reference the messages carry. */
export function threadKey(partnerId: string, ref: MaitIncidentRef): string {
  return `${partnerId}|${ref.room}/${ref.id}`;
}

/** The wire's name for an incident: its sequence's scope in the outbox and the inbox. */
export function incidentKey(ref: MaitIncidentRef): string {
  return `${ref.room}/${ref.id}`;
}

export class TransferBook {
  /** This room's id, as partners know it: `from` of what we send, `to` of what we accept. */
  readonly roomId: string;
  private readonly byId = new Map<string, Transfer>();
  private readonly byThread = new Map<string, Transfer>();
  /** Highest sequence number queued (ours) and applied (theirs), per thread. */
  private readonly sentSeq = new Map<string, number>();
  private readonly gotSeq = new Map<string, number>();
  private readonly seen = new Set<string>();
  /** Our messages queued, and those the partner took (`partner|messageId`): the outbox's source. */
  private readonly sentIds = new Set<string>();
  private readonly deliveredIds = new Set<string>();
  /** Our messages the partner refused for good and no one has revived (`partner|messageId`). */
  private readonly deadIds = new Set<string>();
  private readonly positions = new Map<string, PartnerResource>();
  /** When we last queued a ResourcePosition per partner and resource (the rate limit). */
  private readonly positionSent = new Map<string, number>();
  /** Per thread, the latest event seq a message of ours answers (MaitQueuedData.about). */
  private readonly answered = new Map<string, number>();

  constructor(roomId: string) {
    this.roomId = roomId;
  }

  get(id: string): Transfer | undefined {
    return this.byId.get(id);
  }

  require(id: string): Transfer {
    const t = this.byId.get(id);
    if (!t) throw new JcrError('JCR_NOT_FOUND', `no transfer ${id}`, { path: 'transferId' });
    return t;
  }

  all(): IterableIterator<Transfer> {
    return this.byId.values();
  }

  thread(partnerId: string, ref: MaitIncidentRef): Transfer | undefined {
    return this.byThread.get(threadKey(partnerId, ref));
  }

  /** The transfers of one of our incidents (either direction). */
  ofIncident(incidentId: string): Transfer[] {
    return [...this.byId.values()].filter((t) => t.incidentId === incidentId);
  }

  /** The sequence number the next message of a partner's thread must carry. */
  expectedSeq(partnerId: string, ref: MaitIncidentRef): number {
    return (this.gotSeq.get(threadKey(partnerId, ref)) ?? 0) + 1;
  }

  /** Has this partner's message been applied (by id, or by a sequence number already passed)? */
  applied(partnerId: string, m: Pick<MaitMessage, 'messageId' | 'incident' | 'seq'>): boolean {
    return this.seen.has(`${partnerId}|${m.messageId}`) || m.seq < this.expectedSeq(partnerId, m.incident);
  }

  /** Partners' resources attending our incidents, from their latest ResourcePosition. */
  partnerResources(): IterableIterator<PartnerResource> {
    return this.positions.values();
  }

  positionSentAt(partnerId: string, resourceId: string): number | undefined {
    return this.positionSent.get(`${partnerId}|${resourceId}`);
  }

  /**
   * The latest event seq a message of ours on this thread answers (0: none): the reaction policy
   * answers an event at or before it no more (server/core/reactions/mait.ts).
   */
  answeredThrough(partnerId: string, ref: MaitIncidentRef): number {
    return this.answered.get(threadKey(partnerId, ref)) ?? 0;
  }

  /** A partner's message as events: none for a duplicate; JCR_CONFLICT for one ahead of its turn. */
  decideReceive(cmd: Extract<MaitCommand, { type: 'mait.receive' }>, at: number, scenario: Scenario): NewEvent[] {
    const m = cmd.message;
    if (m.from !== cmd.partnerId || m.to !== this.roomId)
      throw new JcrError('JCR_MAIT_UNKNOWN_PARTNER', `message from ${m.from} to ${m.to} is not for this room`, {
        path: 'to',
      });
    if (this.applied(cmd.partnerId, m)) return [];
    const expected = this.expectedSeq(cmd.partnerId, m.incident);
    if (m.seq !== expected)
      throw new JcrError('JCR_CONFLICT', `message ${m.seq} of ${incidentKey(m.incident)} before ${expected}`, {
        path: 'seq',
      });
    const type = m.kind === 'Create' ? m.content.type : m.kind === 'AssistanceRequest' ? m.type : undefined;
    if (type !== undefined && !scenario.incidentTypes.some((t) => t.id === type))
      throw new JcrError('JCR_MAIT_UNKNOWN_TYPE', `incident type "${type}" is not one of this room's`, {
        path: 'type',
      });
    const incidentId = this.ourIncident(cmd.partnerId, m.incident);
    const data = { partnerId: cmd.partnerId, message: m, ...(incidentId ? { incidentId } : {}) };
    return [{ at, type: 'mait.received', origin: 'partner', actor: cmd.partnerId, data }];
  }

  /** Has the partner taken this message of ours (a `mait.delivered` in the log)? */
  delivered(partnerId: string, messageId: string): boolean {
    return this.deliveredIds.has(`${partnerId}|${messageId}`);
  }

  /** The courier's record that a partner took a message: none if already recorded. */
  decideDelivered(
    cmd: Extract<MaitCommand, { type: 'mait.markDelivered' }>,
    ctx: CommandContext,
    at: number,
  ): NewEvent[] {
    const key = `${cmd.partnerId}|${cmd.messageId}`;
    if (!this.sentIds.has(key))
      throw new JcrError('JCR_NOT_FOUND', `no message ${cmd.messageId} queued for ${cmd.partnerId}`, {
        path: 'messageId',
      });
    if (this.deliveredIds.has(key)) return [];
    const data = { partnerId: cmd.partnerId, messageId: cmd.messageId };
    return [{ at, type: 'mait.delivered', origin: ctx.origin, actor: ctx.actor, data }];
  }

  /**
   * The courier's dead letter (none if delivered or already dead), or an operator's revival of
   * one: refused for a message delivered, or not ours. Whether the outbox holds it dead is the
   * shell's to check (rows made dead before this event existed have none in the log).
   */
  decideDeadLetter(
    cmd: Extract<MaitCommand, { type: 'mait.markDead' | 'mait.revive' }>,
    ctx: CommandContext,
    at: number,
  ): NewEvent[] {
    const key = `${cmd.partnerId}|${cmd.messageId}`;
    if (!this.sentIds.has(key) || (cmd.type === 'mait.revive' && this.deliveredIds.has(key)))
      throw new JcrError('JCR_NOT_FOUND', `no dead letter ${cmd.messageId} for ${cmd.partnerId}`, {
        path: 'messageId',
      });
    const { origin, actor } = ctx;
    if (cmd.type === 'mait.revive') {
      const data = { partnerId: cmd.partnerId, messageId: cmd.messageId };
      return [{ at, type: 'mait.revived', origin, actor, data }];
    }
    if (this.deliveredIds.has(key) || this.deadIds.has(key)) return [];
    const data = { partnerId: cmd.partnerId, messageId: cmd.messageId, refusals: cmd.refusals, error: cmd.error };
    return [{ at, type: 'mait.deadLettered', origin, actor, data }];
  }

  /** A message of ours, numbered in its thread and given an id no other message can have. */
  queued(
    partnerId: string,
    draft: MaitDraft,
    ctx: CommandContext,
    at: number,
    incidentId: string | undefined,
    calibration?: { version: number; band: string },
    about?: number,
  ): NewEvent {
    const seq = (this.sentSeq.get(threadKey(partnerId, draft.incident)) ?? 0) + 1;
    const messageId = `${this.roomId}:${draft.incident.room}:${draft.incident.id}:${seq}`;
    const message = { ...draft, messageId, from: this.roomId, to: partnerId, seq, sentAt: at } as MaitMessage;
    const id = incidentId ?? this.ourIncident(partnerId, draft.incident);
    const data = {
      partnerId,
      message,
      ...(id ? { incidentId: id } : {}),
      ...(calibration ? { calibration } : {}),
      ...(about !== undefined ? { about } : {}),
    };
    return { at, type: 'mait.queued', origin: ctx.origin, actor: ctx.actor, data };
  }

  /** Our incident a thread is about: ours by reference, or the one we opened on accepting theirs. */
  private ourIncident(partnerId: string, ref: MaitIncidentRef): string | undefined {
    if (ref.room === this.roomId) return ref.id;
    return this.thread(partnerId, ref)?.incidentId ?? undefined;
  }

  /** Fold a mait.queued, mait.received, mait.delivered, mait.deadLettered or mait.revived event. */
  apply(e: JcrEvent): void {
    if (e.type === 'mait.delivered') this.deliveredIds.add(`${e.data.partnerId}|${e.data.messageId}`);
    if (e.type === 'mait.deadLettered') this.deadIds.add(`${e.data.partnerId}|${e.data.messageId}`);
    if (e.type === 'mait.revived') this.deadIds.delete(`${e.data.partnerId}|${e.data.messageId}`);
    if (e.type !== 'mait.queued' && e.type !== 'mait.received') return;
    const { partnerId, message: m } = e.data;
    const key = threadKey(partnerId, m.incident);
    const ours = e.type === 'mait.queued';
    if (ours) {
      this.sentSeq.set(key, m.seq);
      this.sentIds.add(`${partnerId}|${m.messageId}`);
      const about = e.data.about;
      if (about !== undefined && about > (this.answered.get(key) ?? 0)) this.answered.set(key, about);
    } else {
      this.gotSeq.set(key, m.seq);
      this.seen.add(`${partnerId}|${m.messageId}`);
    }
    let t = this.byThread.get(key);
    if (!t && (m.kind === 'Create' || m.kind === 'AssistanceRequest')) {
      t = {
        id: `TR-${this.byId.size + 1}`,
        direction: ours ? 'out' : 'in',
        kind: m.kind === 'Create' ? 'transfer' : 'assistance',
        partnerId,
        ref: m.incident,
        incidentId: e.data.incidentId ?? null,
        status: ours ? 'queued' : 'pending',
        ackStage: null,
        reason: null,
        partnerIncidentId: null,
        content: null,
        assistance: null,
        openedBy: m.messageId,
        closed: false,
        createdAt: e.at,
        updatedAt: e.at,
      };
      this.byThread.set(key, t);
      this.byId.set(t.id, t);
    }
    if (!t) return;
    t.updatedAt = e.at;
    switch (m.kind) {
      case 'Create':
      case 'Update':
        t.content = m.content;
        break;
      case 'AssistanceRequest':
        t.assistance = {
          requestId: m.requestId,
          capability: m.capability,
          count: m.count,
          location: m.location,
          note: m.note,
          offered: [],
        };
        // A further request on the thread (the asker choosing one offered resource) is a new
        // question: it waits for its own answer, and the answers name it.
        t.status = ours ? 'queued' : 'pending';
        t.ackStage = null;
        t.reason = null;
        t.openedBy = m.messageId;
        break;
      case 'AssistanceResponse':
        if (t.assistance) t.assistance.offered = m.offered;
        // The answer: resources offered, or none (it cannot help, the note says why).
        t.status = m.offered.length > 0 ? 'accepted' : 'rejected';
        t.reason = m.offered.length > 0 ? null : m.note || 'no resources to offer';
        break;
      case 'Acknowledge':
        t.ackStage = m.stage;
        if (t.status === 'queued') t.status = 'acknowledged';
        break;
      case 'Accept':
        t.status = 'accepted';
        t.partnerIncidentId = ours ? null : m.partnerIncidentId;
        if (ours) t.incidentId = m.partnerIncidentId;
        break;
      case 'Reject':
        t.status = 'rejected';
        t.reason = m.reason;
        break;
      case 'Close':
        t.closed = true;
        t.reason ??= m.reason;
        break;
      case 'ResourcePosition':
        if (ours) this.positionSent.set(`${partnerId}|${m.resourceId}`, e.at);
        else if (t.incidentId !== null)
          this.positions.set(`${partnerId}|${m.resourceId}`, {
            partnerId,
            resourceId: m.resourceId,
            callsign: m.callsign,
            lat: m.lat,
            lon: m.lon,
            fixAt: m.fixAt,
            status: m.status,
            agency: m.agency,
            incidentId: t.incidentId,
          });
        break;
    }
    if (t.closed)
      for (const [k, p] of this.positions)
        if (p.partnerId === partnerId && p.incidentId === t.incidentId) this.positions.delete(k);
  }
}
