import type {
  CopBounds,
  CopChangeMsg,
  CopCoverChangeMsg,
  CopDeltaMsg,
  CopFilter,
  CopIncidentChangeMsg,
  CopPositionsMsg,
  CopSnapshotMsg,
  CopStatusChangeMsg,
} from '../../proto/wire.ts';
import { bareIncident } from '../../proto/wire.ts';
import type { CopServerMsgIn } from './cop-client-core.ts';
import { decodeCover, decodeIncident, decodeResource } from './decode-records.ts';
import { decodePerformance } from './decode-performance.ts';
import { decodeAlert } from './decode-alert.ts';
import { decodePartnerResource } from './decode-partner.ts';
import { expect, fields, I32, I64, LEN, readRepeated, Reader, sub, VARINT } from './wire-format.ts';

/**
 * Decoding the frames a server sends (CopServerMessage): the snapshot with its filter, and the
 * delta with its changes (a oneof: status, incident, cover), positions, enters and leaves.
 *
 * Deliberate specialisation: every decoder here and in the other decode-*.ts (records, requests,
 * performance) is the same switch, one `case` a field (check the wire type, read, assign). They are written
 * out, not driven by a table, because a table-driven reader is the reflection codec again; the
 * browser gets plain code, the fan-out bench decodes with it, and test/cop-browser-codec.test.ts
 * checks each field.
 */

function decodeBounds(r: Reader, end: number): CopBounds {
  const b: CopBounds = { south: 0, west: 0, north: 0, east: 0 };
  fields(r, end, (f, w) => {
    if (f < 1 || f > 4) return false;
    expect(w, I64, 'bounds');
    const v = r.double();
    if (f === 1) b.south = v;
    else if (f === 2) b.west = v;
    else if (f === 3) b.north = v;
    else b.east = v;
    return true;
  });
  return b;
}

function decodeFilter(r: Reader, end: number): CopFilter {
  const m: CopFilter = { agencies: [], bounds: null };
  fields(r, end, (f, w) => {
    if (f === 1) {
      expect(w, LEN, 'agencies');
      m.agencies.push(r.string());
      return true;
    }
    if (f === 2) {
      expect(w, LEN, 'bounds');
      m.bounds = decodeBounds(r, sub(r));
      return true;
    }
    return false;
  });
  return m;
}

function decodeSnapshot(r: Reader, end: number): CopSnapshotMsg {
  const m: CopSnapshotMsg = {
    seq: 0,
    epoch: '',
    eventSeq: 0,
    serverTimeMs: 0,
    reason: 0,
    filter: null,
    resources: [],
    incidents: [],
    cover: null,
    performance: null,
    alerts: [],
    partnerResources: [],
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, VARINT, 'seq');
        m.seq = r.uint32();
        return true;
      case 2:
        expect(w, LEN, 'epoch');
        m.epoch = r.string();
        return true;
      case 3:
        expect(w, VARINT, 'event_seq');
        m.eventSeq = r.uint32();
        return true;
      case 4:
        expect(w, I64, 'server_time_ms');
        m.serverTimeMs = r.double();
        return true;
      case 5:
        expect(w, VARINT, 'reason');
        m.reason = r.int32();
        return true;
      case 6:
        expect(w, LEN, 'filter');
        m.filter = decodeFilter(r, sub(r));
        return true;
      case 7:
        expect(w, LEN, 'resources');
        m.resources.push(decodeResource(r, sub(r)));
        return true;
      case 8:
        expect(w, LEN, 'incidents');
        m.incidents.push(decodeIncident(r, sub(r)));
        return true;
      case 9:
        expect(w, LEN, 'cover');
        m.cover = decodeCover(r, sub(r));
        return true;
      case 10:
        expect(w, LEN, 'performance');
        m.performance = decodePerformance(r, sub(r));
        return true;
      case 11:
        expect(w, LEN, 'alerts');
        m.alerts.push(decodeAlert(r, sub(r)));
        return true;
      case 12:
        expect(w, LEN, 'partner_resources');
        m.partnerResources?.push(decodePartnerResource(r, sub(r)));
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeStatusChange(r: Reader, end: number): CopStatusChangeMsg {
  const m: CopStatusChangeMsg = { ref: 0, status: 0, incidentId: '', eventSeq: 0, atMs: 0 };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, VARINT, 'status.ref');
        m.ref = r.uint32();
        return true;
      case 2:
        expect(w, VARINT, 'status.status');
        m.status = r.int32();
        return true;
      case 3:
        expect(w, LEN, 'status.incident_id');
        m.incidentId = r.string();
        return true;
      case 4:
        expect(w, VARINT, 'status.event_seq');
        m.eventSeq = r.uint32();
        return true;
      case 5:
        expect(w, I64, 'status.at_ms');
        m.atMs = r.double();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeIncidentChange(r: Reader, end: number): CopIncidentChangeMsg {
  const m: CopIncidentChangeMsg = { incident: bareIncident(''), eventSeq: 0, atMs: 0, removed: false };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'incident_change.incident');
        m.incident = decodeIncident(r, sub(r));
        return true;
      case 2:
        expect(w, VARINT, 'incident_change.event_seq');
        m.eventSeq = r.uint32();
        return true;
      case 3:
        expect(w, I64, 'incident_change.at_ms');
        m.atMs = r.double();
        return true;
      case 4:
        expect(w, VARINT, 'incident_change.removed');
        m.removed = r.bool();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeCoverChange(r: Reader, end: number): CopCoverChangeMsg {
  const m: CopCoverChangeMsg = { summary: null };
  fields(r, end, (f, w) => {
    if (f !== 1) return false;
    expect(w, LEN, 'cover_change.summary');
    m.summary = decodeCover(r, sub(r));
    return true;
  });
  return m;
}

function decodeChange(r: Reader, end: number): CopChangeMsg {
  const m: CopChangeMsg = {};
  // oneof: a well-formed frame holds one member; every member read is kept, as protobufjs's
  // reflection decode keeps them (the differential fuzz test holds the two codecs to that).
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'change.status');
        m.status = decodeStatusChange(r, sub(r));
        return true;
      case 2:
        expect(w, LEN, 'change.incident');
        m.incident = decodeIncidentChange(r, sub(r));
        return true;
      case 3:
        expect(w, LEN, 'change.cover');
        m.cover = decodeCoverChange(r, sub(r));
        return true;
      case 4:
        expect(w, LEN, 'change.performance');
        m.performance = decodePerformance(r, sub(r));
        return true;
      case 5:
        expect(w, LEN, 'change.alert');
        m.alert = decodeAlert(r, sub(r));
        return true;
      case 6:
        expect(w, LEN, 'change.partner_resource');
        m.partnerResource = decodePartnerResource(r, sub(r));
        return true;
      default:
        return false; // a change kind this client does not know: skipped
    }
  });
  return m;
}

function decodePositions(r: Reader, end: number): CopPositionsMsg {
  const m: CopPositionsMsg = {
    ref: [],
    latE7: [],
    lonE7: [],
    headingDeg: [],
    speedDmps: [],
    fixAgeMs: [],
    accuracyM: [],
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        readRepeated(r, w, VARINT, () => r.uint32(), m.ref, 'positions.ref');
        return true;
      case 2:
        readRepeated(r, w, I32, () => r.sfixed32(), m.latE7, 'positions.lat_e7');
        return true;
      case 3:
        readRepeated(r, w, I32, () => r.sfixed32(), m.lonE7, 'positions.lon_e7');
        return true;
      case 4:
        readRepeated(r, w, VARINT, () => r.uint32(), m.headingDeg, 'positions.heading_deg');
        return true;
      case 5:
        readRepeated(r, w, VARINT, () => r.uint32(), m.speedDmps, 'positions.speed_dmps');
        return true;
      case 6:
        readRepeated(r, w, VARINT, () => r.sint32(), m.fixAgeMs, 'positions.fix_age_ms');
        return true;
      case 7:
        readRepeated(r, w, VARINT, () => r.uint32(), m.accuracyM, 'positions.accuracy_m');
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeDelta(r: Reader, end: number): CopDeltaMsg {
  const m: CopDeltaMsg = { seq: 0, fromSeq: 0, serverTimeMs: 0, changes: [], positions: null, enter: [], leave: [] };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, VARINT, 'delta.seq');
        m.seq = r.uint32();
        return true;
      case 2:
        expect(w, VARINT, 'delta.from_seq');
        m.fromSeq = r.uint32();
        return true;
      case 3:
        expect(w, I64, 'delta.server_time_ms');
        m.serverTimeMs = r.double();
        return true;
      case 4:
        expect(w, LEN, 'delta.changes');
        m.changes.push(decodeChange(r, sub(r)));
        return true;
      case 5:
        expect(w, LEN, 'delta.positions');
        m.positions = decodePositions(r, sub(r));
        return true;
      case 6:
        expect(w, LEN, 'delta.enter');
        m.enter.push(decodeResource(r, sub(r)));
        return true;
      case 7:
        readRepeated(r, w, VARINT, () => r.uint32(), m.leave, 'delta.leave');
        return true;
      default:
        return false;
    }
  });
  return m;
}

/** Decode one server frame (CopServerMessage). Throws if the bytes are not one. */
export function decodeServerFrame(bytes: Uint8Array): CopServerMsgIn {
  const r = Reader.create(bytes);
  const out: CopServerMsgIn = {};
  fields(r, r.len, (f, w) => {
    if (f === 1) {
      expect(w, LEN, 'snapshot');
      out.snapshot = decodeSnapshot(r, sub(r));
      out.delta = null; // oneof: the last member wins
      return true;
    }
    if (f === 2) {
      expect(w, LEN, 'delta');
      out.delta = decodeDelta(r, sub(r));
      out.snapshot = null;
      return true;
    }
    return false;
  });
  return out;
}
