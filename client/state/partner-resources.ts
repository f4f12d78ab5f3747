/**
 * Partner rooms' resources attending our incidents (issue 18 item 4), as the map holds them:
 * from the COP (`partnerFromCop`) or read from GET /api/partner-resources (the partner's latest ResourcePosition, with its name and
 * whether the fix is stale by our fleet's rule) with nothing assumed, since every field came from
 * another room. `partnerResourceText` is the marker's label, one line a fact.
 */
import { isObj } from '../../proto/checker.ts';
import type { CopPartnerResourceMsg } from '../../proto/wire.ts';
import { agencyLabel } from '../format.ts';
import { STATUS_LABEL } from '../map/symbols.ts';
import type { Api } from './api.ts';
import { isAgency, type Agency } from './types.ts';

export interface ClientPartnerResource {
  /** partnerId|resourceId: a partner's resource ids are its own, so two rooms may share one. */
  key: string;
  partnerId: string;
  partnerName: string;
  resourceId: string;
  callsign: string;
  lat: number;
  lon: number;
  /** Fire, police or ambulance when the partner said so and we know the word; else null. */
  agency: Agency | null;
  /** The partner's status word (MOBILISED, AT_SCENE...), as sent. */
  status: string;
  incidentId: string;
  fixAgeMs: number;
  stale: boolean;
}

const num = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function parsePartnerResources(body: unknown): ClientPartnerResource[] {
  if (!isObj(body) || !Array.isArray(body['resources'])) return [];
  return body['resources'].flatMap((o): ClientPartnerResource[] => {
    if (!isObj(o) || !num(o['lat']) || !num(o['lon']) || typeof o['resourceId'] !== 'string') return [];
    const partnerId = str(o['partnerId']);
    const agency = isAgency(o['agency']) ? o['agency'] : null;
    return [
      {
        key: `${partnerId}|${o['resourceId']}`,
        partnerId,
        partnerName: str(o['partnerName']) || partnerId,
        resourceId: o['resourceId'],
        callsign: str(o['callsign']) || o['resourceId'],
        lat: o['lat'],
        lon: o['lon'],
        agency,
        status: str(o['status']),
        incidentId: str(o['incidentId']),
        fixAgeMs: num(o['fixAgeMs']) ? o['fixAgeMs'] : 0,
        stale: o['stale'] === true,
      },
    ];
  });
}

/** One partner resource as the COP carries it, its fix judged stale at `nowMs` by our fleet's rule. */
export function partnerFromCop(m: CopPartnerResourceMsg, nowMs: number, staleAfterMs: number): ClientPartnerResource {
  const fixAgeMs = Math.max(0, nowMs - m.fixTimeMs);
  return {
    key: `${m.partnerId}|${m.resourceId}`,
    partnerId: m.partnerId,
    partnerName: m.partnerName || m.partnerId,
    resourceId: m.resourceId,
    callsign: m.callSign || m.resourceId,
    lat: m.latE7 / 1e7,
    lon: m.lonE7 / 1e7,
    agency: isAgency(m.agency) ? m.agency : null,
    status: m.status,
    incidentId: m.incidentId,
    fixAgeMs,
    stale: fixAgeMs > staleAfterMs,
  };
}

/** The list, or null when the server could not give it (keep what is shown). */
export async function loadPartnerResources(api: Api): Promise<ClientPartnerResource[] | null> {
  const r = await api.request('GET', '/api/partner-resources');
  return r.ok ? parsePartnerResources(r.body) : null;
}

/** The partner's status word in ours when it is one of ours ("Mobilised"), else as sent. */
export function partnerStatusWords(status: string): string {
  return (STATUS_LABEL as Record<string, string | undefined>)[status] ?? status;
}

/** The marker's label: whose, what, and how old when stale. */
export function partnerResourceText(r: ClientPartnerResource): string[] {
  const lines = [
    `${r.partnerName} (partner): ${r.callsign}`,
    `${r.agency ? agencyLabel(r.agency) : 'Agency not given'} · ${partnerStatusWords(r.status)}`,
  ];
  if (r.stale) lines.push(`Stale: last fix ${Math.floor(r.fixAgeMs / 60_000)} min ago`);
  return lines;
}
