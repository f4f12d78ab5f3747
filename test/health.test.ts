import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { connect, DEV_TOKEN, report, startAvlServer, T0 } from './support/avl.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

test('health is public; ready says what is missing; security headers and CSP on every answer', async () => {
  const server = await miniServer({ clock: fakeClock().now });
  try {
    const h = await api(server, 'GET', '/api/health');
    assert.is(h.status, 200);
    assert.is(
      h.headers.get('content-security-policy'),
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    assert.is(h.headers.get('x-content-type-options'), 'nosniff');
    assert.is(h.headers.get('x-frame-options'), 'DENY');
    assert.is(h.headers.get('cache-control'), 'no-store');
    // No road network was given to this server: not ready, and it says why.
    const r = await api(server, 'GET', '/api/ready');
    assert.is(r.status, 503);
    assert.is(errorCode(r.body), 'JCR_NOT_READY');
    assert.match(JSON.stringify(r.body), 'road network');
    // Everything else needs sign-in.
    const anon = await api(server, 'GET', '/api/resources');
    assert.is(anon.status, 401);
    assert.is(errorCode(anon.body), 'JCR_UNAUTHENTICATED');
  } finally {
    await server.close();
  }
});

test('metrics: AVL ingest and rejections by code, connections, COP clients', async () => {
  const t = await startAvlServer({});
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    await c.send(1, [
      report('HAT1', 51.77, -0.22, T0 - 1000),
      report('NOPE', 51.77, -0.22, T0 - 1000),
      report('HAT2', 0, 0, T0 - 1000),
    ]);
    // Loopback alone no longer suffices (issue 15 item 12): a duty officer may read them.
    assert.is((await fetch(`${t.server.url}/metrics`)).status, 401);
    const duty = await tokenFor(t.server, 'duty-officer', 'scraping-duty');
    const m = await fetch(`${t.server.url}/metrics`, { headers: { authorization: `Bearer ${duty}` } });
    assert.is(m.status, 200);
    assert.match(m.headers.get('content-type') ?? '', 'text/plain');
    const text = await m.text();
    assert.match(text, 'jcr_avl_positions_accepted_total 1\n');
    assert.match(text, 'jcr_avl_rejections_total{code="JCR_AVL_UNKNOWN_RESOURCE"} 1\n');
    assert.match(text, 'jcr_avl_rejections_total{code="JCR_AVL_NULL_ISLAND"} 1\n');
    assert.match(text, 'jcr_avl_connections 1\n');
    assert.match(text, 'jcr_cop_clients 0\n');
    c.close();
    const wall = await tokenFor(t.server, 'wall-viewer');
    assert.is((await api(t.server, 'GET', '/api/resources', { token: wall })).status, 200);
  } finally {
    await t.close();
  }
});

test.run();
