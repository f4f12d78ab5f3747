/**
 * The wire contract shared by the server and the screens: agencies and the COP messages of proto/cop.proto as plain data (field for field the camelCase
 * names protobufjs uses, so the server's codec encodes these objects as they are and the browser
 * codec decodes into the same types). The server's own types are defined from these
 * (server/core/scenario/types.ts, fleet/status.ts, incidents/types.ts, cop/frames.ts), so the two
 * sides cannot drift: type-check fails first. Beside it, as dependency-free: ./statuses.ts
 * (resource and incident statuses), ./places.ts (what a
 * gazetteer answers), ./requests.ts (joint request statuses), ./alert-kinds.ts and ./map-labels.ts.
 *
 * Dependency-free: imports nothing (test/boundary.test.ts), so the pure core, the shell and the
 * client bundle can all use it.
 */

export const AGENCIES = ['fire', 'police', 'ambulance'] as const;
export type Agency = (typeof AGENCIES)[number];

export function isAgency(v: unknown): v is Agency {
  return typeof v === 'string' && (AGENCIES as readonly string[]).includes(v);
}

// ---------------------------------------------------------------------------------------------
// COP messages (proto/cop.proto)

export interface CopBounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

export interface CopFilter {
  /** Empty = every agency. */
  agencies: string[];
  /** null = the whole map. */
  bounds: CopBounds | null;
}

export const SnapshotReason = { INITIAL: 1, RESUME_TOO_OLD: 2, RESYNC: 3, FILTER_CHANGED: 4 } as const;
export type SnapshotReason = (typeof SnapshotReason)[keyof typeof SnapshotReason];

export interface CopResourceMsg {
  ref: number;
  id: string;
  callSign: string;
  agency: string;
  type: string;
  station: string;
  capabilities: string[];
  status: number;
  incidentId: string;
  latE7: number;
  lonE7: number;
  headingDeg: number;
  speedDmps: number;
  fixTimeMs: number;
  accuracyM: number;
}

export interface CopAttendanceMsg {
  resourceId: string;
  agency: string;
  mobilisedAtMs: number;
  /** 0 = not yet at scene. */
  arrivedAtMs: number;
  /** 0 = still attending. */
  leftAtMs: number;
}

export interface CopIncidentMsg {
  id: string;
  typeId: string;
  typeName: string;
  priority: number;
  /** received | mobilising | in-attendance | closed */
  status: string;
  latE7: number;
  lonE7: number;
  address: string;
  leadAgency: string;
  supportingAgencies: string[];
  attendances: CopAttendanceMsg[];
  createdAtMs: number;
  updatedAtMs: number;
  /** 0 = open. */
  closedAtMs: number;
  majorIncident: boolean;
  /** Agencies with a pending assistance request (they see the incident to accept it). */
  requestedAgencies: string[];
  /** Every joint request on the incident, in the order raised. */
  requests: CopJointRequestMsg[];
  /** Where it is in words and on the road (null: the server has no gazetteer). */
  location: CopLocationMsg | null;
}

/** Where an incident is (proto CopLocation, ./places.ts IncidentLocation): '' and 0 = none. */
export interface CopLocationMsg {
  text: string;
  road: string;
  roadDistanceM: number;
  place: string;
  placeDistanceM: number;
  gridRef: string;
  snapped: { latE7: number; lonE7: number; distanceM: number } | null;
  offRoad: string;
}

/** A line of the recommendation asked of another agency, with the units it proposed (suggestions). */
export interface CopRequestedLineMsg {
  capability: string;
  count: number;
  suggested: string[];
}

/** A joint request on an incident (proto CopJointRequest); times are Unix epoch ms, 0 = not yet. */
export interface CopJointRequestMsg {
  requestId: string;
  fromAgency: string;
  toAgency: string;
  /** pending | accepted | declined | advised (REQUEST_STATUSES). */
  status: string;
  lines: CopRequestedLineMsg[];
  note: string;
  requestedBy: string;
  requestedAtMs: number;
  /** '' = not answered yet. */
  answeredBy: string;
  /** 0 = not answered yet. */
  answeredAtMs: number;
  /** The addressee's words: why it declined or chose other units, or its advice ('' = none). */
  answer: string;
  mobilised: string[];
}

/**
 * An incident record holding only its id (proto3 defaults elsewhere): what a removal carries on the
 * server, and what the browser codec decodes into.
 */
export function bareIncident(id: string): CopIncidentMsg {
  return {
    id,
    typeId: '',
    typeName: '',
    priority: 0,
    status: '',
    latE7: 0,
    lonE7: 0,
    address: '',
    leadAgency: '',
    supportingAgencies: [],
    attendances: [],
    createdAtMs: 0,
    updatedAtMs: 0,
    closedAtMs: 0,
    majorIncident: false,
    requestedAgencies: [],
    requests: [],
    location: null,
  };
}

export interface CopCoverFigureMsg {
  surface: string;
  standardId: string;
  standardName: string;
  nth: number;
  withinS: number;
  coveredShare: number;
  targetShare: number;
  meetsStandard: boolean;
  label: string;
}

export interface CopCoverSummaryMsg {
  computedAtMs: number;
  eventSeq: number;
  figures: CopCoverFigureMsg[];
  gapCells: number;
  standbyMoves: number;
}

// ---------------------------------------------------------------------------------------------
// Performance against standards (issue 17 item 2): GET /api/performance answers a
// PerformanceReport as JSON; the COP carries the same object (snapshot field `performance`, and a
// `performance` change whenever an arrival, a new incident or the passing of a target time
// changes a figure). docs/performance.md defines every figure.

/** The periods figures are given over: since local midnight, the last 24 hours, the current shift. */
export const PERFORMANCE_WINDOWS = ['today', 'last24h', 'shift'] as const;
export type PerformanceWindowId = (typeof PERFORMANCE_WINDOWS)[number];

export interface PerformanceWindowMsg {
  /** today | last24h | shift */
  id: string;
  /** "Today", "Last 24 hours", or the shift's name. */
  label: string;
  /** Incidents whose call time is in [fromMs, toMs] are counted (toMs = the report's time). */
  fromMs: number;
  toMs: number;
}

/** One standard target over one window. */
export interface PerformanceFigureMsg {
  standardId: string;
  standardName: string;
  agency: string;
  /** The capability whose arrivals count (e.g. pump). */
  capability: string;
  /** 1 = first unit to arrive, 2 = second, ... */
  nth: number;
  withinS: number;
  /** The share the standard asks for, 0..1. */
  targetShare: number;
  /** today | last24h | shift */
  window: string;
  /** Incidents counted: the nth unit arrived, or the target time passed without it. */
  counted: number;
  /** Of those, the nth unit arrived within withinS of the call. */
  within: number;
  /** Of those, the nth unit has not arrived (yet) and the target time has passed: not within. */
  overdue: number;
  /** Not counted yet: the nth unit has not arrived and the target time has not passed. */
  pending: number;
  /** within / counted; null when nothing is counted. */
  share: number | null;
  /** Nearest-rank median and 90th percentile of the response time, seconds from call to the nth
   * arrival; an overdue incident ranks above every arrival, and a percentile that falls on one is null. */
  medianS: number | null;
  p90S: number | null;
  /** share < targetShare: the target is being missed. */
  belowTarget: boolean;
}

export interface PerformanceReport {
  /** The time the figures are for (epoch ms). */
  computedAtMs: number;
  /** The event log's seq the figures reflect. */
  eventSeq: number;
  /** The scenario's IANA time zone ("today" and shifts are local wall time there). */
  timezone: string;
  windows: PerformanceWindowMsg[];
  /** Per standard, per target (nth), per window, in scenario order. */
  figures: PerformanceFigureMsg[];
}

// ---------------------------------------------------------------------------------------------
// Alerts (issue 17 item 3, docs/alerts.md): raised by the server's reaction policies, kept in the
// event log. The COP carries the active alerts a screen may see (snapshot `alerts`) and each
// raise and clear (an `alert` change: the alert's whole state; clearedAtMs > 0 = drop it).
// Acknowledgement is per user, so it is not on the shared COP: GET /api/alerts says
// `acknowledged` for the caller, POST /api/alerts/:id/ack records it.

export interface AlertMsg {
  /** AL-1, AL-2, ... */
  id: string;
  /** An ALERT_KINDS member (./alert-kinds.ts). */
  kind: string;
  /** What caused it: an alert fires once per cause (e.g. "unassigned:INC-4"). */
  cause: string;
  /** The incident it is about ("" = none: cover). */
  incidentId: string;
  /** The resource it is about ("" = none). */
  resourceId: string;
  /** Agencies it is for (the incident's when it has one, as they were when raised). */
  agencies: string[];
  /** The incident's priority (1 most urgent), 0 without an incident. */
  priority: number;
  /** In words, for the banner. */
  text: string;
  raisedAtMs: number;
  /** 0 = active; else when its cause ended (a unit sent, the request answered, ...). */
  clearedAtMs: number;
  /** The event log's seq of the raise. */
  eventSeq: number;
}

/** GET /api/alerts: an alert with the caller's acknowledgement. */
export interface AlertView extends AlertMsg {
  acknowledged: boolean;
  /** When the caller acknowledged it (0 = not). */
  acknowledgedAtMs: number;
}

/**
 * A partner room's resource attending one of our incidents (proto CopPartnerResource, issue 18):
 * the partner's latest position for it, for the screens that see that incident. `agency` '' = not
 * said; `status` is the partner's word; `removed` = drop it. Held by partnerId and resourceId.
 */
export interface CopPartnerResourceMsg {
  partnerId: string;
  partnerName: string;
  resourceId: string;
  callSign: string;
  agency: string;
  status: string;
  incidentId: string;
  latE7: number;
  lonE7: number;
  fixTimeMs: number;
  removed: boolean;
}

export interface CopSnapshotMsg {
  seq: number;
  epoch: string;
  eventSeq: number;
  serverTimeMs: number;
  reason: number;
  filter: CopFilter | null;
  resources: CopResourceMsg[];
  incidents: CopIncidentMsg[];
  cover: CopCoverSummaryMsg | null;
  /** Performance against standards (absent from servers before issue 17). */
  performance: PerformanceReport | null;
  /** Active alerts this screen may see, oldest first. */
  alerts: AlertMsg[];
  /** Partner rooms' resources at incidents this screen sees (absent from servers before issue 18). */
  partnerResources?: CopPartnerResourceMsg[];
}

export interface CopStatusChangeMsg {
  ref: number;
  status: number;
  incidentId: string;
  eventSeq: number;
  atMs: number;
}

export interface CopIncidentChangeMsg {
  /** The whole incident after the change; with `removed`, only its id is meaningful. */
  incident: CopIncidentMsg;
  eventSeq: number;
  atMs: number;
  /** The incident is no longer visible to this client: drop it. */
  removed: boolean;
}

export interface CopCoverChangeMsg {
  summary: CopCoverSummaryMsg | null;
}

/** One durable change: exactly one member is set. */
export interface CopChangeMsg {
  status?: CopStatusChangeMsg | null;
  incident?: CopIncidentChangeMsg | null;
  cover?: CopCoverChangeMsg | null;
  /** New performance figures (the whole report: it is small and room-wide). */
  performance?: PerformanceReport | null;
  /** An alert raised or cleared (clearedAtMs > 0: drop it). */
  alert?: AlertMsg | null;
  /** A partner room's resource: a new position, or removed. */
  partnerResource?: CopPartnerResourceMsg | null;
}

export interface CopPositionsMsg {
  ref: number[];
  latE7: number[];
  lonE7: number[];
  headingDeg: number[];
  speedDmps: number[];
  fixAgeMs: number[];
  accuracyM: number[];
}

export interface CopDeltaMsg {
  seq: number;
  /** Absent (or 0) = same as seq: one tick. */
  fromSeq?: number;
  serverTimeMs: number;
  changes: CopChangeMsg[];
  positions: CopPositionsMsg | null;
  enter: CopResourceMsg[];
  leave: number[];
}

export type CopServerMsg = { snapshot: CopSnapshotMsg; delta?: null } | { delta: CopDeltaMsg; snapshot?: null };

export interface CopSubscribeMsg {
  lastSeq: number;
  resumeEpoch: string;
  filter: CopFilter | null;
}

export type CopClientMsg =
  | { subscribe: CopSubscribeMsg; setFilter?: null; ack?: null }
  | { setFilter: { filter: CopFilter | null }; subscribe?: null; ack?: null }
  | { ack: { seq: number }; subscribe?: null; setFilter?: null };

/** fix_age_ms value meaning "this resource has no fix". */
export const NO_FIX_AGE = 2147483647;
