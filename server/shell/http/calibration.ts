/**
 * The journey-time calibration as the duty officer sees it (issue 19, docs/calibration.md):
 *
 *   GET  /api/calibration?roads=N   what is in force (the prior, or a version with its held-out
 *                                   error), the latest versions, and the N roads (default 50, at
 *                                   most 500) its blue-light factors change most, as a GeoJSON map
 *                                   layer (factor > 1: sped up, < 1: slowed down)
 *   POST /api/calibration/rollback {reason}   bring back what was in force before (duty officer)
 */
import { Router } from 'express';
import type { Clock } from '../../core/clock.ts';
import type { RoadGraph } from '../../core/graph/build.ts';
import { JcrError } from '../../core/errors.ts';
import { CalibrationStore, networkKey, type CalibrationRecord } from '../store/calibrations.ts';
import type { Store } from '../store/store.ts';
import { authorize } from './auth.ts';
import { noUnknown } from './body.ts';

export interface CalibrationRouteDeps {
  store: Store;
  graph?: RoadGraph | undefined;
  clock: Clock;
}

const summary = (c: CalibrationRecord) => ({
  version: c.version,
  createdAt: c.createdAt,
  learnedFrom: c.learnedFrom,
  learnedTo: c.learnedTo,
  heldOutTrips: c.heldOutTrips,
  mapeBefore: c.mapeBefore,
  mapeAfter: c.mapeAfter,
  biasAfter: c.biasAfter,
  accepted: c.accepted,
  reason: c.reason,
});

/** The roads a calibration changes most, as GeoJSON LineStrings ([lon, lat]) with their factor. */
export function roadsChangedMost(g: RoadGraph, c: CalibrationRecord, limit: number): unknown {
  const geomCount = g.geomStart.length - 1;
  const roads = Object.entries(c.factors.blue.roads)
    .map(([k, f]) => ({ geom: Number(k), factor: f }))
    .filter((r) => Number.isInteger(r.geom) && r.geom >= 0 && r.geom < geomCount && r.factor > 0)
    .sort((a, b) => Math.abs(Math.log(b.factor)) - Math.abs(Math.log(a.factor)) || a.geom - b.geom)
    .slice(0, limit);
  return {
    type: 'FeatureCollection',
    features: roads.map((r) => {
      const coordinates: Array<[number, number]> = [];
      for (let i = g.geomStart[r.geom]!; i < g.geomStart[r.geom + 1]!; i++) {
        const p = g.geomPoint[i]!;
        coordinates.push([g.lon[p]!, g.lat[p]!]);
      }
      const highway = g.highwayNames[g.slotHighway[g.geomStart[r.geom]!]!] ?? 'road';
      return {
        type: 'Feature',
        properties: { road: r.geom, factor: r.factor, change: r.factor >= 1 ? 'faster' : 'slower', highway },
        geometry: { type: 'LineString', coordinates },
      };
    }),
  };
}

export function calibrationRoutes({ store, graph, clock }: CalibrationRouteDeps): Router {
  const r = Router();
  const cal = new CalibrationStore(store);
  r.get('/calibration', (req, res) => {
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['roads'], '', 'query parameter');
    const limit = q.roads === undefined ? 50 : Number(q.roads);
    if (!Number.isInteger(limit) || limit < 0 || limit > 500)
      throw new JcrError('JCR_VALIDATION', 'roads must be an integer 0..500', { path: 'roads' });
    const v = cal.inForce();
    const rec = v === null ? undefined : cal.get(v);
    const usable = rec !== undefined && graph !== undefined && rec.network === networkKey(graph);
    res.json({
      inForce: rec ? summary(rec) : null,
      versions: cal.list(20).map(summary),
      roads: usable ? roadsChangedMost(graph, rec, limit) : { type: 'FeatureCollection', features: [] },
    });
  });
  r.post('/calibration/rollback', (req, res) => {
    const user = authorize(res, req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    noUnknown(b, ['reason'], '');
    if (typeof b.reason !== 'string' || b.reason.trim() === '')
      throw new JcrError('JCR_VALIDATION', 'a reason is required', { path: 'reason' });
    const back = cal.rollBack(clock(), user.username, b.reason.trim());
    res.json({ inForce: back });
  });
  return r;
}
