/**
 * Acknowledge a change only once the cluster log has it. In cluster mode (server/shell/cluster/)
 * a route's append is committed locally and published to JetStream; this middleware holds the
 * answer of every change (and every OsmAnd report, GET included) until JetStream has taken all
 * appended so far. If it never will (this instance stopped leading: deposed, its lease lapsed,
 * closing), the answer becomes the code ClusterNode.pending failed with, in place of the route's:
 * - 503 JCR_NOT_LEADER: nothing of its own was sent to the log; the change is nowhere the next
 *   leader will look, so the client resends it there;
 * - 503 JCR_OUTCOME_UNKNOWN: it was sent, its confirmation lost; the new leader may hold it, so
 *   a resend could make it twice: the client reads first (an incident create with its
 *   idempotencyKey may be resent: the room answers the repeat with the incident made).
 * Each request by its own changes (../own-changes.ts), gathered while its routes run: another
 * request's change in flight does not make this one's answer unknown.
 * In the embedded mode nothing waits and the answer goes as the route wrote it.
 */
import type { NextFunction, Request, Response } from 'express';
import { isJcrError, JcrError } from '../../core/errors.ts';
import type { Engine } from '../engine.ts';
import { OwnChanges } from '../own-changes.ts';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function replicatedAcks(engine: Engine) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (READS.has(req.method) && !req.path.startsWith('/osmand')) return next();
    const own = new OwnChanges();
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      const wait = engine.whenReplicated(own);
      if (!wait) return end(...args);
      wait.then(
        () => end(...args),
        (e: unknown) => {
          const err = isJcrError(e)
            ? e
            : new JcrError('JCR_OUTCOME_UNKNOWN', `the cluster log did not confirm the change: ${String(e)}`);
          const body = JSON.stringify({ error: { code: err.code, message: err.message } });
          res.status(err.status);
          res.removeHeader('content-length');
          res.removeHeader('etag');
          res.setHeader('content-type', 'application/json; charset=utf-8');
          end(body);
        },
      );
      return res;
    }) as Response['end'];
    own.run(next);
  };
}
