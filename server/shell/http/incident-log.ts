/**
 * REST for an incident's audit timeline: GET /incidents/:id/log, every event of the incident
 * with who, where from and when, in pages after a cursor.
 */
import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import type { Engine } from '../engine.ts';
import { acting, incidentFor } from './acting.ts';
import { asObject } from './body.ts';

/** GET /incidents/:id/log pages: `limit` events after the cursor `after` (default and most). */
export const LOG_PAGE_DEFAULT = 500;
export const LOG_PAGE_MAX = 1000;

/** An optional integer query parameter in [min, max]; JCR_VALIDATION naming it otherwise. */
function queryInt(q: Record<string, unknown>, name: string, dflt: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined) return dflt;
  const n = typeof raw === 'string' && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new JcrError('JCR_VALIDATION', `${name} must be an integer ${min}..${max}`, { path: name });
  return n;
}

/**
 * An event's data as screens get it. A create's idempotency key (`createKey`) stays in the
 * durable log, where replay rebuilds the retry map from it, but is the creating desk's alone: a
 * colleague who read it could send a create the server would answer as that desk's retry.
 */
function shownData(e: JcrEvent): unknown {
  if (e.type !== 'incident.created' || e.data.createKey === undefined) return e.data;
  const { createKey: _key, ...shown } = e.data;
  return shown;
}

export function incidentLogRoutes({ engine }: { engine: Engine }): Router {
  const r = Router();
  const book = engine.room.incidents;

  /** The audit timeline: every event of the incident, with who, where from and when. */
  r.get('/incidents/:id/log', (req, res) => {
    const a = acting(res, undefined);
    const inc = incidentFor(engine, req.params.id, a);
    const q = asObject(req.query, 'query');
    const after = queryInt(q, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(q, 'limit', LOG_PAGE_DEFAULT, 1, LOG_PAGE_MAX);
    const all = book.timeline(inc.id);
    // seq ascends along a timeline: the page starts after the cursor
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = all.slice(lo, lo + limit);
    res.json({
      incidentId: inc.id,
      events: page.map((e: JcrEvent) => ({
        seq: e.seq,
        at: e.at,
        type: e.type,
        origin: e.origin,
        actor: e.actor,
        data: shownData(e),
      })),
      next: lo + limit < all.length ? page[page.length - 1]!.seq : null,
    });
  });

  return r;
}
