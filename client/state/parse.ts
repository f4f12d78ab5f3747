/**
 * Narrow the server's JSON answers (unknown) into the client's types. A record that does not fit
 * is dropped, never guessed at; the functions are pure so tests give them literal JSON. Here the
 * resources, scenario, incidents, recommendation and features; cover in ./parse-cover.ts, joint
 * work in ./joint-parse.ts.
 */
import { parseViaPartner } from './via-partner.ts';
import { isObj } from '../../proto/checker.ts';
import { arr, collect, num, str, type Obj } from './read.ts';
import { parseLocation } from './places.ts';
import { formatMinutes, nthUnit } from '../format-standards.ts';
import { parseRequest } from './requests.ts';
import {
  isAgency,
  type Agency,
  type AttendanceLine,
  type IncidentAttendance,
  isStatusName,
  type ClientResource,
  type Incident,
  type IncidentTypeInfo,
  type Post,
  type Recommendation,
  type ScenarioInfo,
  type StandardInfo,
  type Station,
  type Capabilities,
  type CoverImpact,
  type RecommendedResource,
} from './types.ts';

const priority = (v: number | undefined): 1 | 2 | 3 => (v === 1 || v === 2 || v === 3 ? v : 3);

export function parseResource(o: Obj): ClientResource | undefined {
  const id = str(o, 'id');
  const agency = o['agency'];
  const status = o['status'];
  const lat = num(o, 'lat');
  const lon = num(o, 'lon');
  if (id === undefined || !isAgency(agency) || !isStatusName(status) || lat === undefined || lon === undefined)
    return undefined;
  const inc = o['incidentId'];
  return {
    id,
    callSign: str(o, 'callSign', id) ?? id,
    agency,
    type: str(o, 'type', '') ?? '',
    capabilities: arr(o, 'capabilities').filter((c): c is string => typeof c === 'string'),
    station: str(o, 'station', '') ?? '',
    status,
    lat,
    lon,
    headingDeg: num(o, 'headingDeg', 0) ?? 0,
    speedMps: num(o, 'speedMps', 0) ?? 0,
    fixTimeMs: num(o, 'fixTimeMs', 0) ?? 0,
    incidentId: typeof inc === 'string' ? inc : null,
  };
}

/** GET /api/resources → { seq, resources }. */
export function parseResources(body: unknown): { seq: number; resources: ClientResource[] } {
  if (!isObj(body)) return { seq: 0, resources: [] };
  return { seq: num(body, 'seq', 0) ?? 0, resources: collect(arr(body, 'resources'), parseResource) };
}

/** GET /api/scenario. */
export function parseScenario(body: unknown): ScenarioInfo | undefined {
  if (!isObj(body)) return undefined;
  const b = body['bounds'];
  const n = body['network'];
  if (!isObj(b)) return undefined;
  const south = num(b, 'south');
  const west = num(b, 'west');
  const north = num(b, 'north');
  const east = num(b, 'east');
  if (south === undefined || west === undefined || north === undefined || east === undefined) return undefined;
  const stations = collect(arr(body, 'stations'), (o): Station | undefined => {
    const id = str(o, 'id');
    const agency = o['agency'];
    const lat = num(o, 'lat');
    const lon = num(o, 'lon');
    if (id === undefined || !isAgency(agency) || lat === undefined || lon === undefined) return undefined;
    return { id, name: str(o, 'name', id) ?? id, agency, lat, lon };
  });
  const posts = collect(arr(body, 'posts'), (o): Post | undefined => {
    const id = str(o, 'id');
    const lat = num(o, 'lat');
    const lon = num(o, 'lon');
    if (id === undefined || lat === undefined || lon === undefined) return undefined;
    return { id, name: str(o, 'name', id) ?? id, agencies: arr(o, 'agencies').filter(isAgency), lat, lon };
  });
  const incidentTypes = collect(arr(body, 'incidentTypes'), (o): IncidentTypeInfo | undefined => {
    const id = str(o, 'id');
    const lead = o['leadAgency'];
    if (id === undefined || !isAgency(lead)) return undefined;
    const standards = arr(o, 'standards').filter((x): x is string => typeof x === 'string');
    const attendance = collect(arr(o, 'attendance'), (l): AttendanceLine | undefined => {
      const capability = str(l, 'capability');
      const count = num(l, 'count');
      if (capability === undefined || count === undefined) return undefined;
      return { capability, count, agency: isAgency(l['agency']) ? l['agency'] : null };
    });
    return {
      id,
      name: str(o, 'name', id) ?? id,
      leadAgency: lead,
      priority: priority(num(o, 'priority')),
      standards,
      attendance,
    };
  });
  const standards = collect(arr(body, 'standards'), (o): StandardInfo | undefined => {
    const id = str(o, 'id');
    const agency = o['agency'];
    if (id === undefined || !isAgency(agency)) return undefined;
    const targets = collect(arr(o, 'targets'), (t) => {
      const nth = num(t, 'nth');
      const withinS = num(t, 'withinS');
      const share = num(t, 'share');
      return nth !== undefined && withinS !== undefined && share !== undefined ? { nth, withinS, share } : undefined;
    });
    return { id, name: str(o, 'name', id) ?? id, agency, capability: str(o, 'capability', '') ?? '', targets };
  });
  return {
    id: str(body, 'id', '') ?? '',
    name: str(body, 'name', '') ?? '',
    timezone: str(body, 'timezone', 'UTC') ?? 'UTC',
    bounds: { south, west, north, east },
    network: isObj(n)
      ? {
          format: str(n, 'format', '') ?? '',
          synthetic: n['synthetic'] === true,
          attribution: str(n, 'attribution', '') ?? '',
        }
      : { format: '', synthetic: false, attribution: '' },
    stations,
    posts,
    incidentTypes,
    standards,
  };
}

/** An attendance as the server sends it (times epoch ms, null = not yet); undefined when it does not fit. */
export function parseAttendance(a: Obj): IncidentAttendance | undefined {
  const resourceId = str(a, 'resourceId');
  const agency = a['agency'];
  if (resourceId === undefined || !isAgency(agency)) return undefined;
  const time = (k: string) => num(a, k) ?? null;
  return {
    resourceId,
    agency,
    mobilisedAtMs: num(a, 'mobilisedAt', 0) ?? 0,
    arrivedAtMs: time('arrivedAt'),
    leftAtMs: time('leftAt'),
    line: str(a, 'line') ?? null,
  };
}

/** One incident as GET/POST /api/incidents send it (server/shell/http/incident-json.ts incidentJson). */
export function parseIncident(o: Obj, typeNames: ReadonlyMap<string, string> = new Map()): Incident | undefined {
  const id = str(o, 'id');
  const typeId = str(o, 'typeId');
  const lat = num(o, 'lat');
  const lon = num(o, 'lon');
  if (id === undefined || typeId === undefined || lat === undefined || lon === undefined) return undefined;
  const status = str(o, 'status', 'received') ?? 'received';
  const address = str(o, 'address', '') ?? '';
  const attendances = collect(arr(o, 'attendances'), parseAttendance);
  const assigned: string[] = [];
  for (const a of attendances) if (a.leftAtMs === null && !assigned.includes(a.resourceId)) assigned.push(a.resourceId);
  const requestedAgencies: Agency[] = [];
  for (const r of arr(o, 'requests')) {
    if (!isObj(r) || (r['status'] !== 'pending' && r['status'] !== 'accepted')) continue;
    const to = r['toAgency'];
    if (isAgency(to) && !requestedAgencies.includes(to)) requestedAgencies.push(to);
  }
  const requests = collect(arr(o, 'requests'), (r) => parseRequest(r, id));
  const lead = o['leadAgency'];
  const location = parseLocation(o['location']);
  return {
    id,
    typeId,
    typeName: str(o, 'typeName') ?? typeNames.get(typeId) ?? typeId,
    priority: priority(num(o, 'priority')),
    lat,
    lon,
    callTimeMs: num(o, 'createdAt', 0) ?? 0,
    state: status === 'closed' ? 'CLOSED' : 'OPEN',
    status,
    assigned,
    ...(address ? { description: address } : {}),
    leadAgency: isAgency(lead) ? lead : null,
    supportingAgencies: arr(o, 'supportingAgencies').filter(isAgency),
    requestedAgencies,
    attendances,
    ...(location ? { location } : {}),
    requests,
  };
}

export function parseIncidents(body: unknown, typeNames: ReadonlyMap<string, string> = new Map()): Incident[] {
  const list = Array.isArray(body) ? body : isObj(body) ? arr(body, 'incidents') : [];
  return collect(list, (o) => parseIncident(o, typeNames));
}

/**
 * GET /api/incidents/:id/recommendation (server/core/incidents/recommend.ts Recommendation plus
 * recommendationSeq and fingerprint): attendance lines with their timed candidates; `proposed` ids in order.
 */
export function parseRecommendation(
  body: unknown,
  incidentId: string,
  standardNames: ReadonlyMap<string, string> = new Map(),
): Recommendation | undefined {
  if (!isObj(body)) return undefined;
  const byId = new Map<string, RecommendedResource>();
  const impacts: CoverImpact[] = [];
  const unfilled: { capability: string; count: number }[] = [];
  for (const line of arr(body, 'lines')) {
    if (!isObj(line)) continue;
    const capability = str(line, 'capability', '') ?? '';
    const n = num(line, 'unfilled', 0) ?? 0;
    if (n > 0 && line['offered'] !== true) unfilled.push({ capability, count: n });
    for (const c of arr(line, 'candidates')) {
      if (!isObj(c)) continue;
      const resourceId = str(c, 'resourceId');
      const etaS = num(c, 'etaS');
      const agency = c['agency'];
      if (resourceId === undefined || etaS === undefined || !isAgency(agency)) continue;
      const callSign = str(c, 'callSign', resourceId) ?? resourceId;
      const proposed = c['proposed'] === true;
      const withheld = str(c, 'withheld') ?? null;
      const old = byId.get(resourceId);
      if (!old || (proposed && !old.proposed))
        byId.set(resourceId, { resourceId, callSign, agency, capability, etaS, proposed, withheld });
      // every candidate's impact, not only the proposal's: an override needs it as much
      for (const f of arr(c, 'coverImpact')) {
        if (!isObj(f)) continue;
        const before = num(f, 'before');
        const after = num(f, 'after');
        const sid = str(f, 'standardId', '') ?? '';
        if (before === undefined || after === undefined || before === after) continue;
        if (impacts.some((i) => i.resourceId === resourceId && i.key === `${sid}#${num(f, 'nth') ?? ''}`)) continue;
        impacts.push({
          resourceId,
          proposed,
          key: `${sid}#${num(f, 'nth') ?? ''}`,
          label: `${callSign}: ${impactLabel(f, agency, standardNames.get(sid) ?? sid)}`,
          beforeShare: before,
          afterShare: after,
        });
      }
    }
  }
  const order = arr(body, 'proposed').filter((x): x is string => typeof x === 'string');
  const resources = order.map((id) => byId.get(id)).filter((r): r is RecommendedResource => r !== undefined);
  const candidates = [...byId.values()].sort((a, b) => a.etaS - b.etaS);
  const seq = num(body, 'recommendationSeq');
  const emptyReason = str(body, 'emptyReason')?.slice(0, 500) ?? null;
  const fingerprint = str(body, 'fingerprint') ?? null;
  const via = parseViaPartner(body['viaPartner']);
  return {
    incidentId,
    seq: seq ?? null,
    fingerprint,
    resources,
    candidates,
    unfilled,
    coverImpact: impacts,
    emptyReason,
    ...(via ? { viaPartner: via } : {}),
  };
}

/**
 * One cover impact figure in words, as its agency says it: "2nd appliance within 13 min", "1st
 * ambulance within 8 min" (a standard counts its 1st and 2nd responders separately, so say which,
 * or the two figures of one standard read the same). Without the target time: the standard's name
 * and the responder; without a valid responder number either, the name alone.
 */
function impactLabel(f: Record<string, unknown>, candidateAgency: string, standardName: string): string {
  const nth = num(f, 'nth');
  const withinS = num(f, 'withinS');
  const agency = str(f, 'agency') ?? candidateAgency;
  if (nth === undefined || !Number.isInteger(nth) || nth < 1) return standardName;
  if (withinS !== undefined && withinS > 0) return `${nthUnit(agency, nth)} within ${formatMinutes(withinS)}`;
  return `${standardName}, ${nthUnit(agency, nth)}`;
}

/** GET /api/ui-config → which server features the screens may offer. */
export function parseFeatures(body: unknown): Capabilities {
  const f = isObj(body) && isObj(body['features']) ? body['features'] : {};
  return {
    incidents: f['incidents'] === true,
    recommendations: f['recommendations'] === true,
    cover: f['cover'] === true,
    routes: false,
    cop: f['cop'] === true,
    joint: f['joint'] === true,
  };
}
