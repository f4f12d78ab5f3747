import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import type { Engine } from '../engine.ts';
import type { CoverService, CoverSnapshot } from '../cover/service.ts';
import { authorize } from './auth.ts';
import { asObject, str } from './body.ts';

/**
 * Cover REST (docs/cover.md):
 *   GET  /api/cover                          figures per standard, gap cells as GeoJSON, standby moves
 *   GET  /api/cover/moves?surface=&limit=    recommended standby moves, best first, before/after figures
 *   POST /api/cover/moves {resourceId, destinationId, note?}   order a standby move (duty officer)
 *   POST /api/cover/moves/:resourceId/cancel                  end a standby move
 *   POST /api/cover/what-if {resourceIds: [...]}              cover after committing those resources
 */
export function coverJson(s: CoverSnapshot) {
  const features = s.surfaces.flatMap((x) =>
    x.gaps.flatMap((g) =>
      g.cells.map((c) => ({
        type: 'Feature' as const,
        geometry: {
          type: 'Polygon' as const,
          coordinates: [
            [
              [c.west, c.south],
              [c.east, c.south],
              [c.east, c.north],
              [c.west, c.north],
              [c.west, c.south],
            ],
          ],
        },
        properties: {
          surface: g.surface,
          nth: g.nth,
          withinS: g.withinS,
          medianS: c.medianS,
          worstS: c.worstS,
          nodes: c.nodes,
          row: c.row,
          col: c.col,
        },
      })),
    ),
  );
  return {
    computedAtMs: s.computedAtMs,
    eventSeq: s.eventSeq,
    surfaces: s.surfaces.map((x) => ({
      key: x.key,
      agency: x.agency,
      capability: x.capability,
      method: x.method,
      computeMs: x.computeMs,
      sources: x.sources,
    })),
    figures: s.surfaces.flatMap((x) => x.figures),
    gaps: { type: 'FeatureCollection' as const, features },
    standby: s.standby,
    calibration: s.calibration,
  };
}

export function coverRoutes(deps: { engine: Engine; cover?: CoverService | undefined }): Router {
  const r = Router();
  const need = (): CoverService => {
    if (!deps.cover)
      throw new JcrError('JCR_NOT_READY', 'cover is not available: the server has no road network loaded');
    return deps.cover;
  };
  r.get('/cover', async (req, res) => {
    authorize(res, req, 'view');
    const c = need();
    // Before the worker's first picture: wait for it rather than answer empty.
    const json = coverJson(c.latest() ?? (await c.flushAsync()));
    // Standby moves are orders, not computed figures: answer from the live order book so a move
    // just ordered or cancelled shows at once, not after the next recompute.
    json.standby = deps.engine.room.standby.active();
    res.json(json);
  });
  r.get('/cover/moves', async (req, res) => {
    authorize(res, req, 'view');
    const c = need();
    const q = asObject(req.query, 'query');
    const surface = str(q, 'surface', { optional: true, max: 100 });
    if (surface !== undefined && !c.model.surface(surface)) {
      throw new JcrError('JCR_VALIDATION', `surface must be one of ${c.model.surfaces.map((s) => s.key).join(', ')}`, {
        path: 'surface',
      });
    }
    const limitRaw = q['limit'];
    let limit = 5;
    if (limitRaw !== undefined) {
      limit = Number(limitRaw);
      if (typeof limitRaw !== 'string' || !Number.isInteger(limit) || limit < 1 || limit > 50)
        throw new JcrError('JCR_VALIDATION', 'limit must be an integer 1..50', { path: 'limit' });
    }
    // On the cover worker: a cold search from every destination must not hold up the event loop.
    // It answers in order, so the speeds it was last told time these (null: the prior's).
    const calibration = c.calibration;
    res.json({ moves: await c.movesAsync({ ...(surface !== undefined ? { surface } : {}), limit }), calibration });
  });
  r.post('/cover/moves', async (req, res) => {
    const u = authorize(res, req, 'cover.move');
    need();
    const b = asObject(req.body);
    const resourceId = str(b, 'resourceId', { max: 64 });
    const destinationId = str(b, 'destinationId', { max: 64 });
    const note = str(b, 'note', { optional: true, max: 500 });
    const events = await deps.engine.submit(
      { type: 'cover.standbyMove', resourceId, destinationId, ...(note !== undefined ? { note } : {}) },
      { origin: 'operator', actor: u.username },
    );
    const move = deps.engine.room.standby.get(resourceId);
    res.status(201).json({ seq: deps.engine.room.lastSeq, events: events.length, move });
  });
  r.post('/cover/moves/:resourceId/cancel', async (req, res) => {
    const u = authorize(res, req, 'cover.move');
    const events = await deps.engine.submit(
      { type: 'cover.endStandby', resourceId: req.params.resourceId, reason: 'cancelled' },
      { origin: 'operator', actor: u.username },
    );
    res.json({ seq: deps.engine.room.lastSeq, events: events.length });
  });
  r.post('/cover/what-if', async (req, res) => {
    authorize(res, req, 'view');
    const c = need();
    const b = asObject(req.body);
    const ids = b['resourceIds'];
    if (
      !Array.isArray(ids) ||
      ids.length === 0 ||
      ids.length > 100 ||
      !ids.every((x): x is string => typeof x === 'string' && x.length <= 64)
    ) {
      throw new JcrError('JCR_VALIDATION', 'resourceIds must be an array of 1..100 resource ids', {
        path: 'resourceIds',
      });
    }
    // As in mobilisation: a resource named twice is a caller's mistake, not a bigger commitment.
    const twice = ids.findIndex((id, i) => ids.indexOf(id) !== i);
    if (twice >= 0)
      throw new JcrError('JCR_VALIDATION', `${ids[twice]} is named twice`, { path: `resourceIds[${twice}]` });
    res.json(await c.whatIfAsync(ids));
  });
  return r;
}
