/**
 * REST for joint requests between agencies (issue 22 item 2): raising one, the inbox and the
 * addressee's answers. A request is raised by hand (POST /incidents/:id/assistance) or by a
 * single agency's one-click accept of the recommendation (POST /incidents/:id/mobilise), which
 * attaches the proposed units as suggestions. The rules are the core's
 * (server/core/incidents/requests.ts); docs/incidents.md describes the flow.
 */
import { Router } from 'express';
import { sees } from '../../core/auth/incident-access.ts';
import { REQUEST_STATUSES, type AssistanceRequest, type Incident } from '../../core/incidents/types.ts';
import type { RequestAnswerCommand } from '../../core/incidents/types.ts';
import type { Engine } from '../engine.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import { acting, agencyOpt, incidentFor, seesNow } from './acting.ts';
import { incidentJson, locator } from './incident-json.ts';
import type { IncidentRouteDeps } from './incidents.ts';
import { asObject, idList, noUnknown, oneOf, str, type Body } from './body.ts';

/** One request as the inbox lists it: the request and enough of its incident to triage it. */
function inboxItem(engine: Engine, inc: Incident, r: AssistanceRequest) {
  const type = engine.room.scenario.incidentTypes.find((t) => t.id === inc.typeId);
  return {
    incidentId: inc.id,
    typeName: type?.name ?? inc.typeId,
    priority: inc.priority,
    address: inc.address,
    lat: inc.lat,
    lon: inc.lon,
    incidentStatus: inc.status,
    ...r,
  };
}

export function requestRoutes({ engine, places, planner }: IncidentRouteDeps): Router {
  const r = Router();
  const locate = locator(places, planner);
  const book = engine.room.incidents;

  /**
   * The inbox: requests addressed to the caller's agency (`direction=to`, the default) or raised by
   * it (`from`), pending by default; the duty officer gets every agency's (or `agency=`'s).
   */
  r.get('/requests', (req, res) => {
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['status', 'direction', 'agency'], '', 'query parameter');
    const status = q.status === undefined ? 'pending' : oneOf(q, 'status', ['all', 'answered', ...REQUEST_STATUSES]);
    const direction = q.direction === undefined ? 'to' : oneOf(q, 'direction', ['to', 'from']);
    const a = acting(res, q.agency === undefined ? undefined : { actingAgency: q.agency });
    const out = [];
    for (const inc of book.all()) {
      for (const rq of inc.requests) {
        const mine = a.agency === undefined || (direction === 'to' ? rq.toAgency : rq.fromAgency) === a.agency;
        if (!mine) continue;
        if (status === 'answered' ? rq.status === 'pending' : status !== 'all' && rq.status !== status) continue;
        // The incident may since have been left (a request declined or advised, units stood down, taken
        // off the supporting agencies): list only what the agency sees, or the inbox would go on
        // showing the incident's address, priority and status as the lead changes them.
        if (a.agency !== undefined && !sees(a.agency, inc)) continue;
        out.push(inboxItem(engine, inc, rq));
      }
    }
    out.sort((x, y) => x.requestedAt - y.requestedAt || (x.requestId < y.requestId ? -1 : 1));
    res.json({ seq: engine.room.lastSeq, requests: out });
  });

  /** A joint request: the acting agency asks another to attend. */
  r.post('/incidents/:id/assistance', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['toAgency', 'fromAgency', 'note', 'actingAgency']);
    const a = acting(res, b);
    const inc = incidentFor(engine, req.params.id, a);
    const toAgency = oneOf(b, 'toAgency', AGENCIES) as Agency;
    const from = a.agency ?? agencyOpt(b, 'fromAgency') ?? inc.leadAgency;
    const note = str(b, 'note', { optional: true, max: 2000 });
    const [ev] = await engine.submit(
      {
        type: 'incident.requestAssistance',
        incidentId: inc.id,
        fromAgency: from,
        toAgency,
        ...(note !== undefined ? { note } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.status(201).json({
      requestId: ev?.type === 'incident.assistanceRequested' ? ev.data.requestId : null,
      incident: incidentJson(engine, book.require(inc.id), locate),
    });
  });

  const answer = (kind: RequestAnswerCommand['answer'], fields: readonly string[]) =>
    r.post(`/incidents/:id/assistance/:requestId/${kind}`, async (req, res) => {
      const b: Body = req.body === undefined ? {} : asObject(req.body);
      noUnknown(b, [...fields, 'actingAgency']);
      const a = acting(res, b);
      const resourceIds = fields.includes('resourceIds') ? idList(b, 'resourceIds') : undefined;
      // Required (and not blank) for decline and advise: the core says so, naming the field.
      const text = str(b, fields.includes('advice') ? 'advice' : 'reason', { optional: true, max: 2000 });
      await engine.submit(
        {
          type: 'incident.answerRequest',
          incidentId: req.params.id,
          requestId: req.params.requestId,
          answer: kind,
          ...(resourceIds !== undefined ? { resourceIds } : {}),
          ...(text !== undefined ? { reason: text } : {}),
          ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
        },
        { origin: 'operator', actor: a.actor },
      );
      // Like every incident route: the incident as it now stands (the answer is in its `requests`),
      // to an agency that still sees it; one a decline or advice took out gets its answer alone.
      const inc = book.require(req.params.id);
      if (seesNow(inc, a)) res.json(incidentJson(engine, inc, locate));
      else res.json({ incidentId: inc.id, request: inc.requests.find((q) => q.requestId === req.params.requestId) });
    });

  /** Accept: mobilise the suggestion (no body), or `resourceIds` with a `reason` when they differ. */
  answer('accept', ['resourceIds', 'reason']);
  /** Decline, with a `reason`. */
  answer('decline', ['reason']);
  /** Answer with `advice` and no deployment ("hear and treat", "hear and solve"). */
  answer('advise', ['advice']);

  return r;
}
