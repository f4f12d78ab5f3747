/**
 * The incident book: every incident's live state, the rules that check incident commands
 * (`decide`, pure, returns events) and the fold of incident events (`apply`). Room calls both;
 * nothing else changes an incident. Per-resource times (mobilised, arrived, left) are folded from
 * the same `resource.status` events that move the fleet, so there is one truth for both.
 */
import { JcrError } from '../errors.ts';
import type { JcrEvent, NewEvent, Origin, ResourceStatusEvent } from '../events.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import type { Agency, ResourceDef, Scenario } from '../scenario/types.ts';
import {
  EMPTY_METHANE,
  type Attendance,
  type Incident,
  type IncidentCommand,
  type IncidentPatch,
  type Methane,
} from './types.ts';

interface Ctx {
  origin: Origin;
  actor: string;
}

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

/** The open attendance (not yet left) of a resource at an incident, if any. */
export function openAttendance(inc: Incident, resourceId: string): Attendance | undefined {
  for (let i = inc.attendances.length - 1; i >= 0; i--) {
    const a = inc.attendances[i]!;
    if (a.resourceId === resourceId) return a.leftAt === null ? a : undefined;
  }
  return undefined;
}

const isCommitted = (s: ResourceStatus) => s === ResourceStatus.MOBILISED || s === ResourceStatus.AT_SCENE;

function mergeMethane(base: Methane, patch: Partial<Methane> | undefined): Methane {
  const m: Methane = {
    ...base,
    servicesPresent: [...base.servicesPresent],
    servicesRequired: [...base.servicesRequired],
  };
  if (!patch) return m;
  if (patch.majorIncident !== undefined) m.majorIncident = patch.majorIncident;
  if (patch.exactLocation !== undefined) m.exactLocation = patch.exactLocation;
  if (patch.type !== undefined) m.type = patch.type;
  if (patch.hazards !== undefined) m.hazards = patch.hazards;
  if (patch.access !== undefined) m.access = patch.access;
  if (patch.casualties !== undefined) m.casualties = patch.casualties;
  if (patch.servicesPresent !== undefined) m.servicesPresent = [...patch.servicesPresent];
  if (patch.servicesRequired !== undefined) m.servicesRequired = [...patch.servicesRequired];
  return m;
}

export class IncidentBook {
  private readonly byId = new Map<string, Incident>();
  private readonly timelines = new Map<string, JcrEvent[]>();
  private readonly scenario: Scenario;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Incident | undefined {
    return this.byId.get(id);
  }

  require(id: string): Incident {
    const inc = this.byId.get(id);
    if (!inc) throw new JcrError('JCR_NOT_FOUND', `unknown incident "${id}"`, { path: 'incidentId' });
    return inc;
  }

  all(): IterableIterator<Incident> {
    return this.byId.values();
  }

  /** Every logged event that concerns the incident, in order. */
  timeline(id: string): readonly JcrEvent[] {
    this.require(id);
    return this.timelines.get(id) ?? [];
  }

  private requireOpen(id: string): Incident {
    const inc = this.require(id);
    if (inc.status === 'closed') throw new JcrError('JCR_CONFLICT', `incident ${id} is closed`, { path: 'incidentId' });
    return inc;
  }

  private requireVisible(inc: Incident, agency: Agency | undefined): void {
    if (agency !== undefined && !visibleTo(inc).includes(agency)) {
      throw new JcrError('JCR_FORBIDDEN', `incident ${inc.id} is not shared with ${agency}`, { path: 'actingAgency' });
    }
  }

  private checkType(typeId: string, path: string) {
    const t = this.scenario.incidentTypes.find((x) => x.id === typeId);
    if (!t)
      throw new JcrError(
        'JCR_VALIDATION',
        `unknown incident type "${typeId}" (known: ${this.scenario.incidentTypes.map((x) => x.id).join(', ')})`,
        { path },
      );
    return t;
  }

  /** Validate an incident command; return its events (not applied). */
  decide(cmd: IncidentCommand, ctx: Ctx, at: number, fleet: Fleet): NewEvent[] {
    const env = { at, origin: ctx.origin, actor: ctx.actor };
    switch (cmd.type) {
      case 'incident.create': {
        const t = this.checkType(cmd.typeId, 'typeId');
        const lead = cmd.leadAgency ?? t.leadAgency;
        if (cmd.actingAgency !== undefined && cmd.actingAgency !== lead) {
          throw new JcrError(
            'JCR_FORBIDDEN',
            `${cmd.actingAgency} may not open an incident led by ${lead}; open it as ${cmd.actingAgency} and request assistance`,
            { path: 'leadAgency' },
          );
        }
        const incidentId = `INC-${this.byId.size + 1}`;
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
        const inc = this.requireOpen(cmd.incidentId);
        this.requireVisible(inc, cmd.actingAgency);
        const p = cmd.patch;
        if (p.typeId !== undefined) this.checkType(p.typeId, 'typeId');
        if ((p.lat === undefined) !== (p.lon === undefined))
          throw new JcrError('JCR_VALIDATION', 'lat and lon must be changed together', {
            path: p.lat === undefined ? 'lat' : 'lon',
          });
        if (p.leadAgency !== undefined && cmd.actingAgency !== undefined && cmd.actingAgency !== inc.leadAgency) {
          throw new JcrError('JCR_FORBIDDEN', `only the lead agency (${inc.leadAgency}) may hand over the lead`, {
            path: 'leadAgency',
          });
        }
        if (Object.keys(p).length === 0) return [];
        return [{ ...env, type: 'incident.updated', data: { incidentId: inc.id, patch: p } }];
      }
      case 'incident.close': {
        const inc = this.requireOpen(cmd.incidentId);
        this.requireVisible(inc, cmd.actingAgency);
        const out: NewEvent[] = [];
        // Closing stands down every resource still attending: they become RETURNING.
        for (const a of inc.attendances) {
          if (a.leftAt !== null) continue;
          const r = fleet.get(a.resourceId);
          if (!r || r.incidentId !== inc.id || !isCommitted(r.status)) continue;
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
        const inc = this.requireOpen(cmd.incidentId);
        return [{ ...env, type: 'incident.recommended', data: { incidentId: inc.id, summary: cmd.summary } }];
      }
      case 'incident.mobilise':
        return this.decideMobilise(cmd, env, fleet);
      case 'incident.requestAssistance': {
        const inc = this.requireOpen(cmd.incidentId);
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
        const inc = this.requireOpen(cmd.incidentId);
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
      case 'incident.flagQuicker': {
        const inc = this.requireOpen(cmd.incidentId);
        if (cmd.flags.length === 0) return [];
        return [{ ...env, type: 'incident.quickerAvailable', data: { incidentId: inc.id, flags: cmd.flags } }];
      }
    }
  }

  private decideMobilise(
    cmd: Extract<IncidentCommand, { type: 'incident.mobilise' }>,
    env: { at: number; origin: Origin; actor: string },
    fleet: Fleet,
  ): NewEvent[] {
    const inc = this.requireOpen(cmd.incidentId);
    this.requireVisible(inc, cmd.actingAgency);
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
      if (isCommitted(r.status)) {
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
    for (const r of chosen)
      out.push({
        ...env,
        type: 'resource.status',
        data: { resourceId: r.def.id, status: ResourceStatus.MOBILISED, incidentId: inc.id },
      });
    return out;
  }

  /** A resource-status command naming a closed incident is refused. */
  checkStatusTarget(incidentId: string | undefined): void {
    if (incidentId === undefined) return;
    const inc = this.byId.get(incidentId);
    if (inc && inc.status === 'closed')
      throw new JcrError('JCR_CONFLICT', `incident ${incidentId} is closed`, { path: 'incidentId' });
  }

  private log(id: string, e: JcrEvent): void {
    let t = this.timelines.get(id);
    if (!t) this.timelines.set(id, (t = []));
    if (t[t.length - 1] !== e) t.push(e);
  }

  /**
   * Fold a resource-status event into the attendances. Call BEFORE the fleet applies it: it reads
   * the resource's previous status and incident.
   */
  applyResourceStatus(e: ResourceStatusEvent, fleet: Fleet): void {
    const d = e.data;
    const r = fleet.get(d.resourceId);
    if (!r) return;
    const prevInc = isCommitted(r.status) ? r.incidentId : undefined;
    const nextInc = isCommitted(d.status) ? (d.incidentId ?? r.incidentId) : undefined;
    if (prevInc !== undefined && prevInc !== nextInc) {
      const inc = this.byId.get(prevInc);
      if (inc) {
        const a = openAttendance(inc, d.resourceId);
        if (a) a.leftAt = e.at;
        this.dropFlags(inc, d.resourceId);
        this.log(inc.id, e);
      }
    }
    if (nextInc === undefined) return;
    const inc = this.byId.get(nextInc);
    if (!inc) return;
    let a = openAttendance(inc, d.resourceId);
    if (!a || (d.status === ResourceStatus.MOBILISED && a.arrivedAt !== null)) {
      if (a) a.leftAt = e.at; // re-mobilised to the same incident after arriving: a new attendance
      a = {
        resourceId: d.resourceId,
        agency: r.def.agency,
        mobilisedAt: e.at,
        arrivedAt: null,
        leftAt: null,
        arrivalSource: null,
      };
      inc.attendances.push(a);
      if (inc.status === 'received') inc.status = 'mobilising';
    }
    if (d.status === ResourceStatus.AT_SCENE && a.arrivedAt === null) {
      a.arrivedAt = e.at;
      a.arrivalSource = e.origin;
      if (inc.status === 'received' || inc.status === 'mobilising') inc.status = 'in-attendance';
      this.dropFlags(inc, d.resourceId);
    }
    this.log(inc.id, e);
  }

  private dropFlags(inc: Incident, resourceId: string): void {
    if (inc.quicker.some((f) => f.enRouteId === resourceId || f.quickerId === resourceId)) {
      inc.quicker = inc.quicker.filter((f) => f.enRouteId !== resourceId && f.quickerId !== resourceId);
    }
  }

  /** Fold an incident event (every type except resource.status, which goes through applyResourceStatus). */
  apply(e: JcrEvent): void {
    switch (e.type) {
      case 'incident.created': {
        const d = e.data;
        const inc: Incident = {
          id: d.incidentId,
          typeId: d.typeId,
          priority: d.priority,
          lat: d.lat,
          lon: d.lon,
          address: d.address,
          methane: mergeMethane(d.methane, undefined),
          leadAgency: d.leadAgency,
          supportingAgencies: [...d.supportingAgencies],
          status: 'received',
          createdAt: e.at,
          createdBy: e.actor,
          updatedAt: e.at,
          closedAt: null,
          closeReason: null,
          attendances: [],
          requests: [],
          quicker: [],
          lastRecommendation: null,
        };
        this.byId.set(inc.id, inc);
        this.log(inc.id, e);
        return;
      }
      case 'incident.updated': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        applyPatch(inc, e.data.patch);
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.closed': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        inc.status = 'closed';
        inc.closedAt = e.at;
        inc.closeReason = e.data.reason;
        inc.updatedAt = e.at;
        inc.quicker = [];
        this.log(inc.id, e);
        return;
      }
      case 'incident.recommended': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        inc.lastRecommendation = { seq: e.seq, proposed: [...e.data.summary.proposed] };
        this.log(inc.id, e);
        return;
      }
      case 'incident.decision': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.assistanceRequested': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        const d = e.data;
        inc.requests.push({
          requestId: d.requestId,
          fromAgency: d.fromAgency,
          toAgency: d.toAgency,
          note: d.note,
          requestedAt: e.at,
          requestedBy: e.actor,
          status: 'pending',
          acceptedAt: null,
          acceptedBy: null,
        });
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.assistanceAccepted': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        const req = inc.requests.find((r) => r.requestId === e.data.requestId);
        if (req) {
          req.status = 'accepted';
          req.acceptedAt = e.at;
          req.acceptedBy = e.actor;
        }
        if (!visibleTo(inc).includes(e.data.agency)) inc.supportingAgencies.push(e.data.agency);
        if (!inc.methane.servicesRequired.includes(e.data.agency)) inc.methane.servicesRequired.push(e.data.agency);
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.quickerAvailable': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        for (const f of e.data.flags) {
          inc.quicker = inc.quicker.filter((q) => !(q.enRouteId === f.enRouteId && q.capability === f.capability));
          inc.quicker.push({ ...f, at: e.at, seq: e.seq });
        }
        this.log(inc.id, e);
        return;
      }
      case 'resource.status':
      case 'operator.note': {
        const id = e.data.incidentId;
        if (e.type === 'operator.note' && id !== undefined && this.byId.has(id)) this.log(id, e);
        return;
      }
    }
  }
}

function applyPatch(inc: Incident, p: IncidentPatch): void {
  if (p.typeId !== undefined) inc.typeId = p.typeId;
  if (p.priority !== undefined) inc.priority = p.priority;
  if (p.lat !== undefined && p.lon !== undefined) {
    inc.lat = p.lat;
    inc.lon = p.lon;
  }
  if (p.address !== undefined) inc.address = p.address;
  if (p.methane !== undefined) inc.methane = mergeMethane(inc.methane, p.methane);
  if (p.leadAgency !== undefined && p.leadAgency !== inc.leadAgency) {
    // The previous lead keeps seeing the incident, as a supporting agency.
    if (!inc.supportingAgencies.includes(inc.leadAgency)) inc.supportingAgencies.push(inc.leadAgency);
    inc.leadAgency = p.leadAgency;
    inc.supportingAgencies = inc.supportingAgencies.filter((a) => a !== inc.leadAgency);
  }
  if (p.supportingAgencies !== undefined)
    inc.supportingAgencies = [...new Set(p.supportingAgencies)].filter((a) => a !== inc.leadAgency);
}
