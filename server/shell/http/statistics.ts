/**
 * GET /api/statistics?from=&to=[&format=csv&table=ID]: statistics from the event log
 * (docs/statistics.md). JSON by default; `format=csv` with a `table` of proto/statistics.ts
 * STATISTICS_TABLES answers that one table as an RFC 4180 CSV download. Every signed-in role
 * may read it, like the other read APIs; the rows naming incidents are those its agency took part in.
 */
import { Router } from 'express';
import { STATISTICS_TABLES, statisticsTable, tableCsv, type StatisticsTableId } from '../../../proto/statistics.ts';
import { JcrError } from '../../core/errors.ts';
import type { StatisticsService } from '../statistics.ts';
import { acting } from './acting.ts';
import { authorize } from './auth.ts';
import { noUnknown } from './body.ts';

export interface StatisticsRouteDeps {
  statistics?: StatisticsService | undefined;
}

export function statisticsRoutes({ statistics }: StatisticsRouteDeps): Router {
  const r = Router();
  r.get('/statistics', (req, res) => {
    authorize(res, req, 'view');
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['from', 'to', 'format', 'table'], '', 'query parameter');
    const format = q.format ?? 'json';
    if (format !== 'json' && format !== 'csv')
      throw new JcrError('JCR_VALIDATION', 'format must be json or csv', { path: 'format' });
    let table: StatisticsTableId | undefined;
    if (format === 'csv') {
      if (typeof q.table !== 'string' || !(STATISTICS_TABLES as readonly string[]).includes(q.table))
        throw new JcrError('JCR_VALIDATION', `table must be one of ${STATISTICS_TABLES.join(', ')}`, { path: 'table' });
      table = q.table as StatisticsTableId;
    } else if (q.table !== undefined)
      throw new JcrError('JCR_VALIDATION', 'table is only for format=csv', { path: 'table' });
    if (!statistics) throw new JcrError('JCR_NOT_READY', 'statistics are not computed by this server');
    const report = statistics.report(q, acting(res, undefined).who);
    if (table === undefined) {
      res.json(report);
      return;
    }
    res.type('text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="statistics-${table}.csv"`);
    res.send(tableCsv(statisticsTable(report, table)));
  });
  return r;
}
