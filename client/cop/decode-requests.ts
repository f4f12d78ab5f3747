import type { CopJointRequestMsg, CopRequestedLineMsg } from '../../proto/wire.ts';
import { expect, fields, I64, LEN, sub, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding an incident's joint requests (CopJointRequest and its CopRequestedLine), which
 * decode-records.ts reads inside each CopIncident. Deliberate specialisation (decode-records.ts
 * says why): the same one-`case`-a-field switch as the other records: check the wire type, read,
 * assign.
 */

function decodeRequestedLine(r: Reader, end: number): CopRequestedLineMsg {
  const m: CopRequestedLineMsg = { capability: '', count: 0, suggested: [] };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'requested_line.capability');
        m.capability = r.string();
        return true;
      case 2:
        expect(w, VARINT, 'requested_line.count');
        m.count = r.uint32();
        return true;
      case 3:
        expect(w, LEN, 'requested_line.suggested');
        m.suggested.push(r.string());
        return true;
      default:
        return false;
    }
  });
  return m;
}

export function decodeJointRequest(r: Reader, end: number): CopJointRequestMsg {
  const m: CopJointRequestMsg = {
    requestId: '',
    fromAgency: '',
    toAgency: '',
    status: '',
    lines: [],
    note: '',
    requestedBy: '',
    requestedAtMs: 0,
    answeredBy: '',
    answeredAtMs: 0,
    answer: '',
    mobilised: [],
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'request.request_id');
        m.requestId = r.string();
        return true;
      case 2:
        expect(w, LEN, 'request.from_agency');
        m.fromAgency = r.string();
        return true;
      case 3:
        expect(w, LEN, 'request.to_agency');
        m.toAgency = r.string();
        return true;
      case 4:
        expect(w, LEN, 'request.status');
        m.status = r.string();
        return true;
      case 5:
        expect(w, LEN, 'request.lines');
        m.lines.push(decodeRequestedLine(r, sub(r)));
        return true;
      case 6:
        expect(w, LEN, 'request.note');
        m.note = r.string();
        return true;
      case 7:
        expect(w, LEN, 'request.requested_by');
        m.requestedBy = r.string();
        return true;
      case 8:
        expect(w, I64, 'request.requested_at_ms');
        m.requestedAtMs = r.double();
        return true;
      case 9:
        expect(w, LEN, 'request.answered_by');
        m.answeredBy = r.string();
        return true;
      case 10:
        expect(w, I64, 'request.answered_at_ms');
        m.answeredAtMs = r.double();
        return true;
      case 11:
        expect(w, LEN, 'request.answer');
        m.answer = r.string();
        return true;
      case 12:
        expect(w, LEN, 'request.mobilised');
        m.mobilised.push(r.string());
        return true;
      default:
        return false;
    }
  });
  return m;
}
