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
import { isVisibleTo, visibleTo } from '../../core/incidents/access.ts';
import { recommend, summarise, type Recommendation } from '../../core/incidents/recommend.ts';
import { INCIDENT_STATUSES, type Incident, type IncidentPatch, type Methane } from '../../core/incidents/types.ts';
import { ResourceStatus } from '../../core/fleet/status.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import type { Mobilisation } from '../incidents/mobilisation.ts';
import { asObject, num, oneOf, str, type Body } from './body.ts';

export interface IncidentRouteDeps {
  engine: Engine;
  /** Journey times and cover; without it the recommendation answers JCR_NOT_READY. */
  mobilisation?: Mobilisation | undefined;
}

interface Acting {
  actor: string;
  agency: Agency | undefined;
}

/** The acting user and agency: from sign-in when present, else 'operator' and the body's actingAgency. */
export function acting(res: Response, b: Body | undefined): Acting {
  const u: unknown = res.locals.user;
  if (typeof u === 'object' && u !== null && 'username' in u && typeof u.username === 'string') {
    const role = 'role' in u ? u.role : undefined;
    const a = isRole(role) ? roleAgency(role) : null;
    return {
      actor: u.username,
      agency: a === 'all' || a === null ? (b ? agencyOpt(b, 'actingAgency') : undefined) : a,
    };
  }
  return { actor: 'operator', agency: b ? agencyOpt(b, 'actingAgency') : undefined };
}

function agencyOpt(b: Body, key: string): Agency | undefined {
  return oneOf(b, key, AGENCIES, true);
}

function agencyList(b: Body, key: string): Agency[] | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v))
    throw new JcrError('JCR_VALIDATION', `${key} must be an array of ${AGENCIES.join(', ')}`, { path: key });
  return v.map((x, i) => {
    if (typeof x !== 'string' || !(AGENCIES as readonly string[]).includes(x))
      throw new JcrError('JCR_VALIDATION', `${key}[${i}] must be one of ${AGENCIES.join(', ')}`, {
        path: `${key}[${i}]`,
      });
    return x as Agency;
  });
}

function bool(b: Body, key: string): boolean | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new JcrError('JCR_VALIDATION', `${key} must be true or false`, { path: key });
  return v;
}

function stringList(b: Body, key: string, max = 50): string[] | undefined {
  const v = b[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new JcrError('JCR_VALIDATION', `${key} must be an array of strings`, { path: key });
  if (v.length > max) throw new JcrError('JCR_VALIDATION', `${key} may hold at most ${max} items`, { path: key });
  return v.map((x, i) => {
    if (typeof x !== 'string' || x.length === 0 || x.length > 64)
      throw new JcrError('JCR_VALIDATION', `${key}[${i}] must be a string of 1..64 characters`, {
        path: `${key}[${i}]`,
      });
    return x;
  });
}

function priority(b: Body): 1 | 2 | 3 | undefined {
  const p = num(b, 'priority', { optional: true, integer: true, min: 1, max: 3 });
  return p as 1 | 2 | 3 | undefined;
}

/** METHANE fields, all optional (a partial report); names the nested field it refuses. */
function methane(b: Body): Partial<Methane> | undefined {
  if (b.methane === undefined) return undefined;
  const m = asObject(b.methane, 'methane');
  const out: Partial<Methane> = {};
  const known = [
    'majorIncident',
    'exactLocation',
    'type',
    'hazards',
    'access',
    'casualties',
    'servicesPresent',
    'servicesRequired',
  ];
  for (const k of Object.keys(m))
    if (!known.includes(k))
      throw new JcrError('JCR_VALIDATION', `unknown METHANE field (known: ${known.join(', ')})`, {
        path: `methane.${k}`,
      });
  const wrap = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof JcrError && e.path !== undefined)
        throw new JcrError(e.code, `methane.${e.message}`, { path: `methane.${e.path}` });
      throw e;
    }
  };
  const major = wrap(() => bool(m, 'majorIncident'));
  if (major !== undefined) out.majorIncident = major;
  for (const k of ['exactLocation', 'type', 'hazards', 'access'] as const) {
    const v = wrap(() => str(m, k, { optional: true, max: 2000 }));
    if (v !== undefined) out[k] = v;
  }
  if (m.casualties === null) out.casualties = null;
  else {
    const c = wrap(() => num(m, 'casualties', { optional: true, integer: true, min: 0, max: 100_000 }));
    if (c !== undefined) out.casualties = c;
  }
  const present = wrap(() => agencyList(m, 'servicesPresent'));
  if (present !== undefined) out.servicesPresent = present;
  const required = wrap(() => agencyList(m, 'servicesRequired'));
  if (required !== undefined) out.servicesRequired = required;
  return out;
}

function noUnknown(b: Body, known: readonly string[]): void {
  for (const k of Object.keys(b))
    if (!known.includes(k))
      throw new JcrError('JCR_VALIDATION', `unknown field (known: ${known.join(', ')})`, { path: k });
}

export function incidentJson(engine: Engine, inc: Incident) {
  const type = engine.room.scenario.incidentTypes.find((t) => t.id === inc.typeId);
  return { ...inc, typeName: type?.name ?? inc.typeId, visibleTo: visibleTo(inc) };
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

export function incidentRoutes({ engine, mobilisation }: IncidentRouteDeps): Router {
  const r = Router();
  const room = engine.room;
  const book = room.incidents;
  const ctxOf = (a: Acting) => ({ origin: 'operator' as const, actor: a.actor });
  const getVisible = (id: string, a: Acting): Incident => {
    const inc = book.require(id);
    if (a.agency !== undefined && !isVisibleTo(inc, a.agency))
      throw new JcrError('JCR_NOT_FOUND', `unknown incident "${id}"`, { path: 'incidentId' });
    return inc;
  };

  r.post('/incidents', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, [
      'typeId',
      'lat',
      'lon',
      'address',
      'priority',
      'methane',
      'leadAgency',
      'supportingAgencies',
      'actingAgency',
    ]);
    const a = acting(res, b);
    const typeId = str(b, 'typeId', { max: 64 });
    const lat = num(b, 'lat', { min: -90, max: 90 });
    const lon = num(b, 'lon', { min: -180, max: 180 });
    const address = str(b, 'address', { optional: true, max: 500 });
    const p = priority(b);
    const m = methane(b);
    const lead = agencyOpt(b, 'leadAgency');
    const supp = agencyList(b, 'supportingAgencies');
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
      .json(incidentJson(engine, book.require(id)));
  });

  r.get('/incidents', (req, res) => {
    const q = req.query as Record<string, unknown>;
    const status = q.status === undefined ? 'open' : oneOf(q, 'status', ['open', 'all', ...INCIDENT_STATUSES]);
    const a = acting(res, q.agency === undefined ? undefined : { actingAgency: q.agency });
    const out = [];
    for (const inc of book.all()) {
      if (status === 'open' ? inc.status === 'closed' : status !== 'all' && inc.status !== status) continue;
      if (a.agency !== undefined && !isVisibleTo(inc, a.agency)) continue;
      out.push(incidentJson(engine, inc));
    }
    res.json({ seq: room.lastSeq, incidents: out });
  });

  r.get('/incidents/:id', (req, res) => {
    const a = acting(res, undefined);
    res.json(incidentJson(engine, getVisible(req.params.id, a)));
  });

  r.patch('/incidents/:id', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, [
      'typeId',
      'lat',
      'lon',
      'address',
      'priority',
      'methane',
      'leadAgency',
      'supportingAgencies',
      'actingAgency',
    ]);
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
    const supp = agencyList(b, 'supportingAgencies');
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
    res.json(incidentJson(engine, book.require(req.params.id)));
  });

  r.post('/incidents/:id/close', (req, res) => {
    const b = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['reason', 'actingAgency']);
    const a = acting(res, b);
    const reason = str(b, 'reason', { optional: true, max: 2000 });
    getVisible(req.params.id, a);
    engine.execute(
      {
        type: 'incident.close',
        incidentId: req.params.id,
        ...(reason !== undefined ? { reason } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      ctxOf(a),
    );
    res.json(incidentJson(engine, book.require(req.params.id)));
  });

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
    res.json({ recommendationSeq: ev?.seq ?? null, ...rec });
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
    const ids = stringList(b, 'resourceIds');
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
    res.json({
      decision: decision?.type === 'incident.decision' ? decision.data : null,
      incident: incidentJson(engine, book.require(inc.id)),
    });
  });

  /** The operator sets arrival (AVL arrival detection does the same with origin 'avl'). */
  r.post('/incidents/:id/arrived', (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['resourceId', 'actingAgency']);
    const a = acting(res, b);
    const inc = getVisible(req.params.id, a);
    const resourceId = str(b, 'resourceId', { max: 64 });
    const rr = room.fleet.require(resourceId);
    if (rr.incidentId !== inc.id || rr.status !== ResourceStatus.MOBILISED) {
      throw new JcrError('JCR_CONFLICT', `${resourceId} is not en route to ${inc.id}`, { path: 'resourceId' });
    }
    engine.execute(
      { type: 'resource.setStatus', resourceId, status: ResourceStatus.AT_SCENE, incidentId: inc.id },
      ctxOf(a),
    );
    res.json(incidentJson(engine, book.require(inc.id)));
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
      incident: incidentJson(engine, book.require(inc.id)),
    });
  });

  r.post('/incidents/:id/assistance/:requestId/accept', (req, res) => {
    const b = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['actingAgency']);
    const a = acting(res, b);
    const inc = getVisible(req.params.id, a);
    const req0 = inc.requests.find((x) => x.requestId === req.params.requestId);
    const agency = a.agency ?? req0?.toAgency;
    if (agency === undefined)
      throw new JcrError('JCR_NOT_FOUND', `unknown request "${req.params.requestId}"`, { path: 'requestId' });
    engine.execute(
      { type: 'incident.acceptAssistance', incidentId: inc.id, requestId: req.params.requestId, actingAgency: agency },
      ctxOf(a),
    );
    res.json(incidentJson(engine, book.require(inc.id)));
  });

  /** The audit timeline: every event of the incident, with who, where from and when. */
  r.get('/incidents/:id/log', (req, res) => {
    const a = acting(res, undefined);
    const inc = getVisible(req.params.id, a);
    res.json({
      incidentId: inc.id,
      events: book
        .timeline(inc.id)
        .map((e: JcrEvent) => ({ seq: e.seq, at: e.at, type: e.type, origin: e.origin, actor: e.actor, data: e.data })),
    });
  });

  return r;
}
