/**
 * Transfers between control rooms (issue 18): the commands, event data and live records of the
 * messages this room queues for a partner and applies from one. The messages themselves are
 * proto/mait.ts; a "transfer" is one thread of them, a partner and an incident reference.
 */
import type {
  AckStage,
  MaitIncidentContent,
  MaitIncidentRef,
  MaitLocation,
  MaitMessage,
  MaitOfferedResource,
} from '../../../proto/mait.ts';
import type { Agency } from '../scenario/types.ts';

/** A message before the room numbers it: everything but its id, sender, sequence and time. */
export type MaitDraft = MaitMessage extends infer M
  ? M extends MaitMessage
    ? Omit<M, 'messageId' | 'from' | 'seq' | 'sentAt' | 'to'>
    : never
  : never;

/** `mait.queued`: a message for a partner, now in the outbox (written in the same transaction). */
export interface MaitQueuedData {
  partnerId: string;
  /** Our incident the message is about, when there is one: it shows in that incident's timeline. */
  incidentId?: string;
  message: MaitMessage;
  /**
   * An offer (AssistanceResponse): the calibration (version, time band) whose journey times gave
   * its ETAs; absent: the prior's (issue 19). Ours to record: not sent to the partner.
   */
  calibration?: { version: number; band: string };
  /**
   * A reaction's (server/core/reactions/mait.ts): the seq of the event it answers (a partner's
   * Create acknowledged, a change of ours shared). Ours to record, not sent: a new leader's
   * takeover pass sees the thread has answered it and does not answer it twice.
   */
  about?: number;
}

/**
 * `mait.delivered`: the partner took a message of ours (answered 2xx). In the log so that the
 * outbox is a function of it: a cluster's new leader sends on only what no leader delivered.
 */
export interface MaitDeliveredData {
  partnerId: string;
  messageId: string;
}

/**
 * `mait.deadLettered`: the partner refused a message of ours `refusals` times for its content
 * (the courier's dead-letter policy), so it is no longer sent, nor the rest of its thread. In the
 * log so that dead letters are the room's, not an instance's: a cluster's standby shows them and
 * a new leader does not send one again (docs/mait-delivery.md).
 */
export interface MaitDeadLetteredData {
  partnerId: string;
  messageId: string;
  refusals: number;
  /** The partner's last answer (`HTTP 422 JCR_MAIT_UNKNOWN_TYPE`). */
  error: string;
}

/** `mait.revived`: a duty officer sends a dead letter again, its refusals forgotten. */
export interface MaitRevivedData {
  partnerId: string;
  messageId: string;
}

/** `mait.received`: a partner's message, applied (once, in its sequence). */
export interface MaitReceivedData {
  partnerId: string;
  incidentId?: string;
  message: MaitMessage;
}

export type MaitCommand =
  /** Queue a message to a partner about an incident (ours, or one it transferred to us). */
  | {
      type: 'mait.send';
      partnerId: string;
      draft: MaitDraft;
      incidentId?: string;
      actingAgency?: Agency;
      /** Which calibration timed an offer's ETAs (absent: the prior), kept in the log, not sent. */
      calibration?: { version: number; band: string };
      /** The reaction policy's: the seq of the event this message answers (MaitQueuedData.about). */
      about?: number;
    }
  /** Apply a partner's message; its id seen before, or its sequence passed, is a duplicate: no events. */
  | { type: 'mait.receive'; partnerId: string; message: MaitMessage }
  /**
   * Our dispatcher takes a partner's transfer on: a new incident of ours and an Accept back.
   * Accept, Reject, Consider and an AssistanceResponse (a `mait.send`) are refused to an
   * `actingAgency` the item is not routed to (server/core/mait/answer.ts); none is the duty officer.
   */
  | { type: 'mait.accept'; transferId: string; note?: string; actingAgency?: Agency }
  | { type: 'mait.reject'; transferId: string; reason: string; actingAgency?: Agency }
  /** A person here is looking at a partner's transfer: Acknowledge (considering), once. */
  | { type: 'mait.consider'; transferId: string; actingAgency?: Agency }
  /** The courier: the partner took a queued message of ours. Already recorded: no events. */
  | { type: 'mait.markDelivered'; partnerId: string; messageId: string }
  /** The courier: the partner refused a message of ours for good. Delivered or already dead: no events. */
  | { type: 'mait.markDead'; partnerId: string; messageId: string; refusals: number; error: string }
  /** A duty officer: send a dead letter again (the shell checks it is one; delivered: refused). */
  | { type: 'mait.revive'; partnerId: string; messageId: string };

/**
 * Where a transfer stands. Outgoing: queued, delivered (the outbox's word: the partner took the
 * Create), acknowledged, then accepted or rejected. Incoming: pending (our answer is awaited),
 * then accepted or rejected.
 */
export const TRANSFER_STATUSES = ['pending', 'queued', 'delivered', 'acknowledged', 'accepted', 'rejected'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];

/** A partner's resource attending one of our incidents, as its last ResourcePosition said. */
export interface PartnerResource {
  partnerId: string;
  resourceId: string;
  callsign: string;
  lat: number;
  lon: number;
  fixAt: number;
  status: string;
  /** Its agency as the partner says (fire, police, ambulance), null if it did not. */
  agency: string | null;
  /** Our incident it attends. */
  incidentId: string;
}

export interface Transfer {
  /** TR-1, TR-2, ... in the order this room first saw them. */
  id: string;
  /** `out`: we sent it (our incident); `in`: a partner sent it to us. */
  direction: 'out' | 'in';
  /** What opened the thread: a transfer (Create) or a request for assistance. */
  kind: 'transfer' | 'assistance';
  partnerId: string;
  ref: MaitIncidentRef;
  /** Our incident: the one transferred out, or the one we opened on accepting. */
  incidentId: string | null;
  /** The core's view; the shell says "delivered" for an outgoing `queued` the partner has taken. */
  status: Exclude<TransferStatus, 'delivered'>;
  /** The receiver's latest acknowledgement stage, if any. */
  ackStage: AckStage | null;
  reason: string | null;
  /** The other room's incident id for its copy (from Accept). */
  partnerIncidentId: string | null;
  /** The incident as the sender last described it (Create, Update). */
  content: MaitIncidentContent | null;
  /** AssistanceRequest: what is asked for; AssistanceResponse: what is offered. */
  assistance: {
    requestId: string;
    capability: string;
    count: number;
    /** Where the asker wants them: an offer's ETAs are to here. */
    location: MaitLocation;
    /** The asker's words (for a chosen resource: its call sign and offered ETA). */
    note: string;
    offered: MaitOfferedResource[];
  } | null;
  /** The message that opened the thread: Accept, Reject and Acknowledge name it. */
  openedBy: string;
  closed: boolean;
  createdAt: number;
  updatedAt: number;
}
