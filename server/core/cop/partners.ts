import type { JcrEvent } from '../events.ts';
import type { PartnerResource } from '../mait/types.ts';
import type { Room } from '../room.ts';
import {
  incidentAgencies,
  quantLatLon,
  seesIncident,
  type CopPartnerResourceMsg,
  type NormalFilter,
} from './frames.ts';

/**
 * Partner rooms' resources on the COP (issue 18 item 4): a partner's resource attending one of
 * our incidents, as the transfer book holds its latest ResourcePosition, pushed to the screens
 * that see that incident instead of being polled over REST. Each applied ResourcePosition is one
 * durable change carrying the resource's record; when the book drops resources (their thread
 * closed) each goes as a removal to the agencies it was last sent to. The book keeps the rule of
 * what is held; this only compares the book before and after, so nothing of it is repeated here.
 * A screen whose agency joins the incident later gets them with the next position or snapshot.
 */

/** One partner change for the journal: the record, and the agencies whose screens get it. */
export interface PartnerChange {
  agencies: readonly string[];
  msg: CopPartnerResourceMsg;
}

const keyOf = (p: { partnerId: string; resourceId: string }) => `${p.partnerId}|${p.resourceId}`;

export class PartnerPicture {
  /** Each partner resource on the picture, and the agencies it was last sent to. */
  private readonly shown = new Map<string, { agencies: readonly string[]; last: PartnerResource }>();

  /** `nameOf`: the partners file's name for a partner room ('' when none). */
  constructor(
    private readonly room: Room,
    private readonly nameOf: (partnerId: string) => string = () => '',
  ) {
    for (const p of room.transfers.partnerResources())
      this.shown.set(keyOf(p), { agencies: this.agencies(p), last: p });
  }

  /** The partner changes an applied event brings (none for anything but a MAIT message). */
  onEvent(e: JcrEvent): PartnerChange[] {
    if (e.type !== 'mait.received' && e.type !== 'mait.queued') return [];
    const now = new Map<string, PartnerResource>();
    for (const p of this.room.transfers.partnerResources()) now.set(keyOf(p), p);
    const out: PartnerChange[] = [];
    for (const [key, s] of this.shown) {
      if (now.has(key)) continue;
      this.shown.delete(key);
      out.push({ agencies: s.agencies, msg: this.msg(s.last, true) });
    }
    const m = e.data.message;
    if (e.type === 'mait.received' && m.kind === 'ResourcePosition') {
      const p = now.get(keyOf({ partnerId: e.data.partnerId, resourceId: m.resourceId }));
      if (p) {
        const agencies = this.agencies(p);
        this.shown.set(keyOf(p), { agencies, last: p });
        out.push({ agencies, msg: this.msg(p, false) });
      }
    }
    return out;
  }

  /** The partner resources a screen under `f` sees now, by partner and resource id. */
  snapshot(f: NormalFilter): CopPartnerResourceMsg[] {
    const out: CopPartnerResourceMsg[] = [];
    for (const p of this.room.transfers.partnerResources())
      if (seesIncident(f, this.agencies(p))) out.push(this.msg(p, false));
    return out.sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  /** Who sees the incident it attends (none once the incident is gone). */
  private agencies(p: PartnerResource): readonly string[] {
    const inc = this.room.incidents.get(p.incidentId);
    return inc ? incidentAgencies(inc) : [];
  }

  private msg(p: PartnerResource, removed: boolean): CopPartnerResourceMsg {
    return {
      partnerId: p.partnerId,
      partnerName: this.nameOf(p.partnerId),
      resourceId: p.resourceId,
      callSign: p.callsign,
      agency: p.agency ?? '',
      status: p.status,
      incidentId: p.incidentId,
      latE7: quantLatLon(p.lat),
      lonE7: quantLatLon(p.lon),
      fixTimeMs: Math.round(p.fixAt),
      removed,
    };
  }
}
