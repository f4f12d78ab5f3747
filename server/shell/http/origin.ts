/**
 * Cross-site request checks (issue 15 item 7). SameSite=Strict keeps the session cookie off
 * requests from other *sites*, but another port on this host or a sibling subdomain is the same
 * site. So a change (or a /ws/cop upgrade) authenticated by the cookie must come from this
 * server's own pages: its `Origin` is this server as the Host header names it, or the configured
 * public URL; without an Origin, `Sec-Fetch-Site` must say `same-origin`; with neither, it is
 * refused. A request with `Authorization: Bearer` carries no ambient credential (a page on
 * another origin cannot add that header without a CORS grant this server never gives), so API
 * clients are not checked. Bodies of changes must be `application/json`: a cross-site HTML form
 * can send text/plain or form-encoded bodies without asking, never JSON.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import { JcrError } from '../../core/errors.ts';
import { parseCookies, SESSION_COOKIE } from './auth.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function one(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** Does the request present a bearer token (and so no ambient credential)? */
export function hasBearer(headers: IncomingHttpHeaders): boolean {
  return /^Bearer /i.test(headers.authorization ?? '');
}

/** Does the request carry the session cookie? */
export function hasSessionCookie(headers: IncomingHttpHeaders): boolean {
  return parseCookies(headers.cookie).has(SESSION_COOKIE);
}

/**
 * Null when the request comes from this server's own pages, else why not: its Origin is this
 * server as the Host header names it (http or https: behind a TLS proxy the page is https while
 * this connection is not), or the configured public origin (--public-url).
 */
export function crossOriginProblem(headers: IncomingHttpHeaders, publicUrl: string | undefined): string | null {
  const origin = one(headers.origin)?.toLowerCase();
  if (origin !== undefined) {
    const host = one(headers.host)?.toLowerCase();
    const allowed = new Set<string>();
    if (publicUrl) allowed.add(publicUrl.toLowerCase());
    if (host) {
      allowed.add(`https://${host}`);
      allowed.add(`http://${host}`);
    }
    return allowed.has(origin) ? null : `Origin ${origin.slice(0, 200)} is not this server`;
  }
  const site = one(headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin' ? null : `Sec-Fetch-Site is ${site.slice(0, 40)}`;
  return 'a browser request must say where it comes from (Origin or Sec-Fetch-Site)';
}

/** Is there a request body (a length above zero, or chunked)? */
function hasBody(headers: IncomingHttpHeaders): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const len = headers['content-length'];
  return len !== undefined && len !== '0';
}

/**
 * The guard in front of every /api change (mounted before the body parser): a body must be
 * application/json (415 JCR_UNSUPPORTED_MEDIA_TYPE); a request without a bearer token that
 * carries the session cookie, or says where it comes from, must come from this origin (403
 * JCR_CROSS_ORIGIN). A request with neither cookie nor Origin (a script signing in) passes.
 */
export function crossSiteGuard(publicUrl: string | undefined): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (hasBody(req.headers)) {
      const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
      if (type !== 'application/json')
        throw new JcrError('JCR_UNSUPPORTED_MEDIA_TYPE', 'a request body must be Content-Type: application/json');
    }
    if (hasBearer(req.headers)) return next();
    const says = req.headers.origin !== undefined || req.headers['sec-fetch-site'] !== undefined;
    if (says || hasSessionCookie(req.headers)) {
      const problem = crossOriginProblem(req.headers, publicUrl);
      if (problem) throw new JcrError('JCR_CROSS_ORIGIN', `${req.method} refused: ${problem}`);
    }
    next();
  };
}
