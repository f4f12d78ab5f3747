/**
 * REST commands the screens send. Every call answers `ApiResult`: the body on success, or the
 * server's `{ error: { code, message } }` (code `JCR_NOT_AVAILABLE` here when the server has no
 * such endpoint yet, e.g. incidents before issue 5) so the panels can say exactly what happened.
 * docs/screens.md § "Server contract" lists the endpoints and bodies. A call refused while the
 * room changes over to its standby is retried when that is safe (./failover.ts).
 */
import { changingOver, FAILOVER_RETRY, isFailoverRefusal, nextPause, repeatable } from './failover.ts';

export type ApiResult =
  { ok: true; body: unknown } | { ok: false; status: number; code: string; message: string; details?: unknown };

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The clock and the pause between failover retries (tests pass a fake one). */
export interface RetryClock {
  now(): number;
  /** Resolves after `ms`, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: RetryClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done);
    }),
};

const ABORTED: ApiResult = { ok: false, status: 0, code: 'ABORTED', message: 'cancelled' };

export class Api {
  /** Told true when a call starts waiting out a failover and false when none is (the screens say "reconnecting"). */
  onRetrying: ((on: boolean) => void) | null = null;
  private retrying = 0;

  constructor(
    private readonly fetchFn: FetchLike = (i, init) => fetch(i, init),
    private readonly base = '',
    private readonly clock: RetryClock = REAL_CLOCK,
  ) {}

  /**
   * One call. `signal` lets the caller cancel it (a stale typeahead search): the answer is then
   * `{ ok: false, code: 'ABORTED' }`. Refused because the room is changing over to its standby,
   * it is tried again for a bounded time when repeating it is safe (./failover.ts).
   */
  async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body?: unknown,
    timeoutMs = 8000,
    signal?: AbortSignal,
  ): Promise<ApiResult> {
    let r = await this.once(method, path, body, timeoutMs, signal);
    if (!isFailoverRefusal(r)) return r;
    const write = method !== 'GET';
    if (!repeatable(method, path, body)) return changingOver(r, false, write);
    const until = this.clock.now() + FAILOVER_RETRY.withinMs;
    if (this.retrying++ === 0) this.onRetrying?.(true);
    try {
      for (let pause = nextPause(0); isFailoverRefusal(r); pause = nextPause(pause)) {
        if (this.clock.now() + pause > until) return changingOver(r, true, write);
        await this.clock.sleep(pause, signal);
        if (signal?.aborted) return ABORTED;
        r = await this.once(method, path, body, timeoutMs, signal);
      }
      return r;
    } finally {
      if (--this.retrying === 0) this.onRetrying?.(false);
    }
  }

  /** One request, once. */
  private async once(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    body: unknown,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<ApiResult> {
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    const cancel = () => ctl.abort();
    signal?.addEventListener('abort', cancel);
    if (signal?.aborted) ctl.abort();
    try {
      const init: RequestInit = { method, signal: ctl.signal, headers: { accept: 'application/json' } };
      if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { accept: 'application/json', 'content-type': 'application/json' };
      }
      const res = await this.fetchFn(this.base + path, init);
      const text = await res.text();
      let parsed: unknown = null;
      try {
        parsed = text.length > 0 ? (JSON.parse(text) as unknown) : null;
      } catch {
        parsed = null;
      }
      if (res.ok) return { ok: true, body: parsed };
      const err =
        typeof parsed === 'object' && parsed !== null && 'error' in parsed
          ? (parsed as { error: unknown }).error
          : null;
      const code =
        typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string'
          ? err.code
          : `HTTP_${res.status}`;
      const message =
        typeof err === 'object' && err !== null && 'message' in err && typeof err.message === 'string'
          ? err.message
          : res.statusText;
      if (res.status === 404 && code === 'JCR_NOT_FOUND' && /no route|not found: (GET|POST)/i.test(message)) {
        return {
          ok: false,
          status: 404,
          code: 'JCR_NOT_AVAILABLE',
          message: `${method} ${path} is not provided by this server`,
        };
      }
      const details = typeof err === 'object' && err !== null && 'details' in err ? err.details : undefined;
      return { ok: false, status: res.status, code, message, ...(details !== undefined ? { details } : {}) };
    } catch (e) {
      if (signal?.aborted) return ABORTED;
      const aborted = e instanceof Error && e.name === 'AbortError';
      return {
        ok: false,
        status: 0,
        code: aborted ? 'NETWORK_TIMEOUT' : 'NETWORK_ERROR',
        message: aborted ? 'the server did not answer in time' : 'cannot reach the server',
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', cancel);
    }
  }

  scenario(): Promise<ApiResult> {
    return this.request('GET', '/api/scenario');
  }
  resources(): Promise<ApiResult> {
    return this.request('GET', '/api/resources');
  }
  uiConfig(): Promise<ApiResult> {
    return this.request('GET', '/api/ui-config');
  }
  basemap(): Promise<ApiResult> {
    return this.request('GET', '/api/basemap', undefined, 30_000);
  }
  /** The calibration in force and the `roads` roads it changes most (GeoJSON): the map's calibration layer. */
  calibration(roads = 200): Promise<ApiResult> {
    return this.request('GET', `/api/calibration?roads=${roads}`);
  }
  mapLabels(): Promise<ApiResult> {
    return this.request('GET', '/api/map/labels', undefined, 30_000);
  }
  setStatus(resourceId: string, status: string, incidentId?: string): Promise<ApiResult> {
    return this.request(
      'POST',
      `/api/resources/${encodeURIComponent(resourceId)}/status`,
      incidentId ? { status, incidentId } : { status },
    );
  }
  // ---- issue 5: incidents and recommendations ----
  incidents(): Promise<ApiResult> {
    return this.request('GET', '/api/incidents');
  }
  createIncident(body: {
    typeId: string;
    lat: number;
    lon: number;
    address?: string;
    callerAccount?: string;
    uprn?: string;
    confirmOffRoad?: boolean;
    /** One per create attempt, the same in its retries: the server answers a repeat with the first incident. */
    idempotencyKey?: string;
  }): Promise<ApiResult> {
    return this.request('POST', '/api/incidents', body);
  }
  recommendation(incidentId: string): Promise<ApiResult> {
    return this.request('GET', `/api/incidents/${encodeURIComponent(incidentId)}/recommendation`);
  }
  /**
   * Accept the recommendation (`resourceIds` null) or choose resources with a reason. The
   * recommendation's fingerprint tells the server what the dispatcher was shown: the decision is
   * judged against that, whoever else asked since.
   */
  mobilise(
    incidentId: string,
    resourceIds: string[] | null,
    reason: string | undefined,
    fingerprint: string | null,
  ): Promise<ApiResult> {
    const body: Record<string, unknown> = resourceIds === null ? { accept: true } : { resourceIds };
    if (reason) body['reason'] = reason;
    if (fingerprint !== null) body['fingerprint'] = fingerprint;
    return this.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/mobilise`, body);
  }
  // ---- issue 22: joint work ----
  incident(incidentId: string): Promise<ApiResult> {
    return this.request('GET', `/api/incidents/${encodeURIComponent(incidentId)}`);
  }
  /**
   * One page of the audit timeline: up to `limit` events after seq `after`, with who, where from
   * and when; the answer's `next` is the following page's cursor, null on the last page.
   */
  incidentLog(incidentId: string, after = 0, limit = 500): Promise<ApiResult> {
    const q = `after=${encodeURIComponent(String(after))}&limit=${encodeURIComponent(String(limit))}`;
    return this.request('GET', `/api/incidents/${encodeURIComponent(incidentId)}/log?${q}`);
  }
  /** The inbox: pending joint requests addressed to the caller's agency. */
  requests(): Promise<ApiResult> {
    return this.request('GET', '/api/requests');
  }
  /**
   * Answer a joint request: accept (the suggestion with no `resourceIds`, or a choice with a
   * reason), decline with a reason, or advise (the advice instead of a deployment).
   */
  answerRequest(
    incidentId: string,
    requestId: string,
    answer: 'accept' | 'decline' | 'advise',
    body: { resourceIds?: string[]; reason?: string; advice?: string },
  ): Promise<ApiResult> {
    return this.request(
      'POST',
      `/api/incidents/${encodeURIComponent(incidentId)}/assistance/${encodeURIComponent(requestId)}/${answer}`,
      body,
    );
  }
  /** Book a resource's arrival or leaving, or stand it down. */
  book(incidentId: string, booking: 'arrived' | 'left' | 'stand-down', resourceId: string): Promise<ApiResult> {
    return this.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/${booking}`, { resourceId });
  }
  closeIncident(incidentId: string, reason?: string, force = false): Promise<ApiResult> {
    const body: Record<string, unknown> = {};
    if (reason) body['reason'] = reason;
    if (force) body['force'] = true;
    return this.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/close`, body);
  }
  /** A METHANE update (any agency that takes part). */
  updateMethane(incidentId: string, methane: Record<string, unknown>): Promise<ApiResult> {
    return this.request('PATCH', `/api/incidents/${encodeURIComponent(incidentId)}`, { methane });
  }
  /** The incident's attendance lines, with what counts against each. */
  lines(incidentId: string): Promise<ApiResult> {
    return this.request('GET', `/api/incidents/${encodeURIComponent(incidentId)}/lines`);
  }
  /** Add a line or change its count `{capability, count, agency?, reason}` (lead agency or duty officer). */
  setLine(
    incidentId: string,
    body: { capability: string; count: number; agency?: string; reason: string },
  ): Promise<ApiResult> {
    return this.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/lines`, body);
  }
  /** Remove a line (its id is its capability), with a reason. */
  removeLine(incidentId: string, lineId: string, reason: string): Promise<ApiResult> {
    return this.request(
      'POST',
      `/api/incidents/${encodeURIComponent(incidentId)}/lines/${encodeURIComponent(lineId)}/remove`,
      { reason },
    );
  }
  addNote(incidentId: string, text: string): Promise<ApiResult> {
    return this.request('POST', `/api/incidents/${encodeURIComponent(incidentId)}/notes`, { text });
  }
  // ---- issue 16: places ----
  /** The gazetteer, best first: names, roads, postcodes, grid references and coordinates. */
  places(q: string, limit: number, signal?: AbortSignal): Promise<ApiResult> {
    const qs = `q=${encodeURIComponent(q)}&limit=${encodeURIComponent(String(limit))}`;
    return this.request('GET', `/api/places?${qs}`, undefined, 8000, signal);
  }
  // ---- issue 6: cover ----
  cover(): Promise<ApiResult> {
    return this.request('GET', '/api/cover');
  }
  /** Recommended standby moves, best first (server default 5). */
  coverMoves(limit = 5): Promise<ApiResult> {
    return this.request('GET', `/api/cover/moves?limit=${encodeURIComponent(String(limit))}`, undefined, 15_000);
  }
  /** Order a standby move (duty officer only; the server answers 403 JCR_FORBIDDEN otherwise). */
  applyStandbyMove(resourceId: string, destinationId: string): Promise<ApiResult> {
    return this.request('POST', '/api/cover/moves', { resourceId, destinationId });
  }
  /** End a standby move in progress (duty officer only); the resource stays available mobile. */
  cancelStandbyMove(resourceId: string): Promise<ApiResult> {
    return this.request('POST', `/api/cover/moves/${encodeURIComponent(resourceId)}/cancel`);
  }
}
