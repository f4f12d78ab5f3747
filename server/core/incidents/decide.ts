/**
 * The incident rules: check an incident command against the book and the fleet and answer the
 * events it makes (pure, nothing applied). IncidentBook.decide calls this; the fold of the
 * events stays in ./book.ts, so the rules read state and never write it.
 */
import { JcrError } from '../errors.ts';
import type { NewEvent, Origin } from '../events.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import { requireInArea } from '../scenario/area.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import { mustMay, type Acting, type IncidentAction } from '../auth/incident-access.ts';
import { visibleTo } from './access.ts';
import { checkChoice, lineOfShown, mobilised, sameResources, type Envelope, type Shown } from './choice.ts';
import { decideLine } from './decide-lines.ts';
import { asksOthers, decideAnswer, decideJointAccept } from './requests.ts';
import { callerOf } from './caller.ts';
import { checkCreateKey } from './create-keys.ts';
import { sentFor } from './sent-for.ts';
import { EMPTY_METHANE, mergeMethane, type BookView, type Incident, type IncidentCommand } from './types.ts';

/** Who issued a command and how it came in. */
export interface Ctx {
  origin: Origin;
  actor: string;
}

/**
 * The open incident `who` may act on. An incident the acting agency does not take part in is
 * unknown (before it is closed: a 409 would reveal it); then `action` is judged by the one rule.
 */
function requireOpen(book: BookView, id: string, who: Acting = 'all', action: IncidentAction = 'view'): Incident {
  const inc = book.require(id);
  if (action !== 'view') mustMay(who, inc, 'view');
  if (inc.status === 'closed') throw new JcrError('JCR_CONFLICT', `incident ${id} is closed`, { path: 'incidentId' });
  mustMay(who, inc, action);
  return inc;
}

/** The command's acting agency as the rule reads it: none means the duty officer (or the system). */
const actingOf = (agency: Agency | undefined): Acting => agency ?? 'all';

/** Patch fields only the lead agency changes; METHANE is anyone's who takes part. */
const LEAD_FIELDS = ['typeId', 'priority', 'lat', 'lon', 'address', 'leadAgency', 'supportingAgencies'] as const;

function checkType(scenario: Scenario, typeId: string, path: string) {
  const t = scenario.incidentTypes.find((x) => x.id === typeId);
  if (!t)
    throw new JcrError(
      'JCR_VALIDATION',
      `unknown incident type "${typeId}" (known: ${scenario.incidentTypes.map((x) => x.id).join(', ')})`,
      { path },
    );
  return t;
}

/** Validate an incident command; return its events (not applied). */
export function decideIncident(
  book: BookView,
  scenario: Scenario,
  cmd: IncidentCommand,
  ctx: Ctx,
  at: number,
  fleet: Fleet,
): NewEvent[] {
  const env = { at, origin: ctx.origin, actor: ctx.actor };
  switch (cmd.type) {
    case 'incident.create': {
      const t = checkType(scenario, cmd.typeId, 'typeId');
      requireInArea(scenario.bounds, cmd.lat, cmd.lon, 'lat');
      const lead = cmd.leadAgency ?? t.leadAgency;
      // A retry of a create already applied makes nothing: the caller answers the incident it made.
      const createKey =
        cmd.idempotencyKey === undefined
          ? undefined
          : { key: checkCreateKey(cmd.idempotencyKey), scope: cmd.actingAgency ?? 'all' };
      if (createKey && book.createdWithKey(createKey, at) !== undefined) return [];
      if (cmd.actingAgency !== undefined && cmd.actingAgency !== lead) {
        throw new JcrError(
          'JCR_FORBIDDEN',
          `${cmd.actingAgency} may not open an incident led by ${lead}; open it as ${cmd.actingAgency} and request assistance`,
          { path: 'leadAgency' },
        );
      }
      const incidentId = `INC-${book.size + 1}`;
      const supporting = [...new Set(cmd.supportingAgencies ?? [])].filter((a) => a !== lead);
      const methane = mergeMethane(EMPTY_METHANE, cmd.methane);
      if (cmd.methane?.type === undefined) methane.type = t.name;
      const caller = callerOf(cmd);
      return [
        {
          ...env,
          type: 'incident.created',
          data: {
            incidentId,
            typeId: t.id,
            priority: cmd.priority ?? t.priority,
            lat: cmd.lat,
            lon: cmd.lon,
            address: cmd.address ?? '',
            ...caller,
            methane,
            leadAgency: lead,
            supportingAgencies: supporting,
            ...(createKey ? { createKey } : {}),
          },
        },
      ];
    }
    case 'incident.update': {
      const p = cmd.patch;
      const leadOnly = LEAD_FIELDS.some((k) => p[k] !== undefined);
      const inc = requireOpen(book, cmd.incidentId, actingOf(cmd.actingAgency), leadOnly ? 'update' : 'methane');
      if (p.typeId !== undefined) checkType(scenario, p.typeId, 'typeId');
      if ((p.lat === undefined) !== (p.lon === undefined))
        throw new JcrError('JCR_VALIDATION', 'lat and lon must be changed together', {
          path: p.lat === undefined ? 'lat' : 'lon',
        });
      if (p.lat !== undefined && p.lon !== undefined) requireInArea(scenario.bounds, p.lat, p.lon, 'lat');
      if (Object.keys(p).length === 0) return [];
      return [{ ...env, type: 'incident.updated', data: { incidentId: inc.id, patch: p } }];
    }
    case 'incident.close': {
      const force = cmd.force === true;
      const inc = requireOpen(book, cmd.incidentId, actingOf(cmd.actingAgency), force ? 'forceClose' : 'close');
      if (force && (cmd.reason ?? '').trim() === '')
        throw new JcrError('JCR_VALIDATION', 'a forced close needs a reason', { path: 'reason' });
      const out: NewEvent[] = [];
      // Closing stands down every resource still attending: they become RETURNING.
      for (const a of inc.attendances) {
        if (a.leftAt !== null) continue;
        const r = fleet.get(a.resourceId);
        if (!r || fleet.incidentOf(r) !== inc.id) continue;
        out.push({
          ...env,
          type: 'resource.status',
          data: { resourceId: a.resourceId, status: ResourceStatus.RETURNING, incidentId: inc.id },
        });
      }
      out.push({ ...env, type: 'incident.closed', data: { incidentId: inc.id, reason: cmd.reason ?? '' } });
      return out;
    }
    case 'incident.mobilise':
      return decideMobilise(book, cmd, env, fleet, scenario);
    case 'incident.requestAssistance': {
      const inc = requireOpen(book, cmd.incidentId, cmd.fromAgency, 'requestAssistance');
      if (cmd.toAgency === cmd.fromAgency)
        throw new JcrError('JCR_VALIDATION', 'toAgency must differ from fromAgency', { path: 'toAgency' });
      if (visibleTo(inc).includes(cmd.toAgency))
        throw new JcrError('JCR_CONFLICT', `${cmd.toAgency} already attends incident ${inc.id}`, {
          path: 'toAgency',
        });
      if (inc.requests.some((r) => r.status === 'pending' && r.toAgency === cmd.toAgency)) {
        throw new JcrError('JCR_CONFLICT', `a request to ${cmd.toAgency} is already pending`, { path: 'toAgency' });
      }
      const requestId = `${inc.id}-R${inc.requests.length + 1}`;
      return [
        {
          ...env,
          type: 'incident.assistanceRequested',
          data: {
            incidentId: inc.id,
            requestId,
            fromAgency: cmd.fromAgency,
            toAgency: cmd.toAgency,
            note: cmd.note ?? '',
          },
        },
      ];
    }
    case 'incident.acceptAssistance': {
      const inc = requireOpen(book, cmd.incidentId, cmd.actingAgency);
      const req = inc.requests.find((r) => r.requestId === cmd.requestId);
      if (!req) throw new JcrError('JCR_NOT_FOUND', `unknown request "${cmd.requestId}"`, { path: 'requestId' });
      if (req.status !== 'pending')
        throw new JcrError('JCR_CONFLICT', `request ${req.requestId} is already ${req.status}`, {
          path: 'requestId',
        });
      mustMay(cmd.actingAgency, inc, 'answerRequest', { request: req });
      return [
        {
          ...env,
          type: 'incident.assistanceAccepted',
          data: { incidentId: inc.id, requestId: req.requestId, agency: req.toAgency },
        },
      ];
    }
    case 'incident.setLine':
    case 'incident.removeLine':
      return decideLine(book.require(cmd.incidentId), scenario, cmd, env);
    case 'incident.answerRequest':
      return decideAnswer(book, cmd, env, fleet, scenario);
    case 'incident.flagQuicker': {
      const inc = requireOpen(book, cmd.incidentId);
      if (cmd.flags.length === 0) return [];
      return [{ ...env, type: 'incident.quickerAvailable', data: { incidentId: inc.id, flags: cmd.flags } }];
    }
  }
}

function decideMobilise(
  book: BookView,
  cmd: Extract<IncidentCommand, { type: 'incident.mobilise' }>,
  env: Envelope,
  fleet: Fleet,
  scenario: Scenario,
): NewEvent[] {
  const inc = requireOpen(book, cmd.incidentId, actingOf(cmd.actingAgency));
  if (cmd.resourceIds.length === 0)
    throw new JcrError('JCR_VALIDATION', 'resourceIds must name at least one resource', { path: 'resourceIds' });
  const shown = shownRecommendation(cmd);
  const same = sameResources(cmd.resourceIds, shown.proposed);
  // A single agency accepting a recommendation that holds other agencies' lines: ./requests.ts.
  // (Only a recommendation that was made: a bare `proposed` list is no licence to ask.)
  if (same && shown.summary && cmd.actingAgency !== undefined && asksOthers(inc, shown, cmd.actingAgency, fleet))
    return decideJointAccept(inc, cmd, cmd.actingAgency, shown, env, fleet, scenario);
  const chosen = checkChoice(fleet, inc, cmd.resourceIds, cmd.actingAgency ?? 'all');
  const reason = cmd.reason?.trim() ?? '';
  if (!same && reason === '') {
    throw new JcrError(
      'JCR_VALIDATION',
      `the choice differs from the recommendation (${shown.proposed.join(', ') || 'none'}): a reason is required`,
      { path: 'reason' },
    );
  }
  return [
    {
      ...env,
      type: 'incident.decision',
      data: {
        incidentId: inc.id,
        decision: same ? 'accepted' : 'overridden',
        proposed: [...shown.proposed],
        chosen: [...cmd.resourceIds],
        reason: reason === '' ? null : reason,
        recommendationSeq: shown.seq,
        actingAgency: cmd.actingAgency ?? null,
        ...(shown.summary ? { recommended: shown.summary } : {}),
        ...(shown.at !== null ? { recommendedAt: shown.at } : {}),
      },
    },
    ...mobilised(env, inc, chosen, sentFor(scenario, inc, fleet, chosen, lineOfShown(shown))),
  ];
}

/**
 * The recommendation the decider was shown: the summary the command carries (its caller checked
 * that this server showed it, for this incident: nothing is recorded when one is shown), else
 * just the command's `proposed`. A decision is judged against it, whatever was shown since to
 * anyone else.
 */
function shownRecommendation(cmd: Extract<IncidentCommand, { type: 'incident.mobilise' }>): Shown {
  if (!cmd.recommended) return { proposed: [...cmd.proposed], seq: null, at: null, summary: null };
  return {
    proposed: [...cmd.recommended.proposed],
    seq: cmd.recommendationSeq ?? null,
    at: cmd.recommendedAt ?? null,
    summary: cmd.recommended,
  };
}
