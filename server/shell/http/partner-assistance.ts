/**
 * REST for cross-border assistance (issue 18 item 5, docs/mait.md): the partners near an incident
 * and what they offered (`viaPartnerFor`, added to the recommendation's answer after our own
 * resources), and POST /incidents/:id/partner-assistance, the dispatcher's choice: a capability
 * and count of a partner, or one resource it offered. The choice queues an AssistanceRequest with
 * the one mait.send command; the MAIT service delivers it. Asking is the joint-request right
 * (`requestAssistance`: lead, supporting or committed agencies and the duty officer).
 */
import { Router } from 'express';
import type { MaitPartners } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { assistanceDraft, crossBorder, type AssistanceChoice, type CrossBorder } from '../../core/mait/cross-border.ts';
import { mustAnswer } from '../../core/mait/answer.ts';
import { offerFor } from '../../core/mait/offer.ts';
import type { Engine } from '../engine.ts';
import { timingOf, type Mobilisation } from '../incidents/mobilisation.ts';
import type { MaitService } from '../mait/service.ts';
import { acting, incidentFor } from './acting.ts';
import { asObject, idList, noUnknown, num, str, type Body } from './body.ts';

/** The partners near `inc` and their offers, for the recommendation's `viaPartner`. */
export function viaPartnerFor(engine: Engine, partners: MaitPartners, inc: Incident): CrossBorder {
  return crossBorder(inc, partners.partners, engine.room.transfers.ofIncident(inc.id));
}

export interface PartnerAssistanceDeps {
  engine: Engine;
  /** Without a partners file there is no partner to ask and no request to answer. */
  mait?: MaitService | undefined;
  /** Journey times for the ETAs of an offer; without it an offer is JCR_NOT_READY. */
  mobilisation?: Mobilisation | undefined;
}

export function partnerAssistanceRoutes({ engine, mait, mobilisation }: PartnerAssistanceDeps): Router {
  const r = Router();
  const partners: MaitPartners = mait?.partners ?? {
    room: { id: engine.room.transfers.roomId, name: '' },
    partners: [],
  };
  r.post('/incidents/:id/partner-assistance', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['partnerId', 'capability', 'count', 'resourceId', 'note', 'actingAgency']);
    const a = acting(res, b);
    const inc = incidentFor(engine, req.params.id, a, 'requestAssistance');
    if (inc.status === 'closed')
      throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
    const partnerId = str(b, 'partnerId', { max: 64 });
    const partner = partners.partners.find((p) => p.id === partnerId);
    if (!partner)
      throw new JcrError('JCR_VALIDATION', `no partner room ${JSON.stringify(partnerId)}`, { path: 'partnerId' });
    const note = str(b, 'note', { optional: true, max: 2000 }) ?? '';
    const resourceId = str(b, 'resourceId', { optional: true, max: 64 });
    let choice: AssistanceChoice;
    if (resourceId !== undefined) {
      if (b['capability'] !== undefined || b['count'] !== undefined)
        throw new JcrError('JCR_VALIDATION', 'give resourceId, or capability and count, not both', {
          path: 'resourceId',
        });
      const offered = viaPartnerFor(engine, partners, inc).offered.find(
        (o) => o.partnerId === partner.id && o.resourceId === resourceId,
      );
      if (!offered)
        throw new JcrError('JCR_NOT_FOUND', `${partner.name} has not offered ${resourceId} for this incident`, {
          path: 'resourceId',
        });
      choice = { offered, note };
    } else {
      const capability = str(b, 'capability', { max: 64 });
      if (!/^[A-Za-z0-9._-]+$/.test(capability))
        throw new JcrError('JCR_VALIDATION', 'capability must be letters, digits, dot, underscore or hyphen', {
          path: 'capability',
        });
      const count = num(b, 'count', { integer: true, min: 1, max: 100 });
      choice = { capability, count, note };
    }
    const requestId = `${inc.id}.${partner.id}.${engine.room.clock()}`.slice(-64);
    const draft = assistanceDraft(engine.room.transfers.roomId, inc, partner, choice, requestId);
    await engine.submit(
      {
        type: 'mait.send',
        partnerId: partner.id,
        draft,
        incidentId: inc.id,
        ...(a.agency ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.status(201).json({ requestId, viaPartner: viaPartnerFor(engine, partners, inc) });
  });

  /**
   * Answer a partner's AssistanceRequest with an offer: the quickest deployable resources of the
   * asked capability (or those named), each with its ETA. Nothing is mobilised: the partner lists
   * them "via partner" and asks again for the one it wants.
   */
  r.post('/transfers/:id/offer', async (req, res) => {
    const b: Body = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['resourceIds', 'note', 'actingAgency']);
    const a = acting(res, b);
    const t = engine.room.transfers.require(req.params.id);
    const asked = t.assistance;
    if (t.direction !== 'in' || !asked || t.closed)
      throw new JcrError('JCR_CONFLICT', `${t.id} is not an open request for assistance from a partner`, {
        path: 'transferId',
      });
    // Only an agency with the asked capability (or the duty officer) answers (server/core/mait/answer.ts).
    mustAnswer(t, a.agency, engine.room.scenario);
    if (!mobilisation) throw new JcrError('JCR_NOT_READY', 'no road network is loaded: an offer needs journey times');
    const resourceIds = b['resourceIds'] === undefined ? undefined : idList(b, 'resourceIds');
    const note = str(b, 'note', { optional: true, max: 2000 }) ?? '';
    const now = engine.room.clock();
    const timing = timingOf(mobilisation, now);
    const offered = offerFor(
      engine.room.scenario,
      engine.room.fleet,
      timing.journeys,
      {
        lat: asked.location.lat,
        lon: asked.location.lon,
        capability: asked.capability,
        count: asked.count,
        ...(a.agency !== undefined ? { agency: a.agency } : {}),
        ...(resourceIds ? { resourceIds } : {}),
      },
      now,
    );
    await engine.submit(
      {
        type: 'mait.send',
        partnerId: t.partnerId,
        draft: { kind: 'AssistanceResponse', incident: t.ref, requestId: asked.requestId, offered, note },
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
        // which calibration timed the offer (absent: the prior), in our log only
        ...(timing.calibration ? { calibration: timing.calibration } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    const after = engine.room.transfers.require(t.id);
    res.json(mait?.view(after) ?? after);
  });
  return r;
}
