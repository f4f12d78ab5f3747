/**
 * GET /api/performance: performance against standards (docs/performance.md), the same report the
 * COP pushes: per standard target and window (today, last 24 hours, current shift) the share
 * within the target time, the median and the 90th percentile, from actual arrivals.
 */
import { Router } from 'express';
import type { PerformanceService } from '../performance.ts';
import { JcrError } from '../../core/errors.ts';
import { noUnknown } from './body.ts';

export interface PerformanceRouteDeps {
  performance?: PerformanceService | undefined;
}

export function performanceRoutes({ performance }: PerformanceRouteDeps): Router {
  const r = Router();
  r.get('/performance', (req, res) => {
    noUnknown(req.query as Record<string, unknown>, [], '', 'query parameter');
    if (!performance) throw new JcrError('JCR_NOT_READY', 'performance is not computed by this server');
    res.json(performance.report());
  });
  return r;
}
