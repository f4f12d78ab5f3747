/**
 * The live cover service: keeps the latest cover picture, recomputes the surfaces a status
 * change touches (debounced, off the event path), tells listeners (the COP hub) with a small
 * summary, answers what-if and standby-move questions, and ends a standby move when the
 * resource's AVL position reaches its destination. docs/cover.md.
 *
 * Compute runs in this process, scheduled after the triggering event has been fanned out
 * (a debounce timer), never inside Engine.execute; see docs/cover.md for the measured cost.
 */
import type { Clock } from '../../core/clock.ts';
import { CoverModel, type CoverOptions, type SurfaceResult, type TargetFigure, type TargetGaps } from '../../core/cover/model.ts';
import { recommendMoves, whatIf, type MoveOptions, type MoveRecommendation, type WhatIfResult } from '../../core/cover/moves.ts';
import { STANDBY_ARRIVAL_M, type StandbyMove } from '../../core/cover/standby.ts';
import { haversineM } from '../../core/geo.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';

export interface CoverSurfaceSnapshot {
  key: string;
  agency: string;
  capability: string;
  method: 'trees' | 'search';
  computeMs: number;
  sources: number;
  figures: TargetFigure[];
  gaps: TargetGaps[];
}

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
  /** Timer; tests pass one they drive by hand, or call flush(). */
  schedule?: Schedule;
}

export class CoverService {
  readonly model: CoverModel;
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly debounceMs: number;
  private readonly schedule: Schedule;
  private readonly results = new Map<string, SurfaceResult & { computeMs: number }>();
  private readonly gapsBy = new Map<string, TargetGaps[]>();
  private readonly dirty = new Set<string>();
  private readonly listeners = new Set<(s: CoverSummary) => void>();
  private cancelTimer: (() => void) | null = null;
  private snapshot: CoverSnapshot | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(opts: CoverServiceOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.log = opts.log;
    this.debounceMs = opts.debounceMs ?? 200;
    this.schedule = opts.schedule ?? realSchedule;
    this.model = new CoverModel(opts.planner, opts.engine.room.scenario, opts.model);
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
          } else if (e.type === 'cover.standbyOrdered' || e.type === 'cover.standbyEnded') touched = true;
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
      try {
        this.flush();
      } catch (e) {
        this.log?.error('cover recompute failed', { err: e instanceof Error ? e.message : String(e) });
      }
    }, this.debounceMs);
  }

  /** Recompute the dirty surfaces now and publish; returns the new picture. */
  flush(): CoverSnapshot {
    if (this.cancelTimer) {
      this.cancelTimer();
      this.cancelTimer = null;
    }
    const room = this.engine.room;
    const resources = [...room.fleet.all()];
    for (const key of [...this.dirty]) {
      const s = this.model.surface(key);
      this.dirty.delete(key);
      if (!s) continue;
      const t0 = performance.now();
      const r = this.model.compute(s, this.model.sources(s, resources));
      const gaps = this.model.gaps(r);
      this.results.set(key, { ...r, computeMs: performance.now() - t0 });
      this.gapsBy.set(key, gaps);
    }
    const surfaces: CoverSurfaceSnapshot[] = this.model.surfaces.flatMap((s) => {
      const r = this.results.get(s.key);
      if (!r) return [];
      return [{ key: s.key, agency: s.agency, capability: s.capability, method: r.method, computeMs: Math.round(r.computeMs * 10) / 10, sources: r.sourceIds.length, figures: r.figures, gaps: this.gapsBy.get(s.key) ?? [] }];
    });
    this.snapshot = { computedAtMs: this.clock(), eventSeq: room.lastSeq, surfaces, standby: room.standby.active() };
    const summary = this.summary();
    if (summary) for (const l of this.listeners) l(summary);
    return this.snapshot;
  }

  /** The latest surface result (node times, demand times) for a surface key. */
  surfaceResult(key: string): SurfaceResult | undefined {
    return this.results.get(key);
  }

  /** Cover after committing these resources (what-if), from the live fleet. */
  whatIf(resourceIds: readonly string[]): WhatIfResult {
    for (const id of resourceIds) this.engine.room.fleet.require(id);
    return whatIf(this.model, [...this.engine.room.fleet.all()], resourceIds);
  }

  /** Standby moves, best first; resources already on a standby move are left where they go. */
  moves(opts: MoveOptions = {}): MoveRecommendation[] {
    const exclude = new Set(this.engine.room.standby.active().map((m) => m.resourceId));
    for (const id of opts.exclude ?? []) exclude.add(id);
    return recommendMoves(this.model, [...this.engine.room.fleet.all()], { ...opts, exclude });
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

  close(): void {
    this.closed = true;
    if (this.cancelTimer) this.cancelTimer();
    this.cancelTimer = null;
    for (const u of this.unsubscribe) u();
    this.listeners.clear();
  }
}
