import type { AlertMsg } from '../../proto/wire.ts';
import { expect, fields, I64, LEN, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding a COP alert (CopAlert, proto/cop.proto), in snapshots and as an `alert` change.
 * Deliberate specialisation: written out field by field like decode-records.ts, for the reason
 * its header gives (docs/CONVENTIONS.md, Deliberate repeats).
 */
export function decodeAlert(r: Reader, end: number): AlertMsg {
  const m: AlertMsg = {
    id: '',
    kind: '',
    cause: '',
    incidentId: '',
    resourceId: '',
    agencies: [],
    priority: 0,
    text: '',
    raisedAtMs: 0,
    clearedAtMs: 0,
    eventSeq: 0,
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'alert.id');
        m.id = r.string();
        return true;
      case 2:
        expect(w, LEN, 'alert.kind');
        m.kind = r.string();
        return true;
      case 3:
        expect(w, LEN, 'alert.cause');
        m.cause = r.string();
        return true;
      case 4:
        expect(w, LEN, 'alert.incident_id');
        m.incidentId = r.string();
        return true;
      case 5:
        expect(w, LEN, 'alert.resource_id');
        m.resourceId = r.string();
        return true;
      case 6:
        expect(w, LEN, 'alert.agencies');
        m.agencies.push(r.string());
        return true;
      case 7:
        expect(w, VARINT, 'alert.priority');
        m.priority = r.uint32();
        return true;
      case 8:
        expect(w, LEN, 'alert.text');
        m.text = r.string();
        return true;
      case 9:
        expect(w, I64, 'alert.raised_at_ms');
        m.raisedAtMs = r.double();
        return true;
      case 10:
        expect(w, I64, 'alert.cleared_at_ms');
        m.clearedAtMs = r.double();
        return true;
      case 11:
        expect(w, VARINT, 'alert.event_seq');
        m.eventSeq = r.uint32();
        return true;
      default:
        return false;
    }
  });
  return m;
}
