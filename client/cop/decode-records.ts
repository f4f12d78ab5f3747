import { bareIncident } from '../../proto/wire.ts';
import type {
  CopAttendanceMsg,
  CopCoverFigureMsg,
  CopCoverSummaryMsg,
  CopIncidentMsg,
  CopResourceMsg,
} from '../../proto/wire.ts';
import { decodeLocation } from './decode-location.ts';
import { decodeJointRequest } from './decode-requests.ts';
import { expect, fields, I32, I64, LEN, sub, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding the COP's records, which snapshots and deltas both carry: a resource, an incident
 * with its attendances and joint requests, and the cover summary with its figures. Field numbers are those of
 * proto/cop.proto; absent scalars read as proto3 defaults, unknown fields are skipped.
 *
 * Deliberate specialisation: every decoder here and in the other decode-*.ts (frames, requests, alert,
 * performance, location) is the same switch, one `case` a field (check the wire type, read, assign). They are written
 * out, not driven by a table, because a table-driven reader is the reflection codec again; the
 * browser gets plain code, the fan-out bench decodes with it, and test/cop-browser-codec.test.ts
 * checks each field.
 */

export function decodeResource(r: Reader, end: number): CopResourceMsg {
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

export function decodeIncident(r: Reader, end: number): CopIncidentMsg {
  const m = bareIncident('');
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
      case 17:
        expect(w, LEN, 'incident.requests');
        m.requests.push(decodeJointRequest(r, sub(r)));
        return true;
      case 18:
        expect(w, LEN, 'incident.location');
        m.location = decodeLocation(r, sub(r));
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

export function decodeCover(r: Reader, end: number): CopCoverSummaryMsg {
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
