/**
 * REST for the links to partner rooms (issue 18 item 3, docs/mait-delivery.md): what waits in our
 * outbox for each partner and how its last attempt went (a partner that is down shows here while
 * its messages wait, durable), the dead letters (messages a partner refused for good, with the
 * rest of their thread held behind them) and an operator's retry of one.
 */
import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import type { MaitService } from '../mait/service.ts';
import { acting } from './acting.ts';

export function partnerLinkRoutes({ mait }: { mait?: MaitService | undefined }): Router {
  const r = Router();
  const service = (): MaitService => {
    if (!mait) throw new JcrError('JCR_NOT_FOUND', 'this room has no partner rooms (no partners file)');
    return mait;
  };

  r.get('/partner-links', (_req, res) => {
    res.json({ partners: service().links() });
  });

  r.get('/partner-links/dead-letters', (_req, res) => {
    res.json({ deadLetters: service().deadLetters() });
  });

  /** Send a dead letter again (the partner or the partners file has been put right): duty officers. */
  r.post('/partner-links/dead-letters/:messageId/retry', async (req, res) => {
    const a = acting(res, undefined);
    if (!a.duty) throw new JcrError('JCR_FORBIDDEN', 'only a duty officer may send a dead letter again');
    const m = service();
    if (!(await m.revive(req.params.messageId, a.actor)))
      throw new JcrError('JCR_NOT_FOUND', `no dead letter ${req.params.messageId}`, { path: 'messageId' });
    res.json({ messageId: req.params.messageId, retried: true, partners: m.links() });
  });

  return r;
}
