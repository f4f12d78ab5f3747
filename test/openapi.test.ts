import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, miniServer } from './support/server.ts';

/** Every route the express app registers appears in the OpenAPI document at /api/openapi.json. */
let server: RunningServer;
test.before(async () => {
  server = await miniServer({ clock: fakeClock().now });
});
test.after(async () => {
  await server.close();
});

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

function routes(stack: readonly Layer[], prefix: string, out: string[]): string[] {
  for (const l of stack) {
    if (l.route) for (const m of Object.keys(l.route.methods)) out.push(`${m} ${prefix}${l.route.path}`);
    else if (l.handle.stack) routes(l.handle.stack, prefix + (l.rawPath && l.rawPath !== '/' ? l.rawPath : ''), out);
  }
  return out;
}

test('the document is OpenAPI 3.1 and covers every registered route', async () => {
  const r = await api(server, 'GET', '/api/openapi.json');
  assert.is(r.status, 200);
  const doc = r.body as { openapi: string; paths: Record<string, Record<string, unknown>> };
  assert.is(doc.openapi, '3.1.0');
  const listener = server.http.listeners('request')[0] as unknown as { router: { stack: Layer[] } };
  const registered = routes(listener.router.stack, '', []);
  assert.ok(registered.length >= 20, `found ${registered.length} routes`);
  assert.ok(registered.includes('get /api/incidents/:id/recommendation'));
  const missing = registered.filter((r) => {
    const [method, path] = r.split(' ') as [string, string];
    const oaPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    return doc.paths[oaPath]?.[method] === undefined;
  });
  assert.equal(missing, []);
});

test('every documented operation has responses and every path parameter is declared', async () => {
  const doc = (await api(server, 'GET', '/api/openapi.json')).body as {
    paths: Record<string, Record<string, { responses?: unknown; parameters?: Array<{ name: string; in: string }> }>>;
  };
  for (const [path, ops] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    for (const [method, o] of Object.entries(ops)) {
      assert.ok(o.responses, `${method} ${path} has no responses`);
      const declared = (o.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      assert.equal(declared.sort(), [...names].sort(), `${method} ${path} path parameters`);
    }
  }
});

test.run();
