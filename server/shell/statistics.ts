/**
 * The statistics service (docs/statistics.md): GET /api/statistics folds the event log from the
 * store through the core's statistics fold (server/core/statistics/) for the asked range. It
 * reads the log, not the live room, so the figures are what the log says whatever the process
 * has seen since it started; the range is bounded by the query and the fold streams the rows.
 * The last report per range and log position is kept, so the screen's JSON and its CSV
 * downloads of the same range fold the log once.
 */
import type { StatisticsReport } from '../../proto/statistics.ts';
import type { Acting } from '../core/auth/incident-access.ts';
import type { Clock } from '../core/clock.ts';
import { StatisticsFold, type StatisticsFacts } from '../core/statistics/fold.ts';
import { statisticsRange } from '../core/statistics/query.ts';
import { statisticsReport } from '../core/statistics/report.ts';
import type { Engine } from './engine.ts';
import type { Store } from './store/store.ts';

export class StatisticsService {
  private cached: { key: string; facts: StatisticsFacts } | null = null;

  constructor(
    private readonly engine: Engine,
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The report for the query's from/to (JCR_STATISTICS_RANGE when they are bad), as `who` may see it. */
  report(query: { from?: unknown; to?: unknown }, who: Acting): StatisticsReport {
    const scenario = this.engine.room.scenario;
    const range = statisticsRange(query, scenario.timezone, this.clock());
    const key = `${range.fromMs}/${range.toMs}/${range.asOfMs}/${this.engine.room.lastSeq}`;
    if (this.cached?.key !== key) {
      const fold = new StatisticsFold(scenario, range);
      for (const e of this.store.events(0)) {
        if (e.at > range.asOfMs) break;
        fold.add(e);
      }
      this.cached = { key, facts: fold.finish() };
    }
    return statisticsReport(scenario, this.cached.facts, who);
  }
}
