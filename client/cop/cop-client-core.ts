import {
  NO_FIX_AGE,
  type CopClientMsg,
  type CopCoverSummaryMsg,
  type CopDeltaMsg,
  type CopFilter,
  type CopIncidentMsg,
  type CopPartnerResourceMsg,
  type CopResourceMsg,
  type CopServerMsg,
  type CopSnapshotMsg,
  type PerformanceReport,
  type AlertMsg,
} from '../../proto/wire.ts';

/**
 * The screen side of /ws/cop, pure: fold a snapshot and then deltas into a map of resources,
 * check that delta sequence numbers are contiguous, and say what to send to resume. No DOM, no
 * socket, no protobuf (client/cop/codec.ts decodes): the Lit screens bind to `CopPicture`, and
 * the tests and the fan-out bench drive it with decoded frames.
 *
 * Values are the wire's quantised ones converted once (lat = latE7 / 1e7, speed = dm/s / 10), so a
 * picture built from deltas equals, field for field, one built from a fresh snapshot.
 */
export interface CopResourceState {
  ref: number;
  id: string;
  callSign: string;
  agency: string;
  type: string;
  station: string;
  capabilities: readonly string[];
  /** jcr.v1.ResourceStatus, 1..6 (proto/wire.ts ResourceStatus). */
  status: number;
  incidentId: string | null;
  lat: number;
  lon: number;
  headingDeg: number;
  speedMps: number;
  /** Unix epoch ms of the last fix; 0 = never. */
  fixTimeMs: number;
  accuracyM: number;
}

/**
 * What `apply` did: 'snapshot' and 'delta' changed the picture; 'stale' was a delta the picture
 * already holds (ignored); 'gap' means deltas were missed: send `subscribeMessage()` to resume.
 */
export type ApplyResult = 'snapshot' | 'delta' | 'stale' | 'gap';

/** What else an applied frame changed besides resources. */
export interface OtherChanges {
  /** The incident list changed (added, updated, closed or no longer visible). */
  incidents: boolean;
  /** A new cover summary arrived. */
  cover: boolean;
  /** New performance figures arrived. */
  performance: boolean;
  /** An alert was raised or cleared. */
  alerts?: boolean;
  /** A partner room's resource moved, came or went. */
  partners?: boolean;
}

export type ChangeListener = (changed: ReadonlySet<string>, removed: ReadonlySet<string>, other: OtherChanges) => void;

/** A decoded server message as protobufjs gives it (unset members read as null or default). */
export interface CopServerMsgIn {
  snapshot?: CopSnapshotMsg | null;
  delta?: CopDeltaMsg | null;
}

function toState(m: CopResourceMsg): CopResourceState {
  return {
    ref: m.ref,
    id: m.id,
    callSign: m.callSign,
    agency: m.agency,
    type: m.type,
    station: m.station,
    capabilities: Array.from(m.capabilities ?? []),
    status: m.status,
    incidentId: m.incidentId ? m.incidentId : null,
    lat: m.latE7 / 1e7,
    lon: m.lonE7 / 1e7,
    headingDeg: m.headingDeg,
    speedMps: m.speedDmps / 10,
    fixTimeMs: m.fixTimeMs,
    accuracyM: m.accuracyM,
  };
}

export class CopPicture {
  /** Server instance the sequence numbers belong to ('' before the first snapshot). */
  epoch = '';
  /** COP seq the picture is current to. */
  seq = 0;
  /** The durable event log's seq at the last snapshot or status change. */
  eventSeq = 0;
  serverTimeMs = 0;
  /** A snapshot has been applied (and no gap is waiting for a resume). */
  synced = false;
  /** Deltas were missed; waiting for the answer to a resume. */
  gap = false;
  filter: CopFilter = { agencies: [], bounds: null };
  readonly resources = new Map<string, CopResourceState>();
  /** Open incidents this client may see, by id, in the order they were first seen. */
  readonly incidents = new Map<string, CopIncidentMsg>();
  cover: CopCoverSummaryMsg | null = null;
  /** Performance against standards (null from a server that does not compute it). */
  performance: PerformanceReport | null = null;
  /** Active alerts this screen may see, by id, oldest first. */
  readonly alerts = new Map<string, AlertMsg>();
  /** Partner rooms' resources at incidents this screen sees, by "partnerId|resourceId". */
  readonly partnerResources = new Map<string, CopPartnerResourceMsg>();
  private readonly byRef = new Map<number, CopResourceState>();
  private ackedSeq = -1;
  private readonly listeners = new Set<ChangeListener>();

  /** Called after each applied frame with the ids that changed and those that left the picture. */
  onChange(l: ChangeListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  apply(msg: CopServerMsgIn | CopServerMsg): ApplyResult {
    if (msg.snapshot) return this.applySnapshot(msg.snapshot);
    if (msg.delta) return this.applyDelta(msg.delta);
    return 'stale'; // a message kind this client does not know: skip it
  }

  applySnapshot(s: CopSnapshotMsg): ApplyResult {
    const removed = new Set(this.resources.keys());
    this.resources.clear();
    this.byRef.clear();
    for (const m of s.resources ?? []) {
      const r = toState(m);
      this.resources.set(r.id, r);
      this.byRef.set(r.ref, r);
      removed.delete(r.id);
    }
    this.incidents.clear();
    for (const i of s.incidents ?? []) this.incidents.set(i.id, i);
    this.cover = s.cover ?? null;
    this.performance = s.performance ?? null;
    this.alerts.clear();
    for (const a of s.alerts ?? []) this.alerts.set(a.id, a);
    this.partnerResources.clear();
    for (const p of s.partnerResources ?? []) this.partnerResources.set(`${p.partnerId}|${p.resourceId}`, p);
    this.epoch = s.epoch;
    this.seq = s.seq;
    this.eventSeq = s.eventSeq;
    this.serverTimeMs = s.serverTimeMs;
    this.filter = {
      agencies: Array.from(s.filter?.agencies ?? []),
      bounds: s.filter?.bounds ? { ...s.filter.bounds } : null,
    };
    this.synced = true;
    this.gap = false;
    this.emit(new Set(this.resources.keys()), removed, {
      incidents: true,
      cover: true,
      performance: true,
      alerts: true,
      partners: true,
    });
    return 'snapshot';
  }

  applyDelta(d: CopDeltaMsg): ApplyResult {
    const from = d.fromSeq ? d.fromSeq : d.seq;
    if (!this.synced || d.seq <= this.seq) return 'stale';
    if (from !== this.seq + 1) {
      this.gap = true;
      return 'gap';
    }
    const changed = new Set<string>();
    const removed = new Set<string>();
    const other: OtherChanges = { incidents: false, cover: false, performance: false };
    for (const ch of d.changes ?? []) {
      if (ch.incident) {
        const ic = ch.incident;
        if (ic.eventSeq > this.eventSeq) this.eventSeq = ic.eventSeq;
        // A closed incident leaves the picture, as a fresh snapshot (open incidents only) would show.
        if (ic.removed || ic.incident.status === 'closed') {
          this.incidents.delete(ic.incident.id);
          // A partner's resource goes with the incident it attends (the server removes it too, once the thread closes).
          for (const [k, p] of this.partnerResources)
            if (p.incidentId === ic.incident.id && this.partnerResources.delete(k)) other.partners = true;
        } else this.incidents.set(ic.incident.id, ic.incident);
        // No longer allowed to see it: its alerts go with it, as a fresh snapshot would show.
        if (ic.removed)
          for (const [id, a] of this.alerts)
            if (a.incidentId === ic.incident.id) {
              this.alerts.delete(id);
              other.alerts = true;
            }
        other.incidents = true;
        continue;
      }
      if (ch.partnerResource) {
        const p = ch.partnerResource;
        if (p.removed) this.partnerResources.delete(`${p.partnerId}|${p.resourceId}`);
        else this.partnerResources.set(`${p.partnerId}|${p.resourceId}`, p);
        other.partners = true;
        continue;
      }
      if (ch.cover) {
        this.cover = ch.cover.summary ?? null;
        other.cover = true;
        continue;
      }
      if (ch.alert) {
        if (ch.alert.clearedAtMs > 0) this.alerts.delete(ch.alert.id);
        else this.alerts.set(ch.alert.id, ch.alert);
        other.alerts = true;
        continue;
      }
      if (ch.performance) {
        this.performance = ch.performance;
        other.performance = true;
        continue;
      }
      const st = ch.status;
      if (!st) continue; // a change kind this client does not know
      const r = this.byRef.get(st.ref);
      if (!r) continue; // not in this client's view
      if (st.eventSeq > this.eventSeq) this.eventSeq = st.eventSeq;
      r.status = st.status;
      r.incidentId = st.incidentId ? st.incidentId : null;
      changed.add(r.id);
    }
    for (const m of d.enter ?? []) {
      const r = toState(m);
      this.resources.set(r.id, r);
      this.byRef.set(r.ref, r);
      changed.add(r.id);
      removed.delete(r.id);
    }
    const p = d.positions;
    if (p) {
      const n = p.ref.length;
      if (
        p.latE7.length !== n ||
        p.lonE7.length !== n ||
        p.headingDeg.length !== n ||
        p.speedDmps.length !== n ||
        p.fixAgeMs.length !== n ||
        p.accuracyM.length !== n
      ) {
        throw new Error(`CopPositions columns differ in length (delta ${d.seq})`);
      }
      const t = d.serverTimeMs;
      for (let i = 0; i < n; i++) {
        const r = this.byRef.get(p.ref[i] as number);
        if (!r) continue;
        r.lat = (p.latE7[i] as number) / 1e7;
        r.lon = (p.lonE7[i] as number) / 1e7;
        r.headingDeg = p.headingDeg[i] as number;
        r.speedMps = (p.speedDmps[i] as number) / 10;
        const age = p.fixAgeMs[i] as number;
        r.fixTimeMs = age === NO_FIX_AGE ? 0 : t - age;
        r.accuracyM = p.accuracyM[i] as number;
        changed.add(r.id);
      }
    }
    for (const ref of d.leave ?? []) {
      const r = this.byRef.get(ref);
      if (!r) continue;
      this.byRef.delete(ref);
      this.resources.delete(r.id);
      changed.delete(r.id);
      removed.add(r.id);
    }
    this.seq = d.seq;
    this.serverTimeMs = d.serverTimeMs;
    this.gap = false;
    this.emit(changed, removed, other);
    return 'delta';
  }

  /**
   * The first frame to send on a (re)connection: a resume from the last contiguous seq when the
   * picture holds one, otherwise a plain subscribe. `filter` defaults to the current one.
   */
  subscribeMessage(filter: CopFilter = this.filter): CopClientMsg {
    const resume = this.synced && this.epoch !== '';
    this.ackedSeq = -1; // a new subscription: acks start again
    return { subscribe: { lastSeq: resume ? this.seq : 0, resumeEpoch: resume ? this.epoch : '', filter } };
  }

  /**
   * Flow control: after applying frames, send this (when not null) so the server knows how far the
   * screen has got; a screen that stops applying is then sent a merged catch-up instead of a
   * backlog. `every`: ack once per this many ticks (the server allows COP_LIMITS.maxUnackedFrames).
   */
  ackMessage(every = 2): CopClientMsg | null {
    if (!this.synced || this.seq - this.ackedSeq < every) return null;
    this.ackedSeq = this.seq;
    return { ack: { seq: this.seq } };
  }

  /** Change the filter: the server answers with a snapshot under it. */
  setFilterMessage(filter: CopFilter): CopClientMsg {
    return { setFilter: { filter } };
  }

  /** The resources in ref order, for comparisons and lists. */
  list(): CopResourceState[] {
    return [...this.resources.values()].sort((a, b) => a.ref - b.ref);
  }

  /** The incidents in the order the server lists them (creation order), for comparisons and lists. */
  incidentList(): CopIncidentMsg[] {
    return [...this.incidents.values()].sort(
      (a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
  }

  private emit(changed: ReadonlySet<string>, removed: ReadonlySet<string>, other: OtherChanges): void {
    for (const l of this.listeners) l(changed, removed, other);
  }
}
