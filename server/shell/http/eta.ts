import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { requireInArea } from '../../core/scenario/area.ts';
import type { Engine } from '../engine.ts';
import { authorize } from './auth.ts';
import { latLonParam } from './body.ts';

/**
 * GET /api/eta?from=lat,lon&to=lat,lon&profile=fire  (signed in; any role may view)
 *
 * The predicted journey between two points for a speed profile of the scenario (a resource's
 * vehicleClass): `{ profile, seconds, metres, geometry: GeoJSON LineString [lon, lat], from,
 * to }` where from/to give the snapped road position and the off-road gap. A drone profile flies
 * a straight line (from/to null). Errors: JCR_VALIDATION (bad point or unknown profile),
 * JCR_OUTSIDE_AREA (an end far outside the scenario's bounds), JCR_OFF_ROAD (an end farther than the snapping allowance from a road), JCR_NOT_FOUND (no route
 * within the search bound), JCR_NOT_READY (no road network loaded).
 */
export function etaRoutes(deps: { planner?: JourneyPlanner | undefined; engine: Engine }): Router {
  const r = Router();
  r.get('/eta', (req, res) => {
    authorize(res, req, 'view');
    const planner = deps.planner;
    if (!planner) throw new JcrError('JCR_NOT_READY', 'no road network is loaded');
    const from = latLonParam(req.query.from, 'from');
    const to = latLonParam(req.query.to, 'to');
    const { bounds } = deps.engine.room.scenario;
    requireInArea(bounds, from.lat, from.lon, 'from');
    requireInArea(bounds, to.lat, to.lon, 'to');
    const profile = req.query.profile;
    if (typeof profile !== 'string' || !planner.speed.has(profile)) {
      throw new JcrError('JCR_VALIDATION', `profile must be one of ${planner.speed.profileNames.join(', ')}`, {
        path: 'profile',
      });
    }
    const route = planner.eta(from, to, profile);
    if (!route)
      throw new JcrError(
        'JCR_NOT_FOUND',
        `no ${profile} route from ${req.query.from} to ${req.query.to} within the search bound`,
      );
    const end = (s: typeof route.from) =>
      s ? { lat: s.snappedLat, lon: s.snappedLon, offRoadM: round(s.offRoadM, 1) } : null;
    res.json({
      profile,
      seconds: round(route.seconds, 1),
      metres: round(route.metres, 1),
      geometry: { type: 'LineString', coordinates: route.coords.map(([lat, lon]) => [lon, lat]) },
      from: end(route.from),
      to: end(route.to),
    });
  });
  return r;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
