import { Router } from 'express';
import type { Engine } from '../engine.ts';

/** Read-only views of the loaded scenario (stations, posts, incident types, standards). */
/** What the scenario routes read: the room's loaded scenario. */
export interface ScenarioRouteDeps {
  engine: Engine;
}

export function scenarioRoutes({ engine }: ScenarioRouteDeps): Router {
  const r = Router();
  const s = engine.room.scenario;
  r.get('/scenario', (_req, res) => {
    res.json({
      id: s.id,
      name: s.name,
      description: s.description,
      timezone: s.timezone,
      bounds: s.bounds,
      network: { format: s.network.format, synthetic: s.network.synthetic, attribution: s.network.attribution },
      counts: {
        stations: s.stations.length,
        posts: s.posts.length,
        resources: s.resources.length,
        incidentTypes: s.incidentTypes.length,
        demandPoints: s.demand.length,
      },
      stations: s.stations,
      posts: s.posts,
      incidentTypes: s.incidentTypes,
      standards: s.standards,
    });
  });
  return r;
}
