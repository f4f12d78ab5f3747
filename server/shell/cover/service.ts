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
 *
 * Each picture carries its surfaces' responder lists (core/cover/responders.ts), so what-if
 * questions of a few resources (a recommendation's cover impact) are answered on this thread,
 * exactly and without a search. Positions alone do not mark surfaces dirty; a bounded refresh
 * recomputes when an available mobile or returning resource has moved far from where the
 * published picture has it (refreshMovedM), at most once per refreshMs.
 */
import type { Clock } from '../../core/clock.ts';
import { respondersImpact, type CoverImpact } from '../../core/cover/impact.ts';
import { CoverModel, type CoverOptions } from '../../core/cover/model.ts';
import { recommendMoves, type MoveOptions, type MoveRecommendation } from '../../core/cover/moves.ts';
import { whatIf, whatIfFromResponders, type WhatIfResult } from '../../core/cover/what-if.ts';
import type { ResponderLists } from '../../core/cover/responders.ts';
import { STANDBY_ARRIVAL_M, type StandbyMove } from '../../core/cover/standby.ts';
import { isDeployable, ResourceStatus } from '../../core/fleet/status.ts';
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
  figures: Array<{
    surface: string;
    standardId: string;
    nth: number;
    withinS: number;
    coveredShare: number;
    meetsStandard: boolean;
    label: string;
  }>;
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
  /**
   * Position refresh: an AVAILABLE_MOBILE or RETURNING resource farther than refreshMovedM
   * metres (default 200) from where the published picture has it schedules a recompute of its
   * surfaces refreshMs later (default 10,000); at most one such refresh per refreshMs.
   */
  refreshMs?: number;
  refreshMovedM?: number;
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
  /** Recomputes started because available resources moved (position refresh). */
  refreshes: number;
}

/** What /metrics reports about the cover computation. */
export interface CoverHealth {
  computes: number;
  lastComputeMs: number;
  /** Cover worker restarts after a crash (0 in-thread). */
  restarts: number;
  refreshes: number;
}

interface Waiter {
  resolve: (s: CoverSnapshot) => void;
  reject: (e: Error) => void;
  /** changeGen when it asked: any picture published from a request made at or after it will do. */
  need: number;
}

export class CoverService {
  /** Main-thread model: surface definitions, and the synchronous whatIf/moves. */
  readonly model: CoverModel;
  readonly computer: CoverComputer;
  readonly stats: CoverServiceStats = {
    computes: 0,
    lastDispatchMs: 0,
    lastPublishMs: 0,
    lastComputeMs: 0,
    refreshes: 0,
  };
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly debounceMs: number;
  private readonly schedule: Schedule;
  private readonly refreshMs: number;
  private readonly refreshMovedM: number;
  /** Resources seen moving far while available mobile or returning, since the last refresh. */
  private readonly moved = new Set<string>();
  private cancelRefresh: (() => void) | null = null;
  private readonly pictures = new Map<string, CoverSurfaceSnapshot>();
  /** Event seq each surface's picture was computed at. */
  private readonly pictureSeq = new Map<string, number>();
  private readonly dirty = new Set<string>();
  /** What the computer was last told about each resource. */
  private readonly sent = new Map<string, { status: ResourceStatus; lat: number; lon: number }>();
  /**
   * Per resource, what the computer had been told when every surface the resource serves was
   * last recomputed: the position the published picture reflects. A moves or what-if request,
   * or a recompute of other surfaces, also tells the computer new positions (updating `sent`)
   * without recomputing this resource's surfaces, so the position refresh compares with this.
   */
  private readonly pictured = new Map<string, { status: ResourceStatus; lat: number; lon: number }>();
  private readonly listeners = new Set<(s: CoverSummary) => void>();
  private waiters: Waiter[] = [];
  private cancelTimer: (() => void) | null = null;
  /** Surfaces of the compute request the worker is answering ([] when none is). */
  private inFlight: string[] = [];
  private standbyChanged = false;
  /**
   * Counts changes that call for a new picture (status or standby events, a position refresh);
   * `publishedGen` is the count as of the request behind the latest picture. A waiter is answered
   * by the first picture whose request saw its changes, not only once the service is idle: under
   * steady churn it never is.
   */
  private changeGen = 0;
  private publishedGen = 0;
  private snapshot: CoverSnapshot | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(opts: CoverServiceOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.log = opts.log;
    this.debounceMs = opts.debounceMs ?? 200;
    this.schedule = opts.schedule ?? realSchedule;
    this.refreshMs = opts.refreshMs ?? 10_000;
    this.refreshMovedM = opts.refreshMovedM ?? 200;
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
        if (touched) {
          this.changeGen++;
          this.kick();
        }
      }),
      this.engine.onPositions((ids) => {
        this.checkArrivals(ids);
        this.checkMoved(ids);
      }),
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
      x.figures.map((f) => ({
        surface: f.surface,
        standardId: f.standardId,
        nth: f.nth,
        withinS: f.withinS,
        coveredShare: f.coveredShare,
        meetsStandard: f.meetsStandard,
        label: f.label,
      })),
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
    const keys = this.model.surfaces
      .filter((s) => this.dirty.has(s.key) || this.inFlight.includes(s.key))
      .map((s) => s.key);
    this.dirty.clear();
    this.publish(
      computeSurfaces(this.model, [...this.engine.room.fleet.all()], keys),
      this.engine.room.lastSeq,
      this.changeGen,
    );
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
    if (this.inFlight.length === 0 && this.dirty.size === 0 && !this.standbyChanged && this.snapshot)
      return Promise.resolve(this.snapshot);
    const need = this.changeGen;
    const p = new Promise<CoverSnapshot>((resolve, reject) => this.waiters.push({ resolve, reject, need }));
    this.dispatch();
    return p;
  }

  /** Availability changes since the computer was last told (status, and position while deployable). */
  private changes(): AvailabilityChange[] {
    const out: AvailabilityChange[] = [];
    for (const r of this.engine.room.fleet.all()) {
      const prev = this.sent.get(r.def.id);
      if (
        prev &&
        prev.status === r.status &&
        (!isDeployable(r.status) || (Object.is(prev.lat, r.lat) && Object.is(prev.lon, r.lon)))
      )
        continue;
      out.push({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon });
      this.sent.set(r.def.id, { status: r.status, lat: r.lat, lon: r.lon });
    }
    return out;
  }

  private dispatch(): void {
    if (this.closed || this.inFlight.length > 0) return;
    if (this.dirty.size === 0) {
      // A standby order or end changes only the snapshot's list of moves: no recompute.
      if (this.standbyChanged && this.snapshot) this.publish([], this.engine.room.lastSeq, this.changeGen);
      return;
    }
    const t0 = performance.now();
    const surfaces = this.model.surfaces.filter((s) => this.dirty.has(s.key)).map((s) => s.key);
    this.dirty.clear();
    const eventSeq = this.engine.room.lastSeq;
    const gen = this.changeGen;
    this.inFlight = surfaces;
    const changes = this.changes();
    this.notePictured(surfaces);
    this.computer.request(changes, { kind: 'compute', surfaces }).then(
      (pictures) => {
        this.inFlight = [];
        this.publish(pictures, eventSeq, gen);
      },
      (e: unknown) => {
        this.inFlight = [];
        this.failed(surfaces, e);
      },
    );
    this.stats.lastDispatchMs = performance.now() - t0;
  }

  /** After a compute request for `surfaces`: resources all of whose surfaces it recomputes are pictured as sent. */
  private notePictured(surfaces: readonly string[]): void {
    const computing = new Set(surfaces);
    const fleet = this.engine.room.fleet;
    for (const [id, seen] of this.sent) {
      if (this.pictured.get(id) === seen) continue; // entries are replaced, never mutated
      const r = fleet.get(id);
      if (r && this.model.surfacesOf(r.def).every((s) => computing.has(s.key))) this.pictured.set(id, seen);
    }
  }

  private publish(pictures: readonly CoverSurfaceSnapshot[], eventSeq: number, gen: number): void {
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
    this.publishedGen = Math.max(this.publishedGen, gen);
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

  /**
   * Changes that came in while the worker computed: send them now, in one request. Answer the
   * waiters this picture satisfies (its request saw their changes), and every waiter once idle.
   */
  private settle(): void {
    if (this.dirty.size > 0) this.dispatch();
    const snap = this.snapshot;
    if (!snap) return;
    const idle = this.inFlight.length === 0;
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      if (idle || w.need <= this.publishedGen) w.resolve(snap);
      else this.waiters.push(w);
    }
  }

  private failed(surfaces: readonly string[], e: unknown): void {
    if (this.closed) return;
    for (const k of surfaces) this.dirty.add(k);
    if (e instanceof CoverWorkerLost) {
      // The worker is restarting (already logged); ask again at once, the request waits for it.
      this.dispatch();
      return;
    }
    this.log?.error('cover recompute failed; serving the last picture', {
      err: e instanceof Error ? e.message : String(e),
    });
    const ws = this.waiters;
    this.waiters = [];
    const snap = this.snapshot;
    for (const w of ws) {
      if (snap) w.resolve(snap);
      else w.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Responder lists of the latest picture, by surface (empty before the first picture). */
  private responders(): Map<string, ResponderLists> {
    return new Map([...this.pictures].map(([key, p]) => [key, p.responders]));
  }

  /**
   * Cover after committing these resources (what-if), on this thread. Read from the latest
   * picture's responder lists when they answer it exactly (up to m of a surface's sources;
   * microseconds); otherwise computed from the live fleet on this thread's own model, which may
   * build search trees and block (whatIfAsync does not).
   */
  whatIf(resourceIds: readonly string[]): WhatIfResult {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    const lists = this.responders();
    return (
      whatIfFromResponders(this.model, (key) => lists.get(key), resourceIds) ??
      whatIf(this.model, [...this.engine.room.fleet.all()], resourceIds)
    );
  }

  /**
   * The what-if against the picture of every change so far: from its responder lists when they
   * answer exactly, else computed on the cover worker. The main thread never searches.
   */
  async whatIfAsync(resourceIds: readonly string[]): Promise<WhatIfResult> {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    await this.flushAsync();
    const lists = this.responders();
    return (
      whatIfFromResponders(this.model, (key) => lists.get(key), resourceIds) ??
      this.computer.request(this.changes(), { kind: 'whatIf', resourceIds: [...resourceIds] })
    );
  }

  /**
   * A recommendation's cover impact against the latest picture (null before the first one: the
   * recommendation then reports cover as not evaluated). Candidates are read from the picture's
   * responder lists, exactly; only a set larger than the lists answer falls back to whatIf.
   */
  liveImpact(): CoverImpact | null {
    if (!this.snapshot) return null;
    return respondersImpact(this.model, this.responders(), (ids) => this.whatIf(ids));
  }

  /** Health of the cover computation, for /metrics. */
  health(): CoverHealth {
    return {
      computes: this.stats.computes,
      lastComputeMs: this.stats.lastComputeMs,
      restarts: this.computer.restarts,
      refreshes: this.stats.refreshes,
    };
  }

  /** Standby moves, best first, on this thread; resources already on a standby move are left where they go. */
  moves(opts: MoveOptions = {}): MoveRecommendation[] {
    return recommendMoves(this.model, [...this.engine.room.fleet.all()], { ...opts, exclude: this.excluded(opts) });
  }

  /** moves computed on the cover worker, whose trees the live recompute keeps warm (same answer). */
  movesAsync(opts: Omit<MoveOptions, 'prune'> = {}): Promise<MoveRecommendation[]> {
    const query = {
      ...(opts.surface !== undefined ? { surface: opts.surface } : {}),
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      exclude: [...this.excluded(opts)],
    };
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
          this.engine.execute(
            { type: 'cover.endStandby', resourceId: id, reason: 'arrived' },
            { origin: 'system', actor: 'cover' },
          );
        } catch (e) {
          this.log?.warn('standby arrival not recorded', {
            resourceId: id,
            err: e instanceof Error ? e.message : String(e),
          });
        }
      }
    });
  }

  /**
   * Position refresh: note available mobile and returning resources that are now farther than
   * refreshMovedM from the position the published picture has, and schedule one refresh for them.
   * Jitter within the threshold never recomputes; a moving fleet recomputes at most once per
   * refreshMs (the timer is not re-armed while one is pending).
   */
  private checkMoved(ids: readonly string[]): void {
    if (this.closed) return;
    for (const id of ids) if (this.movedFar(id)) this.moved.add(id);
    if (this.moved.size === 0 || this.cancelRefresh) return;
    this.cancelRefresh = this.schedule(() => {
      this.cancelRefresh = null;
      this.refresh();
    }, this.refreshMs);
  }

  private movedFar(id: string): boolean {
    const r = this.engine.room.fleet.get(id);
    if (!r || (r.status !== ResourceStatus.AVAILABLE_MOBILE && r.status !== ResourceStatus.RETURNING)) return false;
    const seen = this.pictured.get(id);
    // Never in a compute request: the first one sends the whole fleet anyway.
    return seen !== undefined && haversineM(seen.lat, seen.lon, r.lat, r.lon) > this.refreshMovedM;
  }

  private refresh(): void {
    if (this.closed) return;
    let any = false;
    for (const id of this.moved) {
      // Checked again: it may have come back, stopped being available, or been sent since.
      if (!this.movedFar(id)) continue;
      for (const s of this.model.surfacesOf(this.engine.room.fleet.require(id).def)) this.dirty.add(s.key);
      any = true;
    }
    this.moved.clear();
    if (!any) return;
    this.changeGen++;
    this.stats.refreshes++;
    this.dispatch();
  }

  /** Stop: no more recomputes, pending flushes settle, the worker is terminated. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cancelTimer) this.cancelTimer();
    this.cancelTimer = null;
    if (this.cancelRefresh) this.cancelRefresh();
    this.cancelRefresh = null;
    for (const u of this.unsubscribe) u();
    this.listeners.clear();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(new Error('the cover service is closed'));
    await this.computer.close();
  }
}
