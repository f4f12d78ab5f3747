import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { roleAgency } from '../../core/auth/roles.ts';
import type { CopPrincipal } from '../../core/cop/hub.ts';
import type { Users } from '../auth/users.ts';
import { presentedToken } from '../avl/feeds.ts';
import { parseCookies, SESSION_COOKIE } from '../http/auth.ts';

export interface CopAuthOptions {
  /** The configured COP token (--cop-token / JCR_COP_TOKEN); unset = loopback clients only. */
  token?: string | undefined;
  /** Signed-in users: a live session (Bearer or the session cookie) may watch the picture. */
  users?: Users | undefined;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function sha(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Who is asking for /ws/cop, decided on the HTTP upgrade request (null = answer 401, no
 * WebSocket). In order: a signed-in user's session (every role may 'view'), the configured COP
 * token, and, only when no token is configured, any client on the loopback interface. A token
 * comes as `Authorization: Bearer T` or `?token=T` (browsers cannot set headers on a WebSocket).
 */
export function authenticateCop(req: IncomingMessage, opts: CopAuthOptions): CopPrincipal | null {
  const presented = presentedToken(req.headers.authorization, req.url);
  const sessionTok = presented ?? parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  if (opts.users && sessionTok) {
    const user = opts.users.session(sessionTok);
    if (user) {
      // A dispatcher sees their own agency's incidents only, as GET /api/incidents answers them.
      const own = roleAgency(user.role);
      return { id: user.username, via: 'session', incidentScope: own === 'all' || own === null ? null : own };
    }
  }
  if (opts.token) {
    // Compare digests: equal length, constant time, whatever was presented.
    if (presented !== undefined && timingSafeEqual(sha(presented), sha(opts.token))) return { id: 'cop-token', via: 'token' };
    return null;
  }
  const addr = req.socket.remoteAddress ?? '';
  return LOOPBACK.has(addr) ? { id: `loopback:${req.socket.remotePort ?? 0}`, via: 'loopback' } : null;
}
