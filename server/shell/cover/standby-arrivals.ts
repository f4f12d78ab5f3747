/**
 * Standby arrival: a resource on a standby move whose AVL position comes within STANDBY_ARRIVAL_M
 * of its destination has its move ended (`cover.endStandby`, reason 'arrived', origin system).
 */
import { STANDBY_ARRIVAL_M } from '../../core/cover/standby.ts';
import { haversineM } from '../../core/geo.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';

/** Watch the engine's positions for arrivals; returns the unsubscribe function. */
export function watchStandbyArrivals(engine: Engine, log: Logger | undefined): () => void {
  return engine.onPositions((ids) => {
    const room = engine.room;
    const arrived: string[] = [];
    for (const id of ids) {
      const m = room.standby.get(id);
      const r = room.fleet.get(id);
      if (!m || !r) continue;
      if (haversineM(r.lat, r.lon, m.destination.lat, m.destination.lon) <= STANDBY_ARRIVAL_M) arrived.push(id);
    }
    if (arrived.length === 0) return;
    // Not inside the position fan-out: end the moves once the current listeners have run.
    queueMicrotask(() => {
      for (const id of arrived) {
        if (!room.standby.get(id)) continue;
        try {
          engine.execute(
            { type: 'cover.endStandby', resourceId: id, reason: 'arrived' },
            { origin: 'system', actor: 'cover' },
          );
        } catch (e) {
          log?.warn('standby arrival not recorded', {
            resourceId: id,
            err: e instanceof Error ? e.message : String(e),
          });
        }
      }
    });
  });
}
