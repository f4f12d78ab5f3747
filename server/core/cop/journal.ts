import type { ChangeRecord, EventChange, IncidentChange } from '../changes.ts';
import type { Incident } from '../incidents/types.ts';
import type { Room } from '../room.ts';
import type { IncidentLocation, Locate } from '../places/locate.ts';
import { alertMsg } from '../alerts/book.ts';
import { PartnerPicture } from './partners.ts';
import { RecordedPicture } from './recorded.ts';
import type { AlertMsg } from '../../../proto/wire.ts';
import { CopRing, type DurableChange, type RingLimits, type TickRecord, type Touched } from './ring.ts';
import {
  bareIncident,
  incidentAgencies,
  incidentMsg,
  resourceMsg,
  seesIncident,
  type CopChangeMsg,
  type CopCoverSummaryMsg,
  type PerformanceReport,
  type CopIncidentChangeMsg,
  type CopIncidentMsg,
  type CopSnapshotMsg,
  type CopStatusChangeMsg,
  type NormalFilter,
} from './frames.ts';

/**
 * The COP change journal: what changed since the last tick, in order, cut into one tick record
 * per tick with a contiguous COP sequence number, and the resume ring of recent records that a
 * client behind by a few ticks (or reconnecting) is caught up from. It also answers the whole
 * picture now (a snapshot) at its sequence number. It sends nothing: the hub hands each record to
 * delta.ts to build frames and to sessions.ts to deliver them.
 */

export type { DurableChange, RingLimits, TickRecord, Touched } from './ring.ts';

/** A record just kept, with its unfiltered delta (the frame most clients get). */
type Cut = { record: TickRecord; shared: Uint8Array };

export class CopJournal {
  /** COP sequence number of the last record cut (0 = none yet). */
  seq = 0;
  /**
   * Cluster mode, not leading (a standby, a COP gateway): records are the leader's, taken in by
   * `ingest`, and this journal cuts none of its own; the picture it answers is the replica's.
   */
  following = false;
  private readonly room: Room;
  private readonly ids: string[] = ['']; // by ref; ref 0 is never used
  private readonly agencyOf: string[] = [''];
  private readonly refOf = new Map<string, number>();
  /** Position of each resource as of the last record that touched it (raw degrees). */
  private readonly lastLon: Float64Array;
  private readonly lastLat: Float64Array;
  private readonly dirtyFlag: Uint8Array;
  private dirty: number[] = [];
  private pending: DurableChange[] = [];
  private readonly typeNames = new Map<string, string>();
  private cover: CopCoverSummaryMsg | null;
  private performance: PerformanceReport | null = null;
  private readonly ring: CopRing;
  /** Where each open incident is, kept while it stays put: describing a point is a search. */
  private readonly located = new Map<string, { lat: number; lon: number; at: IncidentLocation }>();
  /** Partner rooms' resources at our incidents (./partners.ts). */
  private readonly partners: PartnerPicture;
  /** Following: each resource and incident as the last record taken showed it, what snapshots show (./recorded.ts). */
  private readonly recorded = new RecordedPicture();

  /** `locate`: where an incident is in words and on the road (none: records carry no location). */
  constructor(
    room: Room,
    limits: RingLimits,
    cover: CopCoverSummaryMsg | null,
    private readonly locate?: Locate,
    partnerName?: (partnerId: string) => string,
  ) {
    this.room = room;
    this.partners = new PartnerPicture(room, partnerName);
    this.ring = new CopRing(limits);
    const n = room.scenario.resources.length;
    this.lastLon = new Float64Array(n + 1);
    this.lastLat = new Float64Array(n + 1);
    this.dirtyFlag = new Uint8Array(n + 1);
    room.scenario.resources.forEach((def, i) => {
      const ref = i + 1;
      this.ids.push(def.id);
      this.agencyOf.push(def.agency);
      this.refOf.set(def.id, ref);
      const live = room.fleet.require(def.id);
      this.lastLon[ref] = live.lon;
      this.lastLat[ref] = live.lat;
    });
    for (const t of room.scenario.incidentTypes) this.typeNames.set(t.id, t.name);
    this.cover = cover;
  }

  // -------------------------------------------------------------------------------------------
  // What changed

  /** Resources whose live position changed (one call per accepted AVL batch). */
  markMoved(resourceIds: readonly string[]): void {
    if (this.following) return; // the leader's records say what moved
    for (const id of resourceIds) {
      const ref = this.refOf.get(id);
      if (ref !== undefined) this.touch(ref);
    }
  }

  /**
   * An applied batch, as the room recorded it (server/core/changes.ts), in log order. Each
   * resource status event is a status change carrying the incident the record says the resource
   * holds afterwards. Each incident the record says an event touched (its own events, and the
   * status events that mobilise, bring to scene or stand down its resources) gets one incident
   * change carrying its recorded state, placed at the last event of the batch that touches it, so
   * changes stay in event order. Who saw it before is read from its state before the batch. No
   * rule of Fleet or IncidentBook is repeated here: the record carries their outcome.
   */
  onChanges(record: ChangeRecord): void {
    if (this.following) {
      for (const step of record.changes) this.partners.onEvent(step.event); // the snapshot's partner picture
      return;
    }
    const steps = record.changes;
    const lastTouch = new Map<string, number>(); // incident id → index in `steps` of its last event
    const statusRefs: number[] = new Array<number>(steps.length).fill(0);
    const statusInc: string[] = new Array<string>(steps.length).fill('');
    const first = new Map<string, IncidentChange>(); // incident id → its first change in the batch
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as EventChange;
      const e = step.event;
      for (const c of step.incidents) if (!first.has(c.incidentId)) first.set(c.incidentId, c);
      if (e.type === 'resource.status') {
        const c = step.resources[0];
        const ref = c && this.refOf.get(c.resourceId);
        if (c === undefined || ref === undefined) continue;
        statusRefs[i] = ref;
        statusInc[i] = c.after.incidentId ?? '';
        for (const inc of step.incidents) lastTouch.set(inc.incidentId, i);
      } else if (
        e.type.startsWith('incident.') &&
        e.type !== 'incident.recommended' &&
        e.type !== 'incident.quickerAvailable'
      ) {
        // (Recommendations and quicker-resource flags change nothing CopIncident carries.)
        for (const inc of step.incidents) lastTouch.set(inc.incidentId, i);
      }
    }
    const at = new Map<number, string[]>(); // step index → incidents whose change goes after it
    for (const [id, i] of lastTouch) {
      const list = at.get(i);
      if (list) list.push(id);
      else at.set(i, [id]);
    }
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i] as EventChange;
      const e = step.event;
      if (e.type === 'alert.raised' || e.type === 'alert.cleared') {
        this.pushAlert(e.data.alertId);
        continue;
      }
      for (const p of this.partners.onEvent(e))
        this.pending.push({ kind: 'partner', agencies: p.agencies, msg: { partnerResource: p.msg } });
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
      for (const id of at.get(i) ?? []) {
        const after = step.incidents.find((c) => c.incidentId === id)?.after;
        if (after) this.pushIncident(first.get(id)?.before ?? null, after, e.seq, e.at);
      }
    }
  }

  private pushIncident(prev: Readonly<Incident> | null, inc: Readonly<Incident>, eventSeq: number, atMs: number): void {
    // The agencies that saw it before this batch: none if it was new or already closed.
    const before = prev && prev.status !== 'closed' ? incidentAgencies(prev) : [];
    const after = incidentAgencies(inc);
    const open = inc.status !== 'closed';
    const full: CopIncidentChangeMsg = {
      incident: this.incidentRecord(inc),
      eventSeq,
      atMs,
      removed: false,
    };
    const gone: CopIncidentChangeMsg = { incident: bareIncident(inc.id), eventSeq, atMs, removed: true };
    const alerts: CopChangeMsg[] = open ? this.room.alerts.activeFor(inc.id).map((a) => ({ alert: alertMsg(a) })) : [];
    this.pending.push({
      kind: 'incident',
      before,
      after,
      open,
      msg: { incident: full },
      gone: { incident: gone },
      alerts,
    });
  }

  /** A new cover picture: one small, room-wide change that every client gets, whatever its filter. */
  onCover(summary: CopCoverSummaryMsg): void {
    this.cover = summary;
    if (!this.following) this.pending.push({ kind: 'cover', msg: { cover: { summary } } });
  }

  /**
   * An alert raised or cleared: its state now (the book has applied the event), for the agencies
   * it is for: an incident's alert goes to whoever sees the incident, as its changes do.
   */
  private pushAlert(alertId: string): void {
    const a = this.room.alerts.get(alertId);
    if (!a) return;
    this.pending.push({ kind: 'alert', agencies: this.alertAgencies(a), msg: { alert: alertMsg(a) } });
  }

  private alertAgencies(a: { incidentId?: string | undefined; agencies: readonly string[] }): readonly string[] {
    const inc = a.incidentId !== undefined ? this.room.incidents.get(a.incidentId) : undefined;
    return inc ? incidentAgencies(inc) : a.agencies;
  }

  /** New performance figures: like cover, one small room-wide change every client gets. */
  onPerformance(report: PerformanceReport): void {
    this.performance = report;
    if (!this.following) this.pending.push({ kind: 'performance', msg: { performance: report } });
  }

  /** Set the figures a snapshot carries without a change (the first report at start). */
  setPerformance(report: PerformanceReport | null): void {
    this.performance = report;
  }

  private touch(ref: number): void {
    if (this.dirtyFlag[ref] === 1) return;
    this.dirtyFlag[ref] = 1;
    this.dirty.push(ref);
  }

  private incidentRecord(inc: Readonly<Incident>): CopIncidentMsg {
    return incidentMsg(inc, this.typeNames.get(inc.typeId) ?? inc.typeId, this.location(inc));
  }

  private location(inc: Readonly<Incident>): IncidentLocation | null {
    if (!this.locate) return null;
    const known = this.located.get(inc.id);
    const at = known && known.lat === inc.lat && known.lon === inc.lon ? known.at : this.locate(inc.lat, inc.lon);
    if (inc.status === 'closed') this.located.delete(inc.id);
    else this.located.set(inc.id, { lat: inc.lat, lon: inc.lon, at });
    return at;
  }

  // -------------------------------------------------------------------------------------------
  // Records and the resume ring

  /**
   * Turn the dirty set and pending durable changes into the next tick record (or nothing) and
   * keep it in the ring, measured by `encodeShared` (its unfiltered delta, which the caller
   * also gets back to send).
   */
  cut(serverTimeMs: number, encodeShared: (record: TickRecord) => Uint8Array): Cut | null {
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
    return this.keep(record, encodeShared);
  }

  /**
   * A record the leader cut, kept under its seq; one that does not follow on from the last empties
   * the ring first, so a client behind it gets a snapshot, never a delta with a hole.
   */
  ingest(record: TickRecord, encodeShared: (record: TickRecord) => Uint8Array): Cut | null {
    if (record.seq <= this.seq) return null;
    if (record.seq !== this.seq + 1) this.ring.clear();
    this.seq = record.seq;
    this.recorded.take(record);
    for (const c of record.changes) {
      // Snapshots carry the figures the records did.
      if (c.kind === 'cover' && c.msg.cover?.summary) this.cover = c.msg.cover.summary;
      if (c.kind === 'performance' && c.msg.performance) this.performance = c.msg.performance;
    }
    return this.keep(record, encodeShared);
  }

  /** Follow the leader from its record `seq` (the cluster's COP stream head): cut nothing from now on. */
  follow(seq: number): void {
    this.following = true;
    this.recorded.clear();
    if (seq !== this.seq) this.ring.clear();
    this.seq = seq;
    this.dirty = [];
    this.pending = [];
    this.dirtyFlag.fill(0);
  }

  /**
   * Lead: cut from here on, numbering on from `seq`. The first record carries every resource, open
   * incident and figure as they stand (what the old leader never cut is not known as changes).
   */
  lead(seq: number): void {
    this.follow(seq);
    this.following = false;
    for (let ref = 1; ref < this.ids.length; ref++) this.touch(ref);
    for (const inc of this.room.incidents.all())
      if (inc.status !== 'closed') this.pushIncident(inc, inc, this.room.lastSeq, inc.updatedAt);
    if (this.cover) this.onCover(this.cover);
    if (this.performance) this.onPerformance(this.performance);
  }

  private keep(record: TickRecord, encodeShared: (record: TickRecord) => Uint8Array): Cut {
    const shared = encodeShared(record);
    record.bytes = shared.byteLength;
    this.ring.push(record);
    return { record, shared };
  }

  /** The last `count` records, oldest first (the caller checks the ring still holds them). */
  latest(count: number): TickRecord[] {
    return this.ring.latest(count);
  }

  /** Oldest seq the ring can still replay from (seq + 1 when it is empty). */
  get ringOldest(): number {
    return this.ring.oldest ?? this.seq + 1;
  }

  get ringSize(): { frames: number; bytes: number } {
    return this.ring.size;
  }

  // -------------------------------------------------------------------------------------------
  // The whole picture

  /**
   * The picture under filter `f` now, at this journal's seq; following, its resources and
   * incidents as the records up to that seq show them (./recorded.ts), so the deltas after it
   * never take one back.
   */
  snapshot(f: NormalFilter, reason: number, now: number, epoch: string): CopSnapshotMsg {
    const resources = this.recorded.resources(f, this.room.fleet, this.refOf, this.following);
    return {
      seq: this.seq,
      epoch,
      eventSeq: this.room.lastSeq,
      serverTimeMs: Math.round(now),
      reason,
      filter: f.wire,
      resources,
      incidents: this.recorded.incidents(
        f,
        this.room.incidents.all(),
        (inc) => this.incidentRecord(inc),
        this.following,
      ),
      cover: this.cover,
      performance: this.performance,
      alerts: this.alerts(f),
      partnerResources: this.partners.snapshot(f),
    };
  }

  /** The active alerts a client under `f` sees, oldest first. */
  private alerts(f: NormalFilter): AlertMsg[] {
    const out: AlertMsg[] = [];
    for (const a of this.room.alerts.active()) if (seesIncident(f, this.alertAgencies(a))) out.push(alertMsg(a));
    return out;
  }
}
