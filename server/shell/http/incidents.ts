/**
 * REST for incidents (issue 5): create, list, get, update, close, recommendation, mobilise,
 * arrival, joint requests and the audit timeline. Every change goes through Engine.execute; the
 * acting user comes from `res.locals.user` when sign-in is present (fallback actor 'operator'),
 * and the acting agency from the user's role (or, with no sign-in, from the body), so the core's
 * agency checks apply either way.
 */
import { Router, type Response } from 'express';
import { roleAgency, isRole } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import type { JcrEvent } from '../../core/events.ts';
import {
  judge,
  sees,
  takingPart,
  type Acting as Who,
  type IncidentAction,
  type Target,
} from '../../core/auth/incident-access.ts';
import { recommend } from '../../core/incidents/recommend.ts';
import { summarise, type Recommendation } from '../../core/incidents/view.ts';
import { INCIDENT_STATUSES, type Incident, type IncidentPatch, type Methane } from '../../core/incidents/types.ts';
import { requireInArea } from '../../core/scenario/area.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import type { Mobilisation } from '../incidents/mobilisation.ts';
import { plannerSnap, type Gazetteer } from '../../core/places/gazetteer.ts';
import type { IncidentLocation } from '../../../proto/wire.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { asObject, bool, idList, listOf, noUnknown, num, oneOf, str, type Body } from './body.ts';

export interface IncidentRouteDeps {
  engine: Engine;
  /** Names the incident's location (road, town, grid reference); see server/core/places/. */
  places?: Gazetteer | undefined;
  /** Snaps a new incident onto the road network; beyond its allowance create needs confirmOffRoad. */
  planner?: JourneyPlanner | undefined;
  /** Journey times and cover; without it the recommendation answers JCR_NOT_READY. */
  mobilisation?: Mobilisation | undefined;
}

export interface Acting {
  actor: string;
  /** The agency the command acts for (none: the duty officer acting for every agency). */
  agency: Agency | undefined;
  /** Who the shared-incident rule judges: the agency, 'all' (duty officer) or null (the wall, read-only). */
  who: Who;
  /** The signed-in role is the duty officer (who alone may force a close). */
  duty: boolean;
}

/**
 * The acting user and agency: from sign-in when present, else 'operator' and the body's
 * actingAgency. A duty officer may name the agency they act for in `actingAgency`.
 */
export function acting(res: Response, b: Body | undefined): Acting {
  const u: unknown = res.locals.user;
  if (typeof u === 'object' && u !== null && 'username' in u && typeof u.username === 'string') {
    const role = 'role' in u ? u.role : undefined;
    const a = isRole(role) ? roleAgency(role) : null;
    const agency = a === 'all' || a === null ? (b ? agencyOpt(b, 'actingAgency') : undefined) : a;
    return { actor: u.username, agency, who: a === null ? null : (agency ?? 'all'), duty: a === 'all' };
  }
  const agency = b ? agencyOpt(b, 'actingAgency') : undefined;
  return { actor: 'operator', agency, who: agency ?? 'all', duty: true };
}

/**
 * The incident `a` may do `action` on, by the shared-incident rule: one it does not take part in
 * is unknown (404, as a made-up id), whatever the action.
 */
export function incidentFor(
  engine: Engine,
  id: string,
  a: Acting,
  action: IncidentAction = 'view',
  target: Target = {},
): Incident {
  const inc = engine.room.incidents.require(id);
  const no = judge(a.who, inc, 'view') ?? (action === 'view' ? null : judge(a.who, inc, action, target));
  if (no) throw new JcrError(no.code, no.message, { path: no.path, details: no.details });
  return inc;
}

function agencyOpt(b: Body, key: string): Agency | undefined {
  return oneOf(b, key, AGENCIES, true);
}

function priority(b: Body): 1 | 2 | 3 | undefined {
  const p = num(b, 'priority', { optional: true, integer: true, min: 1, max: 3 });
  return p as 1 | 2 | 3 | undefined;
}

/** The fields of an incident body, for creation and update alike. */
const INCIDENT_FIELDS = [
  'typeId',
  'lat',
  'lon',
  'address',
  'priority',
  'methane',
  'leadAgency',
  'supportingAgencies',
  'actingAgency',
];

const METHANE = [
  'majorIncident',
  'exactLocation',
  'type',
  'hazards',
  'access',
  'casualties',
  'servicesPresent',
  'servicesRequired',
];

/** METHANE fields, all optional (a partial report); names the nested field it refuses. */
function methane(b: Body): Partial<Methane> | undefined {
  if (b.methane === undefined) return undefined;
  const base = 'methane';
  const m = asObject(b.methane, base);
  noUnknown(m, METHANE, base, 'METHANE field');
  const out: Partial<Methane> = {};
  const major = bool(m, 'majorIncident', base);
  if (major !== undefined) out.majorIncident = major;
  for (const k of ['exactLocation', 'type', 'hazards', 'access'] as const) {
    const v = str(m, k, { optional: true, max: 2000, base });
    if (v !== undefined) out[k] = v;
  }
  if (m.casualties === null) out.casualties = null;
  else {
    const c = num(m, 'casualties', { optional: true, integer: true, min: 0, max: 100_000, base });
    if (c !== undefined) out.casualties = c;
  }
  const present = listOf(m, 'servicesPresent', AGENCIES, base);
  if (present !== undefined) out.servicesPresent = present;
  const required = listOf(m, 'servicesRequired', AGENCIES, base);
  if (required !== undefined) out.servicesRequired = required;
  return out;
}

/**
 * Where an incident is, for the screens: its nearest named road, town and grid reference ("A602,
 * near Stevenage · TL 2453 2310"), and where it meets the road network (proto/wire.ts).
 */
export type { IncidentLocation };

export type Locate = (lat: number, lon: number) => IncidentLocation;

/** A Locate over the gazetteer and the planner's snapping (either may be missing). */
export function locator(places: Gazetteer | undefined, planner: JourneyPlanner | undefined): Locate | undefined {
  if (!places) return undefined;
  const snap = planner ? plannerSnap(planner) : null;
  return (lat, lon) => {
    const s = snap ? snap(lat, lon) : null;
    return {
      ...places.describe(lat, lon),
      snapped: s ? { lat: round6(s.lat), lon: round6(s.lon), distanceM: Math.round(s.distanceM * 10) / 10 } : null,
      offRoad: snap && !s ? `no road within ${planner!.maxSnapM} m` : null,
    };
  };
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function incidentJson(engine: Engine, inc: Incident, locate?: Locate) {
  const type = engine.room.scenario.incidentTypes.find((t) => t.id === inc.typeId);
  // The recommendation's full summary stays in the log (GET /incidents/:id/log); here its seq and proposal.
  const last = inc.lastRecommendation && { seq: inc.lastRecommendation.seq, proposed: inc.lastRecommendation.proposed };
  return {
    ...inc,
    lastRecommendation: last,
    typeName: type?.name ?? inc.typeId,
    visibleTo: takingPart(inc),
    ...(locate ? { location: locate(inc.lat, inc.lon) } : {}),
  };
}

/** GET /incidents/:id/log pages: `limit` events after the cursor `after` (default and most). */
export const LOG_PAGE_DEFAULT = 500;
export const LOG_PAGE_MAX = 1000;

/** An optional integer query parameter in [min, max]; JCR_VALIDATION naming it otherwise. */
function queryInt(q: Record<string, unknown>, name: string, dflt: number, min: number, max: number): number {
  const raw = q[name];
  if (raw === undefined) return dflt;
  const n = typeof raw === 'string' && /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new JcrError('JCR_VALIDATION', `${name} must be an integer ${min}..${max}`, { path: name });
  return n;
}

/** Run the recommender for an incident now. JCR_NOT_READY without a road network. */
export function recommendFor(engine: Engine, mob: Mobilisation | undefined, inc: Incident): Recommendation {
  if (!mob) throw new JcrError('JCR_NOT_READY', 'no road network is loaded: recommendations need journey times');
  const room = engine.room;
  const now = room.clock();
  return recommend({
    scenario: room.scenario,
    fleet: room.fleet,
    incident: inc,
    now,
    journeys: mob.journeys,
    cover: mob.cover ? mob.cover(room.fleet, now) : null,
  });
}

export function incidentRoutes({ engine, mobilisation, places, planner }: IncidentRouteDeps): Router {
  const r = Router();
  const locate = locator(places, planner);
  const room = engine.room;
  const book = room.incidents;
  const ctxOf = (a: Acting) => ({ origin: 'operator' as const, actor: a.actor });
  const getVisible = (id: string, a: Acting): Incident => incidentFor(engine, id, a);

  r.post('/incidents', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, [...INCIDENT_FIELDS, 'confirmOffRoad']);
    const a = acting(res, b);
    const typeId = str(b, 'typeId', { max: 64 });
    const lat = num(b, 'lat', { min: -90, max: 90 });
    const lon = num(b, 'lon', { min: -180, max: 180 });
    // Far outside the scenario is refused as such (the core decides it too), before the road check.
    requireInArea(room.scenario.bounds, lat, lon, 'lat');
    // Off the road network no journey time can be predicted: the dispatcher must say so knowingly.
    const confirmOffRoad = bool(b, 'confirmOffRoad') ?? false;
    if (planner && !confirmOffRoad && plannerSnap(planner)(lat, lon) === null)
      throw new JcrError(
        'JCR_OFF_ROAD',
        `no drivable road within ${planner.maxSnapM} m of ${lat},${lon}: nothing was created. Move the point onto a road, or confirm (confirmOffRoad: true) to create it off the network, where no resource can be proposed`,
        { path: 'lat', details: { maxSnapM: planner.maxSnapM } },
      );
    const address = str(b, 'address', { optional: true, max: 500 });
    const p = priority(b);
    const m = methane(b);
    const lead = agencyOpt(b, 'leadAgency');
    const supp = listOf(b, 'supportingAgencies', AGENCIES);
    const [ev] = engine.execute(
      {
        type: 'incident.create',
        typeId,
        lat,
        lon,
        ...(address !== undefined ? { address } : {}),
        ...(p !== undefined ? { priority: p } : {}),
        ...(m !== undefined ? { methane: m } : {}),
        ...(lead !== undefined ? { leadAgency: lead } : {}),
        ...(supp !== undefined ? { supportingAgencies: supp } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      ctxOf(a),
    );
    const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
    res
      .status(201)
      .location(`/api/incidents/${id}`)
      .json(incidentJson(engine, book.require(id), locate));
  });

  r.get('/incidents', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const status = q.status === undefined ? 'open' : oneOf(q, 'status', ['open', 'all', ...INCIDENT_STATUSES]);
    const a = acting(res, q.agency === undefined ? undefined : { actingAgency: q.agency });
    const out = [];
    for (const inc of book.all()) {
      if (status === 'open' ? inc.status === 'closed' : status !== 'all' && inc.status !== status) continue;
      if (!sees(a.who, inc)) continue;
      out.push(incidentJson(engine, inc, locate));
    }
    res.json({ seq: room.lastSeq, incidents: out });
  });

  r.get('/incidents/:id', (req, res) => {
    const a = acting(res, undefined);
    res.json(incidentJson(engine, getVisible(req.params.id, a), locate));
  });

  r.patch('/incidents/:id', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, INCIDENT_FIELDS);
    const a = acting(res, b);
    const patch: IncidentPatch = {};
    const typeId = str(b, 'typeId', { optional: true, max: 64 });
    if (typeId !== undefined) patch.typeId = typeId;
    const p = priority(b);
    if (p !== undefined) patch.priority = p;
    const lat = num(b, 'lat', { optional: true, min: -90, max: 90 });
    const lon = num(b, 'lon', { optional: true, min: -180, max: 180 });
    if (lat !== undefined) patch.lat = lat;
    if (lon !== undefined) patch.lon = lon;
    const address = str(b, 'address', { optional: true, max: 500 });
    if (address !== undefined) patch.address = address;
    const m = methane(b);
    if (m !== undefined) patch.methane = m;
    const lead = agencyOpt(b, 'leadAgency');
    if (lead !== undefined) patch.leadAgency = lead;
    const supp = listOf(b, 'supportingAgencies', AGENCIES);
    if (supp !== undefined) patch.supportingAgencies = supp;
    getVisible(req.params.id, a);
    engine.execute(
      {
        type: 'incident.update',
        incidentId: req.params.id,
        patch,
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      ctxOf(a),
    );
    res.json(incidentJson(engine, book.require(req.params.id), locate));
  });

  r.post('/incidents/:id/close', (req, res) => {
    const b = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['reason', 'actingAgency', 'force']);
    const a = acting(res, b);
    const reason = str(b, 'reason', { optional: true, max: 2000 });
    const force = bool(b, 'force') ?? false;
    getVisible(req.params.id, a);
    // A forced close is the duty officer's, whatever agency they otherwise act for.
    const agency = force && a.duty ? undefined : a.agency;
    engine.execute(
      {
        type: 'incident.close',
        incidentId: req.params.id,
        ...(reason !== undefined ? { reason } : {}),
        ...(agency !== undefined ? { actingAgency: agency } : {}),
        ...(force ? { force } : {}),
      },
      ctxOf(a),
    );
    res.json(incidentJson(engine, book.require(req.params.id), locate));
  });

  /** Never an empty proposal without a reason: why nothing is proposed, in words, else null. */
  const emptyReason = (rec: Recommendation, inc: Incident): string | null => {
    if (rec.proposed.length > 0) return null;
    if (planner && plannerSnap(planner)(inc.lat, inc.lon) === null)
      return `no road within ${planner.maxSnapM} m of the incident: no journey time can be predicted, so no resource is proposed`;
    if (rec.lines.length === 0) return 'the incident type has no predetermined attendance';
    return 'no suitable resource is available and able to reach the incident (see excluded)';
  };

  /** The recommendation, recorded in the log as shown (incident.recommended) before it is returned. */
  r.get('/incidents/:id/recommendation', (req, res) => {
    const a = acting(res, undefined);
    const inc = getVisible(req.params.id, a);
    if (inc.status === 'closed')
      throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
    const rec = recommendFor(engine, mobilisation, inc);
    const [ev] = engine.execute(
      { type: 'incident.recordRecommendation', incidentId: inc.id, summary: summarise(rec) },
      ctxOf(a),
    );
    res.json({ recommendationSeq: ev?.seq ?? null, ...rec, emptyReason: emptyReason(rec, inc) });
  });

  /**
   * Mobilise: `{accept: true}` takes the proposal; `{resourceIds, reason}` amends it (a reason is
   * required whenever the choice differs from the top recommendation). `recommendationSeq` ties
   * the decision to the recommendation the dispatcher saw; without it a fresh one is computed
   * and recorded first.
   */
  r.post('/incidents/:id/mobilise', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['accept', 'resourceIds', 'reason', 'recommendationSeq', 'actingAgency']);
    const a = acting(res, b);
    const inc = getVisible(req.params.id, a);
    const accept = bool(b, 'accept') ?? false;
    const ids = idList(b, 'resourceIds');
    const reason = str(b, 'reason', { optional: true, max: 2000 });
    let seq = num(b, 'recommendationSeq', { optional: true, integer: true, min: 1 });
    if (!accept && ids === undefined)
      throw new JcrError('JCR_VALIDATION', 'give resourceIds, or accept: true to take the recommendation', {
        path: 'resourceIds',
      });
    if (seq === undefined) {
      if (inc.status === 'closed')
        throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
      const rec = recommendFor(engine, mobilisation, inc);
      const [ev] = engine.execute(
        { type: 'incident.recordRecommendation', incidentId: inc.id, summary: summarise(rec) },
        ctxOf(a),
      );
      seq = ev?.seq;
    }
    const proposed = inc.lastRecommendation?.proposed ?? [];
    const chosen = ids ?? proposed;
    if (chosen.length === 0)
      throw new JcrError('JCR_CONFLICT', 'the recommendation proposes nobody: name resourceIds', {
        path: 'resourceIds',
      });
    const events = engine.execute(
      {
        type: 'incident.mobilise',
        incidentId: inc.id,
        resourceIds: chosen,
        proposed,
        ...(seq !== undefined ? { recommendationSeq: seq } : {}),
        ...(reason !== undefined ? { reason } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      ctxOf(a),
    );
    const decision = events.find((e) => e.type === 'incident.decision');
    // The decision as logged, less the recommendation it embeds (the caller was shown it).
    const { recommended: _shown, ...data } =
      decision?.type === 'incident.decision' ? decision.data : { recommended: null };
    res.json({
      decision: 'incidentId' in data ? data : null,
      incident: incidentJson(engine, book.require(inc.id), locate),
    });
  });

  /** A joint request: the acting agency asks another to attend. */
  r.post('/incidents/:id/assistance', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['toAgency', 'fromAgency', 'note', 'actingAgency']);
    const a = acting(res, b);
    const inc = getVisible(req.params.id, a);
    const toAgency = oneOf(b, 'toAgency', AGENCIES) as Agency;
    const from = a.agency ?? agencyOpt(b, 'fromAgency') ?? inc.leadAgency;
    const note = str(b, 'note', { optional: true, max: 2000 });
    const [ev] = engine.execute(
      {
        type: 'incident.requestAssistance',
        incidentId: inc.id,
        fromAgency: from,
        toAgency,
        ...(note !== undefined ? { note } : {}),
      },
      ctxOf(a),
    );
    res.status(201).json({
      requestId: ev?.type === 'incident.assistanceRequested' ? ev.data.requestId : null,
      incident: incidentJson(engine, book.require(inc.id), locate),
    });
  });

  // Answers to a request (accept, decline, advise) and the inbox: ./requests.ts.

  /** The audit timeline: every event of the incident, with who, where from and when. */
  r.get('/incidents/:id/log', (req, res) => {
    const a = acting(res, undefined);
    const inc = getVisible(req.params.id, a);
    const q = asObject(req.query, 'query');
    const after = queryInt(q, 'after', 0, 0, Number.MAX_SAFE_INTEGER);
    const limit = queryInt(q, 'limit', LOG_PAGE_DEFAULT, 1, LOG_PAGE_MAX);
    const all = book.timeline(inc.id);
    // seq ascends along a timeline: the page starts after the cursor
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (all[mid]!.seq <= after) lo = mid + 1;
      else hi = mid;
    }
    const page = all.slice(lo, lo + limit);
    res.json({
      incidentId: inc.id,
      events: page.map((e: JcrEvent) => ({
        seq: e.seq,
        at: e.at,
        type: e.type,
        origin: e.origin,
        actor: e.actor,
        data: e.data,
      })),
      next: lo + limit < all.length ? page[page.length - 1]!.seq : null,
    });
  });

  return r;
}
