/**
 * The transfer rules (issue 18): our commands about partner threads as events. Sending queues a
 * numbered message; accepting a partner's transfer opens our own incident from its content and
 * queues the Accept in the same batch, so the two are durable together; rejecting needs a reason.
 */
import { JcrError } from '../errors.ts';
import type { CommandContext, NewEvent } from '../events.ts';
import type { Fleet } from '../fleet/fleet.ts';
import type { IncidentBook } from '../incidents/book.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import { mustAnswer } from './answer.ts';
import type { TransferBook } from './transfers.ts';
import type { MaitCommand, Transfer } from './types.ts';

const AGENCY_SET = new Set<string>(['fire', 'police', 'ambulance']);

/**
 * An open incoming thread not yet answered, routed to `agency`: the only kind Accept, Reject and
 * Consider act on. The agency is checked before the status, so another agency learns nothing of
 * the answer.
 */
function pendingIn(book: TransferBook, id: string, agency: Agency | undefined, scenario: Scenario): Transfer {
  const t = book.require(id);
  if (t.direction !== 'in') throw new JcrError('JCR_CONFLICT', `${id} is our own transfer`, { path: 'transferId' });
  mustAnswer(t, agency, scenario);
  if (t.status !== 'pending' || t.closed)
    throw new JcrError('JCR_REQUEST_ANSWERED', `${id} is already ${t.closed ? 'closed' : t.status}`, {
      path: 'transferId',
    });
  return t;
}

export function decideMait(
  cmd: Exclude<MaitCommand, { type: 'mait.receive' | 'mait.markDelivered' | 'mait.markDead' | 'mait.revive' }>,
  ctx: CommandContext,
  at: number,
  book: TransferBook,
  incidents: IncidentBook,
  fleet: Fleet,
  scenario: Scenario,
): NewEvent[] {
  switch (cmd.type) {
    case 'mait.send': {
      const d = cmd.draft;
      const t = book.thread(cmd.partnerId, d.incident);
      if (d.kind === 'Create' || d.kind === 'AssistanceRequest') {
        if (d.incident.room !== book.roomId)
          throw new JcrError('JCR_VALIDATION', 'a thread is opened about one of our incidents', { path: 'incident' });
        // One transfer of an incident to a partner at a time; a rejected one may be sent again later.
        if (d.kind === 'Create' && t && !t.closed && t.status !== 'rejected')
          throw new JcrError('JCR_CONFLICT', `incident ${d.incident.id} is already transferred to ${cmd.partnerId}`, {
            path: 'partnerId',
          });
        incidents.checkStatusTarget(d.incident.id, cmd.actingAgency ?? 'all', true);
      } else if (!t) {
        throw new JcrError('JCR_NOT_FOUND', `no thread with ${cmd.partnerId} about ${d.incident.id}`, {
          path: 'incident',
        });
      } else if (d.kind === 'AssistanceResponse') {
        mustAnswer(t, cmd.actingAgency, scenario);
      }
      return [book.queued(cmd.partnerId, d, ctx, at, cmd.incidentId, cmd.calibration, cmd.about)];
    }
    case 'mait.accept': {
      const t = pendingIn(book, cmd.transferId, cmd.actingAgency, scenario);
      const c = t.content;
      if (t.kind !== 'transfer' || !c)
        throw new JcrError('JCR_CONFLICT', `${t.id} asks for assistance: answer it with an offer`, {
          path: 'transferId',
        });
      const agencies = (xs: string[]) => xs.filter((x) => AGENCY_SET.has(x)) as Agency[];
      const created = incidents.decide(
        {
          type: 'incident.create',
          typeId: c.type,
          lat: c.location.lat,
          lon: c.location.lon,
          address: c.location.address,
          ...(c.callerAccount !== '' ? { callerAccount: c.callerAccount } : {}),
          ...(c.location.uprn !== null ? { uprn: c.location.uprn } : {}),
          priority: c.priority,
          methane: {
            ...c.methane,
            servicesPresent: agencies(c.methane.servicesPresent),
            servicesRequired: agencies(c.methane.servicesRequired),
          },
          ...(cmd.actingAgency ? { actingAgency: cmd.actingAgency, leadAgency: cmd.actingAgency } : {}),
        },
        ctx,
        at,
        fleet,
      );
      const ev = created[0];
      if (ev?.type !== 'incident.created') throw new JcrError('JCR_INTERNAL', 'accepting opened no incident');
      const incidentId = ev.data.incidentId;
      const accept = book.queued(
        t.partnerId,
        { kind: 'Accept', incident: t.ref, ackOf: t.openedBy, partnerIncidentId: incidentId, note: cmd.note ?? '' },
        ctx,
        at,
        incidentId,
      );
      return [...created, accept];
    }
    case 'mait.reject': {
      const t = pendingIn(book, cmd.transferId, cmd.actingAgency, scenario);
      const reason = cmd.reason.trim();
      if (reason.length === 0 || reason.length > 2000)
        throw new JcrError('JCR_VALIDATION', 'reason must be 1..2000 characters', { path: 'reason' });
      return [
        book.queued(t.partnerId, { kind: 'Reject', incident: t.ref, ackOf: t.openedBy, reason }, ctx, at, undefined),
      ];
    }
    case 'mait.consider': {
      const t = pendingIn(book, cmd.transferId, cmd.actingAgency, scenario);
      if (t.ackStage === 'considering') return [];
      return [
        book.queued(
          t.partnerId,
          { kind: 'Acknowledge', incident: t.ref, ackOf: t.openedBy, stage: 'considering' },
          ctx,
          at,
          undefined,
        ),
      ];
    }
  }
}
