/**
 * The simulator across a failover (issue #21): a clustered room has several instances (one
 * leads; a standby answers writes with 503 JCR_NOT_LEADER) and several AVL gateways. These
 * clients take lists of addresses and move on to the next when one stops taking their traffic:
 *
 * - FailoverAvl: one /ws/avl socket at a time. A batch whose socket closes before its ack (the
 *   gateway or instance died, or closed with 1013 JCR_NOT_LEADER) is sent again on the next
 *   address that accepts the connection; reports the room already stored then answer
 *   JCR_AVL_DUPLICATE, so nothing is counted twice.
 * - FailoverApi: REST. Refused with JCR_NOT_LEADER, or the connection refused: nothing was
 *   written, the same call goes to the next address. Answered 503 JCR_OUTCOME_UNKNOWN (the
 *   leader stopped after sending the change to the cluster log, unconfirmed), or the connection
 *   lost mid-call: it may have been applied, so a write is not repeated (a second incident, a
 *   second mobilisation) unless repeating is harmless (proto/resend.ts `repeatable`, the screens'
 *   rule: a read, signing in, an incident create with its idempotencyKey, as the simulator's
 *   creates carry: sim/live/bridge.ts); it is logged and answered 503 JCR_OUTCOME_UNKNOWN,
 *   the caller reads the state again, and the next call goes elsewhere. With a user and password
 *   it signs in again where a session token is not known (401).
 */
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import type { AvlAckOut } from '../../server/shell/avl/codec.ts';
import { repeatable } from '../../proto/resend.ts';
import { ApiClient, AvlClient, errorCodeOf, isObj, type ApiAnswer } from './clients.ts';

/** How long a call keeps trying the addresses before it gives up (the next tick tries again): a failover takes about the lease (3 s by default) and its catch-up. */
const RETRY_FOR_MS = 15_000;
/** Pause after trying every address once. */
const ROUND_PAUSE_MS = 500;

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A list of addresses and the one in use: `next()` moves on, round-robin. */
class Addresses {
  private at = 0;
  readonly urls: readonly string[];

  constructor(urls: string | readonly string[]) {
    this.urls = (typeof urls === 'string' ? urls.split(',') : urls).map((u) => u.trim().replace(/\/$/, ''));
    if (this.urls.length === 0 || this.urls.some((u) => u === '')) throw new Error('no address given');
  }

  get current(): string {
    return this.urls[this.at] as string;
  }

  next(): void {
    this.at = (this.at + 1) % this.urls.length;
  }
}

export class FailoverAvl {
  private readonly where: Addresses;
  private client: AvlClient | null = null;
  private connectedOnce = false;
  /** Reconnections made (after the first connection). */
  reconnects = 0;

  constructor(
    urls: string | readonly string[],
    private readonly token: string,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {
    this.where = new Addresses(urls);
  }

  /** The address of the socket in use (or to be tried next). */
  get url(): string {
    return this.where.current;
  }

  /** Open the first socket (fails if no address accepts one). */
  async connect(): Promise<void> {
    await this.socket();
  }

  async send(reports: readonly AvlReportIn[]): Promise<AvlAckOut> {
    const until = Date.now() + RETRY_FOR_MS;
    for (;;) {
      const client = await this.socket();
      try {
        return await client.send(reports);
      } catch (e) {
        // Closed before the ack: not known to be stored; send it again elsewhere.
        if (!client.closed || Date.now() > until) throw e;
        this.log('AVL socket lost; sending the batch again', { url: this.where.current, err: (e as Error).message });
      }
    }
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }

  private async socket(): Promise<AvlClient> {
    if (this.client && !this.client.closed) return this.client;
    if (this.client) this.where.next(); // that one closed on us: the next first
    this.client = null;
    let last: unknown;
    const until = Date.now() + RETRY_FOR_MS;
    while (Date.now() < until) {
      for (let i = 0; i < this.where.urls.length; i++) {
        try {
          this.client = await AvlClient.connect(this.where.current, this.token);
          if (this.connectedOnce) {
            this.reconnects++;
            this.log('AVL reconnected', { url: this.where.current });
          }
          this.connectedOnce = true;
          return this.client;
        } catch (e) {
          last = e;
          this.where.next();
        }
      }
      await pause(ROUND_PAUSE_MS);
    }
    throw new Error(`no AVL address accepts a connection: ${(last as Error | undefined)?.message ?? 'none'}`);
  }
}

export interface Credentials {
  username: string;
  password: string;
}

export class FailoverApi {
  private readonly where: Addresses;
  /** Session token per address (one given up front is tried everywhere until refused). */
  private readonly tokens = new Map<string, string>();
  /** Calls moved to another address. */
  switches = 0;

  constructor(
    urls: string | readonly string[],
    private readonly token: string | undefined,
    private readonly credentials?: Credentials,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {
    this.where = new Addresses(urls);
  }

  get baseUrl(): string {
    return this.where.current;
  }

  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    let last: ApiAnswer = unavailable('no address tried');
    const until = Date.now() + RETRY_FOR_MS;
    for (let attempt = 0; Date.now() < until; attempt++) {
      if (attempt > 0 && attempt % this.where.urls.length === 0) await pause(ROUND_PAUSE_MS);
      const url = this.where.current;
      try {
        last = await this.client(url).call(method, path, body);
        if (last.status === 401 && this.credentials && (await this.signIn(url)))
          last = await this.client(url).call(method, path, body);
      } catch (e) {
        // Refused before anything was sent (or harmless to repeat): safe to try elsewhere.
        // Otherwise the change may have been applied before the connection went.
        const refused = repeatable(method, path, body) || causeCode(e) === 'ECONNREFUSED';
        this.moveOn(url, (e as Error).message);
        if (!refused) return this.unknown(method, path, `connection lost during ${method} ${path}`);
        last = unavailable(`${url}: ${causeCode(e) ?? (e as Error).message}`);
        continue;
      }
      const code = errorCodeOf(last.body);
      if (last.status !== 503 || (code !== 'JCR_NOT_LEADER' && code !== 'JCR_OUTCOME_UNKNOWN')) return last;
      this.moveOn(url, code);
      if (code === 'JCR_OUTCOME_UNKNOWN' && !repeatable(method, path, body))
        return this.unknown(method, path, messageOf(last.body));
    }
    return last;
  }

  /** A write that may have been applied: not sent again; the caller reads the state again. */
  private unknown(method: string, path: string, message: string): ApiAnswer {
    this.log('REST write outcome unknown: not sent again; reading the state again', { method, path, message });
    return { status: 503, body: { error: { code: 'JCR_OUTCOME_UNKNOWN', message } } };
  }

  private client(url: string): ApiClient {
    return new ApiClient(url, this.tokens.get(url) ?? this.token);
  }

  private moveOn(url: string, why: string): void {
    this.where.next();
    this.switches++;
    this.log('REST moves to another instance', { from: url, to: this.where.current, why });
  }

  private async signIn(url: string): Promise<boolean> {
    const res = await new ApiClient(url).call('POST', '/api/login', this.credentials);
    const token = isObj(res.body) && typeof res.body.token === 'string' ? res.body.token : undefined;
    if (token) this.tokens.set(url, token);
    return token !== undefined;
  }
}

function messageOf(body: unknown): string {
  const err = isObj(body) && isObj(body.error) ? body.error : undefined;
  return typeof err?.message === 'string' ? err.message : 'the outcome of the change is unknown';
}

/** An answer for a call no instance took: 503 JCR_NOT_LEADER, as a standby would give. */
function unavailable(message: string): ApiAnswer {
  return { status: 503, body: { error: { code: 'JCR_NOT_LEADER', message } } };
}

/** The system error code under a fetch failure (`TypeError: fetch failed` { cause: { code } }). */
function causeCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
