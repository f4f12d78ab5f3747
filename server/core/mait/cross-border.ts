/**
 * Cross-border assistance (issue 18 item 5): for an incident within CROSS_BORDER_M of a partner
 * room's area, the recommendation lists that partner, and the resources it offered in answer to
 * our AssistanceRequest with their ETAs, after our own and marked "via partner". Choosing the
 * partner (a capability and count) or one of its offered resources queues an AssistanceRequest
 * (assistanceDraft) through the one mait.send command. Pure: the partners file and the transfer
 * threads come in as arguments.
 */
import type { MaitOfferedResource, MaitPartner } from '../../../proto/mait.ts';
import { gridRefOf } from '../places/os-grid.ts';
import { metresFromArea, typeToPartner } from './partners.ts';
import type { MaitDraft, Transfer, TransferStatus } from './types.ts';

/** How far outside a partner's area an incident may lie for the partner to be offered. */
export const CROSS_BORDER_M = 10_000;

/** One resource a partner offered for this incident, as the recommendation lists it. */
export interface ViaPartnerResource extends MaitOfferedResource {
  via: 'partner';
  partnerId: string;
  partnerName: string;
  /** Our AssistanceRequest it answered. */
  requestId: string;
}

export interface CrossBorderPartner {
  partnerId: string;
  name: string;
  /** Metres from the incident to the partner's area (0 inside it). */
  metresFromArea: number;
  /** Our latest request to it about this incident, if any. */
  request: { transferId: string; requestId: string; capability: string; count: number; status: TransferStatus } | null;
}

export interface CrossBorder {
  /** Partners near enough to ask, nearest first. */
  partners: CrossBorderPartner[];
  /** What they offered, quickest first: listed after our own resources. */
  offered: ViaPartnerResource[];
}

export interface IncidentPlace {
  id: string;
  typeId: string;
  lat: number;
  lon: number;
  address: string;
  /** The UPRN when known (an incident of ours always says; null or absent: not known). */
  uprn?: string | null;
}

/** The partners near `inc` and what they have offered for it, from our assistance threads. */
export function crossBorder(
  inc: Pick<IncidentPlace, 'id' | 'lat' | 'lon'>,
  partners: readonly MaitPartner[],
  threads: readonly Transfer[],
  withinM = CROSS_BORDER_M,
): CrossBorder {
  const asked = (p: MaitPartner) =>
    threads.filter(
      (t) => t.direction === 'out' && t.assistance !== null && t.partnerId === p.id && t.incidentId === inc.id,
    );
  const near = partners
    .map((p) => ({ p, m: metresFromArea(p, inc.lat, inc.lon), threads: asked(p) }))
    .filter((x) => x.m <= withinM || x.threads.length > 0)
    .sort((a, b) => a.m - b.m || a.p.id.localeCompare(b.p.id));
  const offered: ViaPartnerResource[] = [];
  const out: CrossBorderPartner[] = near.map(({ p, m, threads: ts }) => {
    const last = ts.filter((t) => !t.closed && t.assistance).at(-1);
    for (const t of ts) {
      if (t.closed || !t.assistance) continue;
      for (const r of t.assistance.offered)
        offered.push({ ...r, via: 'partner', partnerId: p.id, partnerName: p.name, requestId: t.assistance.requestId });
    }
    return {
      partnerId: p.id,
      name: p.name,
      metresFromArea: Math.round(m),
      request:
        last && last.assistance
          ? {
              transferId: last.id,
              requestId: last.assistance.requestId,
              capability: last.assistance.capability,
              count: last.assistance.count,
              status: last.status,
            }
          : null,
    };
  });
  offered.sort(
    (a, b) => a.etaS - b.etaS || a.partnerId.localeCompare(b.partnerId) || a.resourceId.localeCompare(b.resourceId),
  );
  return { partners: out, offered };
}

/** What the dispatcher chose: a capability and count of the partner, or one resource it offered. */
export type AssistanceChoice =
  { capability: string; count: number; note: string } | { offered: MaitOfferedResource; note: string };

/**
 * The AssistanceRequest for `choice`, about our incident `inc`, in the partner's vocabulary
 * (JCR_MAIT_UNMAPPED_TYPE when the partners file maps the incident's type to none of its own).
 */
export function assistanceDraft(
  roomId: string,
  inc: IncidentPlace,
  partner: MaitPartner,
  choice: AssistanceChoice,
  requestId: string,
): MaitDraft {
  const pick = 'offered' in choice ? choice.offered : null;
  const note = pick
    ? `${choice.note}${choice.note ? ' ' : ''}Please send ${pick.callsign} (${pick.resourceId}), offered at ${Math.round(pick.etaS / 60)} min.`
    : choice.note;
  return {
    kind: 'AssistanceRequest',
    incident: { room: roomId, id: inc.id },
    requestId,
    capability: pick ? pick.capability : (choice as { capability: string }).capability,
    count: pick ? 1 : (choice as { count: number }).count,
    location: {
      lat: inc.lat,
      lon: inc.lon,
      gridRef: gridRefOf(inc.lat, inc.lon, 8),
      uprn: inc.uprn ?? null,
      address: inc.address,
    },
    type: typeToPartner(partner, inc.typeId),
    note,
  };
}
