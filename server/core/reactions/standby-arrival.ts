/**
 * The standby arrival policy: after an AVL batch, a resource on a standby move whose position is
 * within STANDBY_ARRIVAL_M of the move's destination has arrived: the move ends (cover.endStandby
 * 'arrived', origin 'system', actor 'cover'); at a station the crew then books available there.
 */
import { STANDBY_ARRIVAL_M } from '../cover/standby.ts';
import { haversineM } from '../geo.ts';
import type { Policy, Reaction } from './policy.ts';

export const standbyArrivalPolicy: Policy = (trigger, room) => {
  if (trigger.kind !== 'positions') return [];
  const out: Reaction[] = [];
  for (const id of trigger.resourceIds) {
    const m = room.standby.get(id);
    if (!m) continue; // most moved resources are on no standby move: no fleet look-up for them
    const r = room.fleet.get(id);
    if (!r) continue;
    if (haversineM(r.lat, r.lon, m.destination.lat, m.destination.lon) <= STANDBY_ARRIVAL_M)
      out.push({
        cmd: { type: 'cover.endStandby', resourceId: id, reason: 'arrived' },
        ctx: { origin: 'system', actor: 'cover' },
      });
  }
  return out;
};
