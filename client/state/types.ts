/**
 * The client's view of the control room. These are the shapes the screens render; a feed (the COP
 * WebSocket client, or the REST-polling fallback) fills them through ClientStore (./store.ts).
 * The client bundle imports nothing from server/ (test/boundary.test.ts): what both sides must
 * agree on (agencies, statuses, the COP messages) comes from the shared wire contract,
 * proto/wire.ts (and proto/places.ts), re-exported here for the screens.
 */
import type { ViaPartner } from './via-partner.ts';
import { isStatusName, STATUSES, type StatusName } from '../../proto/statuses.ts';
import { AGENCIES, isAgency, type Agency } from '../../proto/wire.ts';
import { type RequestedLine, type RequestStatus } from '../../proto/requests.ts';
import type { IncidentLocation } from '../../proto/places.ts';

export { AGENCIES, isAgency, isStatusName, STATUSES, type Agency, type IncidentLocation, type StatusName };

export interface ClientResource {
  id: string;
  callSign: string;
  agency: Agency;
  type: string;
  capabilities: readonly string[];
  station: string;
  status: StatusName;
  lat: number;
  lon: number;
  headingDeg: number;
  speedMps: number;
  /** Epoch ms of the last accepted AVL fix; 0 = never reported. */
  fixTimeMs: number;
  incidentId: string | null;
}

export interface Station {
  id: string;
  name: string;
  agency: Agency;
  lat: number;
  lon: number;
}

export interface Post {
  id: string;
  name: string;
  agencies: Agency[];
  lat: number;
  lon: number;
}

export interface IncidentTypeInfo {
  id: string;
  name: string;
  leadAgency: Agency;
  priority: 1 | 2 | 3;
  /** Response standard ids the type is measured against. */
  standards: string[];
  /** The predetermined attendance lines (capability, count, agency or null for any). */
  attendance: AttendanceLine[];
}

export interface AttendanceLine {
  capability: string;
  count: number;
  agency: Agency | null;
}

export interface StandardInfo {
  id: string;
  name: string;
  agency: Agency;
  capability: string;
  targets: { nth: number; withinS: number; share: number }[];
}

export interface Bounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

export interface ScenarioInfo {
  id: string;
  name: string;
  timezone: string;
  bounds: Bounds;
  network: { format: string; synthetic: boolean; attribution: string };
  stations: Station[];
  posts: Post[];
  incidentTypes: IncidentTypeInfo[];
  standards: StandardInfo[];
}

/** Issue 5 fills these. */
export type IncidentState = 'OPEN' | 'CLOSED';

export interface Incident {
  id: string;
  typeId: string;
  /** Display name of the incident type (from the scenario). */
  typeName: string;
  priority: 1 | 2 | 3;
  lat: number;
  lon: number;
  /** Epoch ms when the call was received. */
  callTimeMs: number;
  state: IncidentState;
  /** The server's lifecycle status: received, mobilising, in-attendance, closed. */
  status: string;
  /** Resources attending (mobilised or at scene, not yet left). */
  assigned: string[];
  /** Address or location words given at creation. */
  description?: string;
  /** The lead agency (null when the server did not say). */
  leadAgency: Agency | null;
  supportingAgencies: Agency[];
  /** Agencies asked by a joint request that is pending or accepted (the COP sends pending ones). */
  requestedAgencies: Agency[];
  /** Every attendance, in mobilisation order. */
  attendances: IncidentAttendance[];
  /**
   * Road, town and grid reference, and where it meets the road network (the COP and the REST
   * answers carry it when the server has a gazetteer; the store keeps it while the point stays put).
   */
  location?: IncidentLocation;
  /** Every joint request on the incident, in the order raised (the COP and REST both carry them). */
  requests: JointRequest[];
}

/** A joint request: one agency asks another to attend (proto/wire.ts JointRequest, times in ms). */
export interface JointRequest {
  requestId: string;
  incidentId: string;
  fromAgency: Agency;
  toAgency: Agency;
  note: string;
  requestedAtMs: number;
  requestedBy: string;
  status: RequestStatus;
  /** Lines asked for by a one-click mobilise; empty for a request raised by hand. */
  lines: RequestedLine[];
  answeredAtMs: number | null;
  answeredBy: string | null;
  /** The addressee's words: why it declined, why it chose other units, or its advice. */
  answer: string | null;
  /** What the addressee mobilised in answer. */
  mobilised: string[];
}

/** One resource's attendance at an incident: times are epoch ms, null = not yet. */
export interface IncidentAttendance {
  resourceId: string;
  agency: Agency;
  mobilisedAtMs: number;
  arrivedAtMs: number | null;
  leftAtMs: number | null;
  /** The attendance line (capability) it was sent for, when the server says. */
  line: string | null;
}

export interface RecommendedResource {
  resourceId: string;
  callSign: string;
  agency: Agency;
  /** Which attendance line (capability) it fills. */
  capability: string;
  etaS: number;
  /** In the proposed attendance (else a further candidate, offered for an override). */
  proposed: boolean;
  /** A rule keeps it out of the proposal, in words. */
  withheld: string | null;
}

export interface CoverImpact {
  /** The candidate whose sending changes cover. */
  resourceId: string;
  /** In the proposed attendance (else a further candidate). */
  proposed: boolean;
  /** `${standardId}#${nth}`: one figure per candidate and target. */
  key: string;
  /** The candidate's call sign and the target, in words ("HT-P1: 2nd appliance within 13 min"). */
  label: string;
  beforeShare: number;
  afterShare: number;
}

export interface Recommendation {
  incidentId: string;
  /** The log seq the recommendation was computed on. */
  seq: number | null;
  /** What the dispatcher is shown, sealed by the server: sent back when mobilising (issue 15 item 3). */
  fingerprint: string | null;
  /** The proposed attendance, in order. */
  resources: RecommendedResource[];
  /** Every candidate the server timed, proposed or not (the override list). */
  candidates: RecommendedResource[];
  /** Attendance lines that could not be filled. */
  unfilled: { capability: string; count: number }[];
  coverImpact: CoverImpact[];
  /** Why nothing is proposed, in the server's words (null when something is). */
  emptyReason: string | null;
  /** Partner rooms near enough to ask, and what they offered (only with partner rooms, issue 18). */
  viaPartner?: ViaPartner;
}

/**
 * Cover (GET /api/cover, server/shell/http/cover.ts; docs/cover.md). One figure per standard
 * target per cover surface (an agency and capability, e.g. "fire:pump").
 */
export interface CoverFigure {
  /** `${agency}:${capability}`. */
  surface: string;
  standardId: string;
  /** The standard's name from the scenario ('' when the server did not send it). */
  standardName: string;
  /** The nth resource to arrive (1 = first appliance). */
  nth: number;
  withinS: number;
  /** Share of demand reached within `withinS` by the nth resource, 0..1. */
  coveredShare: number;
  /** Share the standard asks for, 0..1 (null when the server did not send it). */
  target: number | null;
  meetsStandard: boolean;
  /** The server's sentence, e.g. "fire pump 1st within 10 min: 93.4% of demand (standard 90%)". */
  label: string;
}

/** One grid cell where a target is not met: a GeoJSON polygon ring as [lat, lon] pairs. */
export interface CoverGapCell {
  surface: string;
  nth: number;
  withinS: number;
  ring: [number, number][];
  /** Median node time in the cell, s (null = beyond the search bound). */
  medianS: number | null;
}

export interface StandbyDestination {
  id: string;
  kind: 'station' | 'post';
  name: string;
  lat: number;
  lon: number;
}

/** A standby move in progress: the resource is driving (AVAILABLE_MOBILE) to a station or post. */
export interface StandbyMove {
  moveId: string;
  resourceId: string;
  destination: StandbyDestination;
  /** Epoch ms the move was ordered (0 if not sent). */
  orderedAt: number;
  orderedBy: string;
}

export interface CoverSummary {
  computedAtMs: number;
  /** Event sequence number the picture reflects. */
  eventSeq: number;
  figures: CoverFigure[];
  gaps: CoverGapCell[];
  standby: StandbyMove[];
}

/** A recommended standby move (GET /api/cover/moves), with the surface's figures before and after. */
export interface CoverMoveSuggestion {
  resourceId: string;
  callSign: string;
  surface: string;
  destination: StandbyDestination;
  /** Predicted drive, s (null = not routable). */
  travelS: number | null;
  /** Net share of demand gained, -1..1. */
  netShare: number;
  before: CoverFigure[];
  after: CoverFigure[];
}

/** Route line of a mobilised resource: [lat, lon] pairs from GET /api/eta or the COP feed. */
export interface RouteLine {
  resourceId: string;
  incidentId: string;
  points: [number, number][];
}

/** Whether the screen is showing the live picture. */
export type ConnectionState = 'connecting' | 'live' | 'stale' | 'reconnecting';

/** What the server can do; a missing feature is shown as such, never faked. */
export interface Capabilities {
  incidents: boolean;
  /** Recommendations need a road network on the server. */
  recommendations: boolean;
  cover: boolean;
  routes: boolean;
  /** The COP WebSocket (/ws/cop) is served. */
  cop: boolean;
  /** Joint work: the request inbox and the attendance bookings (issue 22). */
  joint: boolean;
}
