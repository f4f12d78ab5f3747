/**
 * REST for transfers between control rooms (issue 18 items 3 and 4): the partners an incident
 * may go to (the one whose area holds it first), "Transfer to partner", the list of transfers
 * both ways with each one's status, and the answers to a partner's transfer (consider, accept,
 * reject). The rules are the core's (server/core/mait/); what goes on the wire and when is the
 * MAIT service's (server/shell/mait/). docs/mait.md describes the flow.
 */
import { Router } from 'express';
import type { MaitPartner } from '../../../proto/mait.ts';
import { JcrError } from '../../core/errors.ts';
import { incidentContent } from '../../core/mait/content.ts';
import { partnersByDistance, typeToPartner } from '../../core/mait/partners.ts';
import type { Transfer } from '../../core/mait/types.ts';
import type { Engine } from '../engine.ts';
import type { MaitService } from '../mait/service.ts';
import { acting, incidentFor } from './acting.ts';
import { asObject, noUnknown, oneOf, str, type Body } from './body.ts';

export interface TransferRouteDeps {
  engine: Engine;
  mait?: MaitService | undefined;
}

function partnerOf(mait: MaitService | undefined, id: string): MaitPartner {
  const p = mait?.partners.partners.find((x) => x.id === id);
  if (!p) throw new JcrError('JCR_VALIDATION', `no partner room "${id}"`, { path: 'partnerId' });
  return p;
}

export function transferRoutes({ engine, mait }: TransferRouteDeps): Router {
  const r = Router();
  const book = engine.room.transfers;
  const view = (t: Transfer) => mait?.view(t) ?? t;

  /** Partner rooms for this incident: those whose area holds its location first, then by distance. */
  r.get('/incidents/:id/partners', (req, res) => {
    const inc = incidentFor(engine, req.params.id, acting(res, undefined));
    const partners = partnersByDistance(mait?.partners.partners ?? [], inc.lat, inc.lon);
    res.json({
      incidentId: inc.id,
      partners: partners.map(({ partner, metres }) => ({
        id: partner.id,
        name: partner.name,
        holds: metres === 0,
        metres: Math.round(metres),
        mapsType: partner.types.some((t) => t.ours === inc.typeId),
      })),
    });
  });

  /** Transfer to partner: the Create is queued (durable) before this answers 202. */
  r.post('/incidents/:id/transfer', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['partnerId', 'actingAgency']);
    const a = acting(res, b);
    const inc = incidentFor(engine, req.params.id, a, 'update');
    const partner = partnerOf(mait, str(b, 'partnerId', { max: 64 }));
    const notes = book.roomId;
    const timeline = engine.room.incidents
      .timeline(inc.id)
      .flatMap((e) =>
        e.type === 'operator.note' ? [{ id: `${notes}-${e.seq}`, at: e.at, author: e.actor, text: e.data.text }] : [],
      );
    const content = incidentContent(inc, engine.room.scenario, typeToPartner(partner, inc.typeId), timeline);
    await engine.submit(
      {
        type: 'mait.send',
        partnerId: partner.id,
        incidentId: inc.id,
        draft: { kind: 'Create', incident: { room: book.roomId, id: inc.id }, content },
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.status(202).json(view(book.thread(partner.id, { room: book.roomId, id: inc.id })!));
  });

  /** Transfers both ways (`direction`), open ones by default; an incident's with `incidentId`. */
  r.get('/transfers', (req, res) => {
    const q = req.query as Record<string, unknown>;
    noUnknown(q, ['direction', 'status', 'incidentId'], '', 'query parameter');
    const direction = oneOf(q, 'direction', ['in', 'out'], true);
    const which = oneOf(q, 'status', ['open', 'all'], true) ?? 'open';
    const incidentId = q.incidentId === undefined ? undefined : str(q, 'incidentId', { max: 64 });
    const a = acting(res, undefined);
    const out = [];
    for (const t of book.all()) {
      if (direction !== undefined && t.direction !== direction) continue;
      if (which === 'open' && t.closed) continue;
      if (incidentId !== undefined && t.incidentId !== incidentId) continue;
      // A transfer about one of our incidents is seen by whoever sees the incident.
      const inc = t.incidentId === null ? undefined : engine.room.incidents.get(t.incidentId);
      if (inc && a.who !== null && a.who !== 'all') {
        try {
          incidentFor(engine, inc.id, a);
        } catch {
          continue;
        }
      }
      out.push(view(t));
    }
    res.json({ seq: engine.room.lastSeq, transfers: out });
  });

  r.get('/transfers/:id', (req, res) => {
    res.json(view(book.require(req.params.id)));
  });

  /** A person here is looking at it: the partner hears "considering". */
  r.post('/transfers/:id/consider', async (req, res) => {
    const a = acting(res, req.body === undefined ? undefined : asObject(req.body));
    await engine.submit(
      {
        type: 'mait.consider',
        transferId: req.params.id,
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.json(view(book.require(req.params.id)));
  });

  // Consider, accept and reject are for the agency the transfer is routed to and the duty
  // officer (server/core/mait/answer.ts): anyone else is refused JCR_FORBIDDEN.

  /** Take a partner's transfer on: our incident is opened and the partner hears Accept. */
  r.post('/transfers/:id/accept', async (req, res) => {
    const b: Body = req.body === undefined ? {} : asObject(req.body);
    noUnknown(b, ['note', 'actingAgency']);
    const a = acting(res, b);
    const note = str(b, 'note', { optional: true, max: 2000 });
    await engine.submit(
      {
        type: 'mait.accept',
        transferId: req.params.id,
        ...(note !== undefined ? { note } : {}),
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.json(view(book.require(req.params.id)));
  });

  /** Refuse a partner's transfer, with a reason it is told. */
  r.post('/transfers/:id/reject', async (req, res) => {
    const b = asObject(req.body);
    noUnknown(b, ['reason', 'actingAgency']);
    const a = acting(res, b);
    const reason = str(b, 'reason', { max: 2000 });
    await engine.submit(
      {
        type: 'mait.reject',
        transferId: req.params.id,
        reason,
        ...(a.agency !== undefined ? { actingAgency: a.agency } : {}),
      },
      { origin: 'operator', actor: a.actor },
    );
    res.json(view(book.require(req.params.id)));
  });

  /**
   * Partners' resources attending our incidents, for the map (marked as the partner's): each
   * with the partner's name, and `stale` by the same rule as our own fleet's (no fix for longer
   * than staleAfterMs), so a partner gone quiet is not shown as if current. Seen by whoever sees
   * the incident it attends.
   */
  r.get('/partner-resources', (_req, res) => {
    const a = acting(res, undefined);
    const now = engine.room.clock();
    const staleAfterMs = engine.room.fleet.staleAfterMs;
    const name = (id: string) => mait?.partners.partners.find((p) => p.id === id)?.name ?? id;
    const resources = [];
    for (const p of book.partnerResources()) {
      if (a.who !== null && a.who !== 'all') {
        try {
          incidentFor(engine, p.incidentId, a);
        } catch {
          continue;
        }
      }
      const fixAgeMs = Math.max(0, now - p.fixAt);
      resources.push({ ...p, partnerName: name(p.partnerId), fixAgeMs, stale: fixAgeMs > staleAfterMs });
    }
    res.json({ staleAfterMs, resources });
  });

  return r;
}
