/**
 * Cross-border assistance as the incident panel holds it (issue 18 item 5): the recommendation's
 * `viaPartner`, read with nothing assumed: the partner rooms near enough to ask (nearest first,
 * each with our latest request to it and where that stands) and the resources they offered,
 * quickest first, marked "via partner". The two commands: ask a partner for a capability and
 * count, or for one resource it offered (POST /api/incidents/:id/partner-assistance).
 */
import { isObj } from '../../proto/checker.ts';
import type { Api, ApiResult } from './api.ts';

export interface ViaPartnerRequest {
  transferId: string;
  capability: string;
  count: number;
  /** queued, delivered, acknowledged, accepted (it offered), rejected (it cannot help). */
  status: string;
}

export interface NearPartner {
  partnerId: string;
  name: string;
  metresFromArea: number;
  request: ViaPartnerRequest | null;
}

export interface ViaPartnerOffer {
  partnerId: string;
  partnerName: string;
  resourceId: string;
  callsign: string;
  capability: string;
  etaS: number;
}

export interface ViaPartner {
  partners: NearPartner[];
  offered: ViaPartnerOffer[];
}

const s = (v: unknown): string => (typeof v === 'string' ? v : '');
const n = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The recommendation's `viaPartner`, or undefined when the server sent none (no partner rooms). */
export function parseViaPartner(v: unknown): ViaPartner | undefined {
  if (!isObj(v)) return undefined;
  const partners = (Array.isArray(v['partners']) ? v['partners'] : []).flatMap((p): NearPartner[] => {
    if (!isObj(p) || typeof p['partnerId'] !== 'string') return [];
    const r = isObj(p['request']) ? p['request'] : null;
    return [
      {
        partnerId: p['partnerId'],
        name: s(p['name']) || p['partnerId'],
        metresFromArea: n(p['metresFromArea']),
        request: r
          ? {
              transferId: s(r['transferId']),
              capability: s(r['capability']),
              count: n(r['count']),
              status: s(r['status']),
            }
          : null,
      },
    ];
  });
  const offered = (Array.isArray(v['offered']) ? v['offered'] : []).flatMap((o): ViaPartnerOffer[] =>
    isObj(o) && typeof o['resourceId'] === 'string' && typeof o['partnerId'] === 'string'
      ? [
          {
            partnerId: o['partnerId'],
            partnerName: s(o['partnerName']) || o['partnerId'],
            resourceId: o['resourceId'],
            callsign: s(o['callsign']) || o['resourceId'],
            capability: s(o['capability']),
            etaS: n(o['etaS']),
          },
        ]
      : [],
  );
  return { partners, offered };
}

/** What a request stands at, in words: "2 × pump asked: accepted (offered)". */
export function requestWords(r: ViaPartnerRequest): string {
  const state =
    r.status === 'accepted'
      ? 'resources offered'
      : r.status === 'rejected'
        ? 'cannot help'
        : r.status === 'acknowledged'
          ? 'acknowledged'
          : r.status === 'delivered'
            ? 'delivered, no answer yet'
            : r.status === 'queued'
              ? 'queued until the partner takes it'
              : r.status;
  return `${r.count} × ${r.capability} asked: ${state}`;
}

export type PartnerAsk =
  | { partnerId: string; capability: string; count: number; note?: string }
  | { partnerId: string; resourceId: string; note?: string };

export function askPartner(api: Api, incidentId: string, ask: PartnerAsk): Promise<ApiResult> {
  return api.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/partner-assistance`, ask);
}
