/**
 * Acknowledge a change only once the cluster log has it. In cluster mode (server/shell/cluster/)
 * a route's append is committed locally and published to JetStream; this middleware holds the
 * answer of every change (and every OsmAnd report, GET included) until JetStream has taken all
 * appended so far. If it never will (this instance was deposed), the answer becomes 503
 * JCR_NOT_LEADER: the change was never acknowledged, and the new leader's log does not hold it.
 * In the embedded mode nothing waits and the answer goes as the route wrote it.
 */
import type { NextFunction, Request, Response } from 'express';
import { ERRORS } from '../../core/errors.ts';
import type { Engine } from '../engine.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function replicatedAcks(engine: Engine) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (READS.has(req.method) && !req.path.startsWith('/osmand')) return next();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const wait = engine.whenReplicated();
      if (!wait) return end(...args);
      wait.then(
        () => end(...args),
        () => {
          const body = JSON.stringify({
            error: { code: 'JCR_NOT_LEADER', message: 'deposed before the cluster log took the change; retry' },
          });
          res.status(ERRORS.JCR_NOT_LEADER.status);
          res.removeHeader('content-length');
          res.removeHeader('etag');
          res.setHeader('content-type', 'application/json; charset=utf-8');
          end(body);
        },
      );
      return res;
    }) as Response['end'];
    next();
  };
}
