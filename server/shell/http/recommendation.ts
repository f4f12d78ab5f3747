/**
 * REST for the recommendation and mobilising on it (issue 5): GET /incidents/:id/recommendation
 * runs the recommender and writes nothing, answering with a fingerprint of what it showed
 * (../incidents/shown.ts, issue 15 item 3); POST /incidents/:id/mobilise takes or amends the
 * proposal, judged against what its maker was shown. Every change goes through Engine.execute.
 */
import { Router } from 'express';
import { JcrError } from '../../core/errors.ts';
import { recommend } from '../../core/incidents/recommend.ts';
import { summarise, type Recommendation } from '../../core/incidents/view.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { plannerSnap } from '../../core/places/gazetteer.ts';
import type { Engine } from '../engine.ts';
import { viaPartnerFor } from './partner-assistance.ts';
import { timingOf, type Mobilisation } from '../incidents/mobilisation.ts';
import { ShownSeal, type ShownRecommendation } from '../incidents/shown.ts';
import { acting, incidentFor, type Acting } from './acting.ts';
import { incidentJson, locator } from './incident-json.ts';
import type { IncidentRouteDeps } from './incidents.ts';
import { asObject, bool, idList, noUnknown, str } from './body.ts';

/** Run the recommender for an incident now. JCR_NOT_READY without a road network. */
export function recommendFor(engine: Engine, mob: Mobilisation | undefined, inc: Incident): Recommendation {
  if (!mob) throw new JcrError('JCR_NOT_READY', 'no road network is loaded: recommendations need journey times');
  const room = engine.room;
  const now = room.clock();
  const timing = timingOf(mob, now);
  const rec = recommend({
    scenario: room.scenario,
    fleet: room.fleet,
    incident: inc,
    now,
    journeys: timing.journeys,
    cover: mob.cover ? mob.cover(room.fleet, now) : null,
  });
  // which calibration timed it (absent: the prior), into the summary a decision logs
  if (timing.calibration) rec.calibration = timing.calibration;
  return rec;
}

export function recommendationRoutes({ engine, mobilisation, places, planner, mait }: IncidentRouteDeps): Router {
  const r = Router();
  const locate = locator(places, planner);
  const book = engine.room.incidents;
  const ctxOf = (a: Acting) => ({ origin: 'operator' as const, actor: a.actor });
  const getVisible = (id: string, a: Acting): Incident => incidentFor(engine, id, a);
  const seal = ShownSeal.of(engine.store);
  /** A recommendation made now, as shown: the log seq and time it is computed on. */
  const showNow = (inc: Incident) => {
    if (inc.status === 'closed')
      throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
    const rec = recommendFor(engine, mobilisation, inc);
    const room = engine.room;
    const shown: ShownRecommendation = { incidentId: inc.id, seq: room.lastSeq, at: rec.at, summary: summarise(rec) };
    return { rec, shown };
  };

  /** Never an empty proposal without a reason: why nothing is proposed, in words, else null. */
  const emptyReason = (rec: Recommendation, inc: Incident): string | null => {
    if (rec.proposed.length > 0) return null;
    if (planner && plannerSnap(planner)(inc.lat, inc.lon) === null)
      return `no road within ${planner.maxSnapM} m of the incident: no journey time can be predicted, so no resource is proposed`;
    if (rec.lines.length === 0) return 'the incident type has no predetermined attendance';
    return 'no suitable resource is available and able to reach the incident (see excluded)';
  };

  /**
   * The recommendation. Writes nothing (issue 15 item 3): the answer's `fingerprint` seals what is
   * shown, and a mobilise that sends it back is judged against it and logs it in its decision.
   */
  r.get('/incidents/:id/recommendation', (req, res) => {
    const inc = getVisible(req.params.id, acting(res, undefined));
    const { rec, shown } = showNow(inc);
    res.json({
      recommendationSeq: shown.seq,
      fingerprint: seal.seal(shown),
      ...rec,
      emptyReason: emptyReason(rec, inc),
      // After ours: partners near the incident and what they offered (issue 18 item 5).
      ...(mait ? { viaPartner: viaPartnerFor(engine, mait.partners, inc) } : {}),
    });
  });

  /**
   * Mobilise: `{accept: true}` takes the proposal; `{resourceIds, reason}` amends it (a reason is
   * required whenever the choice differs from the top recommendation). `fingerprint`, from the
   * recommendation's answer, says what the dispatcher was shown: the decision is judged against
   * it and embeds it. Without one, a fresh recommendation is made and the decision taken on it.
   */
  r.post('/incidents/:id/mobilise', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['accept', 'resourceIds', 'reason', 'fingerprint', 'actingAgency']);
    const a = acting(res, b);
    const inc = getVisible(req.params.id, a);
    const accept = bool(b, 'accept') ?? false;
    const ids = idList(b, 'resourceIds');
    const reason = str(b, 'reason', { optional: true, max: 2000 });
    const fingerprint = str(b, 'fingerprint', { optional: true, max: 65_536 });
    if (!accept && ids === undefined)
      throw new JcrError('JCR_VALIDATION', 'give resourceIds, or accept: true to take the recommendation', {
        path: 'resourceIds',
      });
    const shown = fingerprint !== undefined ? seal.open(fingerprint, inc.id) : showNow(inc).shown;
    const proposed = shown.summary.proposed;
    const chosen = ids ?? proposed;
    if (chosen.length === 0)
      throw new JcrError('JCR_CONFLICT', 'the recommendation proposes nobody: name resourceIds', {
        path: 'resourceIds',
      });
    const events = await engine.submit(
      {
        type: 'incident.mobilise',
        incidentId: inc.id,
        resourceIds: chosen,
        proposed,
        recommended: shown.summary,
        recommendationSeq: shown.seq,
        recommendedAt: shown.at,
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

  return r;
}
