/**
 * The journey-time calibration as the duty officer sees it (issue 19, docs/calibration.md):
 *
 *   GET  /api/calibration?roads=N   what is in force (the prior, or a version with its held-out
 *                                   error), the latest versions, and the N roads (default 50, at
 *                                   most 500) its blue-light factors change most, as a GeoJSON map
 *                                   layer (factor > 1: sped up, < 1: slowed down)
 *   POST /api/calibration/activate {version, reason}   bring a saved version into force by hand,
 *                                   even one the held-out check rejected (duty officer)
 *   POST /api/calibration/rollback {reason}   bring back what was in force before (duty officer)
 *
 * Both changes go through Engine.submit (decide -> durable append -> apply, origin operator), so
 * the planner's band switch and every other listener hear them (server/core/calibration/force.ts).
 */
import { Router } from 'express';
import type { RoadGraph } from '../../core/graph/build.ts';
import { JcrError } from '../../core/errors.ts';
import { FACTOR_MAX, FACTOR_MIN } from '../../core/calibration/factor-range.ts';
import { CalibrationStore, factorsProblem, networkKey, type CalibrationRecord } from '../store/calibrations.ts';
import type { Engine } from '../engine.ts';
import type { Store } from '../store/store.ts';
import { authorize } from './auth.ts';
import { noUnknown } from './body.ts';

export interface CalibrationRouteDeps {
  store: Store;
  engine: Engine;
  graph?: RoadGraph | undefined;
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

const reasonOf = (b: Record<string, unknown>): string => {
  if (typeof b.reason !== 'string' || b.reason.trim() === '')
    throw new JcrError('JCR_VALIDATION', 'a reason is required', { path: 'reason' });
  return b.reason.trim();
};

export function calibrationRoutes({ store, engine, graph }: CalibrationRouteDeps): Router {
  const r = Router();
  const cal = new CalibrationStore(store);
  r.get('/calibration', (req, res) => {
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['roads'], '', 'query parameter');
    const limit = q.roads === undefined ? 50 : Number(q.roads);
    if (!Number.isInteger(limit) || limit < 0 || limit > 500)
      throw new JcrError('JCR_VALIDATION', 'roads must be an integer 0..500', { path: 'roads' });
    const v = engine.room.calibration.inForce;
    const rec = v === null ? undefined : cal.get(v.version);
    const usable = rec !== undefined && graph !== undefined && rec.network === networkKey(graph);
    res.json({
      inForce: rec ? summary(rec) : null,
      versions: cal.list(20).map(summary),
      roads: usable ? roadsChangedMost(graph, rec, limit) : { type: 'FeatureCollection', features: [] },
    });
  });
  r.post('/calibration/activate', async (req, res) => {
    const user = authorize(res, req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    noUnknown(b, ['version', 'reason'], '');
    const reason = reasonOf(b);
    if (typeof b.version !== 'number' || !Number.isInteger(b.version) || b.version < 1)
      throw new JcrError('JCR_VALIDATION', 'version must be a positive integer', { path: 'version' });
    const rec = cal.get(b.version);
    if (!rec) throw new JcrError('JCR_NOT_FOUND', `no calibration version ${b.version}`, { path: 'version' });
    // roads are numbered by geometry: factors learnt on another network would time the wrong roads
    if (!graph || rec.network !== networkKey(graph))
      throw new JcrError('JCR_CONFLICT', `calibration version ${rec.version} was learnt on another road network`, {
        path: 'version',
      });
    // a factor out of range could remove routes from the planner: never in force
    const problem = factorsProblem(rec.factors);
    if (problem)
      throw new JcrError(
        'JCR_CALIBRATION_INVALID',
        `calibration version ${rec.version}: ${problem}; every factor must be a number in ${FACTOR_MIN}..${FACTOR_MAX}`,
        { path: 'version' },
      );
    await engine.submit(
      { type: 'calibration.bringIntoForce', version: rec.version, network: rec.network, reason },
      { origin: 'operator', actor: user.username },
    );
    res.json({ inForce: engine.room.calibration.inForce?.version ?? null });
  });
  r.post('/calibration/rollback', async (req, res) => {
    const user = authorize(res, req, 'admin');
    const b = (req.body ?? {}) as Record<string, unknown>;
    noUnknown(b, ['reason'], '');
    const reason = reasonOf(b);
    await engine.submit({ type: 'calibration.rollBack', reason }, { origin: 'operator', actor: user.username });
    res.json({ inForce: engine.room.calibration.inForce?.version ?? null });
  });
  return r;
}
