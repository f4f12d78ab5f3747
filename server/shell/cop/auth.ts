import type { IncomingMessage } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { roleAgency } from '../../core/auth/roles.ts';
import type { CopPrincipal } from '../../core/cop/hub.ts';
import { JcrError } from '../../core/errors.ts';
import type { Users } from '../auth/users.ts';
import { presentedToken } from '../avl/feeds.ts';
import { parseCookies, SESSION_COOKIE } from '../http/auth.ts';
import { crossOriginProblem } from '../http/origin.ts';

/** Who a session token belongs to: an instance's Users, or a COP gateway's shared sessions. */
export type SessionCheck = Pick<Users, 'session'>;

export interface CopAuthOptions {
  /** The configured COP token (--cop-token / JCR_COP_TOKEN), for screens without a user session. */
  token?: string | undefined;
  /** Signed-in users: a live session (Bearer or the session cookie) may watch the picture. */
  users?: SessionCheck | undefined;
  /** The public URL (--public-url): a page there may open the picture with its cookie. */
  publicUrl?: string | undefined;
}

/**
 * Who connected, as authenticated here. A signed-in user's connection carries `stillValid`: the
 * socket outlives the upgrade, so the session is asked again on every heartbeat (signed out,
 * expired, password changed, user disabled or given another role: the picture stops).
 */
export type CopAuth = CopPrincipal & { readonly stillValid?: () => boolean };

function sha(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/**
 * Who is asking for /ws/cop, decided on the HTTP upgrade request (null = answer 401, no
 * WebSocket). In order: a signed-in user's session (every role may 'view'), then the configured COP
 * token. A token comes as `Authorization: Bearer T` or `?token=T` (browsers cannot set headers on a
 * WebSocket; a wall screen's URL carries it). A session token is never taken from `?token=`: URLs
 * end up in logs and history, and the page has its cookie. There is no anonymous access, not even from loopback: a reverse proxy on the same
 * host would make every client a loopback client, and the picture carries every agency's incidents.
 * The cookie is ambient (another port or a sibling subdomain is the same site), so an upgrade it
 * authenticates must come from this server's own pages: otherwise JcrError JCR_CROSS_ORIGIN.
 */
export function authenticateCop(req: IncomingMessage, opts: CopAuthOptions): CopAuth | null {
  // A session token only as a header or the cookie, never from the URL (logs, history).
  const bearer = presentedToken(req.headers.authorization, undefined);
  const presented = presentedToken(req.headers.authorization, req.url);
  const sessionTok = bearer ?? parseCookies(req.headers.cookie).get(SESSION_COOKIE);
  let crossOrigin: string | null = null;
  const users = opts.users;
  if (users && sessionTok) {
    const user = users.session(sessionTok);
    if (user && bearer === undefined) crossOrigin = crossOriginProblem(req.headers, opts.publicUrl);
    if (user && crossOrigin === null) {
      // A dispatcher sees their own agency's incidents only, as GET /api/incidents answers them.
      const own = roleAgency(user.role);
      const stillValid = () => users.session(sessionTok)?.role === user.role;
      return {
        id: user.username,
        via: 'session',
        incidentScope: own === 'all' || own === null ? null : own,
        stillValid,
      };
    }
  }
  // Compare digests: equal length, constant time, whatever was presented.
  if (opts.token && presented !== undefined && timingSafeEqual(sha(presented), sha(opts.token)))
    return { id: 'cop-token', via: 'token' };
  if (crossOrigin !== null) throw new JcrError('JCR_CROSS_ORIGIN', `/ws/cop refused: ${crossOrigin}`);
  return null;
}
