/**
 * The screen's commands to the server: create an incident, fetch its recommendation, mobilise,
 * set a resource's status, apply and cancel a standby move. Each sends one request
 * (client/state/api.ts), writes what the answer says into the store at once (rather than at the
 * next poll or COP frame) and reports progress in words through `CommandOutput`, so a panel shows
 * "Mobilising…" and then the outcome. <jcr-app> and the cover controller call these; nothing here
 * renders.
 */
import type { Api, ApiResult } from './api.ts';
import { parseIncident, parseRecommendation, parseResource, parseResources } from './parse.ts';
import { parseStandbyMove } from './parse-cover.ts';
import type { ClientStore } from './store.ts';
import type { StatusName } from './types.ts';

export interface CommandDeps {
  store: ClientStore;
  api: Api;
}

/** Where a command's progress goes: a panel's message line and its busy flag. */
export interface CommandOutput {
  message(text: string): void;
  busy(on: boolean): void;
}

export interface NewIncident {
  typeId: string;
  lat: number;
  lon: number;
  address?: string;
  /** The caller's account and the UPRN, when given ('' or absent: not). */
  callerAccount?: string;
  uprn?: string;
  /** The dispatcher confirmed a point with no drivable road within the allowance. */
  confirmOffRoad?: boolean;
  /** The submission's idempotency key: a retry of the same submission passes the same one. */
  idempotencyKey?: string;
}

/** Attempts at one create when the server does not answer in time (the same key each time). */
const CREATE_ATTEMPTS = 3;

/** A random create key: crypto.randomUUID where the page is a secure context, else hex of 16 random bytes. */
export function newCreateKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * How a create ended: `off-road` is the server's JCR_OFF_ROAD (no drivable road within
 * `maxSnapM`, null when it did not say), for the form to ask the dispatcher to confirm.
 */
export type CreateOutcome =
  | { kind: 'created'; incidentId: string }
  | { kind: 'off-road'; lat: number; lon: number; maxSnapM: number | null }
  | { kind: 'failed' };

export interface MobiliseOrder {
  incidentId: string;
  /** null = accept the recommendation as proposed. */
  resourceIds: string[] | null;
  /** Required by the server whenever the choice differs from the recommendation. */
  reason?: string;
}

export interface StandbyOrder {
  resourceId: string;
  destinationId: string;
  callSign: string;
  destinationName?: string;
}

export interface StandbyCancel {
  resourceId: string;
  moveId: string;
  destinationId: string;
  destinationName: string;
  callSign: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An error answer in words, with its stable code. */
export function errText(r: ApiResult): string {
  if (r.ok) return '';
  if (r.code === 'JCR_NOT_AVAILABLE') return `${r.message} (not built yet)`;
  return `${r.message} [${r.code}]`;
}

function typeNames(store: ClientStore): Map<string, string> {
  return new Map((store.scenario?.incidentTypes ?? []).map((t) => [t.id, t.name]));
}

/** The whole fleet again: a command changed statuses the feed has not brought yet. */
export async function reloadResources({ store, api }: CommandDeps): Promise<void> {
  const res = await api.resources();
  if (res.ok) {
    const { seq, resources } = parseResources(res.body);
    store.replaceResources(resources, seq);
  }
}

/** Attempts at a recommendation the server does not answer in time (a GET: it writes nothing). */
const RECOMMENDATION_ATTEMPTS = 3;

/**
 * Ask for an incident's recommendation (when the server can make one) and store it. Not answered
 * within the request's time limit (a loaded server), it asks again: the read changes nothing, and
 * without it the panel would wait for a recommendation that never comes. (A dropped connection
 * is already tried again by Api.request, as every read is during a failover.)
 */
export async function fetchRecommendation(d: CommandDeps, incidentId: string, out: CommandOutput): Promise<void> {
  const s = d.store;
  if (!s.capabilities.incidents) return;
  if (!s.capabilities.recommendations) return;
  let r = await d.api.recommendation(incidentId);
  let n = 1;
  for (; n < RECOMMENDATION_ATTEMPTS && !r.ok && r.code === 'NETWORK_TIMEOUT'; n++) {
    out.message(`Recommendation for ${incidentId} not received yet — asking again…`);
    r = await d.api.recommendation(incidentId);
  }
  if (r.ok) {
    const rec = parseRecommendation(
      r.body,
      incidentId,
      new Map((s.scenario?.standards ?? []).map((x) => [x.id, x.name])),
    );
    if (rec) s.setRecommendation(rec);
    if (n > 1) out.message(`Recommendation for ${incidentId} received.`);
  } else out.message(`Recommendation: ${errText(r)}`);
}

/** The server may have applied a request it did not answer (or whose answer a failover cut off). */
const unanswered = (code: string) =>
  code === 'NETWORK_TIMEOUT' ||
  code === 'NETWORK_ERROR' ||
  code === 'JCR_LEADER_UNREACHABLE' ||
  code === 'JCR_OUTCOME_UNKNOWN';

export async function createIncident(d: CommandDeps, inc: NewIncident, out: CommandOutput): Promise<CreateOutcome> {
  const s = d.store;
  out.busy(true);
  out.message('Creating incident…');
  // One key for every attempt: a timed-out create the server did apply is answered, not repeated.
  const req = {
    typeId: inc.typeId,
    lat: inc.lat,
    lon: inc.lon,
    ...(inc.address ? { address: inc.address } : {}),
    ...(inc.callerAccount ? { callerAccount: inc.callerAccount } : {}),
    ...(inc.uprn ? { uprn: inc.uprn } : {}),
    ...(inc.confirmOffRoad ? { confirmOffRoad: true } : {}),
    idempotencyKey: inc.idempotencyKey ?? newCreateKey(),
  };
  let r = await d.api.createIncident(req);
  // A timeout only: Api has already waited out a failover's refusals and dropped connections (failover.ts).
  for (let n = 1; n < CREATE_ATTEMPTS && !r.ok && r.code === 'NETWORK_TIMEOUT'; n++) {
    out.message('Incident not confirmed — retrying…');
    r = await d.api.createIncident(req);
  }
  out.busy(false);
  if (!r.ok && unanswered(r.code)) {
    out.message(`Incident not confirmed: ${errText(r)}. Check the incident list before creating it again.`);
    return { kind: 'failed' };
  }
  if (!r.ok) {
    if (r.code === 'JCR_OFF_ROAD') {
      const maxSnapM = offRoadAllowance(r);
      out.message(
        `Incident not created: no road within ${maxSnapM ?? 'the allowance'}${maxSnapM === null ? '' : ' m'} of this point.`,
      );
      return { kind: 'off-road', lat: inc.lat, lon: inc.lon, maxSnapM };
    }
    out.message(`Incident not created: ${errText(r)}`);
    return { kind: 'failed' };
  }
  const body = isRecord(r.body) && isRecord(r.body['incident']) ? r.body['incident'] : r.body;
  const created = isRecord(body) ? parseIncident(body, typeNames(s)) : undefined;
  if (!created) {
    out.message('Incident created, but the answer could not be read.');
    return { kind: 'failed' };
  }
  s.upsertIncident(created);
  s.select({ incidentId: created.id, point: null });
  out.message(`Incident ${created.id} created${created.location ? ` at ${created.location.text}` : ''}.`);
  return { kind: 'created', incidentId: created.id };
}

/** The snapping allowance a JCR_OFF_ROAD answer names (details.maxSnapM), else null. */
function offRoadAllowance(r: ApiResult): number | null {
  if (r.ok) return null;
  const m = /within (\d+(?:\.\d+)?) m/.exec(r.message);
  const n = r.details && isRecord(r.details) ? r.details['maxSnapM'] : m ? Number(m[1]) : undefined;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
}

export async function mobilise(d: CommandDeps, order: MobiliseOrder, out: CommandOutput): Promise<void> {
  const s = d.store;
  const rec = s.recommendations.get(order.incidentId);
  out.busy(true);
  out.message('Mobilising…');
  const r = await d.api.mobilise(order.incidentId, order.resourceIds, order.reason, rec?.fingerprint ?? null);
  out.busy(false);
  if (!r.ok) {
    out.message(`Not mobilised: ${errText(r)}`);
    return;
  }
  const ids = order.resourceIds ?? rec?.resources.map((x) => x.resourceId) ?? [];
  const names = ids.map((id) => s.resources.get(id)?.callSign ?? id).join(', ');
  out.message(
    `Mobilised ${names || 'the recommendation'} to ${order.incidentId}${order.reason ? ' (reason recorded)' : ''}.`,
  );
  // The recommendation is now out of date: drop it; "Get recommendation" asks for a fresh one.
  s.clearRecommendation(order.incidentId);
  if (isRecord(r.body) && isRecord(r.body['incident'])) {
    const inc = parseIncident(r.body['incident'], typeNames(s));
    if (inc) s.upsertIncident(inc);
  }
  await reloadResources(d);
}

export async function setStatus(
  d: CommandDeps,
  resourceId: string,
  status: StatusName,
  out: CommandOutput,
): Promise<void> {
  const s = d.store;
  const r = await d.api.setStatus(resourceId, status);
  const cs = s.resources.get(resourceId)?.callSign ?? resourceId;
  if (!r.ok) {
    out.message(`${cs}: status not changed: ${errText(r)}`);
    return;
  }
  if (isRecord(r.body) && isRecord(r.body['resource'])) {
    const res = parseResource(r.body['resource']);
    if (res) s.upsertResources([res]);
  }
}

/**
 * Order a standby move; `dest` names the destination in the messages. True when ordered (then
 * the caller reloads the resources: the moving one is now AVAILABLE_MOBILE). The caller keeps the
 * busy flag, so it can clear it together with its own state (the cover panel's undo).
 */
export async function applyStandbyMove(
  d: CommandDeps,
  order: StandbyOrder,
  dest: string,
  out: Pick<CommandOutput, 'message'>,
): Promise<boolean> {
  const s = d.store;
  out.message(`Ordering ${order.callSign} to ${dest}…`);
  const r = await d.api.applyStandbyMove(order.resourceId, order.destinationId);
  if (!r.ok) {
    out.message(`Standby move not applied: ${errText(r)}`);
    return false;
  }
  out.message(`Standby move applied: ${order.callSign} to ${dest}.`);
  // The move is recorded: show it now rather than at the next poll. The server's cover picture
  // is recomputed after a short debounce, so the answer's own `move` goes into the list now.
  const move = isRecord(r.body) && isRecord(r.body['move']) ? parseStandbyMove(r.body['move']) : undefined;
  const c = s.cover;
  if (move && c) s.setCover({ ...c, standby: [...c.standby.filter((x) => x.resourceId !== move.resourceId), move] });
  return true;
}

/**
 * Cancel a standby move in progress. 'cancelled', or 'ended' when the server says there is no such
 * move any more (arrived, mobilised, cancelled elsewhere), or 'failed'.
 */
export async function cancelStandbyMove(
  d: CommandDeps,
  cancel: StandbyCancel,
  out: Pick<CommandOutput, 'message'>,
): Promise<'cancelled' | 'ended' | 'failed'> {
  const s = d.store;
  out.message(`Cancelling the standby move of ${cancel.callSign} to ${cancel.destinationName}…`);
  const r = await d.api.cancelStandbyMove(cancel.resourceId);
  if (!r.ok) {
    out.message(`Standby move not cancelled: ${errText(r)}`);
    return r.code === 'JCR_COVER_NO_STANDBY' ? 'ended' : 'failed';
  }
  out.message(
    `Standby move cancelled: ${cancel.callSign} to ${cancel.destinationName}. ${cancel.callSign} stays available mobile.`,
  );
  const c = s.cover;
  if (c) s.setCover({ ...c, standby: c.standby.filter((x) => x.moveId !== cancel.moveId) });
  return 'cancelled';
}
