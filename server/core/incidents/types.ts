/**
 * Incidents: the model (what an incident is), the commands that change it and the data of the
 * events it leaves in the log. Pure data (and the METHANE merge); the rules live in ./decide.ts,
 * the state in ./book.ts, the recommender in ./recommend.ts. docs/incidents.md is the
 * operator-facing description.
 */
import { INCIDENT_STATUSES, type IncidentStatus } from '../../../proto/statuses.ts';
import { REQUEST_STATUSES, type RequestedLine, type RequestStatus } from '../../../proto/requests.ts';
import type { Methane as WireMethane, QuickerFlag as WireQuickerFlag } from '../../../proto/incidents.ts';
import type { Agency } from '../scenario/types.ts';
import type { LineChange } from './lines.ts';
import type { CreateKey } from './create-keys.ts';

/**
 * received → mobilising (first resource sent) → in-attendance (first arrival) → closed; part of
 * the wire contract (proto/wire.ts).
 */
export { INCIDENT_STATUSES, type IncidentStatus };

/** JESIP METHANE: the shared situation report every service reads the same way (proto/incidents.ts). */
export type Methane = WireMethane<Agency>;

export const EMPTY_METHANE: Readonly<Methane> = Object.freeze({
  majorIncident: false,
  exactLocation: '',
  type: '',
  hazards: '',
  access: '',
  casualties: null,
  servicesPresent: [],
  servicesRequired: [],
});

/** A copy of `base` with the fields `patch` sets (lists copied, so neither shares an array). */
export function mergeMethane(base: Methane, patch: Partial<Methane> | undefined): Methane {
  const m: Methane = {
    ...base,
    servicesPresent: [...base.servicesPresent],
    servicesRequired: [...base.servicesRequired],
  };
  if (!patch) return m;
  if (patch.majorIncident !== undefined) m.majorIncident = patch.majorIncident;
  if (patch.exactLocation !== undefined) m.exactLocation = patch.exactLocation;
  if (patch.type !== undefined) m.type = patch.type;
  if (patch.hazards !== undefined) m.hazards = patch.hazards;
  if (patch.access !== undefined) m.access = patch.access;
  if (patch.casualties !== undefined) m.casualties = patch.casualties;
  if (patch.servicesPresent !== undefined) m.servicesPresent = [...patch.servicesPresent];
  if (patch.servicesRequired !== undefined) m.servicesRequired = [...patch.servicesRequired];
  return m;
}

/** One resource's attendance at an incident. A resource sent twice has two entries. */
export interface Attendance {
  resourceId: string;
  agency: Agency;
  mobilisedAt: number;
  arrivedAt: number | null;
  leftAt: number | null;
  /** How arrival was known: 'avl' (radius and speed) or the origin of the status change. */
  arrivalSource: string | null;
  /** The line (capability) it was sent for, when known (./lines.ts). */
  line?: string;
}

/** A joint request's statuses and the lines it asks for: part of the wire contract (proto/requests.ts). */
export { REQUEST_STATUSES, type RequestStatus, type RequestedLine };

/** A joint request: one agency asks another to attend (e.g. police ask fire for assistance). */
export interface AssistanceRequest {
  requestId: string;
  fromAgency: Agency;
  toAgency: Agency;
  note: string;
  requestedAt: number;
  requestedBy: string;
  status: RequestStatus;
  /** Lines asked for by a one-click mobilise (./requests.ts); empty for a request raised by hand. */
  lines: RequestedLine[];
  /**
   * The log seq the recommendation the lines came from was computed on (in logs before issue 15:
   * its incident.recommended event), null when raised by hand.
   */
  recommendationSeq: number | null;
  acceptedAt: number | null;
  acceptedBy: string | null;
  /** When and by whom it was answered (accepted, declined or advised). */
  answeredAt: number | null;
  answeredBy: string | null;
  /** The addressee's words: why it declined, why it chose other units than suggested, or its advice. */
  answer: string | null;
  /** What the addressee mobilised in answer (empty unless accepted with units). */
  mobilised: string[];
}

/**
 * "A quicker resource has become available" while an attendance is still en route: the wire's
 * flag (proto/incidents.ts) with when it was raised and by which event.
 */
export interface QuickerFlag extends WireQuickerFlag {
  at: number;
  seq: number;
  /** The calibration (version, time band) whose journey times these are; absent: the prior's (issue 19). */
  calibration?: { version: number; band: string };
}

export interface Incident {
  id: string;
  typeId: string;
  priority: 1 | 2 | 3;
  lat: number;
  lon: number;
  address: string;
  /** The caller's account in their words, as the call-taker typed it ('' = none given). */
  callerAccount: string;
  /** The property's Unique Property Reference Number when known (1-12 digits), else null. */
  uprn: string | null;
  methane: Methane;
  leadAgency: Agency;
  supportingAgencies: Agency[];
  status: IncidentStatus;
  createdAt: number;
  createdBy: string;
  updatedAt: number;
  closedAt: number | null;
  closeReason: string | null;
  attendances: Attendance[];
  requests: AssistanceRequest[];
  /** Outstanding quicker-resource flags (dropped when the en-route resource arrives or is stood down). */
  quicker: QuickerFlag[];
  /**
   * The last recommendation a decision was taken on: the decision's event seq, the proposed
   * resources, the line each was proposed for and the summary as shown. (Logs before issue 15 also
   * set it from each incident.recommended event; showing a recommendation records nothing now.)
   */
  lastRecommendation: {
    seq: number;
    proposed: string[];
    lineOf: Record<string, string>;
    summary: RecommendationSummary;
  } | null;
  /** The dispatchers' changes to the attendance lines, in order (./lines.ts). */
  lineChanges: LineChange[];
}

/** What the incident rules (./decide.ts, ./requests.ts) read of the book. */
export interface BookView {
  require(id: string): Incident;
  readonly size: number;
  /** The incident a create with this key already made (./create-keys.ts), if remembered at `at`. */
  createdWithKey(k: CreateKey, at: number): string | undefined;
}

/** Fields an update may change. Location changes move the one shared location for every agency. */
export interface IncidentPatch {
  typeId?: string;
  priority?: 1 | 2 | 3;
  lat?: number;
  lon?: number;
  address?: string;
  methane?: Partial<Methane>;
  leadAgency?: Agency;
  supportingAgencies?: Agency[];
}

// ---------------------------------------------------------------------------------------------
// Commands (members of room.ts's Command union)

export type IncidentCommand =
  | {
      type: 'incident.create';
      typeId: string;
      lat: number;
      lon: number;
      address?: string;
      /** The caller's account (at most CALLER_ACCOUNT_MAX characters, text XML can carry). */
      callerAccount?: string;
      /** The UPRN when known: 1-12 digits. */
      uprn?: string;
      priority?: 1 | 2 | 3;
      methane?: Partial<Methane>;
      leadAgency?: Agency;
      supportingAgencies?: Agency[];
      actingAgency?: Agency;
      /** One random key per create attempt, reused by its retries (./create-keys.ts). */
      idempotencyKey?: string;
    }
  | { type: 'incident.update'; incidentId: string; patch: IncidentPatch; actingAgency?: Agency }
  | {
      type: 'incident.close';
      incidentId: string;
      reason?: string;
      actingAgency?: Agency;
      /** Close although another agency still has resources committed (duty officer, with a reason). */
      force?: boolean;
    }
  | {
      type: 'incident.mobilise';
      incidentId: string;
      /** The resources chosen. */
      resourceIds: string[];
      /** The top recommendation the dispatcher was shown (resource ids), when no summary is given. */
      proposed: string[];
      /**
       * Exactly what the decider was shown (the caller checked it is what this server showed, for
       * this incident): its proposal replaces `proposed` and the decision event embeds it.
       */
      recommended?: RecommendationSummary;
      /** The log seq `recommended` was computed on and when (clock ms). */
      recommendationSeq?: number;
      recommendedAt?: number;
      /** Required when the choice differs from `proposed`. */
      reason?: string;
      actingAgency?: Agency;
    }
  | { type: 'incident.requestAssistance'; incidentId: string; fromAgency: Agency; toAgency: Agency; note?: string }
  | { type: 'incident.acceptAssistance'; incidentId: string; requestId: string; actingAgency: Agency }
  | RequestAnswerCommand
  | { type: 'incident.flagQuicker'; incidentId: string; flags: Array<Omit<QuickerFlag, 'at' | 'seq'>> }
  | LineCommand;

/** A dispatcher's change to the attendance lines (./lines.ts, ./decide-lines.ts), with a reason. */
export type LineCommand =
  | {
      type: 'incident.setLine';
      incidentId: string;
      capability: string;
      count: number;
      agency?: Agency;
      reason: string;
      actingAgency?: Agency;
    }
  | { type: 'incident.removeLine'; incidentId: string; capability: string; reason: string; actingAgency?: Agency };

/**
 * The addressee answers a joint request (./requests.ts): accept, mobilising `resourceIds` (default:
 * the suggestions; a different choice needs a reason); decline, with a reason; or advise, with the
 * advice given instead of a deployment. No actingAgency: the duty officer answering for the addressee.
 */
export interface RequestAnswerCommand {
  type: 'incident.answerRequest';
  incidentId: string;
  requestId: string;
  answer: 'accept' | 'decline' | 'advise';
  resourceIds?: string[];
  /** accept: why the choice differs from the suggestion; decline: the reason; advise: the advice. */
  reason?: string;
  actingAgency?: Agency;
}

// ---------------------------------------------------------------------------------------------
// Event data (members of events.ts's JcrEvent union)

export interface IncidentCreatedData {
  incidentId: string;
  typeId: string;
  priority: 1 | 2 | 3;
  lat: number;
  lon: number;
  address: string;
  /** Absent in logs from before callerAccount and uprn (read as '' and null). */
  callerAccount?: string;
  uprn?: string;
  methane: Methane;
  leadAgency: Agency;
  supportingAgencies: Agency[];
  /** The create's idempotency key and scope; absent when none was sent (and in older logs). */
  createKey?: CreateKey;
}

export interface IncidentUpdatedData {
  incidentId: string;
  patch: IncidentPatch;
}

export interface IncidentClosedData {
  incidentId: string;
  reason: string;
}

/** What the dispatcher was shown, in enough detail to audit the decision later. */
export interface RecommendationSummary {
  /** Resource ids of the proposed attendance, in line order. */
  proposed: string[];
  lines: Array<{
    capability: string;
    count: number;
    outstanding: number;
    /** Top candidates: id and predicted arrival in seconds. */
    candidates: Array<{ resourceId: string; etaS: number }>;
    /** Who of them is proposed for this line (absent in logs written before lines were recorded). */
    proposed?: string[];
    /** Slots of this line nobody available can fill. */
    unfilled: number;
    /** The line's agency (null: any; absent in logs before issue 22). */
    agency?: Agency | null;
  }>;
  /** Resources withheld by a rule (e.g. the co-responder cover rule), with the rule. */
  withheld: Array<{ resourceId: string; rule: string }>;
  /** The calibration (version, time band) whose journey times these are; absent: the prior's (issue 19). */
  calibration?: { version: number; band: string };
}

/** A recommendation recorded as shown: logs before issue 15 only (showing one now writes nothing). */
export interface IncidentRecommendedData {
  incidentId: string;
  summary: RecommendationSummary;
}

export interface IncidentDecisionData {
  incidentId: string;
  decision: 'accepted' | 'overridden';
  /** The whole proposal the decider was shown (every agency's units). */
  proposed: string[];
  /** What the decider mobilised: on a one-click accept, only the units its agency may task. */
  chosen: string[];
  reason: string | null;
  /**
   * The log seq the recommendation shown was computed on (in logs before issue 15: its
   * incident.recommended event); null when the decider named only a proposal.
   */
  recommendationSeq: number | null;
  actingAgency: Agency | null;
  /** The joint requests the accept raised, one per other agency, with the units suggested (one-click). */
  requests?: Array<{ requestId: string; toAgency: Agency; suggested: string[] }>;
  /** Exactly what was recommended, as shown (absent in logs before issue 22). */
  recommended?: RecommendationSummary | null;
  /** When the recommendation shown was computed, clock ms (absent in logs before issue 15). */
  recommendedAt?: number;
}

export interface AssistanceRequestedData {
  incidentId: string;
  requestId: string;
  fromAgency: Agency;
  toAgency: Agency;
  note: string;
  /** One-click mobilise: the lines asked for and the suggested units (absent: a request by hand). */
  lines?: RequestedLine[];
  recommendationSeq?: number | null;
}

export interface AssistanceAcceptedData {
  incidentId: string;
  requestId: string;
  agency: Agency;
  /** The units suggested and those mobilised in answer (absent in logs before issue 22). */
  suggested?: string[];
  chosen?: string[];
  /** Why the choice differs from the suggestion (null when it does not). */
  reason?: string | null;
}

/** The addressee declined (with a reason) or answered with advice and no deployment. */
export interface AssistanceAnsweredData {
  incidentId: string;
  requestId: string;
  agency: Agency;
  /** The reason for declining, or the advice given. */
  text: string;
}

export interface QuickerAvailableData {
  incidentId: string;
  flags: Array<Omit<QuickerFlag, 'at' | 'seq'>>;
}

/** A line added, or its count (and agency) changed. */
export interface LineSetData {
  incidentId: string;
  capability: string;
  count: number;
  agency?: Agency;
  reason: string;
}

export interface LineRemovedData {
  incidentId: string;
  capability: string;
  reason: string;
}
