/**
 * Control room to control room: the messages of our MAIT-style incident transfer (issue 18) and
 * the partner configuration. The full MAIT schema (British APCO) is not openly published, so this
 * is our own contract built on MAIT's published functional requirements: create, update and close
 * an incident; location, people involved and casualty status; electronic confirmation that the
 * receiver has the incident and is considering it; OS grid reference and UPRN where known. The
 * XML form is docs/mait.xsd, described in docs/mait.md.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use these shapes.
 */

/** Every message kind; the XML root element is `<Mait>` with one child of this name. */
export const MAIT_KINDS = [
  'Create',
  'Update',
  'Close',
  'Acknowledge',
  'Accept',
  'Reject',
  'AssistanceRequest',
  'AssistanceResponse',
  'ResourcePosition',
] as const;
export type MaitKind = (typeof MAIT_KINDS)[number];

/**
 * Which incident a message is about, the same in both directions: the room that first raised it
 * (for a transfer, the sender of the Create; for assistance, the room asking) and that room's own
 * incident id. The other room keeps its own id for its copy and maps this reference to it.
 */
export interface MaitIncidentRef {
  room: string;
  id: string;
}

/** What every message carries, whatever its kind. */
export interface MaitHeader {
  /** Unique per sending room, chosen by the sender (a UUID); the receiver applies each id once. */
  messageId: string;
  /** Sending and receiving room ids, as the partners file names them. */
  from: string;
  to: string;
  incident: MaitIncidentRef;
  /**
   * 1, 2, 3... per (sending room, incident): each direction counts on its own. The receiver
   * applies message n only after n - 1, holding an early one until its predecessor arrives.
   */
  seq: number;
  /** When the sender built the message, ms since the epoch (UTC). */
  sentAt: number;
}

/** Where: WGS84 always; grid reference and UPRN when known (null otherwise). */
/** A Unique Property Reference Number: 1 to 12 digits. */
export const UPRN_PATTERN = /^[0-9]{1,12}$/;

/**
 * Characters XML 1.0 cannot carry (C0 controls but tab and newline, lone surrogates, U+FFFE/F),
 * and carriage return, which XML reads back as a newline: text holding one is refused (a message
 * must read as built), so text a room may send, such as a caller's account, is refused it too.
 */
export const NOT_XML_TEXT =
  /[\u0000-\u0008\u000B-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface MaitLocation {
  lat: number;
  lon: number;
  /** OS National Grid reference, letters and digits ("TL 2416 2434"), null if not known. */
  gridRef: string | null;
  /** Unique Property Reference Number, 1 to 12 digits, null if not known. */
  uprn: string | null;
  /** Free-text address as the sender holds it (may be empty). */
  address: string;
}

/** JESIP METHANE, as the sender's room holds it (services named as agencies: fire, police, ambulance). */
export interface MaitMethane {
  majorIncident: boolean;
  exactLocation: string;
  type: string;
  hazards: string;
  access: string;
  /** Number of casualties, null while not known. */
  casualties: number | null;
  servicesPresent: string[];
  servicesRequired: string[];
}

export const CASUALTY_STATUSES = ['unknown', 'uninjured', 'minor', 'serious', 'critical', 'deceased'] as const;
export type CasualtyStatus = (typeof CASUALTY_STATUSES)[number];

/** People involved: a group of `count` people in the same state ("2 adults trapped, conscious"). */
export interface MaitCasualty {
  count: number;
  status: CasualtyStatus;
  description: string;
}

/** A shared timeline entry (a note, a status line) the sender chose to pass on. */
export interface MaitTimelineEntry {
  /** The sender's id for the entry, so a repeated entry is shown once. */
  id: string;
  at: number;
  author: string;
  text: string;
}

/** The incident as the sender knows it: carried whole by Create and Update. */
export interface MaitIncidentContent {
  /** The incident type in the *receiver's* vocabulary: the sender maps it (MaitPartner.types). */
  type: string;
  /** The sender's own words for the type ("Fire in a dwelling"), for the receiver's screen. */
  typeText: string;
  priority: 1 | 2 | 3;
  location: MaitLocation;
  methane: MaitMethane;
  casualties: MaitCasualty[];
  /** What the caller said, in the call-taker's words. */
  callerAccount: string;
  /** Entries new since the sender's previous message about this incident (all of them on Create). */
  timeline: MaitTimelineEntry[];
}

export interface MaitCreate extends MaitHeader {
  kind: 'Create';
  content: MaitIncidentContent;
}

export interface MaitUpdate extends MaitHeader {
  kind: 'Update';
  content: MaitIncidentContent;
}

export interface MaitClose extends MaitHeader {
  kind: 'Close';
  reason: string;
  closedAt: number;
}

export const ACK_STAGES = ['received', 'considering'] as const;
export type AckStage = (typeof ACK_STAGES)[number];

/** The receiver has the message (`received`), then a person is looking at it (`considering`). */
export interface MaitAcknowledge extends MaitHeader {
  kind: 'Acknowledge';
  /** The messageId acknowledged. */
  ackOf: string;
  stage: AckStage;
}

/** The receiver takes the incident on; `partnerIncidentId` is its own id for it. */
export interface MaitAccept extends MaitHeader {
  kind: 'Accept';
  ackOf: string;
  partnerIncidentId: string;
  note: string;
}

export interface MaitReject extends MaitHeader {
  kind: 'Reject';
  ackOf: string;
  /** Why, in words (required, not empty). */
  reason: string;
}

/** "Send us `count` of `capability`": asked of a partner for one of our incidents near its area. */
export interface MaitAssistanceRequest extends MaitHeader {
  kind: 'AssistanceRequest';
  /** The asker's id for this request, echoed by the response. */
  requestId: string;
  capability: string;
  count: number;
  location: MaitLocation;
  /** The incident type in the receiver's vocabulary, as for MaitIncidentContent.type. */
  type: string;
  note: string;
}

/** One resource a partner offers, with its predicted journey time to the incident. */
export interface MaitOfferedResource {
  resourceId: string;
  callsign: string;
  capability: string;
  etaS: number;
}

/** The answer to an AssistanceRequest: what the partner offers (none = it cannot help). */
export interface MaitAssistanceResponse extends MaitHeader {
  kind: 'AssistanceResponse';
  requestId: string;
  offered: MaitOfferedResource[];
  note: string;
}

/**
 * Where a partner's resource attending our incident is. The sender sends at most one per
 * resource per MAIT_POSITION_MIN_INTERVAL_MS (the receiver drops faster ones).
 */
export interface MaitResourcePosition extends MaitHeader {
  kind: 'ResourcePosition';
  resourceId: string;
  callsign: string;
  lat: number;
  lon: number;
  /** When the fix was taken, ms since the epoch. */
  fixAt: number;
  /** The resource's status in the sender's words (MOBILISED, IN_ATTENDANCE, ...). */
  status: string;
  /** Its agency (fire, police, ambulance), for the receiver's map; null when the sender does not say. */
  agency: string | null;
}

export const MAIT_POSITION_MIN_INTERVAL_MS = 5_000;

export type MaitMessage =
  | MaitCreate
  | MaitUpdate
  | MaitClose
  | MaitAcknowledge
  | MaitAccept
  | MaitReject
  | MaitAssistanceRequest
  | MaitAssistanceResponse
  | MaitResourcePosition;

/** One incident type mapping: our scenario's type id and the partner's code for the same thing. */
export interface MaitTypeMapping {
  ours: string;
  theirs: string;
}

/** A partner control room, as the partners file (docs/mait.md) names it. */
export interface MaitPartner {
  id: string;
  name: string;
  /** Where its MAIT endpoint lives: we POST to `${baseUrl}/mait/v1/messages`. */
  baseUrl: string;
  /** Its area: one outer ring of [lon, lat] points (GeoJSON order), closed or not. */
  area: Array<[number, number]>;
  /** Our type ids and its codes; used ours→theirs when sending, theirs→ours to read its replies. */
  types: MaitTypeMapping[];
  /** A shared secret per direction: we sign with `outbound`, we check its messages with `inbound`. */
  secrets: { outbound: string; inbound: string };
}

/** The partners file: this room's own id and name, and its partners. */
export interface MaitPartners {
  room: { id: string; name: string };
  partners: MaitPartner[];
}

/** Where a room receives messages: `${baseUrl}${MAIT_PATH}`, body `application/xml`. */
export const MAIT_PATH = '/mait/v1/messages';
/** The HTTP headers of a signed message (docs/mait.md § Signing). */
export const MAIT_HEADERS = {
  /** The sending room's id, to pick the secret. */
  from: 'x-mait-from',
  /** ms since the epoch when signed, decimal. */
  timestamp: 'x-mait-timestamp',
  /** `sha256=` and the lowercase hex HMAC-SHA256 of `${timestamp}.${body}`. */
  signature: 'x-mait-signature',
} as const;
/** A message signed more than this far from the receiver's clock (either way) is refused as stale. */
export const MAIT_REPLAY_WINDOW_MS = 300_000;
/** The largest message body a room reads; a bigger one is refused before parsing. */
export const MAIT_MAX_BYTES = 262_144;
