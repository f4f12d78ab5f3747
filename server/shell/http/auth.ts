import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { can, type Action } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import { RateLimiter } from '../../core/ratelimit.ts';
import type { Clock } from '../../core/clock.ts';
import type { Agency } from '../../core/scenario/types.ts';
import type { User, Users } from '../auth/users.ts';
import { asObject, str } from './body.ts';
import type { ClientAddress } from './client-address.ts';

export const SESSION_COOKIE = 'jcr_session';

/**
 * Failed sign-ins are counted per (user name, client address): 5 at once, then one every 12 s.
 * A wrong password from one address never locks the user out at another. Each address also has
 * a budget of failures over all names (30 at once, then one every 2 s), against password
 * spraying. Only failures count: a room of operators signing in together through one address
 * (a proxy without --trust-proxy, or NAT) is never throttled by its own correct passwords.
 */
export const LOGIN_BURST = 5;
export const LOGIN_PER_S = 1 / 12;
export const LOGIN_ADDRESS_BURST = 30;
export const LOGIN_ADDRESS_PER_S = 1 / 2;

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header || header.length > 8192) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    try {
      out.set(k, decodeURIComponent(v));
    } catch {
      // a malformed cookie value is ignored, not an error
    }
  }
  return out;
}

/** The session token from `Authorization: Bearer …` or the session cookie. */
export function sessionToken(headers: {
  authorization?: string | undefined;
  cookie?: string | undefined;
}): string | undefined {
  const auth = headers.authorization;
  if (auth && /^Bearer /i.test(auth)) return auth.slice(7).trim();
  return parseCookies(headers.cookie).get(SESSION_COOKIE);
}

export function currentUser(res: Response): User | undefined {
  return res.locals.user as User | undefined;
}

/** Attach `res.locals.user` when the request carries a live session; never refuses by itself. */
export function authenticate(users: Users): RequestHandler {
  return (req, res, next) => {
    const token = sessionToken(req.headers);
    if (token) {
      const user = users.session(token);
      if (user) res.locals.user = user;
    }
    next();
  };
}

export function requireUser(req: Request, res: Response): User {
  const u = currentUser(res);
  if (!u) throw new JcrError('JCR_UNAUTHENTICATED', `sign in to ${req.method} ${req.baseUrl}${req.path}`);
  return u;
}

/** Refuse unless the signed-in role may do `action` (for `agency`, when the action is agency-scoped). */
export function authorize(res: Response, req: Request, action: Action, agency?: Agency): User {
  const u = requireUser(req, res);
  if (!can(u.role, action, agency)) {
    throw new JcrError('JCR_FORBIDDEN', `role ${u.role} may not ${action}${agency ? ` for ${agency}` : ''}`);
  }
  return u;
}

/** Middleware form of `authorize` for routes whose action does not depend on the body. */
export function allow(action: Action): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    authorize(res, req, action);
    next();
  };
}

/**
 * Cluster mode: failed sign-in counts shared by every instance (server/shell/cluster/
 * shared-auth.ts), so a guesser locked out at one instance is locked out at the next. Each
 * limiter is named ('pair' per user and address, 'address'); load before an attempt, save after.
 */
export interface LoginLimitShare {
  load(buckets: ReadonlyArray<[name: string, limiter: RateLimiter, key: string]>): Promise<void>;
  save(buckets: ReadonlyArray<[name: string, limiter: RateLimiter, key: string]>): Promise<void>;
}

export interface AuthRouteOptions {
  /** Cluster mode: share failed sign-in counts (and so lockouts) with the other instances. */
  limitShare?: LoginLimitShare | undefined;
  /** Mark session cookies Secure (the public URL is https). */
  secureCookies: boolean;
  /** The client's address (the socket's peer, or X-Forwarded-For from a trusted proxy). */
  clientAddress: ClientAddress;
}

export function authRoutes(users: Users, clock: Clock, opts: AuthRouteOptions): Router {
  const r = Router();
  const byUserAddress = new RateLimiter(clock, LOGIN_BURST, LOGIN_PER_S);
  const byAddress = new RateLimiter(clock, LOGIN_ADDRESS_BURST, LOGIN_ADDRESS_PER_S);
  const secure = opts.secureCookies ? '; Secure' : '';

  r.post('/login', async (req, res) => {
    const b = asObject(req.body);
    const username = str(b, 'username', { max: 40 });
    const password = str(b, 'password', { max: 200 });
    const addr = opts.clientAddress(req);
    const pair = `${addr} ${username}`;
    const shared: Array<[string, RateLimiter, string]> = [
      ['pair', byUserAddress, pair],
      ['address', byAddress, addr],
    ];
    await opts.limitShare?.load(shared);
    // A token is taken before the (slow) password check, so parallel guesses cannot all slip in
    // before the first failure is counted, and given back when the password is right.
    const takenPair = byUserAddress.take(pair);
    const takenAddr = takenPair && byAddress.take(addr);
    if (!takenAddr) {
      if (takenPair) byUserAddress.give(pair);
      await opts.limitShare?.save(shared);
      res.setHeader('Retry-After', String(Math.max(byUserAddress.retryAfterS(pair), byAddress.retryAfterS(addr), 1)));
      throw new JcrError('JCR_RATE_LIMITED', 'too many failed sign-ins from this address; wait and try again');
    }
    const user = await users.verify(username, password);
    if (!user) {
      await opts.limitShare?.save(shared);
      throw new JcrError('JCR_UNAUTHENTICATED', 'wrong user name or password');
    }
    byUserAddress.give(pair);
    byAddress.give(addr);
    await opts.limitShare?.save(shared);
    const { token, expiresAt } = users.startSession(user.username);
    // Cluster mode: answered once every instance and gateway can find the session.
    await users.shared();
    const maxAge = Math.floor((expiresAt - clock()) / 1000);
    res.setHeader(
      'Set-Cookie',
      `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure}`,
    );
    res.json({ user, token, expiresAt });
  });

  r.post('/logout', async (req, res) => {
    const token = sessionToken(req.headers);
    if (token) users.endSession(token);
    await users.shared();
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure}`);
    res.json({ ok: true });
  });

  r.get('/me', (req, res) => {
    const u = requireUser(req, res);
    res.json({ user: u });
  });
  return r;
}

/** API paths that answer without sign-in: liveness, readiness, the sign-in itself and the API description. */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set([
  '/health',
  '/ready',
  '/login',
  '/logout',
  '/openapi.json',
]);

/** Writes per signed-in user: a burst of 30, then 10 a second. A dispatcher's real pace is far below. */
export const WRITE_BURST = 30;
export const WRITE_PER_S = 10;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The gate in front of every /api route (mounted at /api, so req.path is relative to it):
 * - every path but the public ones needs a live session (401 JCR_UNAUTHENTICATED);
 * - a role that may change nothing (the wall viewer) may only read (403 JCR_FORBIDDEN), whatever
 *   a route forgets to check: defence in depth under the per-route `authorize` calls;
 * - writes are rate limited per user (429 JCR_RATE_LIMITED with Retry-After).
 */
export function apiGate(clock: Clock): RequestHandler {
  const writes = new RateLimiter(clock, WRITE_BURST, WRITE_PER_S);
  return (req, res, next) => {
    if (PUBLIC_API_PATHS.has(req.path)) return next();
    const u = requireUser(req, res);
    if (!SAFE_METHODS.has(req.method)) {
      if (!can(u.role, 'incident.create') && !can(u.role, 'cover.move')) {
        throw new JcrError('JCR_FORBIDDEN', `role ${u.role} is read-only`);
      }
      if (!writes.take(u.username)) {
        res.setHeader('Retry-After', String(Math.max(1, writes.retryAfterS(u.username))));
        throw new JcrError('JCR_RATE_LIMITED', 'too many changes in a short time; slow down');
      }
    }
    next();
  };
}
