import { JcrError } from '../errors.ts';
import type { ResourceDef, Scenario } from '../scenario/types.ts';
import { PointIndex, type BBox } from '../spatial/point-index.ts';
import { canTransition, holdsIncident, ResourceStatus, STATUS_NAMES } from './status.ts';

/** Live state of one resource. Owned by Fleet; read-only to everyone else. */
export interface LiveResource {
  readonly def: ResourceDef;
  status: ResourceStatus;
  lat: number;
  lon: number;
  headingDeg: number;
  speedMps: number;
  /** Epoch ms of the last accepted fix; 0 before the first. */
  fixTimeMs: number;
  accuracyM: number;
  /** Incident (or standby move) the resource is committed to. */
  incidentId: string | undefined;
  /**
   * The room has recorded that this resource's fix went stale (a `resource.staleness` event), and
   * no event has recorded it fresh again since. False for a resource that never reported.
   */
  avlStale: boolean;
  /** Bumped on every change, so observers can tell what moved since they last looked. */
  version: number;
  /**
   * Fix times recently stored for this resource, live or history-only: a ring of the last
   * STORED_FIX_RING (0 = empty slot; a fix time is always positive). Lets ingest tell a resent
   * report from an out-of-order one (Fleet.noteStored, Fleet.wasStored).
   */
  readonly storedFixes: Float64Array;
  /** Next slot of `storedFixes` to overwrite. */
  storedAt: number;
}

/**
 * How many stored fix times each resource remembers for duplicate detection: a batch resent after
 * a lost ack (JCR_OUTCOME_UNKNOWN, a failover) is at most one batch behind, so 64 covers it with
 * room; a resend older than that is judged out of order and kept in history again.
 */
export const STORED_FIX_RING = 64;

export interface FleetOptions {
  /** A resource with no fix for longer than this is stale (default 120,000: AVL_LIMITS.staleAfterMs). */
  staleAfterMs?: number;
  /** Which statuses hold an incident (default status.ts holdsIncident). */
  holdsIncident?: (s: ResourceStatus) => boolean;
}

/**
 * The live fleet: one record per scenario resource plus a spatial index that always agrees with
 * it. All position changes go through `move`, which keeps the index in step.
 */
export class Fleet {
  private readonly byId = new Map<string, LiveResource>();
  readonly index = new PointIndex();
  /** A resource with no fix for longer than this is stale. */
  readonly staleAfterMs: number;
  /** Does a resource in this status hold its incident? (status.ts holdsIncident unless configured) */
  readonly holdsIncident: (s: ResourceStatus) => boolean;

  constructor(scenario: Scenario, opts: FleetOptions = {}) {
    this.staleAfterMs = opts.staleAfterMs ?? 120_000;
    this.holdsIncident = opts.holdsIncident ?? holdsIncident;
    const stations = new Map(scenario.stations.map((s) => [s.id, s]));
    for (const def of scenario.resources) {
      const home = stations.get(def.station);
      if (!home) throw new JcrError('JCR_SCENARIO_INVALID', `resource ${def.id}: unknown station "${def.station}"`);
      const r: LiveResource = {
        def,
        status: ResourceStatus.AVAILABLE_AT_STATION,
        lat: home.lat,
        lon: home.lon,
        headingDeg: 0,
        speedMps: 0,
        fixTimeMs: 0,
        accuracyM: 0,
        incidentId: undefined,
        avlStale: false,
        version: 0,
        storedFixes: new Float64Array(STORED_FIX_RING),
        storedAt: 0,
      };
      this.byId.set(def.id, r);
      this.index.set(def.id, r.lon, r.lat);
    }
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): LiveResource | undefined {
    return this.byId.get(id);
  }

  require(id: string): LiveResource {
    const r = this.byId.get(id);
    if (!r) throw new JcrError('JCR_NOT_FOUND', `unknown resource "${id}"`, { path: 'resourceId' });
    return r;
  }

  all(): IterableIterator<LiveResource> {
    return this.byId.values();
  }

  /** Check a status change against the transition rules without applying it. */
  checkTransition(id: string, to: ResourceStatus, from: ResourceStatus = this.require(id).status): void {
    if (!canTransition(from, to)) {
      throw new JcrError(
        'JCR_INVALID_TRANSITION',
        `${id}: ${STATUS_NAMES[from]} → ${STATUS_NAMES[to]} is not allowed`,
        {
          path: 'status',
        },
      );
    }
  }

  setStatus(id: string, to: ResourceStatus, incidentId?: string): void {
    this.checkTransition(id, to);
    const r = this.require(id);
    r.incidentId = this.incidentAfter(r, to, incidentId);
    r.status = to;
    r.version++;
  }

  /** Record that a resource's fix went stale or fresh again (a `resource.staleness` event). */
  setAvlStale(id: string, stale: boolean): void {
    const r = this.require(id);
    r.avlStale = stale;
    r.version++;
  }

  /**
   * Should the room record a change of this resource's staleness now? The fleet's rule (isStale)
   * for a resource that has reported, against what was last recorded: the new value, or null.
   */
  stalenessChange(r: LiveResource, now: number): boolean | null {
    const stale = r.fixTimeMs > 0 && this.isStale(r, now);
    return stale === r.avlStale ? null : stale;
  }

  /** The incident `r` holds now (by holdsIncident), undefined when none. */
  incidentOf(r: LiveResource): string | undefined {
    return this.holdsIncident(r.status) ? r.incidentId : undefined;
  }

  /** The incident `r` will hold after a status change to `to` naming `incidentId` (or keeping its own). */
  incidentAfter(r: LiveResource, to: ResourceStatus, incidentId: string | undefined): string | undefined {
    return this.holdsIncident(to) ? (incidentId ?? r.incidentId) : undefined;
  }

  /** Move a resource. The index is updated by remove → change → insert inside PointIndex. */
  move(
    id: string,
    fix: { lat: number; lon: number; headingDeg?: number; speedMps?: number; fixTimeMs?: number; accuracyM?: number },
  ): void {
    const r = this.require(id);
    r.lat = fix.lat;
    r.lon = fix.lon;
    if (fix.headingDeg !== undefined) r.headingDeg = fix.headingDeg;
    if (fix.speedMps !== undefined) r.speedMps = fix.speedMps;
    if (fix.fixTimeMs !== undefined) r.fixTimeMs = fix.fixTimeMs;
    if (fix.accuracyM !== undefined) r.accuracyM = fix.accuracyM;
    r.version++;
    this.index.set(id, r.lon, r.lat);
  }

  /**
   * The AVL hot path: apply one validated fix to a live record (no lookup, no allocation) and keep
   * the index in step. Heading is normalised to [0, 360).
   */
  applyFix(
    r: LiveResource,
    lat: number,
    lon: number,
    headingDeg: number,
    speedMps: number,
    fixTimeMs: number,
    accuracyM: number,
  ): void {
    r.lat = lat;
    r.lon = lon;
    r.headingDeg = headingDeg >= 0 && headingDeg < 360 ? headingDeg : ((headingDeg % 360) + 360) % 360;
    r.speedMps = speedMps;
    r.fixTimeMs = fixTimeMs;
    r.accuracyM = accuracyM;
    r.version++;
    this.index.set(r.def.id, lon, lat);
    this.noteStored(r, fixTimeMs);
  }

  /** Remember that a fix at `fixTimeMs` was stored for `r` (live or history-only): no allocation. */
  noteStored(r: LiveResource, fixTimeMs: number): void {
    r.storedFixes[r.storedAt] = fixTimeMs;
    r.storedAt = r.storedAt === STORED_FIX_RING - 1 ? 0 : r.storedAt + 1;
  }

  /**
   * Was a fix at `fixTimeMs` stored for `r` among its last STORED_FIX_RING? A scan of the ring:
   * ingest asks only for a fix not newer than the last accepted, which is rare.
   */
  wasStored(r: LiveResource, fixTimeMs: number): boolean {
    if (!(fixTimeMs > 0)) return false;
    const ring = r.storedFixes;
    for (let i = 0; i < STORED_FIX_RING; i++) if (ring[i] === fixTimeMs) return true;
    return false;
  }

  within(box: BBox): LiveResource[] {
    const out: LiveResource[] = [];
    for (const id of this.index.search(box)) {
      const r = this.byId.get(id);
      if (r) out.push(r);
    }
    return out;
  }

  /** Is the last fix older than `staleAfterMs` at `now`? A resource that never reported is stale. */
  isStale(r: LiveResource, now: number, staleAfterMs: number = this.staleAfterMs): boolean {
    return now - r.fixTimeMs > staleAfterMs;
  }
}
