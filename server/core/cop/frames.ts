import { JcrError } from '../errors.ts';
import type { LiveResource } from '../fleet/fleet.ts';
import type { AssistanceRequest, Incident } from '../incidents/types.ts';
import { takingPart } from '../auth/incident-access.ts';
import {
  AGENCIES,
  NO_FIX_AGE,
  type Agency,
  type CopBounds,
  type CopFilter,
  type CopIncidentMsg,
  type CopJointRequestMsg,
  type CopLocationMsg,
  type CopResourceMsg,
  type CopServerMsg,
} from '../../../proto/wire.ts';
import type { IncidentLocation } from '../../../proto/places.ts';
import type { BBox } from '../spatial/point-index.ts';

/**
 * The COP on the server: building quantised resource and incident records, and validating what
 * clients send (filters, subscribe, ack). The message shapes themselves are the shared wire
 * contract in proto/wire.ts, re-exported here for the core's COP modules. Nothing here encodes:
 * the hub is handed an encoder function.
 */
export { NO_FIX_AGE, SnapshotReason, bareIncident } from '../../../proto/wire.ts';
export type {
  CopAttendanceMsg,
  CopBounds,
  CopChangeMsg,
  CopClientMsg,
  CopCoverChangeMsg,
  CopCoverFigureMsg,
  CopCoverSummaryMsg,
  CopDeltaMsg,
  CopFilter,
  CopIncidentChangeMsg,
  CopIncidentMsg,
  CopJointRequestMsg,
  CopLocationMsg,
  CopPartnerResourceMsg,
  CopPositionsMsg,
  CopRequestedLineMsg,
  CopResourceMsg,
  CopServerMsg,
  CopSnapshotMsg,
  CopStatusChangeMsg,
  CopSubscribeMsg,
  PerformanceReport,
} from '../../../proto/wire.ts';
/** The encoder the shell gives the hub: one CopServerMessage → its bytes. */
export type CopEncode = (msg: CopServerMsg) => Uint8Array;

// ---------------------------------------------------------------------------------------------
// Quantisation: deltas and snapshots carry the same rounded values, so state built from deltas
// equals a fresh snapshot exactly.

const MAX_AGE = 2147483646;

export function quantLatLon(deg: number): number {
  return Math.round(deg * 1e7);
}

export function quantHeading(deg: number): number {
  const h = Math.round(deg) % 360;
  return h < 0 ? h + 360 : h;
}

export function quantSpeed(mps: number): number {
  return mps > 0 ? Math.min(Math.round(mps * 10), 0xffffffff) : 0;
}

export function quantAccuracy(m: number): number {
  return m > 0 ? Math.min(Math.round(m), 0xffffffff) : 0;
}

/** Fix age relative to the frame time; the client recovers the fix time as serverTimeMs - age. */
export function fixAge(serverTimeMs: number, fixTimeMs: number): number {
  if (fixTimeMs === 0) return NO_FIX_AGE;
  const age = serverTimeMs - Math.round(fixTimeMs);
  return age > MAX_AGE ? MAX_AGE : age < -MAX_AGE ? -MAX_AGE : age;
}

/** The full COP record of one resource, quantised. */
export function resourceMsg(ref: number, r: LiveResource): CopResourceMsg {
  const d = r.def;
  return {
    ref,
    id: d.id,
    callSign: d.callSign,
    agency: d.agency,
    type: d.type,
    station: d.station,
    capabilities: d.capabilities,
    status: r.status,
    incidentId: r.incidentId ?? '',
    latE7: quantLatLon(r.lat),
    lonE7: quantLatLon(r.lon),
    headingDeg: quantHeading(r.headingDeg),
    speedDmps: quantSpeed(r.speedMps),
    fixTimeMs: Math.round(r.fixTimeMs),
    accuracyM: quantAccuracy(r.accuracyM),
  };
}

/** Agencies that see an incident: every one that takes part (server/core/auth/incident-access.ts). */
export function incidentAgencies(inc: Incident): string[] {
  return takingPart(inc);
}

/**
 * The COP record of one incident (positions quantised as the resources' are), with where it is
 * (server/core/places/locate.ts) when the server can say.
 */
export function incidentMsg(inc: Incident, typeName: string, location: IncidentLocation | null = null): CopIncidentMsg {
  const requested: string[] = [];
  for (const r of inc.requests)
    if (r.status === 'pending' && !requested.includes(r.toAgency)) requested.push(r.toAgency);
  return {
    id: inc.id,
    typeId: inc.typeId,
    typeName,
    priority: inc.priority,
    status: inc.status,
    latE7: quantLatLon(inc.lat),
    lonE7: quantLatLon(inc.lon),
    address: inc.address,
    leadAgency: inc.leadAgency,
    supportingAgencies: [...inc.supportingAgencies],
    attendances: inc.attendances.map((a) => ({
      resourceId: a.resourceId,
      agency: a.agency,
      mobilisedAtMs: Math.round(a.mobilisedAt),
      arrivedAtMs: a.arrivedAt === null ? 0 : Math.round(a.arrivedAt),
      leftAtMs: a.leftAt === null ? 0 : Math.round(a.leftAt),
    })),
    createdAtMs: Math.round(inc.createdAt),
    updatedAtMs: Math.round(inc.updatedAt),
    closedAtMs: inc.closedAt === null ? 0 : Math.round(inc.closedAt),
    majorIncident: inc.methane.majorIncident,
    requestedAgencies: requested,
    requests: inc.requests.map(requestMsg),
    location: location && locationMsg(location),
  };
}

/** An incident's location as the COP carries it: null as '' or 0, the snapped point quantised. */
export function locationMsg(l: IncidentLocation): CopLocationMsg {
  return {
    text: l.text,
    road: l.road ?? '',
    roadDistanceM: l.road === null ? 0 : Math.max(0, Math.round(l.roadDistanceM ?? 0)),
    place: l.place ?? '',
    placeDistanceM: l.place === null ? 0 : Math.max(0, Math.round(l.placeDistanceM ?? 0)),
    gridRef: l.gridRef ?? '',
    snapped: l.snapped && {
      latE7: quantLatLon(l.snapped.lat),
      lonE7: quantLatLon(l.snapped.lon),
      distanceM: l.snapped.distanceM,
    },
    offRoad: l.offRoad ?? '',
  };
}

/** The COP record of one joint request, as the incident record holds it (times rounded to the ms). */
export function requestMsg(r: Readonly<AssistanceRequest>): CopJointRequestMsg {
  return {
    requestId: r.requestId,
    fromAgency: r.fromAgency,
    toAgency: r.toAgency,
    status: r.status,
    lines: r.lines.map((l) => ({ capability: l.capability, count: l.count, suggested: [...l.suggested] })),
    note: r.note,
    requestedBy: r.requestedBy,
    requestedAtMs: Math.round(r.requestedAt),
    answeredBy: r.answeredBy ?? '',
    answeredAtMs: r.answeredAt === null ? 0 : Math.round(r.answeredAt),
    answer: r.answer ?? '',
    mobilised: [...r.mobilised],
  };
}

// ---------------------------------------------------------------------------------------------
// Filters

/** A validated filter: agencies as a set (null = all), bounds as an R-tree box (null = all). */
export interface NormalFilter {
  readonly agencies: ReadonlySet<string> | null;
  readonly box: BBox | null;
  /**
   * Not chosen by the client: the agency whose incidents the signed-in principal may see (a
   * dispatcher's own), null = every incident (duty officer, wall, token). See scopeFilter.
   */
  readonly scope: string | null;
  /** Canonical text: clients with equal keys receive identical frames (encoded once per tick). */
  readonly key: string;
  /** The filter as it goes back on the wire in snapshots. */
  readonly wire: CopFilter;
}

export const UNFILTERED: NormalFilter = {
  agencies: null,
  box: null,
  scope: null,
  key: '',
  wire: { agencies: [], bounds: null },
};

export function inBox(box: BBox, lon: number, lat: number): boolean {
  // The same test rbush applies to a point (edges inclusive), so R-tree and point tests agree.
  return lon >= box.minX && lon <= box.maxX && lat >= box.minY && lat <= box.maxY;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function finiteIn(v: unknown, min: number, max: number, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
    throw new JcrError('JCR_VALIDATION', `${path} must be a number in ${min}..${max}`, { path });
  return v;
}

/** Validate an untrusted (decoded) CopFilter. Missing = unfiltered. */
export function normalizeFilter(v: unknown, path = 'filter'): NormalFilter {
  if (v === null || v === undefined) return UNFILTERED;
  if (!isObject(v)) throw new JcrError('JCR_VALIDATION', `${path} must be a CopFilter`, { path });
  const rawAgencies = v.agencies ?? [];
  if (!Array.isArray(rawAgencies) || rawAgencies.length > AGENCIES.length)
    throw new JcrError('JCR_VALIDATION', `${path}.agencies must list at most ${AGENCIES.length} agencies`, {
      path: `${path}.agencies`,
    });
  const agencies = new Set<Agency>();
  for (const a of rawAgencies) {
    if (typeof a !== 'string' || !(AGENCIES as readonly string[]).includes(a))
      throw new JcrError('JCR_VALIDATION', `${path}.agencies must be among ${AGENCIES.join(', ')}`, {
        path: `${path}.agencies`,
      });
    agencies.add(a as Agency);
  }
  let box: BBox | null = null;
  let bounds: CopBounds | null = null;
  if (v.bounds !== null && v.bounds !== undefined) {
    const b = v.bounds;
    const bp = `${path}.bounds`;
    if (!isObject(b)) throw new JcrError('JCR_VALIDATION', `${bp} must be a CopBounds`, { path: bp });
    const south = finiteIn(b.south, -90, 90, `${bp}.south`);
    const north = finiteIn(b.north, -90, 90, `${bp}.north`);
    const west = finiteIn(b.west, -180, 180, `${bp}.west`);
    const east = finiteIn(b.east, -180, 180, `${bp}.east`);
    if (south > north) throw new JcrError('JCR_VALIDATION', `${bp}: south must be <= north`, { path: bp });
    if (west > east)
      throw new JcrError(
        'JCR_VALIDATION',
        `${bp}: west must be <= east (a view across the antimeridian is not supported)`,
        { path: bp },
      );
    bounds = { south, west, north, east };
    box = { minX: west, minY: south, maxX: east, maxY: north };
  }
  const sorted = [...agencies].sort();
  // "every agency" listed explicitly is the same view as no agency filter.
  const all = sorted.length === 0 || sorted.length === AGENCIES.length;
  if (all && box === null) return UNFILTERED;
  const key = `${all ? '*' : sorted.join(',')}|${bounds ? `${bounds.south},${bounds.west},${bounds.north},${bounds.east}` : '*'}`;
  return {
    agencies: all ? null : new Set(sorted),
    box,
    scope: null,
    key,
    wire: { agencies: all ? [] : sorted, bounds },
  };
}

/**
 * The client's filter narrowed by who the principal is: a dispatcher sees the incidents of their
 * own agency (lead, supporting or asked to assist), as GET /api/incidents answers them. The scope
 * is part of the key, so clients of different scopes never share an encoded frame.
 */
export function scopeFilter(f: NormalFilter, scope: string | null): NormalFilter {
  if (scope === null) return f;
  return { ...f, scope, key: `${f.key}|@${scope}` };
}

/** May a client under filter `f` see an incident visible to `agencies`? (The viewport does not cut incidents.) */
export function seesIncident(f: NormalFilter, agencies: readonly string[]): boolean {
  if (f.scope !== null && !agencies.includes(f.scope)) return false;
  if (f.agencies === null) return true;
  for (const a of agencies) if (f.agencies.has(a)) return true;
  return false;
}

/** A validated client → server message. */
export type CopControl =
  | { type: 'subscribe'; lastSeq: number; resumeEpoch: string; filter: NormalFilter }
  | { type: 'setFilter'; filter: NormalFilter }
  | { type: 'ack'; seq: number };

/**
 * Validate a decoded CopClientMessage. Throws JcrError('JCR_VALIDATION') naming the bad field;
 * the WebSocket adapter closes the connection with that code's close code (1007).
 */
export function parseControl(v: unknown): CopControl {
  if (!isObject(v)) throw new JcrError('JCR_VALIDATION', 'not a CopClientMessage');
  if (isObject(v.subscribe)) {
    const s = v.subscribe;
    const lastSeq = s.lastSeq ?? 0;
    if (typeof lastSeq !== 'number' || !Number.isInteger(lastSeq) || lastSeq < 0 || lastSeq > 0xffffffff)
      throw new JcrError('JCR_VALIDATION', 'subscribe.lastSeq must be a uint32', { path: 'subscribe.lastSeq' });
    const resumeEpoch = s.resumeEpoch ?? '';
    if (typeof resumeEpoch !== 'string' || resumeEpoch.length > 64)
      throw new JcrError('JCR_VALIDATION', 'subscribe.resumeEpoch must be a string of at most 64 characters', {
        path: 'subscribe.resumeEpoch',
      });
    return { type: 'subscribe', lastSeq, resumeEpoch, filter: normalizeFilter(s.filter, 'subscribe.filter') };
  }
  if (isObject(v.setFilter))
    return { type: 'setFilter', filter: normalizeFilter(v.setFilter.filter, 'setFilter.filter') };
  if (isObject(v.ack)) {
    const seq = v.ack.seq ?? 0;
    if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 0 || seq > 0xffffffff)
      throw new JcrError('JCR_VALIDATION', 'ack.seq must be a uint32', { path: 'ack.seq' });
    return { type: 'ack', seq };
  }
  throw new JcrError('JCR_VALIDATION', 'a CopClientMessage must hold subscribe, setFilter or ack');
}
