import type { CopPartnerResourceMsg } from '../../proto/wire.ts';
import { expect, fields, I32, I64, LEN, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding a partner room's resource (CopPartnerResource, proto/cop.proto), in snapshots and as a
 * `partner_resource` change (issue 18 item 4). Deliberate specialisation: written out field by
 * field like decode-records.ts, for the reason its header gives (docs/CONVENTIONS.md, Deliberate
 * repeats).
 */
export function decodePartnerResource(r: Reader, end: number): CopPartnerResourceMsg {
  const m: CopPartnerResourceMsg = {
    partnerId: '',
    partnerName: '',
    resourceId: '',
    callSign: '',
    agency: '',
    status: '',
    incidentId: '',
    latE7: 0,
    lonE7: 0,
    fixTimeMs: 0,
    removed: false,
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'partner_resource.partner_id');
        m.partnerId = r.string();
        return true;
      case 2:
        expect(w, LEN, 'partner_resource.partner_name');
        m.partnerName = r.string();
        return true;
      case 3:
        expect(w, LEN, 'partner_resource.resource_id');
        m.resourceId = r.string();
        return true;
      case 4:
        expect(w, LEN, 'partner_resource.call_sign');
        m.callSign = r.string();
        return true;
      case 5:
        expect(w, LEN, 'partner_resource.agency');
        m.agency = r.string();
        return true;
      case 6:
        expect(w, LEN, 'partner_resource.status');
        m.status = r.string();
        return true;
      case 7:
        expect(w, LEN, 'partner_resource.incident_id');
        m.incidentId = r.string();
        return true;
      case 8:
        expect(w, I32, 'partner_resource.lat_e7');
        m.latE7 = r.sfixed32();
        return true;
      case 9:
        expect(w, I32, 'partner_resource.lon_e7');
        m.lonE7 = r.sfixed32();
        return true;
      case 10:
        expect(w, I64, 'partner_resource.fix_time_ms');
        m.fixTimeMs = r.double();
        return true;
      case 11:
        expect(w, VARINT, 'partner_resource.removed');
        m.removed = r.bool();
        return true;
      default:
        return false;
    }
  });
  return m;
}
