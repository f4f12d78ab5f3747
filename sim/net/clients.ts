/**
 * The simulator's network clients: the real /ws/avl protocol (binary AvlBatch frames, one AvlAck
 * with the same seq each) and the real REST API. The incidents endpoints (issue 5) are called in
 * their documented shape and the answers read leniently; a missing endpoint (404) is reported as
 * such so callers can fall back (docs/simulator.md § Endpoints).
 */
import { WebSocket } from 'ws';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import { decodeAck, encodeBatch, type AvlAckOut } from '../../server/shell/avl/codec.ts';

export class AvlClient {
  private readonly ws: WebSocket;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (a: AvlAckOut) => void; reject: (e: Error) => void }>();
  closed = false;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const ack = decodeAck(data as Buffer);
      const w = this.waiting.get(ack.seq);
      if (w) {
        this.waiting.delete(ack.seq);
        w.resolve(ack);
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = true;
      const err = new Error(`AVL socket closed (${code} ${reason.toString()})`);
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
  }

  /** Open /ws/avl on `baseUrl` (http://host:port) with a feed token. */
  static connect(baseUrl: string, token: string): Promise<AvlClient> {
    const url = baseUrl.replace(/^http/, 'ws').replace(/\/$/, '') + '/ws/avl';
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
      ws.once('open', () => resolve(new AvlClient(ws)));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`AVL upgrade refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Send one batch (split at `maxPerBatch`) and resolve with the summed acks. */
  async send(reports: readonly AvlReportIn[], maxPerBatch = 1000): Promise<AvlAckOut> {
    const total: AvlAckOut = { seq: 0, accepted: 0, rejected: [] };
    for (let i = 0; i < reports.length; i += maxPerBatch) {
      const part = reports.slice(i, i + maxPerBatch);
      const seq = (this.seq = (this.seq + 1) >>> 0);
      const ack = await new Promise<AvlAckOut>((resolve, reject) => {
        if (this.closed) return reject(new Error('AVL socket is closed'));
        this.waiting.set(seq, { resolve, reject });
        this.ws.send(encodeBatch({ seq, reports: part }), (e) => {
          if (e) {
            this.waiting.delete(seq);
            reject(e);
          }
        });
      });
      total.seq = ack.seq;
      total.accepted += ack.accepted;
      for (const r of ack.rejected) total.rejected.push({ ...r, index: r.index + i });
    }
    return total;
  }

  close(): void {
    this.ws.close();
  }
}

export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** What the simulator needs of a REST client (ApiClient, or sim/net/failover.ts's FailoverApi). */
export interface ApiCaller {
  call(method: string, path: string, body?: unknown): Promise<ApiAnswer>;
}

export class ApiClient implements ApiCaller {
  readonly baseUrl: string;
  private readonly token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.token = token;
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed };
  }
}

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The incident id in a create answer: `{id}`, `{incidentId}` or `{incident: {id}}`. */
export function incidentIdOf(body: unknown): string | undefined {
  if (!isObj(body)) return undefined;
  for (const k of ['id', 'incidentId']) if (typeof body[k] === 'string') return body[k];
  if (isObj(body.incident)) return incidentIdOf(body.incident);
  return undefined;
}

/**
 * The proposed resource ids (in order) and the fingerprint of what was shown (sent back when
 * mobilising) in a recommendation answer.
 */
export function recommendationOf(body: unknown): { resourceIds: string[]; fingerprint: string | undefined } {
  if (!isObj(body)) return { resourceIds: [], fingerprint: undefined };
  const src = isObj(body.recommendation) ? body.recommendation : body;
  const fingerprint = typeof src.fingerprint === 'string' ? src.fingerprint : undefined;
  if (Array.isArray(src.proposed) && src.proposed.every((x) => typeof x === 'string'))
    return { resourceIds: src.proposed as string[], fingerprint };
  if (isObj(src.summary) && Array.isArray(src.summary.proposed))
    return { resourceIds: src.summary.proposed.filter((x): x is string => typeof x === 'string'), fingerprint };
  const list = Array.isArray(src.resources) ? src.resources : [];
  const ids = list
    .map((r) =>
      isObj(r) && typeof r.resourceId === 'string'
        ? r.resourceId
        : isObj(r) && typeof r.id === 'string'
          ? r.id
          : undefined,
    )
    .filter((x): x is string => x !== undefined);
  return { resourceIds: ids, fingerprint };
}

/** `error.code` of an error body. */
export function errorCodeOf(body: unknown): string | undefined {
  return isObj(body) && isObj(body.error) && typeof body.error.code === 'string' ? body.error.code : undefined;
}
