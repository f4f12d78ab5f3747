/**
 * The live cover service: keeps the latest cover picture, recomputes the surfaces a status
 * change touches, tells listeners (the COP hub) with a small summary, answers what-if and
 * standby-move questions, and ends a standby move when the resource's AVL position reaches its
 * destination. docs/cover.md.
 *
 * The computation runs on a worker thread (./computer.ts, ./worker.ts): a status change marks
 * its surfaces dirty; after a debounce the service sends the worker the availability changes
 * since its last request (resource id, status, position) and the dirty surfaces, and publishes
 * the answer stamped with the event sequence number the request was made at. Changes that arrive
 * while a recompute runs are coalesced into the next request, sent as soon as the answer is in.
 * A crashed worker is restarted (logged) and the last picture is served meanwhile.
 */
import type { Clock } from '../../core/clock.ts';
import { CoverModel, type CoverOptions } from '../../core/cover/model.ts';
import { recommendMoves, whatIf, type MoveOptions, type MoveRecommendation, type WhatIfResult } from '../../core/cover/moves.ts';
import { STANDBY_ARRIVAL_M, type StandbyMove } from '../../core/cover/standby.ts';
import { isDeployable, type ResourceStatus } from '../../core/fleet/status.ts';
import { haversineM } from '../../core/geo.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { computeSurfaces, type AvailabilityChange, type CoverSurfaceSnapshot } from './calc.ts';
import { CoverWorkerLost, InlineComputer, WorkerComputer, type CoverComputer } from './computer.ts';
import type { SharedGraph } from './shared-graph.ts';

export type { CoverSurfaceSnapshot } from './calc.ts';

export interface CoverSnapshot {
  computedAtMs: number;
  /** Event sequence number the picture reflects. */
  eventSeq: number;
  surfaces: CoverSurfaceSnapshot[];
  standby: StandbyMove[];
}

/** The small object pushed to listeners (the COP): figures and counts, no geometry. */
export interface CoverSummary {
  computedAtMs: number;
  eventSeq: number;
  figures: Array<{ surface: string; standardId: string; nth: number; withinS: number; coveredShare: number; meetsStandard: boolean; label: string }>;
  gapCells: number;
  standbyMoves: number;
}

export type Schedule = (fn: () => void, ms: number) => () => void;
const realSchedule: Schedule = (fn, ms) => {
  const t = setTimeout(fn, ms);
  return () => clearTimeout(t);
};

export interface CoverServiceOptions {
  engine: Engine;
  planner: JourneyPlanner;
  clock: Clock;
  log?: Logger;
  model?: CoverOptions;
  /** Debounce of availability changes, ms (default 200). */
  debounceMs?: number;
  /** Timer; tests pass one they drive by hand, or call flush() / flushAsync(). */
  schedule?: Schedule;
  /** 'worker' (default, what the server runs) or 'inline': the same computation on this thread. */
  mode?: 'worker' | 'inline';
  /** The road graph already in shared memory (a bench running several services shares one copy). */
  shared?: SharedGraph;
  /** First worker restart delay after a crash, ms (default 250, doubling per crash in a row). */
  restartDelayMs?: number;
}

/** Main-thread cost of the live recompute (the bench reports it beside the worker's compute time). */
export interface CoverServiceStats {
  /** Recomputes published. */
  computes: number;
  /** Main thread: collecting the changes and posting the last request, ms. */
  lastDispatchMs: number;
  /** Main thread: taking in the last answer, building the snapshot and calling listeners, ms. */
  lastPublishMs: number;
  /** Worker: the last recompute's compute time summed over its surfaces, ms. */
  lastComputeMs: number;
}

interface Waiter {
  resolve: (s: CoverSnapshot) => void;
  reject: (e: Error) => void;
}

export class CoverService {
  /** Main-thread model: surface definitions, and the synchronous whatIf/moves. */
  readonly model: CoverModel;
  readonly computer: CoverComputer;
  readonly stats: CoverServiceStats = { computes: 0, lastDispatchMs: 0, lastPublishMs: 0, lastComputeMs: 0 };
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly debounceMs: number;
  private readonly schedule: Schedule;
  private readonly pictures = new Map<string, CoverSurfaceSnapshot>();
  /** Event seq each surface's picture was computed at. */
  private readonly pictureSeq = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** What the computer was last told about each resource. */
  private readonly sent = new Map<string, { status: ResourceStatus; lat: number; lon: number }>();
  private readonly listeners = new Set<(s: CoverSummary) => void>();
  private waiters: Waiter[] = [];
  private cancelTimer: (() => void) | null = null;
  /** Surfaces of the compute request the worker is answering ([] when none is). */
  private inFlight: string[] = [];
  private standbyChanged = false;
  private snapshot: CoverSnapshot | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(opts: CoverServiceOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.log = opts.log;
    this.debounceMs = opts.debounceMs ?? 200;
    this.schedule = opts.schedule ?? realSchedule;
    const scenario = opts.engine.room.scenario;
    this.model = new CoverModel(opts.planner, scenario, opts.model);
    this.computer =
      opts.mode === 'inline'
        ? new InlineComputer(opts.planner, scenario, opts.model)
        : new WorkerComputer({
            planner: opts.planner,
            scenario,
            log: opts.log,
            ...(opts.model ? { model: opts.model } : {}),
            ...(opts.shared ? { shared: opts.shared } : {}),
            ...(opts.restartDelayMs !== undefined ? { restartDelayMs: opts.restartDelayMs } : {}),
          });
    this.computer.onReset(() => this.sent.clear());
    for (const s of this.model.surfaces) this.dirty.add(s.key);
    this.unsubscribe.push(
      this.engine.onEvents((events) => {
        let touched = false;
        for (const e of events) {
          if (e.type === 'resource.status') {
            const r = this.engine.room.fleet.get(e.data.resourceId);
            if (!r) continue;
            for (const s of this.model.surfacesOf(r.def)) this.dirty.add(s.key);
            touched = true;
          } else if (e.type === 'cover.standbyOrdered' || e.type === 'cover.standbyEnded') {
            this.standbyChanged = true;
            touched = true;
          }
        }
        if (touched) this.kick();
      }),
      this.engine.onPositions((ids) => this.checkArrivals(ids)),
    );
    this.kick();
  }

  /** Listen for every new picture; returns an unsubscribe function. */
  onChange(listener: (s: CoverSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest picture (null before the first compute). */
  latest(): CoverSnapshot | null {
    return this.snapshot;
  }

  summary(): CoverSummary | null {
    const s = this.snapshot;
    if (!s) return null;
    const figures = s.surfaces.flatMap((x) =>
      x.figures.map((f) => ({ surface: f.surface, standardId: f.standardId, nth: f.nth, withinS: f.withinS, coveredShare: f.coveredShare, meetsStandard: f.meetsStandard, label: f.label })),
    );
    const gapCells = s.surfaces.reduce((n, x) => n + x.gaps.reduce((m, g) => m + g.cells.length, 0), 0);
    return { computedAtMs: s.computedAtMs, eventSeq: s.eventSeq, figures, gapCells, standbyMoves: s.standby.length };
  }

  private kick(): void {
    if (this.closed || this.cancelTimer) return;
    this.cancelTimer = this.schedule(() => {
      this.cancelTimer = null;
      this.dispatch();
    }, this.debounceMs);
  }

  /**
   * Recompute the dirty surfaces now, on this thread (the same code the worker runs), publish and
   * return the picture. Blocks for the compute time: for tests and tools; the live path and REST
   * use the worker (flushAsync). A worker answer to an older request is then not published over it.
   */
  flush(): CoverSnapshot {
    if (this.closed) throw new Error('the cover service is closed');
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = null;
    }
    // Surfaces the worker is computing now count as dirty too: its answer will be older than this.
    const keys = this.model.surfaces.filter((s) => this.dirty.has(s.key) || this.inFlight.includes(s.key)).map((s) => s.key);
    this.dirty.clear();
    this.publish(computeSurfaces(this.model, [...this.engine.room.fleet.all()], keys), this.engine.room.lastSeq);
    return this.snapshot!;
  }

  /**
   * Send whatever is dirty to the worker now (skipping the debounce) and resolve with the first
   * picture published after every change so far; at once if nothing is dirty or computing.
   */
  flushAsync(): Promise<CoverSnapshot> {
    if (this.closed) return Promise.reject(new Error('the cover service is closed'));
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = null;
    }
    if (this.inFlight.length === 0 && this.dirty.size === 0 && !this.standbyChanged && this.snapshot) return Promise.resolve(this.snapshot);
    const p = new Promise<CoverSnapshot>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.dispatch();
    return p;
  }

  /** Availability changes since the computer was last told (status, and position while deployable). */
  private changes(): AvailabilityChange[] {
    const out: AvailabilityChange[] = [];
    for (const r of this.engine.room.fleet.all()) {
      const prev = this.sent.get(r.def.id);
      if (prev && prev.status === r.status && (!isDeployable(r.status) || (Object.is(prev.lat, r.lat) && Object.is(prev.lon, r.lon)))) continue;
      out.push({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon });
      this.sent.set(r.def.id, { status: r.status, lat: r.lat, lon: r.lon });
    }
    return out;
  }

  private dispatch(): void {
    if (this.closed || this.inFlight.length > 0) return;
    if (this.dirty.size === 0) {
      // A standby order or end changes only the snapshot's list of moves: no recompute.
      if (this.standbyChanged && this.snapshot) this.publish([], this.engine.room.lastSeq);
      return;
    }
    const t0 = performance.now();
    const surfaces = this.model.surfaces.filter((s) => this.dirty.has(s.key)).map((s) => s.key);
    this.dirty.clear();
    const eventSeq = this.engine.room.lastSeq;
    this.inFlight = surfaces;
    this.computer.request(this.changes(), { kind: 'compute', surfaces }).then(
      (pictures) => {
        this.inFlight = [];
        this.publish(pictures, eventSeq);
      },
      (e: unknown) => {
        this.inFlight = [];
        this.failed(surfaces, e);
      },
    );
    this.stats.lastDispatchMs = performance.now() - t0;
  }

  private publish(pictures: readonly CoverSurfaceSnapshot[], eventSeq: number): void {
    if (this.closed) return;
    const start = performance.now();
    let fresh = 0;
    for (const p of pictures) {
      // A flush() on this thread may have computed a surface from a later state meanwhile.
      if ((this.pictureSeq.get(p.key) ?? -1) > eventSeq) continue;
      this.pictures.set(p.key, p);
      this.pictureSeq.set(p.key, eventSeq);
      fresh++;
    }
    if (pictures.length > 0 && fresh === 0) return this.settle();
    this.standbyChanged = false;
    const surfaces = this.model.surfaces.flatMap((s) => this.pictures.get(s.key) ?? []);
    const seq = Math.max(eventSeq, this.snapshot?.eventSeq ?? 0);
    this.snapshot = { computedAtMs: this.clock(), eventSeq: seq, surfaces, standby: this.engine.room.standby.active() };
    const summary = this.summary();
    if (summary) {
      for (const l of this.listeners) {
        try {
          l(summary);
        } catch (e) {
          this.log?.error('cover listener failed', { err: e instanceof Error ? e.message : String(e) });
        }
      }
    }
    if (pictures.length > 0) {
      this.stats.computes++;
      this.stats.lastComputeMs = pictures.reduce((t, p) => t + p.computeMs, 0);
      this.stats.lastPublishMs = performance.now() - start;
    }
    this.settle();
  }

  /** Changes that came in while the worker computed: send them now, in one request; else answer waiters. */
  private settle(): void {
    if (this.dirty.size > 0) this.dispatch();
    const snap = this.snapshot;
    if (this.inFlight.length > 0 || !snap) return;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.resolve(snap);
  }

  private failed(surfaces: readonly string[], e: unknown): void {
    if (this.closed) return;
    for (const k of surfaces) this.dirty.add(k);
    if (e instanceof CoverWorkerLost) {
      // The worker is restarting (already logged); ask again at once, the request waits for it.
      this.dispatch();
      return;
    }
    this.log?.error('cover recompute failed; serving the last picture', { err: e instanceof Error ? e.message : String(e) });
    const ws = this.waiters;
    this.waiters = [];
    const snap = this.snapshot;
    for (const w of ws) {
      if (snap) w.resolve(snap);
      else w.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Cover after committing these resources (what-if), from the live fleet, on this thread. */
  whatIf(resourceIds: readonly string[]): WhatIfResult {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    return whatIf(this.model, [...this.engine.room.fleet.all()], resourceIds);
  }

  /** whatIf computed on the cover worker (same answer; the main thread is not held up). */
  whatIfAsync(resourceIds: readonly string[]): Promise<WhatIfResult> {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    return this.computer.request(this.changes(), { kind: 'whatIf', resourceIds: [...resourceIds] });
  }

  /** Standby moves, best first, on this thread; resources already on a standby move are left where they go. */
  moves(opts: MoveOptions = {}): MoveRecommendation[] {
    return recommendMoves(this.model, [...this.engine.room.fleet.all()], { ...opts, exclude: this.excluded(opts) });
  }

  /** moves computed on the cover worker, whose trees the live recompute keeps warm (same answer). */
  movesAsync(opts: Omit<MoveOptions, 'prune'> = {}): Promise<MoveRecommendation[]> {
    const query = { ...(opts.surface !== undefined ? { surface: opts.surface } : {}), ...(opts.limit !== undefined ? { limit: opts.limit } : {}), exclude: [...this.excluded(opts)] };
    return this.computer.request(this.changes(), { kind: 'moves', query });
  }

  private excluded(opts: MoveOptions): Set<string> {
    const exclude = new Set(this.engine.room.standby.active().map((m) => m.resourceId));
    for (const id of opts.exclude ?? []) exclude.add(id);
    return exclude;
  }

  private checkArrivals(ids: readonly string[]): void {
    const room = this.engine.room;
    const arrived: string[] = [];
    for (const id of ids) {
      const m = room.standby.get(id);
      const r = room.fleet.get(id);
      if (!m || !r) continue;
      if (haversineM(r.lat, r.lon, m.destination.lat, m.destination.lon) <= STANDBY_ARRIVAL_M) arrived.push(id);
    }
    if (arrived.length === 0) return;
    // Not inside the position fan-out: end the moves once the current listeners have run.
    queueMicrotask(() => {
      for (const id of arrived) {
        if (!room.standby.get(id)) continue;
        try {
          this.engine.execute({ type: 'cover.endStandby', resourceId: id, reason: 'arrived' }, { origin: 'system', actor: 'cover' });
        } catch (e) {
          this.log?.warn('standby arrival not recorded', { resourceId: id, err: e instanceof Error ? e.message : String(e) });
        }
      }
    });
  }

  /** Stop: no more recomputes, pending flushes settle, the worker is terminated. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cancelTimer) this.cancelTimer();
    this.cancelTimer = null;
    for (const u of this.unsubscribe) u();
    this.listeners.clear();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(new Error('the cover service is closed'));
    await this.computer.close();
  }
}
