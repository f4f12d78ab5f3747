/**
 * Events for literal logs of the mini scenario (tests of figures read from the log: performance,
 * statistics): an incident created at a time, a resource's status change. Origin operator, actor
 * `test`; an incident at 51.76, -0.22, priority 1, with its id as its address.
 */
import type { NewEvent } from '../../server/core/events.ts';
import { EMPTY_METHANE } from '../../server/core/incidents/types.ts';

/** Incident `id` of type `typeId` created at `t`: a cardiac arrest led by ambulance, else fire. */
export function created(id: string, typeId: string, t: number): NewEvent {
  return {
    at: t,
    type: 'incident.created',
    origin: 'operator',
    actor: 'test',
    data: {
      incidentId: id,
      typeId,
      priority: 1,
      lat: 51.76,
      lon: -0.22,
      address: id,
      methane: { ...EMPTY_METHANE, servicesPresent: [], servicesRequired: [] },
      leadAgency: typeId === 'cardiac-arrest' ? 'ambulance' : 'fire',
      supportingAgencies: [],
    },
  };
}

/** `resourceId` turns status `s` (1 available at station, 3 mobilised, 4 at scene, 5 returning) at `t`. */
export function status(resourceId: string, s: 1 | 3 | 4 | 5, t: number, incidentId?: string): NewEvent {
  return {
    at: t,
    type: 'resource.status',
    origin: 'operator',
    actor: 'test',
    data: { resourceId, status: s, ...(incidentId ? { incidentId } : {}) },
  };
}
