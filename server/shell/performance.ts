/**
 * The performance service (docs/performance.md): the core's tracker fed with every applied
 * batch's change record, seeded at start from the incidents the event log replayed into the
 * room. It answers GET /api/performance and pushes new figures on the COP when a batch changes a
 * sample (an arrival, a new incident, a close) and, on its refresh timer, when time alone changed
 * a figure (a target time passed with its unit still on the way, local midnight, a new shift).
 * A push goes out only when the figures differ from the last one pushed.
 */
import type { PerformanceReport } from '../../proto/wire.ts';
import type { Clock } from '../core/clock.ts';
import { PerformanceTracker } from '../core/performance/tracker.ts';
import type { Engine } from './engine.ts';
import { every, type Timers } from './timers.ts';

export const PERFORMANCE_REFRESH_MS = 15_000;

export interface PerformanceServiceOptions {
  engine: Engine;
  clock: Clock;
  timers: Timers;
  /** How often time alone is checked for changed figures (default PERFORMANCE_REFRESH_MS). */
  refreshMs?: number | undefined;
}

export class PerformanceService {
  private readonly engine: Engine;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly refreshMs: number;
  private readonly tracker: PerformanceTracker;
  private lastKey = '';
  private stops: Array<() => void> = [];

  constructor(opts: PerformanceServiceOptions) {
    this.engine = opts.engine;
    this.clock = opts.clock;
    this.timers = opts.timers;
    this.refreshMs = opts.refreshMs ?? PERFORMANCE_REFRESH_MS;
    this.tracker = new PerformanceTracker(opts.engine.room.scenario, opts.engine.room.incidents.all());
  }

  /** The figures now (GET /api/performance, and the COP snapshot at start). */
  report(): PerformanceReport {
    const r = this.tracker.report(this.clock(), this.engine.room.lastSeq);
    return r;
  }

  /**
   * Start listening: call after the COP has subscribed to the engine, so that in a tick an
   * arrival's status and incident changes come before the figures they move.
   */
  start(push: (report: PerformanceReport) => void): void {
    this.lastKey = figuresKey(this.report());
    const check = () => {
      const r = this.report();
      const key = figuresKey(r);
      if (key === this.lastKey) return;
      this.lastKey = key;
      push(r);
    };
    this.stops.push(
      this.engine.onChanges((record) => {
        if (this.tracker.onChanges(record)) check();
      }),
    );
    this.stops.push(every(this.timers, this.refreshMs, check));
  }

  close(): void {
    for (const s of this.stops) s();
    this.stops = [];
  }
}

/** What makes two reports differ for a screen: the figures and the windows' starts and labels. */
function figuresKey(r: PerformanceReport): string {
  const windows = r.windows.filter((w) => w.id !== 'last24h').map((w) => [w.id, w.label, w.fromMs]);
  return JSON.stringify([windows, r.figures]);
}
