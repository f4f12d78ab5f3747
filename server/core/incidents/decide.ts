/**
 * The incident rules: check an incident command against the book and the fleet and answer the
 * events it makes (pure, nothing applied). IncidentBook.decide calls this; the fold of the
 * events stays in ./book.ts, so the rules read state and never write it.
 */
import { JcrError } from '../errors.ts';
import type { NewEvent, Origin } from '../events.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import { requireInArea } from '../scenario/area.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import { mayTask, visibleTo } from './access.ts';
import { decideLine } from './decide-lines.ts';
import { sentFor } from './sent-for.ts';
import { EMPTY_METHANE, mergeMethane, type Incident, type IncidentCommand } from './types.ts';

/** Who issued a command and how it came in. */
export interface Ctx {
  origin: Origin;
  actor: string;
}

/** What the rules read of the book. */
export interface BookView {
  require(id: string): Incident;
  readonly size: number;
}

function requireOpen(book: BookView, id: string): Incident {
  const inc = book.require(id);
  if (inc.status === 'closed') throw new JcrError('JCR_CONFLICT', `incident ${id} is closed`, { path: 'incidentId' });
  return inc;
}

function requireVisible(inc: Incident, agency: Agency | undefined): void {
  if (agency !== undefined && !visibleTo(inc).includes(agency)) {
    throw new JcrError('JCR_FORBIDDEN', `incident ${inc.id} is not shared with ${agency}`, { path: 'actingAgency' });
  }
}

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
            methane,
            leadAgency: lead,
            supportingAgencies: supporting,
          },
        },
      ];
    }
    case 'incident.update': {
      const inc = requireOpen(book, cmd.incidentId);
      requireVisible(inc, cmd.actingAgency);
      const p = cmd.patch;
      if (p.typeId !== undefined) checkType(scenario, p.typeId, 'typeId');
      if ((p.lat === undefined) !== (p.lon === undefined))
        throw new JcrError('JCR_VALIDATION', 'lat and lon must be changed together', {
          path: p.lat === undefined ? 'lat' : 'lon',
        });
      if (p.lat !== undefined && p.lon !== undefined) requireInArea(scenario.bounds, p.lat, p.lon, 'lat');
      if (p.leadAgency !== undefined && cmd.actingAgency !== undefined && cmd.actingAgency !== inc.leadAgency) {
        throw new JcrError('JCR_FORBIDDEN', `only the lead agency (${inc.leadAgency}) may hand over the lead`, {
          path: 'leadAgency',
        });
      }
      if (Object.keys(p).length === 0) return [];
      return [{ ...env, type: 'incident.updated', data: { incidentId: inc.id, patch: p } }];
    }
    case 'incident.close': {
      const inc = requireOpen(book, cmd.incidentId);
      requireVisible(inc, cmd.actingAgency);
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
    case 'incident.recordRecommendation': {
      const inc = requireOpen(book, cmd.incidentId);
      return [{ ...env, type: 'incident.recommended', data: { incidentId: inc.id, summary: cmd.summary } }];
    }
    case 'incident.mobilise':
      return decideMobilise(book, cmd, env, fleet, scenario);
    case 'incident.requestAssistance': {
      const inc = requireOpen(book, cmd.incidentId);
      if (!visibleTo(inc).includes(cmd.fromAgency))
        throw new JcrError('JCR_FORBIDDEN', `incident ${inc.id} is not shared with ${cmd.fromAgency}`, {
          path: 'fromAgency',
        });
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
      const inc = requireOpen(book, cmd.incidentId);
      const req = inc.requests.find((r) => r.requestId === cmd.requestId);
      if (!req) throw new JcrError('JCR_NOT_FOUND', `unknown request "${cmd.requestId}"`, { path: 'requestId' });
      if (req.status !== 'pending')
        throw new JcrError('JCR_CONFLICT', `request ${req.requestId} is already ${req.status}`, {
          path: 'requestId',
        });
      if (cmd.actingAgency !== req.toAgency)
        throw new JcrError('JCR_FORBIDDEN', `only ${req.toAgency} may accept request ${req.requestId}`, {
          path: 'actingAgency',
        });
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
  env: { at: number; origin: Origin; actor: string },
  fleet: Fleet,
  scenario: Scenario,
): NewEvent[] {
  const inc = requireOpen(book, cmd.incidentId);
  requireVisible(inc, cmd.actingAgency);
  if (cmd.resourceIds.length === 0)
    throw new JcrError('JCR_VALIDATION', 'resourceIds must name at least one resource', { path: 'resourceIds' });
  const seen = new Set<string>();
  const chosen: LiveResource[] = [];
  cmd.resourceIds.forEach((id, i) => {
    const path = `resourceIds[${i}]`;
    if (seen.has(id)) throw new JcrError('JCR_VALIDATION', `${id} is named twice`, { path });
    seen.add(id);
    const r = fleet.get(id);
    if (!r) throw new JcrError('JCR_NOT_FOUND', `unknown resource "${id}"`, { path });
    if (cmd.actingAgency !== undefined && !mayTask(cmd.actingAgency, r.def)) {
      throw new JcrError('JCR_FORBIDDEN', `${cmd.actingAgency} may not mobilise ${id} (${r.def.agency})`, { path });
    }
    if (fleet.holdsIncident(r.status)) {
      const where = r.incidentId === inc.id ? 'this incident' : `incident ${r.incidentId ?? '?'}`;
      throw new JcrError('JCR_CONFLICT', `${id} is committed to ${where} (${STATUS_NAMES[r.status]})`, { path });
    }
    if (!isDeployable(r.status))
      throw new JcrError('JCR_INVALID_TRANSITION', `${id} is ${STATUS_NAMES[r.status]} and cannot be mobilised`, {
        path,
      });
    chosen.push(r);
  });
  let proposed = cmd.proposed;
  let recommendationSeq: number | null = null;
  if (cmd.recommendationSeq !== undefined) {
    const last = inc.lastRecommendation;
    if (!last || last.seq !== cmd.recommendationSeq) {
      throw new JcrError(
        'JCR_CONFLICT',
        `recommendation ${cmd.recommendationSeq} is not the latest for ${inc.id}${last ? ` (latest ${last.seq})` : ''}; fetch it again`,
        { path: 'recommendationSeq' },
      );
    }
    proposed = last.proposed;
    recommendationSeq = last.seq;
  }
  const same = proposed.length === cmd.resourceIds.length && proposed.every((id) => seen.has(id));
  const reason = cmd.reason?.trim() ?? '';
  if (!same && reason === '') {
    throw new JcrError(
      'JCR_VALIDATION',
      `the choice differs from the recommendation (${proposed.join(', ') || 'none'}): a reason is required`,
      { path: 'reason' },
    );
  }
  const out: NewEvent[] = [
    {
      ...env,
      type: 'incident.decision',
      data: {
        incidentId: inc.id,
        decision: same ? 'accepted' : 'overridden',
        proposed: [...proposed],
        chosen: [...cmd.resourceIds],
        reason: reason === '' ? null : reason,
        recommendationSeq,
        actingAgency: cmd.actingAgency ?? null,
      },
    },
  ];
  const lineOf = sentFor(scenario, inc, fleet, chosen);
  for (const r of chosen) {
    const line = lineOf.get(r.def.id);
    out.push({
      ...env,
      type: 'resource.status',
      data: {
        resourceId: r.def.id,
        status: ResourceStatus.MOBILISED,
        incidentId: inc.id,
        ...(line !== undefined ? { line } : {}),
      },
    });
  }
  return out;
}
