/**
 * Transfers to and from partner control rooms as the screens hold them (issue 18): the partners
 * an incident may go to (GET /api/incidents/:id/partners, the one whose area holds it first)
 * and the transfers (GET /api/transfers), read from the server's JSON with nothing assumed.
 */
import { isObj } from '../../proto/checker.ts';
import type { Api } from './api.ts';
import type { Acting } from './permissions.ts';
import type { Agency } from './types.ts';

export interface PartnerChoice {
  id: string;
  name: string;
  /** The partner's area holds the incident's location. */
  holds: boolean;
  mapsType: boolean;
}

/** One resource a room offered in answer to a request for assistance. */
export interface ClientOffered {
  resourceId: string;
  callsign: string;
  capability: string;
  etaS: number;
}

export interface ClientTransfer {
  id: string;
  direction: 'in' | 'out';
  /** An incident passed whole (`transfer`) or a request for resources (`assistance`). */
  kind: 'transfer' | 'assistance';
  partnerId: string;
  partnerName: string;
  status: string;
  ackStage: string | null;
  reason: string | null;
  incidentId: string | null;
  closed: boolean;
  /** What the sender said: the type (in our vocabulary: the sender maps it), its words, priority, address, caller's account. */
  typeId: string;
  typeText: string;
  priority: number | null;
  address: string;
  gridRef: string;
  /** The property's UPRN when the sender knew it ('' = not known). */
  uprn: string;
  callerAccount: string;
  /** A request for assistance: what is asked for, the asker's note and what was offered. */
  assistance: { capability: string; count: number; note: string; offered: ClientOffered[] } | null;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const sOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function parseOffered(v: unknown): ClientOffered[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((r) =>
    isObj(r) && typeof r['resourceId'] === 'string' && typeof r['etaS'] === 'number'
      ? [{ resourceId: r['resourceId'], callsign: s(r['callsign']), capability: s(r['capability']), etaS: r['etaS'] }]
      : [],
  );
}

export function parseTransfer(o: unknown): ClientTransfer | null {
  if (!isObj(o) || typeof o['id'] !== 'string') return null;
  const a = isObj(o['assistance']) ? o['assistance'] : null;
  const c = isObj(o['content']) ? o['content'] : {};
  const loc = isObj(c['location']) ? c['location'] : a && isObj(a['location']) ? a['location'] : {};
  return {
    id: o['id'],
    direction: o['direction'] === 'in' ? 'in' : 'out',
    kind: o['kind'] === 'assistance' ? 'assistance' : 'transfer',
    partnerId: s(o['partnerId']),
    partnerName: s(o['partnerName']) || s(o['partnerId']),
    status: s(o['status']),
    ackStage: sOrNull(o['ackStage']),
    reason: sOrNull(o['reason']),
    incidentId: sOrNull(o['incidentId']),
    closed: o['closed'] === true,
    typeId: s(c['type']),
    typeText: s(c['typeText']),
    priority: typeof c['priority'] === 'number' ? c['priority'] : null,
    address: s(loc['address']),
    gridRef: s(loc['gridRef']),
    uprn: s(loc['uprn']),
    callerAccount: s(c['callerAccount']),
    assistance: a
      ? {
          capability: s(a['capability']),
          count: typeof a['count'] === 'number' ? a['count'] : 0,
          note: s(a['note']),
          offered: parseOffered(a['offered']),
        }
      : null,
  };
}

/**
 * The partner items an agency answers (the duty officer, all of them): a transfer, when it leads
 * that incident type (or the type is not one we know); a request for assistance, when it has a
 * resource of the capability asked for (or the fleet is not known yet). So a police dispatcher is
 * not asked to offer pumps, and does not answer "none" for fire.
 */
export function transfersFor(
  transfers: readonly ClientTransfer[],
  who: Acting | undefined,
  leadOf: (typeId: string) => Agency | undefined,
  capabilitiesOf: (agency: Agency) => ReadonlySet<string> | undefined,
): ClientTransfer[] {
  if (who === undefined || who === null) return [];
  if (who === 'all') return [...transfers];
  return transfers.filter((t) => {
    if (t.kind === 'assistance' && t.assistance) return capabilitiesOf(who)?.has(t.assistance.capability) ?? true;
    const lead = leadOf(t.typeId);
    return lead === undefined || lead === who;
  });
}

/** Transfers matching `query` ("?direction=in"), or [] when the server has none to give. */
export async function loadTransfers(api: Api, query: string): Promise<ClientTransfer[]> {
  const r = await api.request('GET', `/api/transfers${query}`);
  if (!r.ok || !isObj(r.body) || !Array.isArray(r.body['transfers'])) return [];
  return r.body['transfers'].map(parseTransfer).filter((t): t is ClientTransfer => t !== null);
}

export async function loadPartners(api: Api, incidentId: string): Promise<PartnerChoice[]> {
  const r = await api.request('GET', `/api/incidents/${encodeURIComponent(incidentId)}/partners`);
  if (!r.ok || !isObj(r.body) || !Array.isArray(r.body['partners'])) return [];
  return r.body['partners'].flatMap((p) =>
    isObj(p) && typeof p['id'] === 'string'
      ? [{ id: p['id'], name: s(p['name']) || p['id'], holds: p['holds'] === true, mapsType: p['mapsType'] === true }]
      : [],
  );
}

/** "WG-P1 (7 min), HT-P1 (9 min)": offered resources with their ETA, rounded to the minute. */
export function offeredWords(offered: readonly ClientOffered[]): string {
  return offered.map((o) => `${o.callsign || o.resourceId} (${Math.round(o.etaS / 60)} min)`).join(', ');
}

/** How a transfer's status reads on screen. */
export function transferWords(t: ClientTransfer): string {
  const stage =
    t.status === 'acknowledged' && t.ackStage === 'considering' ? 'acknowledged, being considered' : t.status;
  return `${stage}${t.reason ? `: ${t.reason}` : ''}${t.closed ? ' (closed)' : ''}`;
}
