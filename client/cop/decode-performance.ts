import type { PerformanceFigureMsg, PerformanceReport, PerformanceWindowMsg } from '../../proto/wire.ts';
import { expect, fields, I64, LEN, sub, VARINT, type Reader } from './wire-format.ts';

/**
 * Decoding the COP's performance record (CopPerformance, proto/cop.proto): the windows and one
 * figure per standard target and window. The optional doubles (share, median, 90th percentile)
 * read as null when absent, as GET /api/performance sends them.
 *
 * Deliberate specialisation: every decoder here is the same switch as those in decode-records.ts
 * and decode-frames.ts, one `case` a field, written out for the reason given there.
 */

function decodeWindow(r: Reader, end: number): PerformanceWindowMsg {
  const m: PerformanceWindowMsg = { id: '', label: '', fromMs: 0, toMs: 0 };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'window.id');
        m.id = r.string();
        return true;
      case 2:
        expect(w, LEN, 'window.label');
        m.label = r.string();
        return true;
      case 3:
        expect(w, I64, 'window.from_ms');
        m.fromMs = r.double();
        return true;
      case 4:
        expect(w, I64, 'window.to_ms');
        m.toMs = r.double();
        return true;
      default:
        return false;
    }
  });
  return m;
}

function decodeFigure(r: Reader, end: number): PerformanceFigureMsg {
  const m: PerformanceFigureMsg = {
    standardId: '',
    standardName: '',
    agency: '',
    capability: '',
    nth: 0,
    withinS: 0,
    targetShare: 0,
    window: '',
    counted: 0,
    within: 0,
    overdue: 0,
    pending: 0,
    share: null,
    medianS: null,
    p90S: null,
    belowTarget: false,
  };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, LEN, 'performance.standard_id');
        m.standardId = r.string();
        return true;
      case 2:
        expect(w, LEN, 'performance.standard_name');
        m.standardName = r.string();
        return true;
      case 3:
        expect(w, LEN, 'performance.agency');
        m.agency = r.string();
        return true;
      case 4:
        expect(w, LEN, 'performance.capability');
        m.capability = r.string();
        return true;
      case 5:
        expect(w, VARINT, 'performance.nth');
        m.nth = r.uint32();
        return true;
      case 6:
        expect(w, VARINT, 'performance.within_s');
        m.withinS = r.uint32();
        return true;
      case 7:
        expect(w, I64, 'performance.target_share');
        m.targetShare = r.double();
        return true;
      case 8:
        expect(w, LEN, 'performance.window');
        m.window = r.string();
        return true;
      case 9:
        expect(w, VARINT, 'performance.counted');
        m.counted = r.uint32();
        return true;
      case 10:
        expect(w, VARINT, 'performance.within');
        m.within = r.uint32();
        return true;
      case 11:
        expect(w, VARINT, 'performance.overdue');
        m.overdue = r.uint32();
        return true;
      case 12:
        expect(w, VARINT, 'performance.pending');
        m.pending = r.uint32();
        return true;
      case 13:
        expect(w, I64, 'performance.share');
        m.share = r.double();
        return true;
      case 14:
        expect(w, I64, 'performance.median_s');
        m.medianS = r.double();
        return true;
      case 15:
        expect(w, I64, 'performance.p90_s');
        m.p90S = r.double();
        return true;
      case 16:
        expect(w, VARINT, 'performance.below_target');
        m.belowTarget = r.bool();
        return true;
      default:
        return false;
    }
  });
  return m;
}

export function decodePerformance(r: Reader, end: number): PerformanceReport {
  const m: PerformanceReport = { computedAtMs: 0, eventSeq: 0, timezone: '', windows: [], figures: [] };
  fields(r, end, (f, w) => {
    switch (f) {
      case 1:
        expect(w, I64, 'performance.computed_at_ms');
        m.computedAtMs = r.double();
        return true;
      case 2:
        expect(w, VARINT, 'performance.event_seq');
        m.eventSeq = r.uint32();
        return true;
      case 3:
        expect(w, LEN, 'performance.timezone');
        m.timezone = r.string();
        return true;
      case 4:
        expect(w, LEN, 'performance.windows');
        m.windows.push(decodeWindow(r, sub(r)));
        return true;
      case 5:
        expect(w, LEN, 'performance.figures');
        m.figures.push(decodeFigure(r, sub(r)));
        return true;
      default:
        return false;
    }
  });
  return m;
}
