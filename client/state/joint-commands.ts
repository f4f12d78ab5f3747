/**
 * The screens' commands for joint work (issue 22): answer a joint request, book a resource's
 * arrival or leaving, stand it down, close the incident, record METHANE, add a note, and take a
 * quicker resource in one step. Like ./commands.ts: one request each (two for the swap), the
 * answer written into the store at once, progress in words through `CommandOutput`.
 */
import { errText, reloadResources, type CommandDeps, type CommandOutput } from './commands.ts';
import type { Methane, QuickerFlag } from './joint-types.ts';
import { parseIncident } from './parse.ts';
import type { ApiResult } from './api.ts';
import { isObj } from '../../proto/checker.ts';

export interface RequestAnswer {
  incidentId: string;
  requestId: string;
  answer: 'accept' | 'decline' | 'advise';
  /** accept: null takes the suggestion; else the units chosen (a reason when they differ). */
  resourceIds: string[] | null;
  /** accept: why the choice differs; decline: the reason; advise: the advice. */
  text: string;
}

export type Booking = 'arrived' | 'left' | 'stand-down';

const BOOKING_WORDS: Record<Booking, string> = {
  arrived: 'arrival booked',
  left: 'leaving booked',
  'stand-down': 'stood down',
};

function callSign(d: CommandDeps, id: string): string {
  return d.store.resources.get(id)?.callSign ?? id;
}

/** The incident in a command's answer (`{incident}` or the incident itself) into the store. */
function storeIncident(d: CommandDeps, r: ApiResult): void {
  if (!r.ok) return;
  const o = isObj(r.body) && isObj(r.body['incident']) ? r.body['incident'] : r.body;
  if (!isObj(o)) return;
  const names = new Map((d.store.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]));
  const inc = parseIncident(o, names);
  if (inc) d.store.upsertIncident(inc);
}

export async function answerRequest(d: CommandDeps, a: RequestAnswer, out: CommandOutput): Promise<boolean> {
  const text = a.text.trim();
  const body: { resourceIds?: string[]; reason?: string; advice?: string } = {};
  if (a.answer === 'accept') {
    if (a.resourceIds !== null) body.resourceIds = a.resourceIds;
    if (text) body.reason = text;
  } else if (a.answer === 'decline') body.reason = text;
  else body.advice = text;
  out.busy(true);
  out.message(a.answer === 'accept' ? 'Accepting…' : a.answer === 'decline' ? 'Declining…' : 'Sending advice…');
  const r = await d.api.answerRequest(a.incidentId, a.requestId, a.answer, body);
  out.busy(false);
  if (!r.ok) {
    out.message(`Request ${a.requestId} not answered: ${errText(r)}`);
    return false;
  }
  storeIncident(d, r);
  const units = a.resourceIds?.map((id) => callSign(d, id)).join(', ');
  out.message(
    a.answer === 'accept'
      ? `Accepted ${a.requestId} on ${a.incidentId}${units ? `: mobilised ${units}` : ''}.`
      : a.answer === 'decline'
        ? `Declined ${a.requestId} on ${a.incidentId}.`
        : `Advice recorded for ${a.requestId} on ${a.incidentId}.`,
  );
  await reloadResources(d);
  return true;
}

export async function bookAttendance(
  d: CommandDeps,
  incidentId: string,
  resourceId: string,
  booking: Booking,
  out: CommandOutput,
): Promise<boolean> {
  out.busy(true);
  const r = await d.api.book(incidentId, booking, resourceId);
  out.busy(false);
  const cs = callSign(d, resourceId);
  if (!r.ok) {
    out.message(`${cs}: not ${BOOKING_WORDS[booking]}: ${errText(r)}`);
    return false;
  }
  storeIncident(d, r);
  out.message(`${cs}: ${BOOKING_WORDS[booking]}.`);
  await reloadResources(d);
  return true;
}

export async function closeIncident(
  d: CommandDeps,
  incidentId: string,
  reason: string,
  force: boolean,
  out: CommandOutput,
): Promise<boolean> {
  out.busy(true);
  out.message(`Closing ${incidentId}…`);
  const r = await d.api.closeIncident(incidentId, reason.trim() || undefined, force);
  out.busy(false);
  if (!r.ok) {
    out.message(`Not closed: ${errText(r)}`);
    return false;
  }
  storeIncident(d, r);
  out.message(`Incident ${incidentId} closed.`);
  await reloadResources(d);
  return true;
}

export async function recordMethane(
  d: CommandDeps,
  incidentId: string,
  methane: Partial<Methane>,
  out: CommandOutput,
): Promise<boolean> {
  out.busy(true);
  const r = await d.api.updateMethane(incidentId, { ...methane });
  out.busy(false);
  if (!r.ok) {
    out.message(`METHANE not recorded: ${errText(r)}`);
    return false;
  }
  storeIncident(d, r);
  out.message(`METHANE recorded for ${incidentId}.`);
  return true;
}

export async function addNote(d: CommandDeps, incidentId: string, text: string, out: CommandOutput): Promise<boolean> {
  out.busy(true);
  const r = await d.api.addNote(incidentId, text);
  out.busy(false);
  if (!r.ok) {
    out.message(`Note not added: ${errText(r)}`);
    return false;
  }
  out.message(`Note added to ${incidentId}.`);
  return true;
}

/**
 * Take the quicker resource in one step: mobilise it (an override of the recommendation, with the
 * flag as the reason) and stand the slower one down. If the first step fails nothing changed; if
 * the second fails both are on their way, and the message says so.
 */
export async function swapQuicker(
  d: CommandDeps,
  incidentId: string,
  f: QuickerFlag,
  out: CommandOutput,
): Promise<boolean> {
  const q = callSign(d, f.quickerId);
  const e = callSign(d, f.enRouteId);
  out.busy(true);
  out.message(`Sending ${q} instead of ${e}…`);
  const reason = `quicker resource available: ${q} (ETA ${Math.round(f.quickerEtaS)} s) instead of ${e} (ETA ${Math.round(f.enRouteEtaS)} s)`;
  const m = await d.api.mobilise(incidentId, [f.quickerId], reason, null);
  if (!m.ok) {
    out.busy(false);
    out.message(`${q} not mobilised, nothing changed: ${errText(m)}`);
    return false;
  }
  storeIncident(d, m);
  const s = await d.api.book(incidentId, 'stand-down', f.enRouteId);
  out.busy(false);
  if (!s.ok) {
    out.message(`${q} mobilised, but ${e} not stood down: ${errText(s)}`);
    await reloadResources(d);
    return false;
  }
  storeIncident(d, s);
  out.message(`${q} mobilised; ${e} stood down.`);
  await reloadResources(d);
  return true;
}
