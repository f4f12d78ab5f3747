/**
 * REST for incidents (issue 5): create, list, get, update and close. Every change goes through
 * Engine.execute; the acting user and agency come from ./acting.ts, so the core's agency checks
 * apply either way. The other incident routes, by concern: the recommendation and mobilising
 * (./recommendation.ts), bookings and notes (./attendance.ts), lines (./incident-lines.ts), joint
 * requests (./requests.ts) and the audit timeline (./incident-log.ts).
 */
import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import { sees } from '../../core/auth/incident-access.ts';
import { INCIDENT_STATUSES, type Incident, type IncidentPatch, type Methane } from '../../core/incidents/types.ts';
import { requireInArea } from '../../core/scenario/area.ts';
import { AGENCIES } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import type { MaitService } from '../mait/service.ts';
import type { Mobilisation } from '../incidents/mobilisation.ts';
import { plannerSnap, type Gazetteer } from '../../core/places/gazetteer.ts';
import type { JourneyPlanner } from '../../core/graph/planner.ts';
import { acting, agencyOpt, incidentFor, type Acting } from './acting.ts';
import { CALLER_ACCOUNT_MAX } from '../../core/incidents/caller.ts';
import { checkCreateKey } from '../../core/incidents/create-keys.ts';
import { incidentJson, locator } from './incident-json.ts';
import { asObject, bool, listOf, noUnknown, num, oneOf, str, type Body } from './body.ts';

export interface IncidentRouteDeps {
  engine: Engine;
  /** Names the incident's location (road, town, grid reference); see server/core/places/. */
  places?: Gazetteer | undefined;
  /** Snaps a new incident onto the road network; beyond its allowance create needs confirmOffRoad. */
  planner?: JourneyPlanner | undefined;
  /** Journey times and cover; without it the recommendation answers JCR_NOT_READY. */
  mobilisation?: Mobilisation | undefined;
  /** Partner rooms (issue 18): the recommendation lists a near partner's offers "via partner". */
  mait?: MaitService | undefined;
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

export function incidentRoutes({ engine, mobilisation, places, planner }: IncidentRouteDeps): Router {
  const r = Router();
  const locate = locator(places, planner);
  const room = engine.room;
  const book = room.incidents;
  const ctxOf = (a: Acting) => ({ origin: 'operator' as const, actor: a.actor });
  const getVisible = (id: string, a: Acting): Incident => incidentFor(engine, id, a);

  r.post('/incidents', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, [...INCIDENT_FIELDS, 'callerAccount', 'uprn', 'confirmOffRoad', 'idempotencyKey']);
    const a = acting(res, b);
    const key = b.idempotencyKey === undefined ? undefined : checkCreateKey(b.idempotencyKey);
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
    // A caller's account typed with Windows line ends is kept with plain ones (the core refuses a
    // carriage return, which a transfer's XML cannot carry); its length and UPRN's digits are the core's.
    const callerAccount = str(b, 'callerAccount', { optional: true, max: CALLER_ACCOUNT_MAX })?.replace(/\r\n?/g, '\n');
    const uprn = str(b, 'uprn', { optional: true, max: 12 });
    const p = priority(b);
    const m = methane(b);
    const lead = agencyOpt(b, 'leadAgency');
    const supp = listOf(b, 'supportingAgencies', AGENCIES);
    const [ev] = await engine.submit(
      {
        type: 'incident.create',
        typeId,
        lat,
        lon,
        ...(address !== undefined ? { address } : {}),
        ...(callerAccount !== undefined ? { callerAccount } : {}),
        ...(uprn !== undefined ? { uprn } : {}),
        ...(p !== undefined ? { priority: p } : {}),
        ...(m !== undefined ? { methane: m } : {}),
        ...(lead !== undefined ? { leadAgency: lead } : {}),
        ...(supp !== undefined ? { supportingAgencies: supp } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
        ...(key !== undefined ? { idempotencyKey: key } : {}),
      },
      ctxOf(a),
    );
    // No event: a retry whose key made an incident already; it gets the same answer as the first.
    const again = key === undefined ? undefined : book.createdWithKey({ key, scope: a.agency ?? 'all' }, room.clock());
    const id = ev?.type === 'incident.created' ? ev.data.incidentId : (again ?? '');
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

  r.patch('/incidents/:id', async (req, res) => {
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
    await engine.submit(
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

  r.post('/incidents/:id/close', async (req, res) => {
    const b = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['reason', 'actingAgency', 'force']);
    const a = acting(res, b);
    const reason = str(b, 'reason', { optional: true, max: 2000 });
    const force = bool(b, 'force') ?? false;
    getVisible(req.params.id, a);
    // A forced close is the duty officer's, whatever agency they otherwise act for.
    const agency = force && a.duty ? undefined : a.agency;
    await engine.submit(
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

  return r;
}
