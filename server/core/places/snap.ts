/**
 * Snapping a gazetteer answer onto the road network, passed in so the gazetteer stays pure of
 * the planner: a SnapFn over the journey planner, or none without a road network.
 */
import { JcrError } from '../errors.ts';
import type { JourneyPlanner } from '../graph/planner.ts';

/** Snap a point onto the road network: the road position and the distance, or null if too far. */
export type SnapFn = (lat: number, lon: number) => { lat: number; lon: number; distanceM: number } | null;

/** A SnapFn over the journey planner's snapping (its allowance); null beyond it. */
export function plannerSnap(planner: Pick<JourneyPlanner, 'snap'>): SnapFn {
  return (lat, lon) => {
    try {
      const s = planner.snap(lat, lon);
      return { lat: s.snappedLat, lon: s.snappedLon, distanceM: s.offRoadM };
    } catch (e) {
      if (e instanceof JcrError && e.code === 'JCR_OFF_ROAD') return null;
      throw e;
    }
  };
}

/** No road network: nothing snaps. */
export const NO_SNAP: SnapFn = () => null;
