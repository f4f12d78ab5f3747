/**
 * The cover's recompute queue. Watchers mark surfaces dirty (a status change) or note a standby
 * order or end; after a debounce the queue sends the computer the availability changes since its
 * last request (./fleet-view.ts) and the dirty surfaces, and publishes the answer stamped with the
 * event sequence number the request was made at (./pictures.ts). Changes that arrive while a
 * recompute runs are coalesced into the next request, sent as soon as the answer is in. A crashed
 * worker is asked again once restarted; any other failure serves the last picture.
 */
import type { Clock } from '../../core/clock.ts';
import type { CoverModel } from '../../core/cover/model.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import { after, type Timers } from '../timers.ts';
import { computeSurfaces, type CoverSurfaceSnapshot } from './calc.ts';
import { CoverWorkerLost, type CoverComputer } from './computer.ts';
import type { FleetView } from './fleet-view.ts';
import type { CalibrationStamp, CoverPictures, CoverSnapshot } from './pictures.ts';

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

export interface RecomputeDeps {
  engine: Engine;
  model: CoverModel;
  computer: CoverComputer;
  pictures: CoverPictures;
  view: FleetView;
  clock: Clock;
  log: Logger | undefined;
  stats: CoverServiceStats;
  debounceMs: number;
  timers: Timers;
  /** Which calibration the computer times with now (null: the prior): stamped on its pictures. */
  calibration: () => CalibrationStamp | null;
}

interface Waiter {
  resolve: (s: CoverSnapshot) => void;
  reject: (e: Error) => void;
  /** changeGen when it asked: any picture published from a request made at or after it will do. */
  need: number;
}

export class RecomputeQueue {
  private readonly dirty = new Set<string>();
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
  private waiters: Waiter[] = [];
  private cancelTimer: (() => void) | null = null;
  private closed = false;

  constructor(private readonly d: RecomputeDeps) {
    for (const s of d.model.surfaces) this.dirty.add(s.key);
  }

  /** These surfaces need a recompute. */
  mark(surfaces: Iterable<string>): void {
    for (const k of surfaces) this.dirty.add(k);
  }

  /** A standby order or end: the next snapshot lists the moves anew. */
  noteStandby(): void {
    this.standbyChanged = true;
  }

  /** A change that calls for a new picture came in (waiters asking from now on wait for it). */
  changed(): void {
    this.changeGen++;
  }

  /** Dispatch after the debounce (one timer at a time). */
  kick(): void {
    if (this.closed || this.cancelTimer) return;
    this.cancelTimer = after(this.d.timers, this.d.debounceMs, () => {
      this.cancelTimer = null;
      this.dispatch();
    });
  }

  private cancelDebounce(): void {
    if (this.cancelTimer) this.cancelTimer();
    this.cancelTimer = null;
  }

  /** CoverService.flush: recompute the dirty surfaces on this thread and publish. */
  flush(): CoverSnapshot {
    if (this.closed) throw new Error('the cover service is closed');
    this.cancelDebounce();
    // Surfaces the worker is computing now count as dirty too: its answer will be older than this.
    const keys = this.d.model.surfaces
      .filter((s) => this.dirty.has(s.key) || this.inFlight.includes(s.key))
      .map((s) => s.key);
    this.dirty.clear();
    const room = this.d.engine.room;
    // on this thread's own model: the prior's journey times
    this.publish(computeSurfaces(this.d.model, [...room.fleet.all()], keys), room.lastSeq, this.changeGen, null);
    return this.d.pictures.latest()!;
  }

  /** CoverService.flushAsync: dispatch now, resolve with the first picture that saw every change so far. */
  flushAsync(): Promise<CoverSnapshot> {
    if (this.closed) return Promise.reject(new Error('the cover service is closed'));
    this.cancelDebounce();
    const snap = this.d.pictures.latest();
    if (this.inFlight.length === 0 && this.dirty.size === 0 && !this.standbyChanged && snap)
      return Promise.resolve(snap);
    const need = this.changeGen;
    const p = new Promise<CoverSnapshot>((resolve, reject) => this.waiters.push({ resolve, reject, need }));
    this.dispatch();
    return p;
  }

  /** Send the dirty surfaces to the computer, unless a request is in flight (then settle() sends them). */
  dispatch(): void {
    if (this.closed || this.inFlight.length > 0) return;
    const room = this.d.engine.room;
    if (this.dirty.size === 0) {
      // A standby order or end changes only the snapshot's list of moves: no recompute.
      if (this.standbyChanged && this.d.pictures.latest()) this.publish([], room.lastSeq, this.changeGen, undefined);
      return;
    }
    const t0 = performance.now();
    const surfaces = this.d.model.surfaces.filter((s) => this.dirty.has(s.key)).map((s) => s.key);
    this.dirty.clear();
    const eventSeq = room.lastSeq;
    const gen = this.changeGen;
    const calibration = this.d.calibration(); // the computer answers in order: these speeds time it
    this.inFlight = surfaces;
    const changes = this.d.view.changes();
    this.d.view.notePictured(surfaces);
    this.d.computer.request(changes, { kind: 'compute', surfaces }).then(
      (pictures) => {
        this.inFlight = [];
        this.publish(pictures, eventSeq, gen, calibration);
      },
      (e: unknown) => {
        this.inFlight = [];
        this.failed(surfaces, e);
      },
    );
    this.d.stats.lastDispatchMs = performance.now() - t0;
  }

  private publish(
    pictures: readonly CoverSurfaceSnapshot[],
    eventSeq: number,
    gen: number,
    calibration: CalibrationStamp | null | undefined,
  ): void {
    if (this.closed) return;
    const start = performance.now();
    const fresh = this.d.pictures.take(pictures, eventSeq);
    if (pictures.length > 0 && fresh === 0) return this.settle();
    this.standbyChanged = false;
    this.publishedGen = Math.max(this.publishedGen, gen);
    this.d.pictures.publish(
      eventSeq,
      this.d.clock(),
      this.d.engine.room.standby.active(),
      pictures.length > 0 ? calibration : undefined,
    );
    if (pictures.length > 0) {
      const stats = this.d.stats;
      stats.computes++;
      stats.lastComputeMs = pictures.reduce((t, p) => t + p.computeMs, 0);
      stats.lastPublishMs = performance.now() - start;
    }
    this.settle();
  }

  /**
   * Changes that came in while the worker computed: send them now, in one request. Answer the
   * waiters this picture satisfies (its request saw their changes), and every waiter once idle.
   */
  private settle(): void {
    if (this.dirty.size > 0) this.dispatch();
    const snap = this.d.pictures.latest();
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
    this.mark(surfaces);
    if (e instanceof CoverWorkerLost) {
      // The worker is restarting (already logged); ask again at once, the request waits for it.
      this.dispatch();
      return;
    }
    this.d.log?.error('cover recompute failed; serving the last picture', {
      err: e instanceof Error ? e.message : String(e),
    });
    const ws = this.waiters;
    this.waiters = [];
    const snap = this.d.pictures.latest();
    for (const w of ws) {
      if (snap) w.resolve(snap);
      else w.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** No more dispatches; pending flushes are rejected. */
  close(): void {
    this.closed = true;
    this.cancelDebounce();
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w.reject(new Error('the cover service is closed'));
  }
}
