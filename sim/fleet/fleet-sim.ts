/**
 * The fleet simulator's decision logic, pure and deterministic: given the scenario, a router (the
 * journey planner's route geometry), a seed and a sequence of orders at virtual times, it yields
 * exactly the same AVL reports and status changes every time. Nothing here reads a clock; the
 * caller moves time forward with `advance(now)` and collects what happened with `drain()`.
 *
 * Per vehicle: idle (at station or post) → [turnout, at station only] → driving to the task →
 * at scene for the scene time → returning home → idle at station. Standby moves drive to a
 * station or post and stay there available. The terminal sends a status message
 * (AvlReport.status) when the crew changes status themselves — AT_SCENE on arrival, RETURNING on
 * leaving, AVAILABLE_AT_STATION back home — and position-only reports otherwise (status 0), at the
 * moving or parked cadence. MOBILISED and a standby move (AVAILABLE_MOBILE) come from the control
 * room, so the terminal does not echo them; the server ends a standby move itself when the AVL
 * position reaches the destination (docs/cover.md), so arrival there is a position report sent at
 * once, not a status message.
 */
import type { ResourceDef, Scenario } from '../../server/core/scenario/types.ts';
import { ResourceStatus } from '../../server/core/fleet/status.ts';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import { haversineM } from '../../server/core/geo.ts';
import {
  DEFAULT_CADENCE,
  hashUnit,
  makePath,
  noisyFix,
  positionAlong,
  round6,
  type Cadence,
  type GnssNoise,
  type LatLon,
  type Path,
} from './movement.ts';

/** Who drives a route and when: what a true-traffic router (sim/traffic/) times it by. */
export interface Trip {
  resourceId: string;
  /** Departure, epoch ms. */
  t: number;
  /** Under blue lights (to an incident) rather than routine (returning, standby). */
  blue: boolean;
}

/**
 * Route geometry between two points for a speed profile; null when there is none. `times`
 * (seconds from the start to each point) makes the speed vary along the route.
 */
export type Router = (
  from: LatLon,
  to: LatLon,
  profile: string,
  trip?: Trip,
) => { coords: Array<[number, number]>; seconds: number; times?: number[] } | null;

/** Speed used when the router has no route (straight line), km/h. */
export const FALLBACK_KMH = 30;

export type Order =
  | { kind: 'incident'; taskId: string; lat: number; lon: number; sceneS: number }
  /**
   * A standby move (taskId: the server's moveId). `atStation`: the destination is a station, where
   * the server books the crew AVAILABLE_AT_STATION on arrival; at a post it stays AVAILABLE_MOBILE.
   */
  | { kind: 'standby'; taskId: string; lat: number; lon: number; atStation?: boolean }
  | { kind: 'return' }
  /** Stop where it is (operator booked it available or unavailable). */
  | { kind: 'stop'; status: ResourceStatus };

export type Phase = 'idle' | 'turnout' | 'driving' | 'scene' | 'returning';

export interface Vehicle {
  readonly id: string;
  readonly def: ResourceDef;
  readonly home: LatLon;
  readonly turnoutS: number;
  status: ResourceStatus;
  phase: Phase;
  task: (Order & { kind: 'incident' | 'standby' }) | null;
  /** True position while stationary. */
  pos: LatLon;
  path: Path | null;
  pathStartMs: number;
  /** When the current phase ends; Infinity while idle. */
  phaseUntilMs: number;
  nextReportMs: number;
  lastFixMs: number;
}

/** A status change the vehicle made itself (with its time), for outcome measurement. */
export interface SimEvent {
  t: number;
  resourceId: string;
  status: ResourceStatus;
  taskId: string | null;
}

export interface FleetSimOptions {
  seed: number;
  /** Virtual start time, epoch ms. */
  startMs: number;
  cadence?: Cadence;
  noise?: GnssNoise;
  /** Produce AVL reports (false for outcome runs that only need the status events). */
  reports?: boolean;
}

export class FleetSim {
  readonly vehicles = new Map<string, Vehicle>();
  private readonly order_: Vehicle[] = [];
  private readonly router: Router;
  private readonly seed: number;
  private readonly cadence: Cadence;
  private readonly noise: GnssNoise;
  private readonly wantReports: boolean;
  private outReports: AvlReportIn[] = [];
  private outEvents: SimEvent[] = [];
  now: number;

  constructor(scenario: Scenario, router: Router, opts: FleetSimOptions) {
    this.router = router;
    this.seed = opts.seed;
    this.cadence = opts.cadence ?? DEFAULT_CADENCE;
    this.noise = opts.noise ?? { sigmaM: 4 };
    this.wantReports = opts.reports ?? true;
    this.now = opts.startMs;
    const stations = new Map(scenario.stations.map((s) => [s.id, s]));
    const defs = [...scenario.resources].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const def of defs) {
      const st = stations.get(def.station);
      if (!st) continue;
      const v: Vehicle = {
        id: def.id,
        def,
        home: { lat: st.lat, lon: st.lon },
        turnoutS: def.turnoutS ?? scenario.crewing[def.crewing].turnoutS,
        status: ResourceStatus.AVAILABLE_AT_STATION,
        phase: 'idle',
        task: null,
        pos: { lat: st.lat, lon: st.lon },
        path: null,
        pathStartMs: 0,
        phaseUntilMs: Infinity,
        // Spread the first reports over one parked interval so they do not all arrive at once.
        nextReportMs: opts.startMs + 1 + Math.floor(hashUnit(opts.seed, `first:${def.id}`) * this.cadence.parkedMs),
        lastFixMs: 0,
      };
      this.vehicles.set(def.id, v);
      this.order_.push(v);
    }
  }

  /** The true position of a vehicle at `t` (no noise). */
  positionAt(v: Vehicle, t: number): LatLon & { headingDeg: number; speedMps: number } {
    if (v.path && (v.phase === 'driving' || v.phase === 'returning'))
      return positionAlong(v.path, (t - v.pathStartMs) / 1000);
    return { lat: v.pos.lat, lon: v.pos.lon, headingDeg: 0, speedMps: 0 };
  }

  /** Move virtual time forward to `now`, producing every report and status change up to it. */
  advance(now: number): void {
    if (now < this.now) return;
    for (const v of this.order_) this.advanceVehicle(v, now);
    this.now = now;
  }

  /** Give a vehicle an order at `now` (the vehicle is first brought up to `now`). */
  order(id: string, o: Order, now: number): void {
    const v = this.vehicles.get(id);
    if (!v) return;
    this.advanceVehicle(v, now);
    const here = this.positionAt(v, now);
    const stationary = { lat: here.lat, lon: here.lon };
    switch (o.kind) {
      case 'incident':
      case 'standby': {
        const atStation = v.phase === 'idle' && v.status === ResourceStatus.AVAILABLE_AT_STATION;
        v.task = o;
        // departs after turnout from a station: the trip is timed from then
        const setOff = o.kind === 'incident' && atStation ? now + Math.round(v.turnoutS * 1000) : now;
        v.path = this.route(v, stationary, { lat: o.lat, lon: o.lon }, { t: setOff, blue: o.kind === 'incident' });
        // Both statuses are the control room's decision (the order), not the crew's: no status message.
        v.status = o.kind === 'incident' ? ResourceStatus.MOBILISED : ResourceStatus.AVAILABLE_MOBILE;
        if (o.kind === 'incident' && atStation && v.turnoutS > 0) {
          v.pos = stationary;
          v.phase = 'turnout';
          v.phaseUntilMs = now + Math.round(v.turnoutS * 1000);
        } else {
          this.depart(v, now, 'driving');
        }
        break;
      }
      case 'return': {
        v.task = null;
        if (v.status !== ResourceStatus.RETURNING) this.statusReport(v, now, ResourceStatus.RETURNING, stationary);
        v.path = this.route(v, stationary, v.home, { t: now, blue: false });
        this.depart(v, now, 'returning');
        break;
      }
      case 'stop': {
        v.task = null;
        v.path = null;
        v.pos = stationary;
        v.phase = 'idle';
        v.phaseUntilMs = Infinity;
        v.status = o.status;
        v.nextReportMs = Math.max(v.lastFixMs + 1, Math.min(v.nextReportMs, now + this.cadence.parkedMs));
        break;
      }
    }
  }

  /**
   * Put a vehicle somewhere with a status, idle, without a report (to take over a fleet whose live
   * state the server already holds, e.g. after a restart). Orders then move it on.
   */
  place(id: string, at: LatLon, status: ResourceStatus, lastFixMs: number): void {
    const v = this.vehicles.get(id);
    if (!v) return;
    v.pos = { lat: at.lat, lon: at.lon };
    v.status = status;
    v.phase = 'idle';
    v.task = null;
    v.path = null;
    v.phaseUntilMs = Infinity;
    v.lastFixMs = Math.max(v.lastFixMs, lastFixMs);
    v.nextReportMs = Math.max(v.nextReportMs, v.lastFixMs + 1);
  }

  /** Reports (in fix-time order, then resource id) and status events since the last drain. */
  drain(): { reports: AvlReportIn[]; events: SimEvent[] } {
    const reports = this.outReports;
    const events = this.outEvents;
    this.outReports = [];
    this.outEvents = [];
    reports.sort(
      (a, b) => a.fixTimeMs - b.fixTimeMs || (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0),
    );
    events.sort((a, b) => a.t - b.t || (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0));
    return { reports, events };
  }

  private route(v: Vehicle, from: LatLon, to: LatLon, trip: Omit<Trip, 'resourceId'>): Path {
    const r = this.router(from, to, v.def.vehicleClass, { resourceId: v.id, ...trip });
    if (r && r.coords.length >= 2) return makePath(r.coords, r.seconds, r.times);
    const m = haversineM(from.lat, from.lon, to.lat, to.lon);
    return makePath(
      [
        [from.lat, from.lon],
        [to.lat, to.lon],
      ],
      (m * 3.6) / FALLBACK_KMH,
    );
  }

  private depart(v: Vehicle, t: number, phase: 'driving' | 'returning'): void {
    v.phase = phase;
    v.pathStartMs = t;
    v.phaseUntilMs = t + Math.round((v.path?.seconds ?? 0) * 1000);
    v.nextReportMs = Math.max(v.lastFixMs + 1, Math.min(v.nextReportMs, t + this.cadence.movingMs));
  }

  private advanceVehicle(v: Vehicle, now: number): void {
    for (;;) {
      const tPhase = v.phaseUntilMs;
      const tRep = v.nextReportMs;
      if (tPhase <= tRep) {
        if (tPhase > now) return;
        this.transition(v, tPhase);
      } else {
        if (tRep > now) return;
        const p = this.positionAt(v, tRep);
        this.emit(v, tRep, 0, p, p.headingDeg, p.speedMps);
        const moving = v.phase === 'driving' || v.phase === 'returning';
        v.nextReportMs = tRep + (moving ? this.cadence.movingMs : this.cadence.parkedMs);
      }
    }
  }

  private transition(v: Vehicle, t: number): void {
    switch (v.phase) {
      case 'turnout':
        this.depart(v, t, 'driving');
        return;
      case 'driving': {
        const end = this.positionAt(v, t);
        v.pos = { lat: end.lat, lon: end.lon };
        v.path = null;
        const task = v.task;
        if (task?.kind === 'incident') {
          v.phase = 'scene';
          v.phaseUntilMs = t + Math.round(task.sceneS * 1000);
          this.statusReport(v, t, ResourceStatus.AT_SCENE, v.pos);
        } else if (task?.kind === 'standby') {
          this.arriveOnStandby(v, t, task);
        } else {
          v.phase = 'idle';
          v.phaseUntilMs = Infinity;
          v.task = null;
        }
        return;
      }
      case 'scene': {
        v.task = null;
        v.path = this.route(v, v.pos, v.home, { t, blue: false });
        this.statusReport(v, t, ResourceStatus.RETURNING, v.pos);
        this.depart(v, t, 'returning');
        return;
      }
      case 'returning': {
        v.pos = { lat: v.home.lat, lon: v.home.lon };
        v.path = null;
        v.phase = 'idle';
        v.phaseUntilMs = Infinity;
        this.statusReport(v, t, ResourceStatus.AVAILABLE_AT_STATION, v.pos);
        return;
      }
      case 'idle':
        v.phaseUntilMs = Infinity;
        return;
    }
  }

  /**
   * Parked at the standby destination: the position goes at once (position only), so the server
   * sees the arrival without waiting for the parked cadence and ends the move; the crew takes the
   * status the server books on arrival (AVAILABLE_AT_STATION at a station, AVAILABLE_MOBILE at a
   * post) and stays there until the next order.
   */
  private arriveOnStandby(v: Vehicle, t: number, task: Order & { kind: 'standby' }): void {
    v.pos = { lat: task.lat, lon: task.lon };
    v.phase = 'idle';
    v.phaseUntilMs = Infinity;
    v.status = task.atStation ? ResourceStatus.AVAILABLE_AT_STATION : ResourceStatus.AVAILABLE_MOBILE;
    this.outEvents.push({ t, resourceId: v.id, status: v.status, taskId: task.taskId });
    v.task = null;
    this.emit(v, t, 0, v.pos, 0, 0);
    v.nextReportMs = t + this.cadence.parkedMs;
  }

  /** The crew changes status at `t`: one report carrying the status, then the parked or moving cadence. */
  private statusReport(v: Vehicle, t: number, status: ResourceStatus, at: LatLon): void {
    const changed = v.status !== status;
    v.status = status;
    this.outEvents.push({ t, resourceId: v.id, status, taskId: v.task?.taskId ?? null });
    if (!changed) return;
    const moving = v.phase === 'driving' || v.phase === 'returning';
    this.emit(v, t, status, at, 0, 0);
    v.nextReportMs = t + (moving ? this.cadence.movingMs : this.cadence.parkedMs);
  }

  private emit(v: Vehicle, t: number, status: number, truth: LatLon, headingDeg: number, speedMps: number): void {
    if (t <= v.lastFixMs) t = v.lastFixMs + 1;
    v.lastFixMs = t;
    if (!this.wantReports) return;
    const fix = noisyFix(truth, this.noise, this.seed, `${v.id}:${t}`);
    this.outReports.push({
      resourceId: v.id,
      lat: fix.lat,
      lon: fix.lon,
      speedMps: Math.round(speedMps * 10) / 10,
      headingDeg: Math.round(headingDeg),
      fixTimeMs: t,
      accuracyM: fix.accuracyM,
      status,
    });
  }
}

/** Scene time for an incident type, seconds: deterministic in (seed, task, resource). */
export function sceneTimeS(seed: number, taskId: string, resourceId: string, priority: number): number {
  const u = hashUnit(seed, `scene:${taskId}:${resourceId}`);
  // Urgent jobs hold crews longer: 25-70 min for priority 1, 15-45 min otherwise.
  const [lo, hi] = priority === 1 ? [25, 70] : [15, 45];
  return Math.round((lo + (hi - lo) * u) * 60);
}

export { round6 };
