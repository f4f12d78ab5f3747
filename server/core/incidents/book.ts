/**
 * The incident book: every incident's live state and the fold of incident events (`apply`). The
 * rules that check incident commands are in ./decide.ts (`decide` here hands them a read view) and
 * who may see or task what in ./access.ts. Room calls both; nothing else changes an incident.
 * Per-resource times (mobilised, arrived, left) are folded from the same `resource.status` events
 * that move the fleet, so there is one truth for both.
 */
import { sees, unknownIncident, type Acting } from '../auth/incident-access.ts';
import { JcrError } from '../errors.ts';
import type { JcrEvent, NewEvent, ResourceStatusEvent } from '../events.ts';
import type { Fleet } from '../fleet/fleet.ts';
import { ResourceStatus } from '../fleet/status.ts';
import type { Scenario } from '../scenario/types.ts';
import { visibleTo } from './access.ts';
import { decideIncident, type Ctx } from './decide.ts';
import { CreateKeys, type CreateKey } from './create-keys.ts';
import {
  mergeMethane,
  type Attendance,
  type Incident,
  type IncidentCommand,
  type IncidentPatch,
  type RecommendationSummary,
} from './types.ts';

/** The open attendance (not yet left) of a resource at an incident, if any. */
export function openAttendance(inc: Incident, resourceId: string): Attendance | undefined {
  for (let i = inc.attendances.length - 1; i >= 0; i--) {
    const a = inc.attendances[i]!;
    if (a.resourceId === resourceId) return a.leftAt === null ? a : undefined;
  }
  return undefined;
}

export class IncidentBook {
  private readonly byId = new Map<string, Incident>();
  private readonly timelines = new Map<string, JcrEvent[]>();
  private readonly createKeys = new CreateKeys();
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

  /** The incident a create with this idempotency key made within its TTL before `at`, if any. */
  createdWithKey(k: CreateKey, at: number): string | undefined {
    return this.createKeys.find(k, at);
  }

  /** Every logged event that concerns the incident, in order. */
  timeline(id: string): readonly JcrEvent[] {
    this.require(id);
    return this.timelines.get(id) ?? [];
  }

  /** Validate an incident command; return its events (not applied). The rules are in ./decide.ts. */
  decide(cmd: IncidentCommand, ctx: Ctx, at: number, fleet: Fleet): NewEvent[] {
    return decideIncident(this, this.scenario, cmd, ctx, at, fleet);
  }

  /**
   * A resource-status command (or a note) naming an incident: an agency may name only an open
   * incident it takes part in (issue 15 item 4). An unknown id (a made-up one, or the next id
   * before it exists) and an incident the agency does not see get the same JCR_NOT_FOUND, so the
   * answer reveals nothing; only then does a closed incident get JCR_CONFLICT. `known` also
   * refuses unknown ids for the duty officer (the REST route asks it); the system's own commands
   * may still name ids of their own.
   */
  checkStatusTarget(incidentId: string | undefined, who: Acting = 'all', known = who !== 'all'): void {
    if (incidentId === undefined) return;
    const inc = this.byId.get(incidentId);
    if ((!inc && known) || (inc && !sees(who, inc))) {
      const no = unknownIncident(incidentId);
      throw new JcrError(no.code, no.message, { path: no.path });
    }
    if (inc?.status === 'closed')
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
    const prevInc = fleet.incidentOf(r);
    const nextInc = fleet.incidentAfter(r, d.status, d.incidentId);
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
        ...(d.line !== undefined ? { line: d.line } : {}),
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
          callerAccount: d.callerAccount ?? '',
          uprn: d.uprn ?? null,
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
          lineChanges: [],
        };
        this.byId.set(inc.id, inc);
        if (d.createKey) this.createKeys.remember(d.createKey, inc.id, e.at);
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
        // A request still waiting has nothing left to answer: the asked agency no longer takes part.
        for (const r of inc.requests) if (r.status === 'pending') r.status = 'withdrawn';
        this.log(inc.id, e);
        return;
      }
      case 'incident.recommended': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        // Logs before issue 15 only: showing a recommendation records nothing now.
        inc.lastRecommendation = {
          seq: e.seq,
          proposed: [...e.data.summary.proposed],
          lineOf: lineOf(e.data.summary),
          summary: e.data.summary,
        };
        this.log(inc.id, e);
        return;
      }
      case 'incident.decision': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        const shown = e.data.recommended;
        if (shown)
          inc.lastRecommendation = { seq: e.seq, proposed: [...shown.proposed], lineOf: lineOf(shown), summary: shown };
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
          lines: (d.lines ?? []).map((l) => ({ ...l, suggested: [...l.suggested] })),
          recommendationSeq: d.recommendationSeq ?? null,
          acceptedAt: null,
          acceptedBy: null,
          answeredAt: null,
          answeredBy: null,
          answer: null,
          mobilised: [],
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
          req.acceptedAt = req.answeredAt = e.at;
          req.acceptedBy = req.answeredBy = e.actor;
          req.answer = e.data.reason ?? null;
          req.mobilised = [...(e.data.chosen ?? [])];
        }
        if (!visibleTo(inc).includes(e.data.agency)) inc.supportingAgencies.push(e.data.agency);
        if (!inc.methane.servicesRequired.includes(e.data.agency)) inc.methane.servicesRequired.push(e.data.agency);
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.lineSet':
      case 'incident.lineRemoved': {
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        const d = e.data;
        inc.lineChanges.push({
          capability: d.capability,
          count: e.type === 'incident.lineSet' ? e.data.count : null,
          ...(e.type === 'incident.lineSet' && e.data.agency !== undefined ? { agency: e.data.agency } : {}),
          reason: d.reason,
          by: e.actor,
          at: e.at,
        });
        inc.updatedAt = e.at;
        this.log(inc.id, e);
        return;
      }
      case 'incident.assistanceDeclined':
      case 'incident.assistanceAdvised': {
        // The addressee does not join the incident: the requester reads the answer on the request.
        const inc = this.byId.get(e.data.incidentId);
        if (!inc) return;
        const req = inc.requests.find((r) => r.requestId === e.data.requestId);
        if (req) {
          req.status = e.type === 'incident.assistanceDeclined' ? 'declined' : 'advised';
          req.answeredAt = e.at;
          req.answeredBy = e.actor;
          req.answer = e.data.text;
        }
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
      case 'mait.queued':
      case 'mait.received':
      case 'alert.acknowledged': {
        // An operator's acknowledgement and a message to or from a partner room are part of the
        // incident's audit timeline; the system's alert raises and clears stay in the event log
        // only (GET /api/alerts shows them).
        const id = e.data.incidentId;
        if (id !== undefined && this.byId.has(id)) this.log(id, e);
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

/** The line each resource was proposed for in a recommendation as shown. */
function lineOf(summary: RecommendationSummary): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of summary.lines) for (const id of l.proposed ?? []) out[id] = l.capability;
  return out;
}
