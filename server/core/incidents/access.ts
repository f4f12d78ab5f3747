/**
 * Who sees an incident and who may task a resource: the sharing rules read by the incident rules,
 * the recommender and the HTTP routes alike.
 */
import type { Agency, ResourceDef } from '../scenario/types.ts';
import type { Incident } from './types.ts';

/** May `agency` task this resource? Its own, and those shared with it (scenario `sharedWith`). */
export function mayTask(agency: Agency, def: Pick<ResourceDef, 'agency' | 'sharedWith'>): boolean {
  return def.agency === agency || (def.sharedWith?.includes(agency) ?? false);
}

/**
 * The agencies attending by agreement: the lead and every supporting one (an accepted joint
 * request adds to it). Who *sees* the incident is wider, every agency that takes part
 * (server/core/auth/incident-access.ts).
 */
export function visibleTo(inc: Incident): Agency[] {
  return [inc.leadAgency, ...inc.supportingAgencies.filter((a) => a !== inc.leadAgency)];
}
