/**
 * Narrow the server's JSON answers (unknown) into the client's types. A record that does not fit
 * is dropped, never guessed at; the functions are pure so tests give them literal JSON.
 */
import {
  isAgency,
  isStatusName,
  type ClientResource,
  type CoverSummary,
  type Incident,
  type IncidentTypeInfo,
  type Post,
  type Recommendation,
  type ScenarioInfo,
  type StandardInfo,
  type Station,
  type Agency,
} from './types.ts';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (o: Obj, k: string, dflt?: number): number | undefined => {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
};
const str = (o: Obj, k: string, dflt?: string): string | undefined => {
  const v = o[k];
  return typeof v === 'string' ? v : dflt;
};
const arr = (o: Obj, k: string): unknown[] => {
  const v = o[k];
  return Array.isArray(v) ? v : [];
};
function collect<T>(list: unknown[], f: (o: Obj) => T | undefined): T[] {
  const out: T[] = [];
  for (const x of list) {
    if (!isObj(x)) continue;
    const v = f(x);
    if (v !== undefined) out.push(v);
  }
  return out;
}
const priority = (v: number | undefined): 1 | 2 | 3 => (v === 1 || v === 2 || v === 3 ? v : 3);

export function parseResource(o: Obj): ClientResource | undefined {
  const id = str(o, 'id');
  const agency = o['agency'];
  const status = o['status'];
  const lat = num(o, 'lat');
  const lon = num(o, 'lon');
  if (id === undefined || !isAgency(agency) || !isStatusName(status) || lat === undefined || lon === undefined) return undefined;
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
    return { id, name: str(o, 'name', id) ?? id, leadAgency: lead, priority: priority(num(o, 'priority')), standards };
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
      ? { format: str(n, 'format', '') ?? '', synthetic: n['synthetic'] === true, attribution: str(n, 'attribution', '') ?? '' }
      : { format: '', synthetic: false, attribution: '' },
    stations,
    posts,
    incidentTypes,
    standards,
  };
}

/** One incident as issue 5's API is expected to send it (fields named as in client/state/types.ts). */
export function parseIncident(o: Obj, typeNames: ReadonlyMap<string, string> = new Map()): Incident | undefined {
  const id = str(o, 'id');
  const typeId = str(o, 'typeId') ?? str(o, 'type');
  const lat = num(o, 'lat');
  const lon = num(o, 'lon');
  if (id === undefined || typeId === undefined || lat === undefined || lon === undefined) return undefined;
  const state = str(o, 'state', 'OPEN');
  const description = str(o, 'description');
  return {
    id,
    typeId,
    typeName: str(o, 'typeName') ?? typeNames.get(typeId) ?? typeId,
    priority: priority(num(o, 'priority')),
    lat,
    lon,
    callTimeMs: num(o, 'callTimeMs') ?? num(o, 'createdAt') ?? 0,
    state: state === 'CLOSED' ? 'CLOSED' : 'OPEN',
    assigned: arr(o, 'assigned').filter((x): x is string => typeof x === 'string'),
    ...(description !== undefined ? { description } : {}),
  };
}

export function parseIncidents(body: unknown, typeNames: ReadonlyMap<string, string> = new Map()): Incident[] {
  const list = Array.isArray(body) ? body : isObj(body) ? arr(body, 'incidents') : [];
  return collect(list, (o) => parseIncident(o, typeNames));
}

export function parseRecommendation(body: unknown, incidentId: string): Recommendation | undefined {
  if (!isObj(body)) return undefined;
  const src = isObj(body['recommendation']) ? body['recommendation'] : body;
  const resources = collect(arr(src, 'resources'), (o) => {
    const resourceId = str(o, 'resourceId');
    const etaS = num(o, 'etaS');
    const agency = o['agency'];
    if (resourceId === undefined || etaS === undefined) return undefined;
    return { resourceId, callSign: str(o, 'callSign', resourceId) ?? resourceId, agency: (isAgency(agency) ? agency : 'fire') satisfies Agency, capability: str(o, 'capability', '') ?? '', etaS };
  });
  const unfilled = collect(arr(src, 'unfilled'), (o) => {
    const capability = str(o, 'capability');
    const count = num(o, 'count');
    return capability !== undefined && count !== undefined ? { capability, count } : undefined;
  });
  const coverImpact = collect(arr(src, 'coverImpact'), (o) => {
    const label = str(o, 'label');
    const beforeShare = num(o, 'beforeShare');
    const afterShare = num(o, 'afterShare');
    return label !== undefined && beforeShare !== undefined && afterShare !== undefined ? { label, beforeShare, afterShare } : undefined;
  });
  return { incidentId, resources, unfilled, coverImpact };
}

export function parseCover(body: unknown): CoverSummary | undefined {
  if (!isObj(body)) return undefined;
  const figures = collect(arr(body, 'figures'), (o) => {
    const standardId = str(o, 'standardId');
    const agency = o['agency'];
    const share = num(o, 'share');
    const target = num(o, 'target');
    if (standardId === undefined || !isAgency(agency) || share === undefined || target === undefined) return undefined;
    return { standardId, name: str(o, 'name', standardId) ?? standardId, agency, share, target };
  });
  const gaps = collect(arr(body, 'gaps'), (o) => {
    const id = str(o, 'id');
    const agency = o['agency'];
    const lat = num(o, 'lat');
    const lon = num(o, 'lon');
    if (id === undefined || !isAgency(agency) || lat === undefined || lon === undefined) return undefined;
    return { id, agency, lat, lon, radiusM: num(o, 'radiusM', 2000) ?? 2000, label: str(o, 'label', id) ?? id };
  });
  const moves = collect(arr(body, 'moves'), (o) => {
    const id = str(o, 'id');
    const resourceId = str(o, 'resourceId');
    const toLat = num(o, 'toLat');
    const toLon = num(o, 'toLon');
    if (id === undefined || resourceId === undefined || toLat === undefined || toLon === undefined) return undefined;
    return { id, resourceId, callSign: str(o, 'callSign', resourceId) ?? resourceId, toName: str(o, 'toName', '') ?? '', toLat, toLon, gain: num(o, 'gain', 0) ?? 0 };
  });
  return { computedAtMs: num(body, 'computedAtMs', 0) ?? 0, figures, gaps, moves };
}
