/**
 * The arrival policy: after an AVL batch, a MOBILISED resource within ARRIVAL_RADIUS_M of its
 * incident and slower than ARRIVAL_MAX_SPEED_MPS has arrived: AT_SCENE, with origin 'avl' (the
 * vehicle's own position said so) and actor 'arrival-detector'.
 */
import type { Fleet } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import { haversineM } from '../geo.ts';
import type { IncidentBook } from '../incidents/book.ts';
import type { Policy } from './policy.ts';

export const ARRIVAL_RADIUS_M = 100;
export const ARRIVAL_MAX_SPEED_MPS = 3;

/** Resources among `ids` that have just arrived at their incident: [resourceId, incidentId]. */
export function detectArrivals(
  fleet: Fleet,
  book: IncidentBook,
  ids: readonly string[],
  radiusM = ARRIVAL_RADIUS_M,
  maxSpeed = ARRIVAL_MAX_SPEED_MPS,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const id of ids) {
    const r = fleet.get(id);
    if (!r || r.status !== ResourceStatus.MOBILISED || r.incidentId === undefined) continue;
    const inc = book.get(r.incidentId);
    if (!inc || inc.status === 'closed') continue;
    if (r.speedMps < maxSpeed && haversineM(r.lat, r.lon, inc.lat, inc.lon) <= radiusM) out.push([id, inc.id]);
  }
  return out;
}

export const arrivalPolicy: Policy = (trigger, room) => {
  if (trigger.kind !== 'positions') return [];
  return detectArrivals(room.fleet, room.incidents, trigger.resourceIds).map(([resourceId, incidentId]) => ({
    cmd: { type: 'resource.setStatus', resourceId, status: ResourceStatus.AT_SCENE, incidentId },
    ctx: { origin: 'avl', actor: 'arrival-detector' },
  }));
};
