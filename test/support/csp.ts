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
 * Serve a page's documents with the production CSP (the test server may not send it yet), so the
 * screens are held to it.
 */
export async function withCsp(p: Page): Promise<void> {
  const csp = productionCsp();
  await p.route(
    (url) => url.pathname === '/' || url.pathname === '/index.html',
    async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': csp } });
    },
  );
}
