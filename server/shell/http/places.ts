import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import { MAX_LIMIT, type Gazetteer } from '../../core/places/gazetteer.ts';
import { authorize } from './auth.ts';

/**
 * GET /api/places?q=TEXT[&limit=N]  (signed in; any role may view)
 *
 * The gazetteer (server/core/places/gazetteer.ts), best first: `{ query, places: [{ kind, label,
 * detail, point, road, gridRef }] }`; no match is 200 with an empty list. A query that is empty,
 * over 200 characters, holds control characters or has no letter or digit is JCR_PLACE_QUERY;
 * a bad limit is JCR_VALIDATION.
 */
export const MAX_QUERY_CHARS = 200;

export function placeRoutes(deps: { places: Gazetteer }): Router {
  const r = Router();
  r.get('/places', (req, res) => {
    authorize(res, req, 'view');
    const q = req.query.q;
    if (typeof q !== 'string' || q.trim() === '')
      throw new JcrError('JCR_PLACE_QUERY', 'q must be the text to search for', { path: 'q' });
    if (q.length > MAX_QUERY_CHARS)
      throw new JcrError('JCR_PLACE_QUERY', `q must be at most ${MAX_QUERY_CHARS} characters`, { path: 'q' });
    if (/[\u0000-\u001f\u007f]/.test(q) || !/[\p{L}\p{N}]/u.test(q))
      throw new JcrError('JCR_PLACE_QUERY', 'q has nothing to search for (no letter or digit)', { path: 'q' });
    let limit = 10;
    if (req.query.limit !== undefined) {
      const l = Number(req.query.limit);
      if (typeof req.query.limit !== 'string' || !Number.isInteger(l) || l < 1 || l > MAX_LIMIT)
        throw new JcrError('JCR_VALIDATION', `limit must be an integer from 1 to ${MAX_LIMIT}`, { path: 'limit' });
      limit = l;
    }
    res.json({ query: q, places: deps.places.search(q, limit) });
  });
  return r;
}
