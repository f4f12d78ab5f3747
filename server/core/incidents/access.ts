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

/** Agencies that see an incident: the lead and every supporting agency (joint requests add to it). */
export function visibleTo(inc: Incident): Agency[] {
  return [inc.leadAgency, ...inc.supportingAgencies.filter((a) => a !== inc.leadAgency)];
}

/** Is the incident visible to `agency`? Also true for an agency with a pending request to accept. */
export function isVisibleTo(inc: Incident, agency: Agency): boolean {
  return visibleTo(inc).includes(agency) || inc.requests.some((r) => r.status === 'pending' && r.toAgency === agency);
}
