/**
 * Joint requests as the screens hold them: read from the server's JSON (an incident's `requests`,
 * GET /api/requests) or from the COP's CopJointRequest, and the two lists the screens derive from
 * the incidents the store holds, with no polling: the inbox (pending requests addressed to the
 * signed-in agency) and the answers to the agency's own requests. The store's incidents are those
 * the agency takes part in (the server's rule), so these lists hold nothing else.
 */
import { type CopJointRequestMsg } from '../../proto/wire.ts';
import { REQUEST_STATUSES, type RequestStatus } from '../../proto/requests.ts';
import type { Acting } from './permissions.ts';
import type { InboxItem } from './joint-types.ts';
import { arr, collect, num, str, type Obj } from './read.ts';
import { isAgency, type Incident, type JointRequest } from './types.ts';

const isRequestStatus = (v: unknown): v is RequestStatus =>
  typeof v === 'string' && (REQUEST_STATUSES as readonly string[]).includes(v);
const ids = (o: Obj, k: string): string[] => arr(o, k).filter((x): x is string => typeof x === 'string');

/** One joint request (server AssistanceRequest); `incidentId` from the record or the incident holding it. */
export function parseRequest(o: Obj, incidentId?: string): JointRequest | undefined {
  const requestId = str(o, 'requestId');
  const inc = str(o, 'incidentId') ?? incidentId;
  const from = o['fromAgency'];
  const to = o['toAgency'];
  const status = o['status'];
  if (requestId === undefined || inc === undefined || !isAgency(from) || !isAgency(to) || !isRequestStatus(status))
    return undefined;
  const lines = collect(arr(o, 'lines'), (l) => {
    const capability = str(l, 'capability');
    if (capability === undefined) return undefined;
    return { capability, count: num(l, 'count') ?? 1, suggested: ids(l, 'suggested') };
  });
  return {
    requestId,
    incidentId: inc,
    fromAgency: from,
    toAgency: to,
    note: str(o, 'note') ?? '',
    requestedAtMs: num(o, 'requestedAt') ?? 0,
    requestedBy: str(o, 'requestedBy') ?? '',
    status,
    lines,
    answeredAtMs: num(o, 'answeredAt') ?? num(o, 'acceptedAt') ?? null,
    answeredBy: str(o, 'answeredBy') ?? str(o, 'acceptedBy') ?? null,
    answer: str(o, 'answer') ?? null,
    mobilised: ids(o, 'mobilised'),
  };
}

/** One COP joint request ('' and 0 meaning not yet); undefined for an agency or state this client does not know. */
export function requestFromCop(m: CopJointRequestMsg, incidentId: string): JointRequest | undefined {
  if (!isAgency(m.fromAgency) || !isAgency(m.toAgency) || !isRequestStatus(m.status)) return undefined;
  return {
    requestId: m.requestId,
    incidentId,
    fromAgency: m.fromAgency,
    toAgency: m.toAgency,
    note: m.note,
    requestedAtMs: m.requestedAtMs,
    requestedBy: m.requestedBy,
    status: m.status,
    lines: m.lines.map((l) => ({ capability: l.capability, count: l.count, suggested: [...l.suggested] })),
    answeredAtMs: m.answeredAtMs === 0 ? null : m.answeredAtMs,
    answeredBy: m.answeredBy === '' ? null : m.answeredBy,
    answer: m.answer === '' ? null : m.answer,
    mobilised: [...m.mobilised],
  };
}

/**
 * The inbox: pending requests addressed to `who` (every agency's for the duty officer; none for
 * the wall or an unknown role), oldest first, each with enough of its incident to triage it.
 */
export function inboxOf(incidents: Iterable<Incident>, who: Acting | undefined): InboxItem[] {
  if (who === null || who === undefined) return [];
  const out: InboxItem[] = [];
  for (const inc of incidents)
    for (const r of inc.requests)
      if (r.status === 'pending' && (who === 'all' || r.toAgency === who))
        out.push({ ...r, typeName: inc.typeName, priority: inc.priority, address: inc.description ?? '' });
  return out.sort((a, b) => a.requestedAtMs - b.requestedAtMs || (a.requestId < b.requestId ? -1 : 1));
}

/**
 * The answers to requests `who` raised (every agency's for the duty officer): accepted, declined
 * or answered with advice, newest answer first. The requester sees each as soon as the COP brings it.
 */
export function answersTo(incidents: Iterable<Incident>, who: Acting | undefined): InboxItem[] {
  if (who === null || who === undefined) return [];
  const out: InboxItem[] = [];
  for (const inc of incidents)
    for (const r of inc.requests)
      if (r.status !== 'pending' && (who === 'all' || r.fromAgency === who))
        out.push({ ...r, typeName: inc.typeName, priority: inc.priority, address: inc.description ?? '' });
  return out.sort((a, b) => (b.answeredAtMs ?? 0) - (a.answeredAtMs ?? 0) || (a.requestId < b.requestId ? -1 : 1));
}
