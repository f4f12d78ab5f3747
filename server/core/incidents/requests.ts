/**
 * One-click mobilise across agencies and the answers to joint requests (issue 22 item 2).
 *
 * - A single agency accepting the recommendation mobilises the proposal's units it may task and,
 *   in the same decision (one list of events, one durable append), asks each other agency for its
 *   lines with the proposed units attached as suggestions. That is an accepted recommendation:
 *   the decision event says `accepted`, keeps the whole proposal and what was shown, and lists the
 *   requests it raised.
 * - The addressee answers: accept, mobilising the suggestion or its own choice (a different choice
 *   needs a reason); decline, with a reason; or advise, with the advice given instead of a
 *   deployment ("hear and treat", "hear and solve"). Each answer is an event on the incident's
 *   timeline and changes the request the requester reads.
 *
 * Who may answer is the shared-incident rule's (server/core/auth/incident-access.ts). Pure.
 */
import { mustMay, type Acting } from '../auth/incident-access.ts';
import { JcrError } from '../errors.ts';
import type { NewEvent } from '../events.ts';
import type { Fleet } from '../fleet/fleet.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import { mayTask } from './access.ts';
import { checkChoice, lineOfShown, mobilised, sameResources, type Envelope, type Shown } from './choice.ts';
import { sentFor } from './sent-for.ts';
import type { BookView, Incident, IncidentCommand, RequestAnswerCommand, RequestedLine } from './types.ts';

type MobiliseCommand = Extract<IncidentCommand, { type: 'incident.mobilise' }>;

/**
 * What each other agency is asked for: per agency (in proposal order, then line order), its lines
 * with the units proposed for them. A line of another agency with slots outstanding is asked for
 * even when nobody available could be proposed for it.
 */
export function askedOfOthers(inc: Incident, shown: Shown, acting: Agency, fleet: Fleet): Map<Agency, RequestedLine[]> {
  const out = new Map<Agency, RequestedLine[]>();
  const add = (agency: Agency, line: RequestedLine) => {
    const list = out.get(agency);
    if (list) list.push(line);
    else out.set(agency, [line]);
  };
  const agencyOf = (id: string) => fleet.get(id)?.def;
  const foreign = (id: string) => {
    const d = agencyOf(id);
    return d !== undefined && !mayTask(acting, d) ? d.agency : null;
  };
  // Make the map's order the proposal's: the first agency proposed is asked first.
  for (const id of shown.proposed) {
    const a = foreign(id);
    if (a !== null && !out.has(a)) out.set(a, []);
  }
  const lines = shown.summary?.lines ?? [];
  if (lines.length > 0 && lines.every((l) => l.proposed !== undefined)) {
    for (const l of lines) {
      const byAgency = new Map<Agency, string[]>();
      for (const id of l.proposed ?? []) {
        const a = foreign(id);
        if (a === null) continue;
        const ids = byAgency.get(a);
        if (ids) ids.push(id);
        else byAgency.set(a, [id]);
      }
      const own = l.agency !== null && l.agency !== undefined && l.agency !== acting;
      if (own && l.outstanding > 0 && !byAgency.has(l.agency!)) byAgency.set(l.agency!, []);
      for (const [a, ids] of byAgency)
        add(a, { capability: l.capability, count: a === l.agency ? l.outstanding : ids.length, suggested: ids });
    }
  } else {
    // A recommendation logged before lines carried their proposal: one line per proposed unit's
    // first listed capability line, or its first capability.
    for (const id of shown.proposed) {
      const a = foreign(id);
      if (a === null) continue;
      const line = lines.find((l) => l.candidates.some((c) => c.resourceId === id));
      const capability = line?.capability ?? agencyOf(id)?.capabilities[0] ?? '';
      const list = out.get(a)!;
      const same = list.find((x) => x.capability === capability);
      if (same) {
        same.count++;
        same.suggested.push(id);
      } else add(a, { capability, count: 1, suggested: [id] });
    }
  }
  for (const [a, list] of out) if (list.length === 0) out.delete(a);
  return out;
}

/** Does accepting `shown` as `acting` ask another agency for anything? */
export function asksOthers(inc: Incident, shown: Shown, acting: Agency, fleet: Fleet): boolean {
  return askedOfOthers(inc, shown, acting, fleet).size > 0;
}

/**
 * The one-click accept: the decision, the own units' MOBILISED events and one joint request per
 * other agency (none to an agency that already has one pending: it is still to answer that one;
 * none to the lead agency, which sends its own units to its own incident). Raising one is asking
 * for assistance, so it is judged by the shared-incident rule: an agency only asked answers first.
 */
export function decideJointAccept(
  inc: Incident,
  cmd: MobiliseCommand,
  acting: Agency,
  shown: Shown,
  env: Envelope,
  fleet: Fleet,
  scenario: Scenario,
): NewEvent[] {
  const asked = askedOfOthers(inc, shown, acting, fleet);
  const askedIds = new Set<string>();
  for (const lines of asked.values()) for (const l of lines) for (const id of l.suggested) askedIds.add(id);
  const chosen = checkChoice(fleet, inc, cmd.resourceIds, acting, askedIds);
  const requests: Array<{ requestId: string; toAgency: Agency; suggested: string[] }> = [];
  const raised: NewEvent[] = [];
  let n = inc.requests.length;
  for (const [toAgency, lines] of asked) {
    if (toAgency === inc.leadAgency) continue;
    if (inc.requests.some((r) => r.status === 'pending' && r.toAgency === toAgency)) continue;
    const requestId = `${inc.id}-R${++n}`;
    const suggested = lines.flatMap((l) => l.suggested);
    requests.push({ requestId, toAgency, suggested });
    raised.push({
      ...env,
      type: 'incident.assistanceRequested',
      data: {
        incidentId: inc.id,
        requestId,
        fromAgency: acting,
        toAgency,
        note: `${acting} accepted the recommendation: ${lines.map(lineWords).join('; ')}`,
        lines,
        recommendationSeq: shown.seq,
      },
    });
  }
  if (requests.length > 0) mustMay(acting, inc, 'requestAssistance');
  if (chosen.length === 0 && requests.length === 0) {
    const waiting = inc.requests.filter((r) => r.status === 'pending' && asked.has(r.toAgency));
    if (waiting.length === 0)
      throw new JcrError(
        'JCR_CONFLICT',
        `nothing to mobilise for ${acting}: the rest of the proposal is ${inc.leadAgency}'s, the lead agency's, to send`,
        { path: 'incidentId' },
      );
    throw new JcrError(
      'JCR_REQUEST_PENDING',
      `nothing to mobilise for ${acting}, and ${waiting.map((r) => `${r.toAgency} (${r.requestId})`).join(', ')} still to answer`,
      { path: 'incidentId', details: { requestIds: waiting.map((r) => r.requestId) } },
    );
  }
  const reason = cmd.reason?.trim() ?? '';
  return [
    {
      ...env,
      type: 'incident.decision',
      data: {
        incidentId: inc.id,
        decision: 'accepted',
        proposed: [...shown.proposed],
        chosen: chosen.map((r) => r.def.id),
        reason: reason === '' ? null : reason,
        recommendationSeq: shown.seq,
        actingAgency: acting,
        requests,
        recommended: shown.summary,
        ...(shown.at !== null ? { recommendedAt: shown.at } : {}),
      },
    },
    ...mobilised(env, inc, chosen, sentFor(scenario, inc, fleet, chosen, lineOfShown(shown))),
    ...raised,
  ];
}

function lineWords(l: RequestedLine): string {
  const s = l.suggested.length > 0 ? ` (suggested ${l.suggested.join(', ')})` : ' (none available to suggest)';
  return `${l.capability} ×${l.count}${s}`;
}

/** The addressee's answer to a joint request. */
export function decideAnswer(
  book: BookView,
  cmd: RequestAnswerCommand,
  env: Envelope,
  fleet: Fleet,
  scenario: Scenario,
): NewEvent[] {
  const who: Acting = cmd.actingAgency ?? 'all';
  const inc = book.require(cmd.incidentId);
  mustMay(who, inc, 'view'); // an incident the agency does not take part in is unknown, even closed
  if (inc.status === 'closed')
    throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
  const req = inc.requests.find((r) => r.requestId === cmd.requestId);
  if (!req) throw new JcrError('JCR_NOT_FOUND', `unknown request "${cmd.requestId}"`, { path: 'requestId' });
  mustMay(who, inc, 'answerRequest', { request: req });
  if (req.status !== 'pending')
    throw new JcrError('JCR_REQUEST_ANSWERED', `request ${req.requestId} is already ${req.status}`, {
      path: 'requestId',
      details: { status: req.status, answeredBy: req.answeredBy },
    });
  const text = cmd.reason?.trim() ?? '';
  const base = { incidentId: inc.id, requestId: req.requestId, agency: req.toAgency };
  if (cmd.answer !== 'accept') {
    if (cmd.resourceIds !== undefined)
      throw new JcrError('JCR_VALIDATION', `a request answered with ${cmd.answer} mobilises nobody`, {
        path: 'resourceIds',
      });
    if (text === '')
      throw new JcrError(
        'JCR_VALIDATION',
        cmd.answer === 'decline' ? 'declining needs a reason' : 'advice needs its text (what was advised)',
        { path: cmd.answer === 'decline' ? 'reason' : 'advice' },
      );
    const type = cmd.answer === 'decline' ? 'incident.assistanceDeclined' : 'incident.assistanceAdvised';
    return [{ ...env, type, data: { ...base, text } }];
  }
  const suggested = req.lines.flatMap((l) => l.suggested);
  const ids = cmd.resourceIds ?? suggested;
  if (ids.length === 0 && suggested.length > 0)
    throw new JcrError('JCR_VALIDATION', 'name the resources you send, or decline or advise with a reason', {
      path: 'resourceIds',
    });
  const chosen = checkChoice(fleet, inc, ids, req.toAgency);
  const same = sameResources(ids, suggested);
  if (!same && suggested.length > 0 && text === '')
    throw new JcrError(
      'JCR_VALIDATION',
      `the choice differs from the suggestion (${suggested.join(', ')}): a reason is required`,
      { path: 'reason' },
    );
  return [
    {
      ...env,
      type: 'incident.assistanceAccepted',
      data: { ...base, suggested, chosen: [...ids], reason: text === '' ? null : text },
    },
    ...mobilised(env, inc, chosen, sentFor(scenario, inc, fleet, chosen, suggestedFor(req.lines))),
  ];
}

/** The line each suggested unit of a joint request was asked for. */
function suggestedFor(lines: readonly RequestedLine[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of lines) for (const id of l.suggested) out.set(id, l.capability);
  return out;
}
