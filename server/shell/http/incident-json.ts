/**
 * An incident as the REST routes answer it: the incident, its type's name, the agencies that see
 * it, and (with a gazetteer) where it is in words and where it meets the road network.
 */
import { takingPart } from '../../core/auth/incident-access.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { locator, type IncidentLocation, type Locate } from '../../core/places/locate.ts';
import type { Engine } from '../engine.ts';

export { locator, type IncidentLocation, type Locate };

export function incidentJson(engine: Engine, inc: Incident, locate?: Locate) {
  const type = engine.room.scenario.incidentTypes.find((t) => t.id === inc.typeId);
  // The recommendation's full summary stays in the log (GET /incidents/:id/log); here its seq and proposal.
  const last = inc.lastRecommendation && { seq: inc.lastRecommendation.seq, proposed: inc.lastRecommendation.proposed };
  return {
    ...inc,
    lastRecommendation: last,
    typeName: type?.name ?? inc.typeId,
    visibleTo: takingPart(inc),
    ...(locate ? { location: locate(inc.lat, inc.lon) } : {}),
  };
}
