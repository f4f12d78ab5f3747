/**
 * Narrow the joint-work answers (GET /api/requests, GET /api/incidents/:id and its /log) into
 * ./joint-types.ts, and put each timeline event into words. Lenient as ./parse.ts: a record that
 * does not fit is dropped, a missing optional field defaulted, never guessed at.
 */
import { Checker, isObj, type Json } from '../../proto/checker.ts';
import { parseIncident } from './parse.ts';
import { parseRequest } from './requests.ts';
import {
  type IncidentDetail,
  type InboxItem,
  type JointRequest,
  type Methane,
  type QuickerFlag,
  type TimelineEntry,
} from './joint-types.ts';
import { isAgency, STATUSES, type Agency } from './types.ts';

const read = Checker.quiet();
const num = (o: Json, k: string): number | undefined => read.number(o[k], k, { optional: true });
const str = (o: Json, k: string): string | undefined => read.string(o[k], k, { optional: true });
const arr = (o: Json, k: string): unknown[] => read.array(o[k], k, { optional: true }) ?? [];
const ids = (o: Json, k: string): string[] => arr(o, k).filter((x): x is string => typeof x === 'string');
function collect<T>(list: unknown[], f: (o: Json) => T | undefined): T[] {
  const out: T[] = [];
  for (const x of list)
    if (isObj(x)) {
      const v = f(x);
      if (v !== undefined) out.push(v);
    }
  return out;
}

export { parseRequest };

/** GET /api/requests → the inbox, oldest first as the server sends it. */
export function parseInbox(body: unknown): InboxItem[] {
  if (!isObj(body)) return [];
  return collect(arr(body, 'requests'), (o): InboxItem | undefined => {
    const r = parseRequest(o);
    if (!r) return undefined;
    const p = num(o, 'priority');
    return {
      ...r,
      typeName: str(o, 'typeName') ?? '',
      priority: p === 1 || p === 2 ? p : 3,
      address: str(o, 'address') ?? '',
    };
  });
}

/** The suggested units of a request, every line's, each once in line order. */
export function suggestedUnits(r: Pick<JointRequest, 'lines'>): string[] {
  const out: string[] = [];
  for (const l of r.lines) for (const id of l.suggested) if (!out.includes(id)) out.push(id);
  return out;
}

function parseMethane(v: unknown): Methane {
  const o = isObj(v) ? v : {};
  const c = o['casualties'];
  return {
    majorIncident: o['majorIncident'] === true,
    exactLocation: str(o, 'exactLocation') ?? '',
    type: str(o, 'type') ?? '',
    hazards: str(o, 'hazards') ?? '',
    access: str(o, 'access') ?? '',
    casualties: typeof c === 'number' && Number.isFinite(c) ? c : null,
    servicesPresent: arr(o, 'servicesPresent').filter(isAgency),
    servicesRequired: arr(o, 'servicesRequired').filter(isAgency),
  };
}

/** GET /api/incidents/:id (and the `incident` of a command's answer). */
export function parseIncidentDetail(
  body: unknown,
  typeNames: ReadonlyMap<string, string> = new Map(),
): IncidentDetail | undefined {
  const o = isObj(body) && isObj(body['incident']) ? body['incident'] : body;
  if (!isObj(o)) return undefined;
  const incident = parseIncident(o, typeNames);
  if (!incident) return undefined;
  const quicker = collect(arr(o, 'quicker'), (q): QuickerFlag | undefined => {
    const enRouteId = str(q, 'enRouteId');
    const quickerId = str(q, 'quickerId');
    if (enRouteId === undefined || quickerId === undefined) return undefined;
    return {
      capability: str(q, 'capability') ?? '',
      enRouteId,
      enRouteEtaS: num(q, 'enRouteEtaS') ?? 0,
      quickerId,
      quickerEtaS: num(q, 'quickerEtaS') ?? 0,
    };
  });
  const lineChanges = collect(arr(o, 'lineChanges'), (c) => {
    const capability = str(c, 'capability');
    if (capability === undefined) return undefined;
    const count = num(c, 'count') ?? null;
    const agency = c['agency'];
    return { capability, count, agency: isAgency(agency) ? agency : null, reason: str(c, 'reason') ?? '' };
  });
  return {
    incident,
    methane: parseMethane(o['methane']),
    requests: collect(arr(o, 'requests'), (r) => parseRequest(r, incident.id)),
    quicker,
    lineChanges,
    closeReason: str(o, 'closeReason') ?? null,
    callerAccount: str(o, 'callerAccount') ?? '',
    uprn: str(o, 'uprn') ?? null,
  };
}

/** How a resource is named in the timeline: its call sign when known. */
export type NameOf = (resourceId: string) => string;

const STATUS_WORDS: Record<string, string> = {
  MOBILISED: 'mobilised',
  AT_SCENE: 'arrived at scene',
  RETURNING: 'returning (left or stood down)',
  AVAILABLE_AT_STATION: 'available at station',
  AVAILABLE_MOBILE: 'available mobile',
  UNAVAILABLE: 'unavailable',
};

const AGENCY_NAME: Record<Agency, string> = { fire: 'Fire', police: 'Police', ambulance: 'Ambulance' };

/** One audit event in words, and the agency it speaks for when it names one. */
export function describeEvent(type: string, d: Json, nameOf: NameOf): { text: string; agency: Agency | null } {
  const list = (k: string) => ids(d, k).map(nameOf).join(', ') || 'nobody';
  const ag = (k: string): Agency | null => (isAgency(d[k]) ? d[k] : null);
  const words = (k: string) => str(d, k) ?? '';
  switch (type) {
    case 'incident.created':
      return { text: `Incident created${words('address') ? ` at ${words('address')}` : ''}`, agency: ag('leadAgency') };
    case 'incident.updated': {
      const patch = isObj(d['patch']) ? Object.keys(d['patch']) : [];
      const m = isObj(d['patch']) && isObj(d['patch']['methane']) ? d['patch']['methane'] : null;
      if (m && patch.length === 1) return { text: `METHANE updated: ${Object.keys(m).join(', ')}`, agency: null };
      return { text: `Updated: ${patch.join(', ') || 'nothing'}`, agency: null };
    }
    case 'incident.closed':
      return { text: `Incident closed${words('reason') ? `: ${words('reason')}` : ''}`, agency: null };
    case 'incident.recommended': {
      const s = isObj(d['summary']) ? d['summary'] : {};
      return { text: `Recommendation shown: ${ids(s, 'proposed').map(nameOf).join(', ') || 'nobody'}`, agency: null };
    }
    case 'incident.decision': {
      const asked = collect(arr(d, 'requests'), (r) =>
        isAgency(r['toAgency']) ? AGENCY_NAME[r['toAgency']] : undefined,
      );
      const how = d['decision'] === 'overridden' ? 'Override' : 'Recommendation accepted';
      return {
        text: `${how}: mobilised ${list('chosen')}${asked.length ? `; asked ${asked.join(', ')}` : ''}${words('reason') ? ` (reason: ${words('reason')})` : ''}`,
        agency: ag('actingAgency'),
      };
    }
    case 'incident.assistanceRequested': {
      const to = ag('toAgency');
      const lines = collect(arr(d, 'lines'), (l) => {
        const s = ids(l, 'suggested').map(nameOf);
        return `${num(l, 'count') ?? 1} × ${str(l, 'capability') ?? '?'}${s.length ? ` (suggested ${s.join(', ')})` : ''}`;
      });
      return {
        text: `Asked ${to ? AGENCY_NAME[to] : '?'} to attend${lines.length ? `: ${lines.join('; ')}` : ''}${words('note') ? ` — ${words('note')}` : ''}`,
        agency: ag('fromAgency'),
      };
    }
    case 'incident.assistanceAccepted':
      return {
        text: `Request accepted${ids(d, 'chosen').length ? `: mobilised ${list('chosen')}` : ''}${words('reason') ? ` (reason: ${words('reason')})` : ''}`,
        agency: ag('agency'),
      };
    case 'incident.assistanceDeclined':
      return { text: `Request declined: ${words('text')}`, agency: ag('agency') };
    case 'incident.assistanceAdvised':
      return { text: `Answered with advice, no deployment: ${words('text')}`, agency: ag('agency') };
    case 'incident.quickerAvailable': {
      const flags = collect(arr(d, 'flags'), (f) => {
        const q = str(f, 'quickerId');
        const e = str(f, 'enRouteId');
        return q && e ? `${nameOf(q)} could arrive before ${nameOf(e)}` : undefined;
      });
      return { text: `Quicker resource available: ${flags.join('; ')}`, agency: null };
    }
    case 'resource.status': {
      const st = num(d, 'status');
      const name = st !== undefined ? STATUSES[st - 1] : undefined;
      return {
        text: `${nameOf(words('resourceId'))} ${name ? (STATUS_WORDS[name] ?? name) : 'changed status'}`,
        agency: null,
      };
    }
    case 'incident.lineSet': {
      const a = ag('agency');
      return {
        text: `Line set: ${num(d, 'count') ?? '?'} × ${words('capability')}${a ? ` (${AGENCY_NAME[a]})` : ''} — ${words('reason')}`,
        agency: null,
      };
    }
    case 'incident.lineRemoved':
      return { text: `Line removed: ${words('capability')} — ${words('reason')}`, agency: null };
    case 'operator.note':
      return { text: `Note: ${words('text')}`, agency: ag('actingAgency') };
    case 'mait.queued':
    case 'mait.received':
      return { text: maitWords(type === 'mait.received', str(d, 'partnerId') ?? '', d['message']), agency: null };
    default:
      return { text: type, agency: null };
  }
}

/**
 * A message to or from a partner control room (issue 18) in words: the partner's own are marked
 * "from PARTNER" (and the entry's origin is `partner`), ours "to PARTNER".
 */
function maitWords(theirs: boolean, partner: string, m: unknown): string {
  const o = isObj(m) ? m : {};
  const kind = str(o, 'kind') ?? 'message';
  const content = isObj(o['content']) ? o['content'] : {};
  const shared = arr(content, 'timeline')
    .map((e) => (isObj(e) ? str(e, 'text') : undefined))
    .filter((t): t is string => t !== undefined);
  const detail =
    kind === 'Acknowledge'
      ? ` (${str(o, 'stage') ?? ''})`
      : kind === 'Reject' || kind === 'Close'
        ? `: ${str(o, 'reason') ?? ''}`
        : shared.length
          ? `: ${shared.join(' · ')}`
          : '';
  return `${theirs ? `From partner ${partner}` : `To partner ${partner}`}: ${kind}${detail}`;
}

/** GET /api/incidents/:id/log → the timeline in words, in log order. */
export function parseTimeline(body: unknown, nameOf: NameOf): TimelineEntry[] {
  if (!isObj(body)) return [];
  return collect(arr(body, 'events'), (e): TimelineEntry | undefined => {
    const seq = num(e, 'seq');
    const type = str(e, 'type');
    if (seq === undefined || type === undefined) return undefined;
    const { text, agency } = describeEvent(type, isObj(e['data']) ? e['data'] : {}, nameOf);
    return {
      seq,
      atMs: num(e, 'at') ?? 0,
      type,
      origin: str(e, 'origin') ?? '',
      actor: str(e, 'actor') ?? '',
      agency,
      text,
    };
  });
}

/** The cursor of the page after this one of GET /api/incidents/:id/log: null on the last page. */
export function timelineNext(body: unknown): number | null {
  if (!isObj(body)) return null;
  const n = body['next'];
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : null;
}
