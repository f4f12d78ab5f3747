import type { Clock } from '../clock.ts';
import { ERRORS, type ErrorCode } from '../errors.ts';
import type { JcrEvent } from '../events.ts';
import { ResourceStatus } from '../fleet/status.ts';
import type { Room } from '../room.ts';
import {
  bareIncident,
  fixAge,
  inBox,
  incidentAgencies,
  incidentMsg,
  resourceMsg,
  scopeFilter,
  seesIncident,
  SnapshotReason,
  UNFILTERED,
  type CopChangeMsg,
  type CopControl,
  type CopCoverSummaryMsg,
  type CopDeltaMsg,
  type CopEncode,
  type CopIncidentChangeMsg,
  type CopIncidentMsg,
  type CopPositionsMsg,
  type CopResourceMsg,
  type CopSnapshotMsg,
  type CopStatusChangeMsg,
  type NormalFilter,
} from './frames.ts';
import { COP_LIMITS, type CopLimits } from './limits.ts';

/**
 * The common operating picture hub: the pure heart of /ws/cop. It merges position changes per
 * resource, keeps durable changes in order, cuts one delta per tick with a contiguous COP
 * sequence number, encodes it once per distinct filter, and walks every client through a small
 * state machine (waiting for subscribe → live → behind → caught up or resynchronised). It owns
 * no timer and no socket: the shell calls `tick()` and `heartbeat()` on its timers and wraps each
 * WebSocket in a `CopSocket`; tests do both by hand with fake sockets.
 */

/** What the hub needs of a client connection. The ws adapter wraps a WebSocket in this. */
export interface CopSocket {
  /** Bytes accepted by send() and not yet written to the network (ws `bufferedAmount`). */
  readonly bufferedAmount: number;
  send(frame: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Drop the connection at once, with no closing handshake. */
  terminate(): void;
  ping(): void;
}

/** Who is connected: a signed-in user or the COP token (server/shell/cop/auth.ts). */
export interface CopPrincipal {
  readonly id: string;
  readonly via: string;
  /**
   * The one agency whose incidents this principal may see (a dispatcher's role agency); absent or
   * null = every incident (duty officer, wall viewer, COP token).
   */
  readonly incidentScope?: string | null;
}

/** Something that says which resources moved (Engine.onPositions, the bench's injector). */
export interface PositionSource {
  onPositions(listener: (resourceIds: readonly string[]) => void): () => void;
}

export type DropReason = 'stuck' | 'heartbeat' | 'subscribeTimeout';

export interface CopHubOptions {
  room: Room;
  clock: Clock;
  encode: CopEncode;
  /** This server instance's id: sequence numbers are only comparable within one epoch. */
  epoch: string;
  limits?: Partial<CopLimits>;
  /** The cover summary at start (null = none yet); later ones arrive through onCover(). */
  cover?: () => CopCoverSummaryMsg | null;
  /** Told when the hub drops a client by itself (for logs and metrics). */
  onDrop?: (clientId: number, reason: DropReason) => void;
}

/**
 * One durable change as recorded in a tick, with what decides who sees it: a status change by
 * its resource's agency (and, under a viewport, where the resource is); an incident change by
 * the agencies that see the incident before and after it; a cover change by everyone.
 */
type DurableChange =
  | { kind: 'status'; ref: number; agency: string; msg: CopChangeMsg }
  | {
      kind: 'incident';
      before: readonly string[];
      after: readonly string[];
      open: boolean;
      msg: CopChangeMsg;
      gone: CopChangeMsg;
    }
  | { kind: 'cover'; msg: CopChangeMsg };

/** One resource touched in a tick: where it was at the previous tick, where it is now. */
interface Touched {
  ref: number;
  agency: string;
  prevLon: number;
  prevLat: number;
  lon: number;
  lat: number;
  view: CopResourceMsg;
}

interface TickRecord {
  seq: number;
  serverTimeMs: number;
  changes: DurableChange[];
  touched: Touched[];
  /** Encoded size of the unfiltered delta: the ring's byte measure. */
  bytes: number;
}

interface Client {
  readonly id: number;
  readonly socket: CopSocket;
  readonly principal: CopPrincipal;
  readonly connectedAt: number;
  filter: NormalFilter | null; // null until CopSubscribe
  /** COP seq of the last delta (or snapshot) whose effect the client holds. */
  delivered: number;
  /** Non-zero: send a snapshot with this reason at the next chance. */
  snapshotReason: number;
  /** The client asked to resume; if that proves impossible the snapshot says RESUME_TOO_OLD. */
  resuming: boolean;
  /** Highest seq the client has acknowledged applying; null = this client does not ack. */
  acked: number | null;
  /** Clock ms when the socket was first seen over the high-water mark; null when it is not. */
  blockedSince: number | null;
  awaitingPong: boolean;
  framesSent: number;
  bytesSent: number;
  snapshots: number;
  catchUps: number;
}

export interface TickResult {
  /** COP seq after the tick. */
  seq: number;
  /** Did this tick cut a new delta? */
  cut: boolean;
  /** Frames (deltas, catch-ups, snapshots) sent. */
  sent: number;
  /** Clients skipped because their socket was over the high-water mark. */
  behind: number;
  /** Encodes performed (one per distinct filter, catch-up or snapshot). */
  encodes: number;
}

export interface CopClientInfo {
  id: number;
  principal: CopPrincipal;
  subscribed: boolean;
  filterKey: string;
  delivered: number;
  behind: boolean;
  framesSent: number;
  bytesSent: number;
  snapshots: number;
  catchUps: number;
}

export class CopHub {
  readonly limits: CopLimits;
  readonly epoch: string;
  /** COP sequence number of the last delta cut (0 = none yet). */
  seq = 0;
  private readonly room: Room;
  private readonly clock: Clock;
  private readonly encode: CopEncode;
  private readonly opts: CopHubOptions;
  private readonly ids: string[] = ['']; // by ref; ref 0 is never used
  private readonly agencyOf: string[] = [''];
  private readonly refOf = new Map<string, number>();
  /** Position of each resource as of the last delta that touched it (raw degrees). */
  private readonly lastLon: Float64Array;
  private readonly lastLat: Float64Array;
  /** Incident id each resource holds as of the last applied status event (to mirror Fleet.setStatus). */
  private readonly incidentOf: string[];
  private readonly dirtyFlag: Uint8Array;
  private dirty: number[] = [];
  private pending: DurableChange[] = [];
  /** Agencies that saw each open incident as of its last change (absent = not in the picture). */
  private readonly incidentSeenBy = new Map<string, readonly string[]>();
  private readonly typeNames = new Map<string, string>();
  private cover: CopCoverSummaryMsg | null;
  private readonly ring: TickRecord[] = [];
  private ringBytes = 0;
  private readonly clients = new Map<number, Client>();
  private nextClientId = 1;
  /** Total bytes and frames handed to sockets since start. */
  bytesSent = 0;
  framesSent = 0;

  constructor(opts: CopHubOptions) {
    this.opts = opts;
    this.room = opts.room;
    this.clock = opts.clock;
    this.encode = opts.encode;
    this.epoch = opts.epoch;
    this.limits = { ...COP_LIMITS, ...(opts.limits ?? {}) };
    const n = opts.room.scenario.resources.length;
    this.lastLon = new Float64Array(n + 1);
    this.lastLat = new Float64Array(n + 1);
    this.dirtyFlag = new Uint8Array(n + 1);
    this.incidentOf = new Array<string>(n + 1).fill('');
    opts.room.scenario.resources.forEach((def, i) => {
      const ref = i + 1;
      this.ids.push(def.id);
      this.agencyOf.push(def.agency);
      this.refOf.set(def.id, ref);
      const live = opts.room.fleet.require(def.id);
      this.lastLon[ref] = live.lon;
      this.lastLat[ref] = live.lat;
      this.incidentOf[ref] = live.incidentId ?? '';
    });
    for (const t of opts.room.scenario.incidentTypes) this.typeNames.set(t.id, t.name);
    for (const inc of opts.room.incidents.all())
      if (inc.status !== 'closed') this.incidentSeenBy.set(inc.id, incidentAgencies(inc));
    this.cover = opts.cover?.() ?? null;
  }

  // -------------------------------------------------------------------------------------------
  // Inputs

  /** Resources whose live position changed (one call per accepted AVL batch). */
  markMoved(resourceIds: readonly string[]): void {
    for (const id of resourceIds) {
      const ref = this.refOf.get(id);
      if (ref !== undefined) this.touch(ref);
    }
  }

  /**
   * Durable events, in log order, after the room has applied them (the whole batch: the room's
   * incidents are already in their state after the last event). Each resource status event is a
   * status change. Each incident an event touches (its own events, and the status events that
   * mobilise, bring to scene or stand down its resources) gets one incident change carrying its
   * state, placed at the last event of the batch that touches it: that state is the incident's
   * state right after that event, so changes stay in event order.
   */
  onEvents(events: readonly JcrEvent[]): void {
    const lastTouch = new Map<string, number>(); // incident id → index in `events` of its last event
    const statusRefs: number[] = new Array<number>(events.length).fill(0);
    const statusInc: string[] = new Array<string>(events.length).fill('');
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as JcrEvent;
      if (e.type === 'resource.status') {
        const d = e.data;
        const ref = this.refOf.get(d.resourceId);
        if (ref === undefined) continue;
        // The incident the resource holds afterwards, by the rule Fleet.setStatus applies.
        const committed = d.status === ResourceStatus.MOBILISED || d.status === ResourceStatus.AT_SCENE;
        const before = this.incidentOf[ref] ?? '';
        const incidentId = committed ? (d.incidentId ?? before) : '';
        this.incidentOf[ref] = incidentId;
        statusRefs[i] = ref;
        statusInc[i] = incidentId;
        // Attendances of the incident it leaves and the one it joins (IncidentBook.applyResourceStatus).
        if (before !== '') lastTouch.set(before, i);
        if (incidentId !== '') lastTouch.set(incidentId, i);
      } else if (
        e.type.startsWith('incident.') &&
        e.type !== 'incident.recommended' &&
        e.type !== 'incident.quickerAvailable'
      ) {
        // (Recommendations and quicker-resource flags change nothing CopIncident carries.)
        lastTouch.set((e.data as { incidentId: string }).incidentId, i);
      }
    }
    const at = new Map<number, string[]>(); // event index → incidents whose change goes after it
    for (const [id, i] of lastTouch) {
      const list = at.get(i);
      if (list) list.push(id);
      else at.set(i, [id]);
    }
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as JcrEvent;
      const ref = statusRefs[i] as number;
      if (ref !== 0 && e.type === 'resource.status') {
        const msg: CopStatusChangeMsg = {
          ref,
          status: e.data.status,
          incidentId: statusInc[i] as string,
          eventSeq: e.seq,
          atMs: e.at,
        };
        this.pending.push({ kind: 'status', ref, agency: this.agencyOf[ref] ?? '', msg: { status: msg } });
        this.touch(ref);
      }
      for (const id of at.get(i) ?? []) this.pushIncident(id, e.seq, e.at);
    }
  }

  private pushIncident(id: string, eventSeq: number, atMs: number): void {
    const inc = this.room.incidents.get(id);
    if (!inc) return; // a status event naming a standby move or an unknown incident
    const before = this.incidentSeenBy.get(id) ?? [];
    const after = incidentAgencies(inc);
    const open = inc.status !== 'closed';
    if (open) this.incidentSeenBy.set(id, after);
    else this.incidentSeenBy.delete(id);
    const full: CopIncidentChangeMsg = {
      incident: incidentMsg(inc, this.typeNames.get(inc.typeId) ?? inc.typeId),
      eventSeq,
      atMs,
      removed: false,
    };
    const gone: CopIncidentChangeMsg = { incident: bareIncident(id), eventSeq, atMs, removed: true };
    this.pending.push({ kind: 'incident', before, after, open, msg: { incident: full }, gone: { incident: gone } });
  }

  /**
   * A new cover picture (the cover service's summary after each recompute). Every client gets it,
   * whatever its filter: it is one small, room-wide record.
   */
  onCover(summary: CopCoverSummaryMsg): void {
    this.cover = summary;
    this.pending.push({ kind: 'cover', msg: { cover: { summary } } });
  }

  private touch(ref: number): void {
    if (this.dirtyFlag[ref] === 1) return;
    this.dirtyFlag[ref] = 1;
    this.dirty.push(ref);
  }

  // -------------------------------------------------------------------------------------------
  // Clients

  connect(socket: CopSocket, principal: CopPrincipal): number {
    const id = this.nextClientId++;
    this.clients.set(id, {
      id,
      socket,
      principal,
      connectedAt: this.clock(),
      filter: null,
      delivered: 0,
      snapshotReason: 0,
      resuming: false,
      acked: null,
      blockedSince: null,
      awaitingPong: false,
      framesSent: 0,
      bytesSent: 0,
      snapshots: 0,
      catchUps: 0,
    });
    return id;
  }

  disconnect(id: number): void {
    this.clients.delete(id);
  }

  pong(id: number): void {
    const c = this.clients.get(id);
    if (c) c.awaitingPong = false;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * A validated control message. Subscribe (again) sets the filter and either resumes from
   * lastSeq (same epoch, not in the future) or asks for a snapshot; setFilter asks for a snapshot
   * under the new filter. Frames go out at the next tick, so state is always cut at a tick edge.
   */
  control(id: number, ctl: CopControl): void {
    const c = this.clients.get(id);
    if (!c) return;
    if (ctl.type === 'ack') {
      if (c.filter !== null && ctl.seq <= c.delivered && (c.acked === null || ctl.seq > c.acked)) c.acked = ctl.seq;
      return;
    }
    if (ctl.type === 'subscribe') {
      c.filter = scopeFilter(ctl.filter, c.principal.incidentScope ?? null);
      c.acked = null;
      const canResume = ctl.resumeEpoch !== '' && ctl.resumeEpoch === this.epoch && ctl.lastSeq <= this.seq;
      if (canResume) {
        c.delivered = ctl.lastSeq;
        c.snapshotReason = 0;
        c.resuming = true;
      } else {
        c.snapshotReason = ctl.resumeEpoch !== '' ? SnapshotReason.RESUME_TOO_OLD : SnapshotReason.INITIAL;
        c.resuming = false;
      }
      return;
    }
    if (c.filter === null) {
      this.drop(c, 'JCR_VALIDATION', 'setFilter before subscribe');
      return;
    }
    c.filter = scopeFilter(ctl.filter, c.principal.incidentScope ?? null);
    c.snapshotReason = SnapshotReason.FILTER_CHANGED;
  }

  clientInfo(id: number): CopClientInfo | undefined {
    const c = this.clients.get(id);
    if (!c) return undefined;
    return {
      id: c.id,
      principal: c.principal,
      subscribed: c.filter !== null,
      filterKey: c.filter?.key ?? '',
      delivered: c.delivered,
      behind: c.blockedSince !== null,
      framesSent: c.framesSent,
      bytesSent: c.bytesSent,
      snapshots: c.snapshots,
      catchUps: c.catchUps,
    };
  }

  /** Oldest seq the ring can still replay from (seq + 1 when it is empty). */
  get ringOldest(): number {
    return this.ring[0]?.seq ?? this.seq + 1;
  }

  get ringSize(): { frames: number; bytes: number } {
    return { frames: this.ring.length, bytes: this.ringBytes };
  }

  // -------------------------------------------------------------------------------------------
  // The tick

  /**
   * Cut a delta from everything that changed since the last tick (if anything did), then bring
   * every subscribed client up to date: the shared frame for its filter if it is one behind, a
   * merged catch-up if it is further behind but the ring still holds the ticks, else a snapshot.
   * A client whose socket is over the high-water mark is skipped (it costs nothing here) and
   * terminated if it stays so for `stuckMs`.
   */
  tick(): TickResult {
    const now = this.clock();
    const result: TickResult = { seq: this.seq, cut: false, sent: 0, behind: 0, encodes: 0 };
    const cut = this.cut(Math.round(now));
    if (cut) {
      result.cut = true;
      result.seq = this.seq;
    }
    const single = new Map<string, Uint8Array>(); // filter key → this tick's delta
    const merged = new Map<string, Uint8Array>(); // filter key + from seq → catch-up
    const snaps = new Map<string, Uint8Array>(); // filter key + reason → snapshot
    if (cut) {
      single.set('', cut.shared);
      result.encodes++;
    }
    for (const c of this.clients.values()) {
      if (c.filter === null) continue;
      const unacked = c.acked === null ? 0 : c.delivered - c.acked;
      if (c.socket.bufferedAmount > this.limits.highWaterBytes || unacked >= this.limits.maxUnackedFrames) {
        result.behind++;
        if (c.blockedSince === null) c.blockedSince = now;
        else if (now - c.blockedSince >= this.limits.stuckMs) this.drop(c, null, 'stuck');
        continue;
      }
      c.blockedSince = null;
      const f = c.filter;
      let frame: Uint8Array | undefined;
      let isSnapshot = false;
      if (c.snapshotReason === 0 && c.delivered < this.seq) {
        const behindBy = this.seq - c.delivered;
        if (behindBy === 1 && cut) {
          frame = single.get(f.key);
          if (!frame) {
            frame = this.encode({ delta: this.buildDelta([cut.record], f) });
            single.set(f.key, frame);
            result.encodes++;
          }
        } else if (c.delivered + 1 >= this.ringOldest && behindBy <= this.limits.maxCatchUpFrames) {
          const k = `${f.key}#${c.delivered}`;
          frame = merged.get(k);
          if (!frame) {
            frame = this.encode({ delta: this.buildDelta(this.ring.slice(this.ring.length - behindBy), f) });
            merged.set(k, frame);
            result.encodes++;
          }
          c.catchUps++;
        } else {
          c.snapshotReason = c.resuming ? SnapshotReason.RESUME_TOO_OLD : SnapshotReason.RESYNC;
        }
      }
      if (c.snapshotReason !== 0) {
        const k = `${f.key}#${c.snapshotReason}`;
        frame = snaps.get(k);
        if (!frame) {
          frame = this.encode({ snapshot: this.snapshot(f, c.snapshotReason, now) });
          snaps.set(k, frame);
          result.encodes++;
        }
        isSnapshot = true;
      }
      if (!frame) continue; // up to date
      c.resuming = false;
      c.snapshotReason = 0;
      c.delivered = this.seq;
      if (isSnapshot) c.snapshots++;
      c.framesSent++;
      c.bytesSent += frame.byteLength;
      this.framesSent++;
      this.bytesSent += frame.byteLength;
      result.sent++;
      c.socket.send(frame);
    }
    return result;
  }

  /** Ping every client; terminate those that did not answer the previous ping or never subscribed. */
  heartbeat(): void {
    const now = this.clock();
    for (const c of [...this.clients.values()]) {
      if (c.awaitingPong) {
        this.drop(c, null, 'heartbeat');
        continue;
      }
      if (c.filter === null && now - c.connectedAt >= this.limits.subscribeTimeoutMs) {
        this.drop(c, 'JCR_VALIDATION', 'subscribeTimeout');
        continue;
      }
      c.awaitingPong = true;
      c.socket.ping();
    }
  }

  private drop(c: Client, code: ErrorCode | null, reason: DropReason | string): void {
    this.clients.delete(c.id);
    if (code === null) c.socket.terminate();
    else c.socket.close(ERRORS[code].close, `${code}: ${reason}`);
    if (reason === 'stuck' || reason === 'heartbeat' || reason === 'subscribeTimeout') this.opts.onDrop?.(c.id, reason);
  }

  /** Turn the dirty set and pending durable changes into a tick record (or nothing). */
  private cut(serverTimeMs: number): { record: TickRecord; shared: Uint8Array } | null {
    if (this.dirty.length === 0 && this.pending.length === 0) return null;
    const fleet = this.room.fleet;
    const touched: Touched[] = new Array<Touched>(this.dirty.length);
    for (let i = 0; i < this.dirty.length; i++) {
      const ref = this.dirty[i] as number;
      this.dirtyFlag[ref] = 0;
      const live = fleet.require(this.ids[ref] as string);
      touched[i] = {
        ref,
        agency: live.def.agency,
        prevLon: this.lastLon[ref] as number,
        prevLat: this.lastLat[ref] as number,
        lon: live.lon,
        lat: live.lat,
        view: resourceMsg(ref, live),
      };
      this.lastLon[ref] = live.lon;
      this.lastLat[ref] = live.lat;
    }
    this.dirty = [];
    const record: TickRecord = { seq: this.seq + 1, serverTimeMs, changes: this.pending, touched, bytes: 0 };
    this.pending = [];
    this.seq = record.seq;
    const shared = this.encode({ delta: this.buildDelta([record], UNFILTERED) });
    record.bytes = shared.byteLength;
    this.ring.push(record);
    this.ringBytes += record.bytes;
    while (
      this.ring.length > 1 &&
      (this.ring.length > this.limits.ringFrames || this.ringBytes > this.limits.ringBytes)
    ) {
      const old = this.ring.shift() as TickRecord;
      this.ringBytes -= old.bytes;
    }
    return { record, shared };
  }

  /**
   * The delta a client with filter `f` needs to go from the state before `records[0]` to the
   * state after the last record: durable changes in order, then the latest position of each
   * touched resource (or, under a viewport, its entry or exit). One record = one tick's frame.
   */
  buildDelta(records: readonly TickRecord[], f: NormalFilter): CopDeltaMsg {
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
          const m = this.visibleChange(ch, f);
          if (m) delta.changes.push(m);
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
            // Incidents and cover do not depend on where resources are: every change in order.
            const m = this.visibleChange(ch, f);
            if (m) delta.changes.push(m);
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
   * An incident or cover change as a client under `f` receives it: the incident's state if the
   * client sees it after the change (or saw it before and it has closed), a removal if the client
   * saw it before and no longer may, nothing if it never saw it; cover goes to everyone.
   */
  private visibleChange(ch: Exclude<DurableChange, { kind: 'status' }>, f: NormalFilter): CopChangeMsg | null {
    if (ch.kind === 'cover') return ch.msg;
    const sawBefore = ch.before.length > 0 && seesIncident(f, ch.before);
    const seesAfter = seesIncident(f, ch.after);
    if (seesAfter && (ch.open || sawBefore)) return ch.msg;
    return sawBefore ? ch.gone : null;
  }

  /** The open incidents a client under `f` sees, in the order they were created. */
  private incidents(f: NormalFilter): CopIncidentMsg[] {
    const out: CopIncidentMsg[] = [];
    for (const inc of this.room.incidents.all()) {
      if (inc.status === 'closed' || !seesIncident(f, incidentAgencies(inc))) continue;
      out.push(incidentMsg(inc, this.typeNames.get(inc.typeId) ?? inc.typeId));
    }
    return out;
  }

  /** The picture under filter `f` now (the R-tree answers the viewport). */
  snapshot(f: NormalFilter, reason: number, now: number = this.clock()): CopSnapshotMsg {
    const fleet = this.room.fleet;
    const candidates = f.box ? fleet.within(f.box) : Array.from(fleet.all());
    const resources: CopResourceMsg[] = [];
    for (const r of candidates) {
      if (f.agencies !== null && !f.agencies.has(r.def.agency)) continue;
      const ref = this.refOf.get(r.def.id);
      if (ref !== undefined) resources.push(resourceMsg(ref, r));
    }
    resources.sort((a, b) => a.ref - b.ref);
    return {
      seq: this.seq,
      epoch: this.epoch,
      eventSeq: this.room.lastSeq,
      serverTimeMs: Math.round(now),
      reason,
      filter: f.wire,
      resources,
      incidents: this.incidents(f),
      cover: this.cover,
    };
  }
}
