/**
 * The live cover service: keeps the latest cover picture, recomputes the surfaces a status
 * change touches, tells listeners (the COP hub) with a small summary, and answers what-if and
 * standby-move questions. docs/cover.md. (A standby move ends on arrival by the reactor's
 * standby-arrival policy: server/shell/reactor.ts, server/core/reactions/.)
 *
 * The computation runs on a worker thread (./computer.ts, ./worker.ts), fed by the recompute
 * queue (./recompute.ts) from what the computer was told of the fleet (./fleet-view.ts); answers
 * become the published picture (./pictures.ts). Its watchers: the change records of status and
 * standby events (./status-watcher.ts) and the position refresh (./position-refresh.ts). This
 * class wires them and answers the questions.
 *
 * Each picture carries its surfaces' responder lists (core/cover/responders.ts), so what-if
 * questions of a few resources (a recommendation's cover impact) are answered on this thread,
 * exactly and without a search.
 */
import type { Clock } from '../../core/clock.ts';
import { respondersImpact, type CoverImpact } from '../../core/cover/impact.ts';
import { CoverModel, type CoverOptions } from '../../core/cover/model.ts';
import { recommendMoves, type MoveOptions, type MoveRecommendation } from '../../core/cover/moves.ts';
import { whatIf, whatIfFromResponders, type WhatIfResult } from '../../core/cover/what-if.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { InlineComputer, WorkerComputer, type CoverComputer } from './computer.ts';
import { FleetView } from './fleet-view.ts';
import { CoverPictures, type CalibrationStamp, type CoverSnapshot, type CoverSummary } from './pictures.ts';
import { PositionRefresh } from './position-refresh.ts';
import { RecomputeQueue, type CoverServiceStats } from './recompute.ts';
import { serverTimers, type Timers } from '../timers.ts';
import type { SharedGraph } from './shared-graph.ts';
import type { CoverSpeeds } from './protocol.ts';
import { watchStatus } from './status-watcher.ts';

/** A what-if and which calibration (version, time band) timed it: null for the prior's journey times. */
export type TimedWhatIf = WhatIfResult & { calibration: CalibrationStamp | null };

export type { CoverSurfaceSnapshot } from './calc.ts';
export type { CoverSnapshot, CoverSummary } from './pictures.ts';
export type { CoverServiceStats } from './recompute.ts';

export interface CoverServiceOptions {
  engine: Engine;
  planner: JourneyPlanner;
  clock: Clock;
  log?: Logger;
  model?: CoverOptions;
  /** Debounce of availability changes, ms (default 200). */
  debounceMs?: number;
  /** Timer; tests pass one they drive by hand, or call flush() / flushAsync(). */
  timers?: Timers;
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

/** What /metrics reports about the cover computation. */
export interface CoverHealth {
  computes: number;
  lastComputeMs: number;
  /** Cover worker restarts after a crash (0 in-thread). */
  restarts: number;
  refreshes: number;
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
  private readonly pictures: CoverPictures;
  private readonly view: FleetView;
  private readonly queue: RecomputeQueue;
  private readonly refresh: PositionRefresh;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;
  private readonly log: Logger | undefined;
  /** The speeds the computer was last told (null: the prior's): what a request made now is timed with. */
  private speeds: CalibrationStamp | null = null;

  constructor(opts: CoverServiceOptions) {
    const engine = (this.engine = opts.engine);
    this.log = opts.log;
    const scenario = engine.room.scenario;
    const model = (this.model = new CoverModel(opts.planner, scenario, opts.model));
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
    this.view = new FleetView(engine, model);
    this.computer.onReset(() => this.view.reset());
    this.pictures = new CoverPictures(model, opts.log);
    const timers = opts.timers ?? serverTimers;
    const stats = this.stats;
    this.queue = new RecomputeQueue({
      engine,
      model,
      computer: this.computer,
      pictures: this.pictures,
      view: this.view,
      clock: opts.clock,
      log: opts.log,
      stats,
      debounceMs: opts.debounceMs ?? 200,
      timers,
      calibration: () => this.speeds,
    });
    this.unsubscribe.push(watchStatus(engine, model, this.queue));
    this.refresh = new PositionRefresh({
      engine,
      model,
      view: this.view,
      queue: this.queue,
      stats,
      timers,
      everyMs: opts.refreshMs ?? 10_000,
      movedM: opts.refreshMovedM ?? 200,
    });
    this.queue.kick();
  }

  /**
   * Time journeys with a calibration's band speeds from now on (null: the prior's) and recompute
   * every surface (docs/calibration.md). The worker answers in order, so every later picture is
   * timed with them; a restarted worker starts with them.
   */
  setSpeeds(speeds: CoverSpeeds | null): void {
    if (this.closed) return;
    this.speeds = speeds && { version: speeds.version, band: speeds.band };
    this.computer.request(this.view.changes(), { kind: 'speeds', speeds }).catch((e: unknown) => {
      this.log?.error('cover speeds not set', { err: e instanceof Error ? e.message : String(e) });
    });
    this.queue.mark(this.model.surfaces.map((s) => s.key));
    this.queue.changed();
    this.queue.kick();
  }

  /** Listen for every new picture; returns an unsubscribe function. */
  onChange(listener: (s: CoverSummary) => void): () => void {
    return this.pictures.onChange(listener);
  }

  /** The latest picture (null before the first compute). */
  latest(): CoverSnapshot | null {
    return this.pictures.latest();
  }

  summary(): CoverSummary | null {
    return this.pictures.summary();
  }

  /**
   * Recompute the dirty surfaces now, on this thread (the same code the worker runs), publish and
   * return the picture. Blocks for the compute time: for tests and tools; the live path and REST
   * use the worker (flushAsync). A worker answer to an older request is then not published over it.
   */
  flush(): CoverSnapshot {
    return this.queue.flush();
  }

  /**
   * Send whatever is dirty to the worker now (skipping the debounce) and resolve with the first
   * picture published after every change so far; at once if nothing is dirty or computing.
   */
  flushAsync(): Promise<CoverSnapshot> {
    return this.queue.flushAsync();
  }

  /**
   * Cover after committing these resources (what-if), on this thread. Read from the latest
   * picture's responder lists when they answer it exactly (up to m of a surface's sources;
   * microseconds); otherwise computed from the live fleet on this thread's own model, which may
   * build search trees and block (whatIfAsync does not).
   */
  whatIf(resourceIds: readonly string[]): TimedWhatIf {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    const lists = this.pictures.responders();
    const read = whatIfFromResponders(this.model, (key) => lists.get(key), resourceIds);
    if (read) return { ...read, calibration: this.pictures.latest()?.calibration ?? null };
    // this thread's own model: the prior's journey times
    return { ...whatIf(this.model, [...this.engine.room.fleet.all()], resourceIds), calibration: null };
  }

  /** Which calibration the computer times with now (null: the prior's): a request made now is answered with it. */
  get calibration(): CalibrationStamp | null {
    return this.speeds;
  }

  /**
   * The what-if against the picture of every change so far: from its responder lists when they
   * answer exactly, else computed on the cover worker. The main thread never searches.
   */
  async whatIfAsync(resourceIds: readonly string[]): Promise<TimedWhatIf> {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    await this.flushAsync();
    const lists = this.pictures.responders();
    const read = whatIfFromResponders(this.model, (key) => lists.get(key), resourceIds);
    if (read) return { ...read, calibration: this.pictures.latest()?.calibration ?? null };
    const calibration = this.speeds; // the worker answers in order: the speeds it was last told
    const r = await this.computer.request(this.view.changes(), { kind: 'whatIf', resourceIds: [...resourceIds] });
    return { ...r, calibration };
  }

  /**
   * A recommendation's cover impact against the latest picture (null before the first one: the
   * recommendation then reports cover as not evaluated). Candidates are read from the picture's
   * responder lists, exactly; only a set larger than the lists answer falls back to whatIf.
   */
  liveImpact(): CoverImpact | null {
    if (!this.pictures.latest()) return null;
    return respondersImpact(this.model, this.pictures.responders(), (ids) => this.whatIf(ids));
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
    return this.computer.request(this.view.changes(), { kind: 'moves', query });
  }

  private excluded(opts: MoveOptions): Set<string> {
    const exclude = new Set(this.engine.room.standby.active().map((m) => m.resourceId));
    for (const id of opts.exclude ?? []) exclude.add(id);
    return exclude;
  }

  /** Stop: no more recomputes, pending flushes settle, the worker is terminated. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.close();
    this.refresh.close();
    for (const u of this.unsubscribe) u();
    this.pictures.close();
    await this.computer.close();
  }
}
