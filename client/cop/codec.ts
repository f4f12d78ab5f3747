import protobuf from 'protobufjs/minimal.js';
import type {
  CopAttendanceMsg,
  CopBounds,
  CopChangeMsg,
  CopClientMsg,
  CopCoverChangeMsg,
  CopCoverFigureMsg,
  CopCoverSummaryMsg,
  CopDeltaMsg,
  CopFilter,
  CopIncidentChangeMsg,
  CopIncidentMsg,
  CopPositionsMsg,
  CopResourceMsg,
  CopSnapshotMsg,
  CopStatusChangeMsg,
} from '../../proto/wire.ts';
import type { CopServerMsgIn } from './cop-client-core.ts';

/**
 * The COP wire codec for screens, written by hand over protobufjs/minimal's Reader and Writer:
 * no reflection, no generated code at run time (`new Function`), so it runs under the page's
 * Content-Security-Policy (script-src 'self', no unsafe-eval). Field numbers and wire types are
 * those of proto/cop.proto; test/cop-browser-codec.test.ts checks every field against the
 * server's reflection codec (server/shell/cop/codec.ts) in both directions.
 *
 * Decoding follows proto3: absent scalars read as their defaults, absent messages as null,
 * repeated fields as [] (packed and unpacked encodings both accepted), unknown fields skipped
 * (so a newer server's fields and CopChange kinds are ignored). Enums stay numbers.
 */
const { Reader, Writer } = protobuf;
type Reader = protobuf.Reader;
type Writer = protobuf.Writer;

// Wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

/** Throws if a field arrived with a wire type its declaration cannot have. */
function expect(wire: number, want: number, field: string): void {
  if (wire !== want) throw new Error(`cop codec: ${field} has wire type ${wire}, expected ${want}`);
}

/** Read one element of a repeated scalar: all of a packed run, or a single unpacked value. */
function readRepeated(
  r: Reader,
  wire: number,
  elemWire: number,
  read: () => number,
  out: number[],
  field: string,
): void {
  if (wire === LEN) {
    const end = r.uint32() + r.pos;
    while (r.pos < end) out.push(read());
    if (r.pos !== end) throw new Error(`cop codec: ${field} packed run overruns`);
  } else {
    expect(wire, elemWire, field);
    out.push(read());
  }
}

/** Run `fn(field, wire)` for each field of the message that ends at `end`. */
function fields(r: Reader, end: number, fn: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error('cop codec: field number 0');
    if (!fn(field, wire)) r.skipType(wire);
  }
  if (r.pos !== end) throw new Error('cop codec: message overruns its length');
}

function sub(r: Reader): number {
  return r.uint32() + r.pos;
}

// ---------------------------------------------------------------------------------------------
// Decoding (server → client)

function decodeResource(r: Reader, end: number): CopResourceMsg {
  const m: CopResourceMsg = {
    ref: 0,
    id: '',
    callSign: '',
    agency: '',
    type: '',
    station: '',
    capabilities: [],
    status: 0,
    incidentId: '',
    latE7: 0,
    lonE7: 0,
    headingDeg: 0,
    speedDmps: 0,
    fixTimeMs: 0,
    accuracyM: 0,
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, VARINT, 'ref');
        m.ref = r.uint32();
        return true;
      case 2:
        expect(w, LEN, 'id');
        m.id = r.string();
        return true;
      case 3:
        expect(w, LEN, 'call_sign');
        m.callSign = r.string();
        return true;
      case 4:
        expect(w, LEN, 'agency');
        m.agency = r.string();
        return true;
      case 5:
        expect(w, LEN, 'type');
        m.type = r.string();
        return true;
      case 6:
        expect(w, LEN, 'station');
        m.station = r.string();
        return true;
      case 7:
        expect(w, LEN, 'capabilities');
        m.capabilities.push(r.string());
        return true;
      case 8:
        expect(w, VARINT, 'status');
        m.status = r.int32();
        return true;
      case 9:
        expect(w, LEN, 'incident_id');
        m.incidentId = r.string();
        return true;
      case 10:
        expect(w, I32, 'lat_e7');
        m.latE7 = r.sfixed32();
        return true;
      case 11:
        expect(w, I32, 'lon_e7');
        m.lonE7 = r.sfixed32();
        return true;
      case 12:
        expect(w, VARINT, 'heading_deg');
        m.headingDeg = r.uint32();
        return true;
      case 13:
        expect(w, VARINT, 'speed_dmps');
        m.speedDmps = r.uint32();
        return true;
      case 14:
        expect(w, I64, 'fix_time_ms');
        m.fixTimeMs = r.double();
        return true;
      case 15:
        expect(w, VARINT, 'accuracy_m');
        m.accuracyM = r.uint32();
        return true;
      default:
        return false;
    }
  });
  return m;
}

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

function decodeAttendance(r: Reader, end: number): CopAttendanceMsg {
  const m: CopAttendanceMsg = { resourceId: '', agency: '', mobilisedAtMs: 0, arrivedAtMs: 0, leftAtMs: 0 };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'attendance.resource_id');
        m.resourceId = r.string();
        return true;
      case 2:
        expect(w, LEN, 'attendance.agency');
        m.agency = r.string();
        return true;
      case 3:
        expect(w, I64, 'attendance.mobilised_at_ms');
        m.mobilisedAtMs = r.double();
        return true;
      case 4:
        expect(w, I64, 'attendance.arrived_at_ms');
        m.arrivedAtMs = r.double();
        return true;
      case 5:
        expect(w, I64, 'attendance.left_at_ms');
        m.leftAtMs = r.double();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function emptyIncident(): CopIncidentMsg {
  return {
    id: '',
    typeId: '',
    typeName: '',
    priority: 0,
    status: '',
    latE7: 0,
    lonE7: 0,
    address: '',
    leadAgency: '',
    supportingAgencies: [],
    attendances: [],
    createdAtMs: 0,
    updatedAtMs: 0,
    closedAtMs: 0,
    majorIncident: false,
    requestedAgencies: [],
  };
}

function decodeIncident(r: Reader, end: number): CopIncidentMsg {
  const m = emptyIncident();
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'incident.id');
        m.id = r.string();
        return true;
      case 2:
        expect(w, LEN, 'incident.type_id');
        m.typeId = r.string();
        return true;
      case 3:
        expect(w, LEN, 'incident.type_name');
        m.typeName = r.string();
        return true;
      case 4:
        expect(w, VARINT, 'incident.priority');
        m.priority = r.uint32();
        return true;
      case 5:
        expect(w, LEN, 'incident.status');
        m.status = r.string();
        return true;
      case 6:
        expect(w, I32, 'incident.lat_e7');
        m.latE7 = r.sfixed32();
        return true;
      case 7:
        expect(w, I32, 'incident.lon_e7');
        m.lonE7 = r.sfixed32();
        return true;
      case 8:
        expect(w, LEN, 'incident.address');
        m.address = r.string();
        return true;
      case 9:
        expect(w, LEN, 'incident.lead_agency');
        m.leadAgency = r.string();
        return true;
      case 10:
        expect(w, LEN, 'incident.supporting_agencies');
        m.supportingAgencies.push(r.string());
        return true;
      case 11:
        expect(w, LEN, 'incident.attendances');
        m.attendances.push(decodeAttendance(r, sub(r)));
        return true;
      case 12:
        expect(w, I64, 'incident.created_at_ms');
        m.createdAtMs = r.double();
        return true;
      case 13:
        expect(w, I64, 'incident.updated_at_ms');
        m.updatedAtMs = r.double();
        return true;
      case 14:
        expect(w, I64, 'incident.closed_at_ms');
        m.closedAtMs = r.double();
        return true;
      case 15:
        expect(w, VARINT, 'incident.major_incident');
        m.majorIncident = r.bool();
        return true;
      case 16:
        expect(w, LEN, 'incident.requested_agencies');
        m.requestedAgencies.push(r.string());
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeFigure(r: Reader, end: number): CopCoverFigureMsg {
  const m: CopCoverFigureMsg = {
    surface: '',
    standardId: '',
    standardName: '',
    nth: 0,
    withinS: 0,
    coveredShare: 0,
    targetShare: 0,
    meetsStandard: false,
    label: '',
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'figure.surface');
        m.surface = r.string();
        return true;
      case 2:
        expect(w, LEN, 'figure.standard_id');
        m.standardId = r.string();
        return true;
      case 3:
        expect(w, LEN, 'figure.standard_name');
        m.standardName = r.string();
        return true;
      case 4:
        expect(w, VARINT, 'figure.nth');
        m.nth = r.uint32();
        return true;
      case 5:
        expect(w, VARINT, 'figure.within_s');
        m.withinS = r.uint32();
        return true;
      case 6:
        expect(w, I64, 'figure.covered_share');
        m.coveredShare = r.double();
        return true;
      case 7:
        expect(w, I64, 'figure.target_share');
        m.targetShare = r.double();
        return true;
      case 8:
        expect(w, VARINT, 'figure.meets_standard');
        m.meetsStandard = r.bool();
        return true;
      case 9:
        expect(w, LEN, 'figure.label');
        m.label = r.string();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeCover(r: Reader, end: number): CopCoverSummaryMsg {
  const m: CopCoverSummaryMsg = { computedAtMs: 0, eventSeq: 0, figures: [], gapCells: 0, standbyMoves: 0 };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, I64, 'cover.computed_at_ms');
        m.computedAtMs = r.double();
        return true;
      case 2:
        expect(w, VARINT, 'cover.event_seq');
        m.eventSeq = r.uint32();
        return true;
      case 3:
        expect(w, LEN, 'cover.figures');
        m.figures.push(decodeFigure(r, sub(r)));
        return true;
      case 4:
        expect(w, VARINT, 'cover.gap_cells');
        m.gapCells = r.uint32();
        return true;
      case 5:
        expect(w, VARINT, 'cover.standby_moves');
        m.standbyMoves = r.uint32();
        return true;
      default:
        return false;
    }
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
  const m: CopIncidentChangeMsg = { incident: emptyIncident(), eventSeq: 0, atMs: 0, removed: false };
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
  // oneof: the last member on the wire wins, as protobufjs decodes it.
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'change.status');
        m.status = decodeStatusChange(r, sub(r));
        delete m.incident;
        delete m.cover;
        return true;
      case 2:
        expect(w, LEN, 'change.incident');
        m.incident = decodeIncidentChange(r, sub(r));
        delete m.status;
        delete m.cover;
        return true;
      case 3:
        expect(w, LEN, 'change.cover');
        m.cover = decodeCoverChange(r, sub(r));
        delete m.status;
        delete m.incident;
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

// ---------------------------------------------------------------------------------------------
// Encoding (client → server). Defaults are left out, as proto3 does.

function tag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}

function encodeFilter(w: Writer, field: number, f: CopFilter | null | undefined): void {
  if (!f) return;
  w.uint32(tag(field, LEN)).fork();
  for (const a of f.agencies ?? []) w.uint32(tag(1, LEN)).string(a);
  const b = f.bounds;
  if (b) {
    w.uint32(tag(2, LEN)).fork();
    if (b.south !== 0) w.uint32(tag(1, I64)).double(b.south);
    if (b.west !== 0) w.uint32(tag(2, I64)).double(b.west);
    if (b.north !== 0) w.uint32(tag(3, I64)).double(b.north);
    if (b.east !== 0) w.uint32(tag(4, I64)).double(b.east);
    w.ldelim();
  }
  w.ldelim();
}

/** Encode a control frame (CopClientMessage) to send. */
export function encodeClientFrame(msg: CopClientMsg): Uint8Array {
  const w = Writer.create();
  if (msg.subscribe) {
    const s = msg.subscribe;
    w.uint32(tag(1, LEN)).fork();
    if (s.lastSeq) w.uint32(tag(1, VARINT)).uint32(s.lastSeq);
    if (s.resumeEpoch) w.uint32(tag(2, LEN)).string(s.resumeEpoch);
    encodeFilter(w, 3, s.filter);
    w.ldelim();
  } else if (msg.setFilter) {
    w.uint32(tag(2, LEN)).fork();
    encodeFilter(w, 1, msg.setFilter.filter);
    w.ldelim();
  } else if (msg.ack) {
    w.uint32(tag(3, LEN)).fork();
    if (msg.ack.seq) w.uint32(tag(1, VARINT)).uint32(msg.ack.seq);
    w.ldelim();
  }
  return w.finish();
}
