/**
 * Shared incidents: who may do what (issue 22 item 1). The one rule every REST route, the core's
 * incident rules and the COP's per-agency incident filter ask; docs/incidents.md has it as a table.
 *
 * - An agency **takes part** in an incident when it leads it, supports it, has been asked by a
 *   joint request (pending, or accepted: accepting makes it a supporting agency, until the lead
 *   takes it off) or has a resource committed to it (an open attendance).
 *   Every agency that takes part sees the incident; to any other agency it does not exist: the
 *   refusal is the same JCR_NOT_FOUND a made-up id gets, so nothing reveals it.
 * - The lead agency (and the duty officer) changes type, priority, location, lead and supporting
 *   agencies, and closes the incident.
 * - Each agency mobilises, stands down and books arrival and leaving for its own resources only
 *   (and those shared with it), and answers the requests addressed to it.
 * - Any agency that takes part records METHANE updates and notes. An agency that attends (lead,
 *   supporting or committed) asks others for assistance; one only asked answers first.
 * - Closing is refused (JCR_INCIDENT_STILL_COMMITTED, listing them) while an agency other than the
 *   lead still has resources committed; that agency stands them down first, or the duty officer
 *   forces the close with a reason.
 * - The wall viewer sees every incident and changes nothing.
 *
 * Pure: it reads the incident record only (attendances carry each resource's agency).
 */
import { JcrError, type ErrorCode } from '../errors.ts';
import type { Incident } from '../incidents/types.ts';
import type { Agency, ResourceDef } from '../scenario/types.ts';

/** Who acts: a dispatcher's agency, 'all' for the duty officer, null for a read-only viewer (the wall). */
export type Acting = Agency | 'all' | null;

/** An agency's relation to an incident, strongest first. */
export const RELATIONS = ['lead', 'supporting', 'requested', 'committed', 'uninvolved'] as const;
export type Relation = (typeof RELATIONS)[number];

export const INCIDENT_ACTIONS = [
  'view', // see the incident, its lines, resources and timeline (REST and the COP)
  'update', // change type, priority, location (address), lead or supporting agencies
  'methane', // record a METHANE update
  'note', // add a note to the shared timeline
  'close', // close (refused while another agency has resources committed)
  'forceClose', // close whoever is still committed, with a reason (duty officer)
  'mobilise', // send a resource (own or shared with the agency)
  'arrive', // book a resource's arrival
  'leave', // book a resource leaving the scene
  'standDown', // stand a resource down from the incident
  'requestAssistance', // ask another agency for help
  'answerRequest', // accept (or decline) a request
] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];

/** What an action acts on besides the incident: a resource, or a joint request. */
export interface Target {
  resource?: Pick<ResourceDef, 'id' | 'agency' | 'sharedWith'>;
  request?: { requestId: string; toAgency: Agency };
}

/** Why an action is refused: a stable code, a message and the field at fault. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  path: string;
  details?: unknown;
}

type IncidentFacts = Pick<Incident, 'id' | 'leadAgency' | 'supportingAgencies' | 'requests' | 'attendances'>;

/** The agency's strongest relation to the incident. */
export function relationOf(inc: IncidentFacts, agency: Agency): Relation {
  if (inc.leadAgency === agency) return 'lead';
  if (inc.supportingAgencies.includes(agency)) return 'supporting';
  if (inc.requests.some((r) => r.toAgency === agency && r.status === 'pending')) return 'requested';
  if (inc.attendances.some((a) => a.agency === agency && a.leftAt === null)) return 'committed';
  return 'uninvolved';
}

export function takesPart(inc: IncidentFacts, agency: Agency): boolean {
  return relationOf(inc, agency) !== 'uninvolved';
}

/** Every agency that takes part: the lead, then supporting, requested and committed, each once. */
export function takingPart(inc: IncidentFacts): Agency[] {
  const out: Agency[] = [inc.leadAgency];
  const add = (a: Agency) => {
    if (!out.includes(a)) out.push(a);
  };
  for (const a of inc.supportingAgencies) add(a);
  for (const r of inc.requests) if (r.status === 'pending') add(r.toAgency);
  for (const a of inc.attendances) if (a.leftAt === null) add(a.agency);
  return out;
}

/** May `who` see the incident at all? */
export function sees(who: Acting, inc: IncidentFacts): boolean {
  return who === null || who === 'all' || takesPart(inc, who);
}

/** Resources still committed (open attendances) of agencies other than the lead, in attendance order. */
export function closeBlockers(inc: IncidentFacts): { agencies: Agency[]; resourceIds: string[] } {
  const agencies: Agency[] = [];
  const resourceIds: string[] = [];
  for (const a of inc.attendances) {
    if (a.leftAt !== null || a.agency === inc.leadAgency) continue;
    if (!agencies.includes(a.agency)) agencies.push(a.agency);
    if (!resourceIds.includes(a.resourceId)) resourceIds.push(a.resourceId);
  }
  return { agencies, resourceIds };
}

/** The refusal for an incident `who` does not see: word for word what an unknown id gets. */
export function unknownIncident(id: string): Refusal {
  return { code: 'JCR_NOT_FOUND', message: `unknown incident "${id}"`, path: 'incidentId' };
}

const RESOURCE_ACTIONS: ReadonlySet<IncidentAction> = new Set(['mobilise', 'arrive', 'leave', 'standDown']);

/**
 * May `who` do `action` on `inc` (and `target`)? Null when it may, else the refusal. The order
 * matters: an incident the caller does not see is unknown whatever the action, so no other
 * answer reveals it.
 */
export function judge(who: Acting, inc: IncidentFacts, action: IncidentAction, target: Target = {}): Refusal | null {
  if (!sees(who, inc)) return unknownIncident(inc.id);
  if (action === 'view') return null;
  if (who === null) return { code: 'JCR_FORBIDDEN', message: 'the wall view is read-only', path: 'incidentId' };
  if (action === 'forceClose') {
    return who === 'all'
      ? null
      : { code: 'JCR_FORBIDDEN', message: 'only the duty officer may force a close', path: 'force' };
  }
  if (action === 'close' || action === 'update') {
    if (who !== 'all' && who !== inc.leadAgency)
      return {
        code: 'JCR_INCIDENT_LEAD_ONLY',
        message: `only the lead agency (${inc.leadAgency}) or the duty officer may ${action === 'close' ? 'close' : 'change type, priority, location or agencies of'} incident ${inc.id}`,
        path: 'incidentId',
      };
    if (action === 'close') {
      const b = closeBlockers(inc);
      if (b.resourceIds.length > 0)
        return {
          code: 'JCR_INCIDENT_STILL_COMMITTED',
          message: `${b.agencies.join(', ')} still ha${b.agencies.length === 1 ? 's' : 've'} ${b.resourceIds.join(', ')} committed to ${inc.id}: they stand down first, or the duty officer forces the close with a reason`,
          path: 'incidentId',
          details: b,
        };
    }
    return null;
  }
  if (RESOURCE_ACTIONS.has(action)) {
    const r = target.resource;
    if (r === undefined || who === 'all') return null;
    if (r.agency === who || (r.sharedWith?.includes(who) ?? false)) return null;
    return {
      code: 'JCR_FORBIDDEN',
      message: `${who} may not ${ACTION_WORDS[action]} ${r.id} (${r.agency}): each agency acts for its own resources`,
      path: 'resourceId',
    };
  }
  if (action === 'answerRequest') {
    const q = target.request;
    if (q === undefined || who === 'all' || q.toAgency === who) return null;
    return {
      code: 'JCR_FORBIDDEN',
      message: `only ${q.toAgency} may answer request ${q.requestId}`,
      path: 'requestId',
    };
  }
  if (action === 'requestAssistance' && who !== 'all' && relationOf(inc, who) === 'requested')
    return {
      code: 'JCR_FORBIDDEN',
      message: `${who} is asked to assist on ${inc.id}: it answers the request before asking others`,
      path: 'fromAgency',
    };
  return null; // methane, note, requestAssistance: any agency that takes part
}

const ACTION_WORDS: Partial<Record<IncidentAction, string>> = {
  mobilise: 'mobilise',
  arrive: 'book the arrival of',
  leave: 'book the leaving of',
  standDown: 'stand down',
};

/** `judge`, throwing the refusal as a JcrError. */
export function mustMay(who: Acting, inc: IncidentFacts, action: IncidentAction, target: Target = {}): void {
  const no = judge(who, inc, action, target);
  if (no) throw new JcrError(no.code, no.message, { path: no.path, details: no.details });
}
