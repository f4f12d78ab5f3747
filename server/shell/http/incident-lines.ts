/**
 * REST for an incident's attendance lines (issue 22 item 3, docs/incidents.md "Lines"): read
 * them with what counts against each, add a line or change its count, remove one, each with a
 * reason. Changes go through Engine.execute (incident.setLine / incident.removeLine); the core
 * (server/core/incidents/decide-lines.ts) lets the lead agency and the duty officer change lines.
 */
import { Router } from 'express';
import { sees } from '../../core/auth/incident-access.ts';
import { JcrError } from '../../core/errors.ts';
import { buildLines } from '../../core/incidents/candidates.ts';
import { linesOf } from '../../core/incidents/lines.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import { asObject, noUnknown, num, oneOf, str, type Body } from './body.ts';
import { acting } from './acting.ts';

export function incidentLineRoutes({ engine }: { engine: Engine }): Router {
  const r = Router();
  const room = engine.room;
  const book = room.incidents;
  /** The incident, or the same 404 an unknown id gets when the caller's agency does not take part. */
  const visible = (id: string, agency: Agency | undefined): Incident => {
    const inc = book.require(id);
    if (agency !== undefined && !sees(agency, inc))
      throw new JcrError('JCR_NOT_FOUND', `unknown incident "${id}"`, { path: 'incidentId' });
    return inc;
  };
  const linesJson = (inc: Incident) => {
    const type = room.scenario.incidentTypes.find((t) => t.id === inc.typeId);
    const lines = type ? buildLines(linesOf(type, inc.lineChanges), room.fleet, inc, 0) : [];
    return {
      incidentId: inc.id,
      lines: lines.map((l) => ({
        lineId: l.capability,
        capability: l.capability,
        count: l.count,
        agency: l.agency ?? null,
        source: l.source,
        offered: l.offered,
        coResponse: l.coResponse,
        attending: l.attending,
        outstanding: l.outstanding,
      })),
      changes: inc.lineChanges,
    };
  };
  const bodyOf = (v: unknown): Body => (v === undefined ? {} : asObject(v));

  r.get('/incidents/:id/lines', (req, res) => {
    const a = acting(res, undefined);
    res.json(linesJson(visible(req.params.id, a.agency)));
  });

  /** Add a line for a capability, or change the count of the line it has: `{capability, count, agency?, reason}`. */
  r.post('/incidents/:id/lines', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['capability', 'count', 'agency', 'reason', 'actingAgency']);
    const a = acting(res, b);
    const inc = visible(req.params.id, a.agency);
    const capability = str(b, 'capability', { max: 64 });
    const count = num(b, 'count', { integer: true, min: 1, max: 50 });
    const agency = oneOf(b, 'agency', AGENCIES, true);
    const reason = str(b, 'reason', { max: 2000 });
    await engine.submit(
      {
        type: 'incident.setLine',
        incidentId: inc.id,
        capability,
        count,
        reason,
        ...(agency !== undefined ? { agency } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.status(201).json(linesJson(inc));
  });

  /** Remove a line (its id is its capability): `{reason}`. */
  r.post('/incidents/:id/lines/:lineId/remove', async (req, res) => {
    const b = bodyOf(req.body);
    noUnknown(b, ['reason', 'actingAgency']);
    const a = acting(res, b);
    const inc = visible(req.params.id, a.agency);
    const reason = str(b, 'reason', { max: 2000 });
    await engine.submit(
      {
        type: 'incident.removeLine',
        incidentId: inc.id,
        capability: req.params.lineId,
        reason,
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.json(linesJson(inc));
  });

  return r;
}
