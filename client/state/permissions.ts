/**
 * What the signed-in role may do, for showing only the controls it may use. The server decides
 * (server/core/auth/roles.ts `can` and the shared-incident rule in
 * server/core/auth/incident-access.ts `judge`); the client bundle may not import server modules,
 * so the rules the screens need are restated here (the role-to-agency table is shared, in
 * proto/roles.ts), and test/client-permissions.test.ts checks them against the server's for
 * every role, relation and action. An unknown role may do nothing.
 */
import { isRole, ROLE_AGENCY } from '../../proto/roles.ts';
import type { Agency } from './types.ts';

/** Who acts: a dispatcher's agency, 'all' for the duty officer, null for the read-only wall. */
export type Acting = Agency | 'all' | null;

/** The agency a role acts for; undefined for a role this client does not know (it may do nothing). */
export function actingOf(role: string | null | undefined): Acting | undefined {
  return isRole(role) ? ROLE_AGENCY[role] : undefined;
}

/** Standby moves (POST /api/cover/moves): the duty officer alone adjusts cover. */
export function mayMoveCover(role: string | null | undefined): boolean {
  return role === 'duty-officer';
}

/** Create incidents, mobilise, override: every role that acts for an agency (not the wall). */
export function mayCreateIncident(role: string | null | undefined): boolean {
  const a = actingOf(role);
  return a !== undefined && a !== null;
}

/** Set the status of a resource of `agency`: its own agency's dispatcher, or the duty officer. */
export function maySetStatus(role: string | null | undefined, agency: Agency): boolean {
  const a = actingOf(role);
  return a === 'all' || a === agency;
}

/** What the screens need to know of an incident to decide which controls to show. */
export interface IncidentFacts {
  leadAgency: Agency | null;
  supportingAgencies: readonly Agency[];
  /** Agencies asked by a joint request that is pending or accepted. */
  requestedAgencies: readonly Agency[];
  attendances: readonly { agency: Agency; leftAtMs: number | null }[];
}

/** Does `agency` take part: lead, supporting, asked by a joint request, or a resource committed? */
export function takesPart(inc: IncidentFacts, agency: Agency): boolean {
  return (
    inc.leadAgency === agency ||
    inc.supportingAgencies.includes(agency) ||
    inc.requestedAgencies.includes(agency) ||
    inc.attendances.some((a) => a.agency === agency && a.leftAtMs === null)
  );
}

/** Every agency that takes part: the lead, then supporting, requested and committed, each once. */
export function takingPart(inc: IncidentFacts): Agency[] {
  const out: Agency[] = inc.leadAgency ? [inc.leadAgency] : [];
  const add = (a: Agency) => {
    if (!out.includes(a)) out.push(a);
  };
  for (const a of inc.supportingAgencies) add(a);
  for (const a of inc.requestedAgencies) add(a);
  for (const a of inc.attendances) if (a.leftAtMs === null) add(a.agency);
  return out;
}

/** Agencies other than the lead with resources still committed (they stand down before a close). */
export function closeBlockers(inc: IncidentFacts & { attendances: readonly { resourceId: string }[] }): {
  agencies: Agency[];
  resourceIds: string[];
} {
  const agencies: Agency[] = [];
  const resourceIds: string[] = [];
  for (const a of inc.attendances) {
    if (a.leftAtMs !== null || a.agency === inc.leadAgency) continue;
    if (!agencies.includes(a.agency)) agencies.push(a.agency);
    if (!resourceIds.includes(a.resourceId)) resourceIds.push(a.resourceId);
  }
  return { agencies, resourceIds };
}

/**
 * The controls of the incident detail, by the shared-incident rule:
 * - `update`, `close`: the lead agency or the duty officer (a close may still be refused while
 *   another agency is committed: the screen shows who, the server says so with its code);
 * - `forceClose`: the duty officer;
 * - `methane`, `note`: any agency that takes part; `requestAssistance`: the same, except an
 *   agency only asked (it answers first);
 * - `mobilise`, `arrive`, `leave`, `standDown`: for a resource of `agency`, that agency's own
 *   dispatcher or the duty officer;
 * - `answerRequest`: for a request addressed to `agency`, that agency or the duty officer.
 * The wall changes nothing; an agency that does not take part sees nothing to change.
 */
export type IncidentControl =
  | 'update'
  | 'close'
  | 'forceClose'
  | 'methane'
  | 'note'
  | 'requestAssistance'
  | 'mobilise'
  | 'arrive'
  | 'leave'
  | 'standDown'
  | 'answerRequest';

export function mayOnIncident(
  role: string | null | undefined,
  inc: IncidentFacts,
  control: IncidentControl,
  agency?: Agency,
): boolean {
  const who = actingOf(role);
  if (who === undefined || who === null) return false;
  if (who !== 'all' && !takesPart(inc, who)) return false;
  switch (control) {
    case 'forceClose':
      return who === 'all';
    case 'update':
    case 'close':
      return who === 'all' || who === inc.leadAgency;
    case 'mobilise':
    case 'arrive':
    case 'leave':
    case 'standDown':
    case 'answerRequest':
      return who === 'all' || agency === undefined || agency === who;
    case 'requestAssistance':
      // An agency only asked (not leading or supporting) answers its request before asking others.
      return (
        who === 'all' ||
        who === inc.leadAgency ||
        inc.supportingAgencies.includes(who) ||
        !inc.requestedAgencies.includes(who)
      );
    case 'methane':
    case 'note':
      return true;
  }
}
