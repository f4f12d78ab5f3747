/**
 * Where an incident is, for the screens (issue 16 item 2): its nearest named road, town and grid
 * reference in words ("A602, near Stevenage · TL 2453 2310"), and where it meets the road network
 * (the snapped point and how far, or "no road within N m"). The REST answers carry it as the
 * incident's `location`, the COP as CopIncident.location: one function, so both say the same.
 */
import type { IncidentLocation } from '../../../proto/places.ts';
import type { JourneyPlanner } from '../graph/planner.ts';
import type { Gazetteer } from './gazetteer.ts';
import { plannerSnap } from './snap.ts';

export type { IncidentLocation };

export type Locate = (lat: number, lon: number) => IncidentLocation;

/** A Locate over the gazetteer and the planner's snapping (either may be missing; no gazetteer, none). */
export function locator(
  places: Pick<Gazetteer, 'describe'> | undefined,
  planner: Pick<JourneyPlanner, 'snap' | 'maxSnapM'> | undefined,
): Locate | undefined {
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
