/**
 * An incident as the REST routes answer it: the incident, its type's name, the agencies that see
 * it, and (with a gazetteer) where it is in words and where it meets the road network.
 */
import { takingPart } from '../../core/auth/incident-access.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { plannerSnap, type Gazetteer } from '../../core/places/gazetteer.ts';
import type { IncidentLocation } from '../../../proto/places.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import type { Engine } from '../engine.ts';

/**
 * Where an incident is, for the screens: its nearest named road, town and grid reference ("A602,
 * near Stevenage · TL 2453 2310"), and where it meets the road network (proto/wire.ts).
 */
export type { IncidentLocation };

export type Locate = (lat: number, lon: number) => IncidentLocation;

/** A Locate over the gazetteer and the planner's snapping (either may be missing). */
export function locator(places: Gazetteer | undefined, planner: JourneyPlanner | undefined): Locate | undefined {
  if (!places) return undefined;
  const snap = planner ? plannerSnap(planner) : null;
  return (lat, lon) => {
    const s = snap ? snap(lat, lon) : null;
    return {
      ...places.describe(lat, lon),
      snapped: s ? { lat: round6(s.lat), lon: round6(s.lon), distanceM: Math.round(s.distanceM * 10) / 10 } : null,
      offRoad: snap && !s ? `no road within ${planner!.maxSnapM} m` : null,
    };
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

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
