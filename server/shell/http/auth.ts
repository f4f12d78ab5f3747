import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { can, type Action } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import { RateLimiter } from '../../core/ratelimit.ts';
import type { Clock } from '../../core/clock.ts';
import type { Agency } from '../../core/scenario/types.ts';
import type { User, Users } from '../auth/users.ts';
import { asObject, str } from './body.ts';

export const SESSION_COOKIE = 'jcr_session';

/** Sign-in attempts: 5 at once per client address and per user name, then one every 12 s. */
export const LOGIN_BURST = 5;
export const LOGIN_PER_S = 1 / 12;

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
export function sessionToken(headers: { authorization?: string | undefined; cookie?: string | undefined }): string | undefined {
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

export function authRoutes(users: Users, clock: Clock, opts: { secureCookies: boolean }): Router {
  const r = Router();
  const byAddress = new RateLimiter(clock, LOGIN_BURST, LOGIN_PER_S);
  const byName = new RateLimiter(clock, LOGIN_BURST, LOGIN_PER_S);

  r.post('/login', async (req, res) => {
    const b = asObject(req.body);
    const username = str(b, 'username', { max: 40 });
    const password = str(b, 'password', { max: 200 });
    const addr = req.socket.remoteAddress ?? 'unknown';
    if (!byAddress.take(addr) || !byName.take(username)) {
      res.setHeader('Retry-After', String(Math.max(byAddress.retryAfterS(addr), byName.retryAfterS(username), 1)));
      throw new JcrError('JCR_RATE_LIMITED', 'too many sign-in attempts; wait and try again');
    }
    const user = await users.verify(username, password);
    if (!user) throw new JcrError('JCR_UNAUTHENTICATED', 'wrong user name or password');
    const { token, expiresAt } = users.startSession(user.username);
    const maxAge = Math.floor((expiresAt - clock()) / 1000);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${opts.secureCookies ? '; Secure' : ''}`);
    res.json({ user, token, expiresAt });
  });

  r.post('/logout', (req, res) => {
    const token = sessionToken(req.headers);
    if (token) users.endSession(token);
    res.setHeader('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    res.json({ ok: true });
  });

  r.get('/me', (req, res) => {
    const u = requireUser(req, res);
    res.json({ user: u });
  });
  return r;
}
