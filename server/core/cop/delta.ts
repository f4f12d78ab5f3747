import {
  fixAge,
  inBox,
  seesIncident,
  type CopChangeMsg,
  type CopDeltaMsg,
  type CopPositionsMsg,
  type CopResourceMsg,
  type NormalFilter,
} from './frames.ts';
import type { DurableChange, TickRecord, Touched } from './journal.ts';

/**
 * Delta building: what a client under one filter receives for a run of tick records from the
 * journal. One record is one tick's frame (shared by every client with that filter); several are
 * a merged catch-up for a client that fell behind. Pure functions of the records and the filter.
 */

/**
 * The delta a client with filter `f` needs to go from the state before `records[0]` to the
 * state after the last record: durable changes in order, then the latest position of each
 * touched resource (or, under a viewport, its entry or exit). One record = one tick's frame.
 */
export function buildDelta(records: readonly TickRecord[], f: NormalFilter): CopDeltaMsg {
  const last = records[records.length - 1] as TickRecord;
  const first = records[0] as TickRecord;
  const t = last.serverTimeMs;
  const delta: CopDeltaMsg = { seq: last.seq, serverTimeMs: t, changes: [], positions: null, enter: [], leave: [] };
  if (records.length > 1) delta.fromSeq = first.seq;
  const pos: CopPositionsMsg = {
    ref: [],
    latE7: [],
    lonE7: [],
    headingDeg: [],
    speedDmps: [],
    fixAgeMs: [],
    accuracyM: [],
  };
  const addPos = (v: CopResourceMsg) => {
    pos.ref.push(v.ref);
    pos.latE7.push(v.latE7);
    pos.lonE7.push(v.lonE7);
    pos.headingDeg.push(v.headingDeg);
    pos.speedDmps.push(v.speedDmps);
    pos.fixAgeMs.push(fixAge(t, v.fixTimeMs));
    pos.accuracyM.push(v.accuracyM);
  };
  const ag = f.agencies;
  const box = f.box;
  if (records.length === 1 && box === null) {
    // The hot path: one tick, no viewport.
    for (const ch of first.changes) {
      if (ch.kind === 'status') {
        if (ag === null || ag.has(ch.agency)) delta.changes.push(ch.msg);
      } else {
        visibleChanges(ch, f, delta.changes);
      }
    }
    for (const tt of first.touched) if (ag === null || ag.has(tt.agency)) addPos(tt.view);
  } else {
    // Where each touched resource was before the range (held by the client?) and after it.
    const startIn = new Map<number, boolean>();
    const end = new Map<number, Touched>();
    for (const rec of records) {
      for (const tt of rec.touched) {
        if (ag !== null && !ag.has(tt.agency)) continue;
        if (!startIn.has(tt.ref)) startIn.set(tt.ref, box === null || inBox(box, tt.prevLon, tt.prevLat));
        end.set(tt.ref, tt);
      }
    }
    const endIn = (tt: Touched) => box === null || inBox(box, tt.lon, tt.lat);
    for (const rec of records) {
      for (const ch of rec.changes) {
        if (ch.kind !== 'status') {
          // Incidents, cover and performance do not depend on where resources are: every change in order.
          visibleChanges(ch, f, delta.changes);
          continue;
        }
        if (ag !== null && !ag.has(ch.agency)) continue;
        const e = end.get(ch.ref);
        // Sent if the client holds the resource at the start or will at the end; a client
        // that does not hold it skips it, and an `enter` then brings the current record.
        if (e !== undefined && (startIn.get(ch.ref) === true || endIn(e))) delta.changes.push(ch.msg);
      }
    }
    for (const [ref, tt] of end) {
      const held = startIn.get(ref) === true;
      const inNow = endIn(tt);
      if (held && inNow) addPos(tt.view);
      else if (inNow) delta.enter.push(tt.view);
      else if (held) delta.leave.push(ref);
    }
  }
  if (pos.ref.length > 0) delta.positions = pos;
  return delta;
}

/**
 * An incident or cover change as a client under `f` receives it, appended to `out`: the incident's
 * state if the client sees it after the change (or saw it before and it has closed), with its
 * active alerts when the client did not see it before (a snapshot would carry them); a removal
 * if the client saw it before and no longer may (the removal drops its alerts too, on the client:
 * client/cop/cop-client-core.ts); nothing if it never saw it; cover goes to everyone.
 */
function visibleChanges(ch: Exclude<DurableChange, { kind: 'status' }>, f: NormalFilter, out: CopChangeMsg[]): void {
  if (ch.kind === 'cover' || ch.kind === 'performance') {
    out.push(ch.msg);
    return;
  }
  // An alert, or a partner's resource, goes with the incident it is about.
  if (ch.kind === 'alert' || ch.kind === 'partner') {
    if (seesIncident(f, ch.agencies)) out.push(ch.msg);
    return;
  }
  const sawBefore = ch.before.length > 0 && seesIncident(f, ch.before);
  const seesAfter = seesIncident(f, ch.after);
  if (seesAfter && (ch.open || sawBefore)) {
    out.push(ch.msg);
    if (!sawBefore) out.push(...ch.alerts);
  } else if (sawBefore) out.push(ch.gone);
}
