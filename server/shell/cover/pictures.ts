/**
 * The published cover picture: each surface's latest computed picture, stamped with the event
 * sequence number it reflects, the snapshot built from them, its small summary for the COP, and
 * the listeners told of every new snapshot.
 */
import type { CoverModel } from '../../core/cover/model.ts';
import type { ResponderLists } from '../../core/cover/responders.ts';
import type { StandbyMove } from '../../core/cover/standby.ts';
import type { Logger } from '../log.ts';
import type { CoverSurfaceSnapshot } from './calc.ts';

export interface CoverSnapshot {
  computedAtMs: number;
  /** Event sequence number the picture reflects. */
  eventSeq: number;
  surfaces: CoverSurfaceSnapshot[];
  standby: StandbyMove[];
  /**
   * The calibration (version, time band) whose journey times the latest computed surfaces are
   * (null: the prior's; docs/calibration.md). A change of speeds recomputes every surface in one
   * request, so the worker's pictures never mix two.
   */
  calibration: CalibrationStamp | null;
}

/** Which calibration timed a cover answer: its version and time band. */
export interface CalibrationStamp {
  version: number;
  band: string;
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

export class CoverPictures {
  private readonly pictures = new Map<string, CoverSurfaceSnapshot>();
  /** Event seq each surface's picture was computed at. */
  private readonly pictureSeq = new Map<string, number>();
  private readonly listeners = new Set<(s: CoverSummary) => void>();
  private snapshot: CoverSnapshot | null = null;

  constructor(
    private readonly model: CoverModel,
    private readonly log: Logger | undefined,
  ) {}

  /** Listen for every new snapshot; returns an unsubscribe function. */
  onChange(listener: (s: CoverSummary) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest snapshot (null before the first one). */
  latest(): CoverSnapshot | null {
    return this.snapshot;
  }

  /**
   * Keep the surface pictures computed at `eventSeq`, except where a later state was computed
   * meanwhile (a flush() on the main thread). Returns how many were kept.
   */
  take(pictures: readonly CoverSurfaceSnapshot[], eventSeq: number): number {
    let fresh = 0;
    for (const p of pictures) {
      if ((this.pictureSeq.get(p.key) ?? -1) > eventSeq) continue;
      this.pictures.set(p.key, p);
      this.pictureSeq.set(p.key, eventSeq);
      fresh++;
    }
    return fresh;
  }

  /** A new snapshot of the kept pictures, told to every listener (a failing one is logged). */
  publish(
    eventSeq: number,
    computedAtMs: number,
    standby: StandbyMove[],
    /** Of the surfaces just taken; undefined: none taken, the last picture's holds. */
    calibration?: CalibrationStamp | null,
  ): void {
    const surfaces = this.model.surfaces.flatMap((s) => this.pictures.get(s.key) ?? []);
    const seq = Math.max(eventSeq, this.snapshot?.eventSeq ?? 0);
    const cal = calibration === undefined ? (this.snapshot?.calibration ?? null) : calibration;
    this.snapshot = { computedAtMs, eventSeq: seq, surfaces, standby, calibration: cal };
    const summary = this.summary();
    if (!summary) return;
    for (const l of this.listeners) {
      try {
        l(summary);
      } catch (e) {
        this.log?.error('cover listener failed', { err: e instanceof Error ? e.message : String(e) });
      }
    }
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

  /** Responder lists of the kept pictures, by surface (empty before the first picture). */
  responders(): Map<string, ResponderLists> {
    return new Map([...this.pictures].map(([key, p]) => [key, p.responders]));
  }

  close(): void {
    this.listeners.clear();
  }
}
