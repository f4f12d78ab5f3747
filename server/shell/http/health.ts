import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { can } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/store.ts';
import { currentUser } from './auth.ts';

export interface HealthDeps {
  store: Store;
  metrics: Metrics;
  /** Is the road network loaded (journey times, recommendations, cover)? */
  networkLoaded: boolean;
  /** --metrics-token: a scraper presents it as Authorization: Bearer; unset = duty officers only. */
  metricsToken?: string | undefined;
}

/** Recommendation latency buckets, seconds: the target is 25 ms at p99. */
export const RECOMMEND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

const sha = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /api/ready: 200 once the database answers and the road network is loaded, else 503
 * JCR_NOT_READY naming what is missing. GET /metrics: Prometheus text, for a scraper with the
 * metrics token or a signed-in duty officer. Not for any loopback client: behind a reverse proxy
 * on the same host, every client is a loopback client.
 */
export function healthRoutes(deps: HealthDeps): Router {
  const r = Router();
  r.get('/api/ready', (_req, res) => {
    let database = false;
    try {
      database = deps.store.db.open && (deps.store.db.prepare('SELECT 1 AS ok').get() as { ok: number }).ok === 1;
    } catch {
      database = false;
    }
    const ready = database && deps.networkLoaded;
    if (!ready) {
      const missing = [database ? '' : 'database', deps.networkLoaded ? '' : 'road network']
        .filter(Boolean)
        .join(' and ');
      throw new JcrError('JCR_NOT_READY', `not ready: ${missing} not loaded`, {
        details: { database, network: deps.networkLoaded },
      });
    }
    res.json({ ready, database, network: deps.networkLoaded });
  });
  r.get('/metrics', (req, res) => {
    const u = currentUser(res);
    const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Compare digests: equal length, constant time, whatever was presented.
    const scraper =
      deps.metricsToken !== undefined && m?.[1] !== undefined && timingSafeEqual(sha(m[1]), sha(deps.metricsToken));
    if (!scraper && !(u && can(u.role, 'admin'))) {
      throw new JcrError(
        u ? 'JCR_FORBIDDEN' : 'JCR_UNAUTHENTICATED',
        'metrics are for a scraper with the metrics token or a duty officer',
      );
    }
    res.type('text/plain; version=0.0.4').send(deps.metrics.render());
  });
  return r;
}

/** Times recommendation requests end to end (journey search, ranking, cover impact, audit). */
export function recommendTimer(metrics: Metrics): RequestHandler {
  const h = metrics.histogram(
    'jcr_recommendation_seconds',
    'Time to answer GET /api/incidents/:id/recommendation',
    RECOMMEND_BUCKETS,
  );
  const requests = metrics.counter('jcr_http_requests_total', 'HTTP API requests by status class');
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      requests.inc({ status: `${Math.floor(res.statusCode / 100)}xx` });
      if (
        req.method === 'GET' &&
        /^\/api\/incidents\/[^/]+\/recommendation$/.test(req.originalUrl.split('?')[0] ?? '') &&
        res.statusCode === 200
      ) {
        h.observe(Number(process.hrtime.bigint() - start) / 1e9);
      }
    });
    next();
  };
}
