import type { RequestHandler } from 'express';

/**
 * Security headers on every response. The Content-Security-Policy is the one the client is
 * built to run under: scripts and styles only from this origin (no inline script, no eval; Lit
 * uses constructable stylesheets and Leaflet sets element styles from script, neither of which
 * CSP blocks), WebSockets back to this origin, images from here plus data:/blob: for canvas and
 * markers, and the optional online basemap's tile host when one is configured. With an https
 * public URL (--public-url) Strict-Transport-Security is sent too.
 */
export function securityHeaders(opts: { tileOrigin?: string; hsts?: boolean } = {}): RequestHandler {
  const img = ["'self'", 'data:', 'blob:', ...(opts.tileOrigin ? [opts.tileOrigin] : [])].join(' ');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src ${img}`,
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    res.setHeader('Permissions-Policy', 'geolocation=(), camera=(), microphone=()');
    // Served at an https public URL: browsers must never come back over plain http (one year).
    if (opts.hsts) res.setHeader('Strict-Transport-Security', 'max-age=31536000');
    next();
  };
}

/** How a server faces browsers, as far as its pages' headers go (server.ts WebOptions). */
export interface PageFacing {
  /** The address operators open: https sends Strict-Transport-Security. */
  publicUrl?: string | undefined;
  /** The optional online basemap: its tile host is allowed in img-src. */
  tiles?: { url: string } | undefined;
}

/**
 * The headers of every page a browser gets from the room, from how it faces browsers: the one
 * builder for an instance (http/app.ts) and a COP gateway (gateway/screens.ts), so the screens
 * run under the same policy at either URL.
 */
export function pageSecurity(web: PageFacing): RequestHandler {
  const origin = web.tiles ? tileOrigin(web.tiles.url) : undefined;
  return securityHeaders({
    ...(origin ? { tileOrigin: origin } : {}),
    hsts: web.publicUrl?.startsWith('https:') ?? false,
  });
}

/** The origin of a tile URL template, for the CSP's img-src. */
function tileOrigin(url: string): string | undefined {
  try {
    return new URL(url.replace(/\{[a-z]\}/g, 'a')).origin;
  } catch {
    return undefined;
  }
}

/** Only the JSON API is uncacheable; the bundled client may be cached by the browser. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};
