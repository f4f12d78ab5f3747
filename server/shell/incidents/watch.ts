/**
 * Wires the incident watchers (server/core/incidents/watch.ts) to the engine: AVL positions
 * drive arrival detection (AT_SCENE with origin 'avl'), and every change of availability
 * re-checks incidents still en route for a quicker resource (incident.quickerAvailable).
 */
import { isJcrError } from '../../core/errors.ts';
import { isDeployable } from '../../core/fleet/status.ts';
import { detectArrivals, quickerFlags } from '../../core/incidents/watch.ts';
import { ResourceStatus } from '../../core/fleet/status.ts';
import type { Engine } from '../engine.ts';
import type { Logger } from '../log.ts';
import type { Mobilisation } from './mobilisation.ts';

export function attachIncidentWatch(engine: Engine, mobilisation: Mobilisation | undefined, log: Logger): () => void {
  const room = engine.room;
  const offPositions = engine.onPositions((ids) => {
    for (const [resourceId, incidentId] of detectArrivals(room.fleet, room.incidents, ids)) {
      try {
        engine.execute(
          { type: 'resource.setStatus', resourceId, status: ResourceStatus.AT_SCENE, incidentId },
          { origin: 'avl', actor: 'arrival-detector' },
        );
      } catch (e) {
        if (!isJcrError(e)) throw e;
        log.warn('arrival not recorded', { resourceId, incidentId, code: e.code });
      }
    }
  });
  let busy = false;
  const offEvents = engine.onEvents((events) => {
    if (!mobilisation || busy) return;
    if (!events.some((e) => e.type === 'resource.status' && isDeployable(e.data.status))) return;
    busy = true;
    try {
      const now = room.clock();
      const cover = mobilisation.cover ? mobilisation.cover(room.fleet, now) : null;
      for (const inc of [...room.incidents.all()]) {
        if (inc.status === 'closed') continue;
        const flags = quickerFlags(room.scenario, room.fleet, inc, now, mobilisation.journeys, cover);
        if (flags.length > 0)
          engine.execute(
            { type: 'incident.flagQuicker', incidentId: inc.id, flags },
            { origin: 'system', actor: 'system' },
          );
      }
    } finally {
      busy = false;
    }
  });
  return () => {
    offPositions();
    offEvents();
  };
}
