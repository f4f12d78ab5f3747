import { ROLE_AGENCY, type Role } from '../../../proto/roles.ts';
import type { Agency } from '../scenario/types.ts';

/**
 * Who may do what. The rules are pure so the HTTP routes, the WebSocket endpoints and the
 * authorisation-matrix test all ask the same function.
 *
 * - A dispatcher mobilises and changes the status of their own agency's resources only. A police
 *   dispatcher who needs a fire engine *requests* fire assistance; the fire dispatcher accepts it.
 * - The ambulance/clinical desk dispatches ambulance resources.
 * - The duty officer acts for every agency and alone adjusts cover with standby moves.
 * - The wall viewer sees the whole picture and changes nothing.
 */
export { ROLES, isRole, type Role } from '../../../proto/roles.ts';

export const ACTIONS = [
  'view', // read the operating picture, resources, incidents, cover
  'incident.create',
  'incident.update',
  'incident.close',
  'incident.mobilise', // send resources of `agency`
  'incident.requestAssistance', // ask another agency for help on an incident
  'incident.acceptAssistance', // accept a request addressed to `agency`
  'resource.status', // change the status of a resource of `agency`
  'cover.move', // standby moves
  'admin', // manage feeds and users over the API
] as const;
export type Action = (typeof ACTIONS)[number];

/** The agency a role dispatches for; 'all' for the duty officer; null for read-only roles (proto/roles.ts). */
export function roleAgency(role: Role): Agency | 'all' | null {
  return ROLE_AGENCY[role];
}

/**
 * May `role` do `action`? For agency-scoped actions pass the agency of the resource (mobilise,
 * status) or of the request's addressee (accept assistance). Without an agency the question is
 * "may this role do this kind of thing at all", which is what the UI uses to show controls.
 */
export function can(role: Role, action: Action, agency?: Agency): boolean {
  const own = roleAgency(role);
  if (action === 'view') return true;
  if (own === null) return false; // wall viewer: read-only
  switch (action) {
    case 'incident.create':
    case 'incident.update':
    case 'incident.close':
    case 'incident.requestAssistance':
      return true;
    case 'incident.mobilise':
    case 'resource.status':
    case 'incident.acceptAssistance':
      return own === 'all' || agency === undefined || agency === own;
    case 'cover.move':
    case 'admin':
      return own === 'all';
  }
}

/**
 * May `role` see an incident that involves `agencies` (lead plus supporting)? Dispatchers see
 * their own agency's incidents and joint ones they are part of; the duty officer and the wall
 * see everything.
 */
export function canSeeIncident(role: Role, agencies: readonly Agency[]): boolean {
  const own = roleAgency(role);
  if (own === null || own === 'all') return true;
  return agencies.includes(own);
}
