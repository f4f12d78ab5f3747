/**
 * The screens' one URL in cluster mode: a COP gateway forwards each REST call (/api/…) to
 * whichever instance leads, found per request in the lease bucket (key `leader`, whose value
 * names the leader's advertised URL: cluster/node.ts), so a dispatcher's browser keeps working
 * across a failover without knowing which instance leads.
 *
 * - No leader (the lease lapsed and nobody took it yet), or the named leader refuses the
 *   connection (it just died): 503 JCR_NOT_LEADER at once, nothing was sent. Retry.
 * - The leader's connection breaks, or it does not answer within UPSTREAM_TIMEOUT_MS, after the
 *   request went: the door's `unanswered` code. /api: 502 JCR_LEADER_UNREACHABLE (a change may
 *   have been applied: read, then retry); a partner's MAIT message: 503 JCR_OUTCOME_UNKNOWN (its
 *   id makes a resend safe: gateway/screens.ts MAIT_DOOR).
 * - A body over the door's limit (BODY_LIMIT_BYTES for /api): 413 JCR_PAYLOAD_TOO_LARGE, nothing
 *   forwarded whole.
 *
 * The request goes as the browser sent it, Host and Origin included, so the instance's
 * cross-site check (http/origin.ts) sees the gateway's origin as its own, and cookies pass both
 * ways. The client's address is appended to X-Forwarded-For: give instances `--trust-proxy` with
 * the gateways' addresses so sign-in limits count per browser, not per gateway.
 */
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { KV } from '@nats-io/kv';
import { JcrError } from '../../core/errors.ts';
import { leaderUrl } from '../cluster/lease.ts';
import type { Logger } from '../log.ts';

/** Above the instance's own JSON limit (64 kB), so its answer is the one a client normally sees. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** As long as an instance lets a request run (server.ts requestTimeout). */
export const UPSTREAM_TIMEOUT_MS = 30_000;

/** Hop-by-hop headers (RFC 9110 § 7.6.1): never forwarded. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function fail(res: ServerResponse, e: JcrError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(e.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify({ error: e.toBody() }));
}

function forwardedHeaders(req: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) out[k] = v;
  const from = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior ? `${String(prior)}, ${from}` : from;
  return out;
}

/** How one door forwards: its body limit, and what a request the leader took and never answered is. */
export interface ProxyDoor {
  limit: number;
  unanswered: (url: string) => JcrError;
}

/** /api: a change may be applied; a browser reads before retrying. */
export const API_DOOR: ProxyDoor = {
  limit: BODY_LIMIT_BYTES,
  unanswered: (url) =>
    new JcrError('JCR_LEADER_UNREACHABLE', `the leader at ${url} did not answer: the change may be applied`),
};

/** A request handler forwarding to the leader (mount it on /api, or a door of its own: `door`). */
export function leaderProxy(
  lease: KV,
  log: Logger,
  door: ProxyDoor = API_DOOR,
): (req: IncomingMessage, res: ServerResponse) => void {
  const limit = door.limit;
  return (req, res) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      fail(res, new JcrError('JCR_PAYLOAD_TOO_LARGE', `a body is at most ${limit} bytes`));
      req.resume();
      return;
    }
    void leaderUrl(lease)
      .catch(() => null)
      .then((url) => {
        if (!url) {
          fail(res, new JcrError('JCR_NOT_LEADER', 'no instance leads yet (a failover is under way): retry'));
          req.resume();
          return;
        }
        let sent = false; // the leader took the connection: a change may be applied from here on
        let over = false;
        // A connection of its own (no keep-alive pool): "connected" then means this request's.
        const up = request(`${url}${req.url ?? '/'}`, {
          method: req.method,
          headers: forwardedHeaders(req),
          timeout: UPSTREAM_TIMEOUT_MS,
          agent: false,
        });
        up.on('socket', (s) => s.once('connect', () => (sent = true)));
        up.on('response', (answer) => {
          const headers: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        });
        up.on('timeout', () => up.destroy(new Error('the leader did not answer in time')));
        up.on('error', (err) => {
          if (over) return;
          log.warn('gateway: forwarding to the leader failed', { url, err: String(err) });
          fail(
            res,
            sent
              ? door.unanswered(url)
              : new JcrError(
                  'JCR_NOT_LEADER',
                  `the leader at ${url} is not reachable (a failover is under way): retry`,
                ),
          );
        });
        let bytes = 0;
        req.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes <= limit || over) return;
          over = true;
          req.unpipe(up);
          up.destroy();
          fail(res, new JcrError('JCR_PAYLOAD_TOO_LARGE', `a body is at most ${limit} bytes`));
        });
        req.pipe(up);
        res.on('close', () => up.destroy());
      });
  };
}
