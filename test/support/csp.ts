/**
 * The Content-Security-Policy the server sends (server/shell/http/security.ts), read from the
 * middleware itself so the browser tests hold the screens to exactly the production policy even
 * while the middleware is not yet mounted in the app.
 */
import type { Request, Response } from 'express';
import type { Page } from 'playwright-core';
import { securityHeaders } from '../../server/shell/http/security.ts';

export function productionCsp(): string {
  const headers = new Map<string, string>();
  const res = { setHeader: (k: string, v: string) => headers.set(k.toLowerCase(), v) } as unknown as Response;
  securityHeaders()({} as Request, res, () => undefined);
  const csp = headers.get('content-security-policy');
  if (!csp) throw new Error('securityHeaders() set no Content-Security-Policy');
  return csp;
}

/**
 * Page-side, as source text (an init script runs before the page's own code, and the CSP does not
 * govern it): every Content-Security-Policy violation is kept in `window.__csp` and reported as a
 * console error. Chromium reports violations as events and log entries, never through the
 * console API, so without this collectErrors() would not see them.
 */
const REPORT_CSP = `(() => {
  window.__csp = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    const v = e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber;
    window.__csp.push(v);
    console.error('CSP violation: ' + v);
  });
})()`;

/** Report the page's CSP violations from its next document on (see REPORT_CSP). */
export async function reportCspViolations(p: Page): Promise<void> {
  await p.addInitScript({ content: REPORT_CSP });
}

/** The CSP violations the page's current document has reported ([] = none). */
export async function cspViolations(p: Page): Promise<string[]> {
  return p.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? ['(not reporting: no init script)']);
}

/**
 * Serve a page's documents with the production CSP (the test server may not send it yet), so the
 * screens are held to it, and report every violation of it as a console error.
 */
export async function withCsp(p: Page): Promise<void> {
  await reportCspViolations(p);
  const csp = productionCsp();
  await p.route(
    (url) => url.pathname === '/' || url.pathname === '/index.html',
    async (route) => {
      // Playwright's fetch keeps connections alive and the server closes one idle for 5 s
      // (keepAliveTimeout): a reuse that meets the close is reset (ECONNRESET, seen on a loaded
      // machine), and a browser would send the GET again. So does this.
      const res = await route.fetch({ maxRetries: 3 });
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
    },
  );
}
