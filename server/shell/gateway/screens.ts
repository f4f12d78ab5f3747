/**
 * What a COP gateway serves over HTTP besides /ws/cop, so the screens live at one URL that
 * survives a failover: the client's pages (client/dist, with the instances' security headers, one builder),
 * its own GET /api/health, and every other /api call forwarded to whichever instance leads
 * (gateway/leader-proxy.ts). Pages and the picture never depend on the leader; only REST does.
 * Partner rooms get the same: their one door, POST /mait/v1/messages, goes to the leader, which
 * checks the signature (the gateway holds no partner's secret) and answers; nothing else under
 * /mait is forwarded (docs/mait.md § Through a COP gateway).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import express, { type Express } from 'express';
import type { KV } from '@nats-io/kv';
import { MAIT_MAX_BYTES, MAIT_PATH } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import { errorHandler, notFound } from '../http/errors.ts';
import { pageSecurity, type PageFacing } from '../http/security.ts';
import type { Logger } from '../log.ts';
import { leaderProxy, type ProxyDoor } from './leader-proxy.ts';

/**
 * A partner's message: the leader's body limit, and one the leader took without answering is of
 * unknown outcome. The partner sends it again as it is: an id applied answers 200 duplicate.
 */
export const MAIT_DOOR: ProxyDoor = {
  limit: MAIT_MAX_BYTES,
  unanswered: (url) =>
    new JcrError(
      'JCR_OUTCOME_UNKNOWN',
      `the leader at ${url} took the message and did not answer: send it again (an applied one answers duplicate)`,
    ),
};

/** `web`: how the room faces browsers, as the instances are told: the pages get their very headers. */
export function screensApp(lease: KV, log: Logger, health: () => unknown, web: PageFacing = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(pageSecurity(web));
  app.get('/api/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(health());
  });
  const forward = leaderProxy(lease, log);
  // The original URL: express strips the mount path from req.url, the leader needs all of it.
  app.use('/api', (req, res) => forward(Object.assign(req, { url: req.originalUrl }), res));
  // Exactly the partners' door: no session here, the leader checks the message's signature.
  const mait = leaderProxy(lease, log, MAIT_DOOR);
  app.post(MAIT_PATH, (req, res) => mait(Object.assign(req, { url: req.originalUrl }), res));
  const dist = resolve('client/dist');
  if (existsSync(dist)) app.use(express.static(dist, { index: 'index.html', maxAge: 0 }));
  else
    app.get('/', () => {
      throw new JcrError('JCR_NOT_FOUND', 'the client is not built (npm run build:client): only /api and /ws/cop here');
    });
  app.use(notFound);
  app.use(errorHandler(log));
  return app;
}
