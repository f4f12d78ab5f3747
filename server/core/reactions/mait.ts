/**
 * The partner-room policy (issue 18): what this room tells a partner when something happens.
 * A partner's Create or AssistanceRequest, once applied, is acknowledged as received at once.
 * A change of ours (not the partner's own, which would echo) to an incident with a live thread
 * goes to that partner as an Update (a note as a shared timeline entry) or, on closing, a Close.
 * Our resources attending an incident a partner shares go to it as ResourcePosition, at most one
 * per resource per MAIT_POSITION_MIN_INTERVAL_MS.
 *
 * Idempotent given state: each message answering an event records its seq (`about`), and an
 * event its thread has answered is answered no more. So a new leader may run the policy again
 * over the log's tail its predecessor may not have reacted to (server/shell/reactor.ts, takeOver)
 * without telling a partner anything twice. (A Close also ends the thread; a ResourcePosition
 * answers no event: its rate limit is state.)
 */
import { MAIT_POSITION_MIN_INTERVAL_MS, type MaitTimelineEntry } from '../../../proto/mait.ts';
import type { JcrEvent } from '../events.ts';
import { STATUS_NAMES } from '../fleet/status.ts';
import { incidentContent } from '../mait/content.ts';
import type { Transfer } from '../mait/types.ts';
import type { Policy, Reaction, RoomView } from './policy.ts';

const CTX = { origin: 'system', actor: 'mait' } as const;

/** Our type in the partner's words; null when the partners file maps none (no Update is sent). */
export type TheirType = (partnerId: string, ourTypeId: string) => string | null;

/** A thread our changes are shared on: a transfer not closed, ours not refused, theirs taken on. */
function live(t: Transfer): boolean {
  return (
    t.kind === 'transfer' && !t.closed && t.status !== 'rejected' && (t.direction === 'out' || t.status === 'accepted')
  );
}

function changedIncident(e: JcrEvent): string | undefined {
  if (e.origin === 'partner') return undefined;
  if (e.type === 'incident.updated' || e.type === 'incident.closed') return e.data.incidentId;
  if (e.type === 'operator.note') return e.data.incidentId;
  return undefined;
}

function onEvent(e: JcrEvent, room: RoomView, theirType: TheirType): Reaction[] {
  if (e.type === 'mait.received') {
    const m = e.data.message;
    if (m.kind !== 'Create' && m.kind !== 'AssistanceRequest') return [];
    if (room.transfers.answeredThrough(e.data.partnerId, m.incident) >= e.seq) return [];
    const draft = { kind: 'Acknowledge', incident: m.incident, ackOf: m.messageId, stage: 'received' } as const;
    return [{ cmd: { type: 'mait.send', partnerId: e.data.partnerId, draft, about: e.seq }, ctx: CTX }];
  }
  const incidentId = changedIncident(e);
  const inc = incidentId === undefined ? undefined : room.incidents.get(incidentId);
  if (!inc) return [];
  const out: Reaction[] = [];
  for (const t of room.transfers.ofIncident(inc.id)) {
    if (!live(t) || room.transfers.answeredThrough(t.partnerId, t.ref) >= e.seq) continue;
    if (e.type === 'incident.closed') {
      const draft = { kind: 'Close', incident: t.ref, reason: inc.closeReason ?? 'closed', closedAt: e.at } as const;
      out.push({ cmd: { type: 'mait.send', partnerId: t.partnerId, draft, about: e.seq }, ctx: CTX });
      continue;
    }
    const type = theirType(t.partnerId, inc.typeId);
    if (type === null) continue;
    const timeline: MaitTimelineEntry[] =
      e.type === 'operator.note'
        ? [{ id: `${room.transfers.roomId}-${e.seq}`, at: e.at, author: e.actor, text: e.data.text }]
        : [];
    const draft = {
      kind: 'Update',
      incident: t.ref,
      content: incidentContent(inc, room.scenario, type, timeline),
    } as const;
    out.push({ cmd: { type: 'mait.send', partnerId: t.partnerId, draft, about: e.seq }, ctx: CTX });
  }
  return out;
}

function onPositions(ids: readonly string[], room: RoomView): Reaction[] {
  const out: Reaction[] = [];
  const now = room.clock();
  for (const id of ids) {
    const r = room.fleet.get(id);
    if (!r || r.incidentId === undefined) continue;
    for (const t of room.transfers.ofIncident(r.incidentId)) {
      if (!live(t) || t.status !== 'accepted') continue;
      const last = room.transfers.positionSentAt(t.partnerId, id);
      if (last !== undefined && now - last < MAIT_POSITION_MIN_INTERVAL_MS) continue;
      const draft = {
        kind: 'ResourcePosition',
        incident: t.ref,
        resourceId: id,
        callsign: r.def.callSign,
        lat: r.lat,
        lon: r.lon,
        fixAt: r.fixTimeMs > 0 ? r.fixTimeMs : now,
        status: STATUS_NAMES[r.status],
        agency: r.def.agency,
      } as const;
      out.push({ cmd: { type: 'mait.send', partnerId: t.partnerId, draft }, ctx: CTX });
    }
  }
  return out;
}

export function maitPolicy(theirType: TheirType): Policy {
  return (trigger, room) => {
    if (trigger.kind === 'positions') return onPositions(trigger.resourceIds, room);
    if (trigger.kind !== 'events') return [];
    return trigger.record.events.flatMap((e) => onEvent(e, room, theirType));
  };
}
