/**
 * REST for what each agency does at a shared incident (issue 22 item 1): book its own resources'
 * arrival and leaving, stand them down, and add notes to the shared timeline. Who may do which is
 * the one rule in server/core/auth/incident-access.ts; every change goes through Engine.execute.
 */
import { Router } from 'express';
import type { IncidentAction } from '../../core/auth/incident-access.ts';
import { JcrError } from '../../core/errors.ts';
import { ResourceStatus, STATUS_NAMES } from '../../core/fleet/status.ts';
import type { Engine } from '../engine.ts';
import { asObject, noUnknown, str } from './body.ts';
import { acting, incidentFor, seesNow } from './acting.ts';
import { incidentJson, locator } from './incident-json.ts';
import type { IncidentRouteDeps } from './incidents.ts';

/** The incident routes' deps: the engine, and the gazetteer and planner that name an incident's place. */
export type AttendanceRouteDeps = Pick<IncidentRouteDeps, 'engine' | 'places' | 'planner'>;

/** What each booking needs the resource to be doing at the incident, and what it becomes. */
const BOOKINGS: ReadonlyArray<{ path: string; action: IncidentAction; from: ResourceStatus[]; to: ResourceStatus }> = [
  // The operator sets arrival (AVL arrival detection does the same with origin 'avl').
  { path: 'arrived', action: 'arrive', from: [ResourceStatus.MOBILISED], to: ResourceStatus.AT_SCENE },
  { path: 'left', action: 'leave', from: [ResourceStatus.AT_SCENE], to: ResourceStatus.RETURNING },
  {
    path: 'stand-down',
    action: 'standDown',
    from: [ResourceStatus.MOBILISED, ResourceStatus.AT_SCENE],
    to: ResourceStatus.RETURNING,
  },
];

export function attendanceRoutes({ engine, places, planner }: AttendanceRouteDeps): Router {
  const r = Router();
  const locate = locator(places, planner);
  const room = engine.room;
  for (const bk of BOOKINGS) {
    r.post(`/incidents/:id/${bk.path}`, async (req, res) => {
      const b = asObject(req.body);
      noUnknown(b, ['resourceId', 'actingAgency']);
      const a = acting(res, b);
      const resourceId = str(b, 'resourceId', { max: 64 });
      const inc = incidentFor(engine, req.params.id, a);
      const rr = room.fleet.require(resourceId);
      incidentFor(engine, inc.id, a, bk.action, { resource: rr.def }); // own resources only
      if (rr.incidentId !== inc.id || !bk.from.includes(rr.status)) {
        const want = bk.from.map((s) => STATUS_NAMES[s]).join(' or ');
        throw new JcrError('JCR_CONFLICT', `${resourceId} is not ${want} at ${inc.id}`, { path: 'resourceId' });
      }
      await engine.submit(
        {
          type: 'resource.setStatus',
          resourceId: rr.def.id,
          status: bk.to,
          incidentId: inc.id,
          ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
        },
        { origin: 'operator', actor: a.actor },
      );
      // The incident as it now stands, or, to an agency whose last resource this took out of it,
      // only the booking it made.
      const now = room.incidents.require(inc.id);
      if (seesNow(now, a)) res.json(incidentJson(engine, now, locate));
      else res.json({ incidentId: inc.id, resourceId: rr.def.id, status: STATUS_NAMES[bk.to] });
    });
  }

  /** A note in the shared timeline, with its author: any agency that takes part. */
  r.post('/incidents/:id/notes', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['text', 'actingAgency']);
    const a = acting(res, b);
    const text = str(b, 'text', { max: 4000 });
    const inc = incidentFor(engine, req.params.id, a, 'note');
    const [ev] = await engine.submit(
      {
        type: 'operator.note',
        text,
        incidentId: inc.id,
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.status(201).json({ seq: ev?.seq ?? null, at: ev?.at ?? null, actor: a.actor, text: text.trim() });
  });
  return r;
}
