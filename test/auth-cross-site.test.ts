/**
 * Issue 15 item 7: a change or /ws/cop upgrade authenticated by the session cookie must come
 * from this server's own pages (Origin, else Sec-Fetch-Site), and a body must be JSON. Bearer
 * clients (no ambient credential) are not subject to the Origin check.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { fakeClock } from '../server/core/clock.ts';
import { SESSION_COOKIE } from '../server/shell/http/auth.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

const PUBLIC_URL = 'https://control.example.org';

async function boot(): Promise<RunningServer> {
  return miniServer({
    clock: fakeClock().now,
    cop: { token: 'cop-screen-token-0123456789' },
    web: { publicUrl: PUBLIC_URL },
  });
}

/** The bodyless POSTs the issue names, against fresh fixtures. */
async function bodyless(server: RunningServer): Promise<string[]> {
  const police = await tokenFor(server, 'police-dispatcher', 'pc');
  const inc = await api(server, 'POST', '/api/incidents', {
    token: police,
    body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: 'x', leadAgency: 'police' },
  });
  const id = (inc.body as { id: string }).id;
  const req = await api(server, 'POST', `/api/incidents/${id}/assistance`, {
    token: police,
    body: { toAgency: 'fire', note: 'a pump' },
  });
  const rid = (req.body as { requestId: string }).requestId;
  assert.ok(rid, JSON.stringify(req.body));
  server.engine.execute(
    { type: 'cover.standbyMove', resourceId: 'HAT2', destinationId: 'F-WGC' },
    { origin: 'operator', actor: 'dora' },
  );
  assert.ok(server.engine.room.standby.get('HAT2'));
  return [
    `/api/incidents/${id}/assistance/${rid}/accept`,
    '/api/cover/moves/HAT2/cancel',
    `/api/incidents/${id}/close`,
    '/api/logout',
  ];
}

test('item 7: bodyless changes with the session cookie from another origin are refused, and change nothing', async () => {
  const server = await boot();
  try {
    const duty = await tokenFor(server, 'duty-officer', 'dora');
    const paths = await bodyless(server);
    const cookie = `${SESSION_COOKIE}=${duty}`;
    const origin = new URL(server.url).host;
    const refusals: Record<string, string> = {
      'another port': `http://127.0.0.1:1`,
      'a sibling subdomain': 'https://evil.example.org',
      'an opaque origin': 'null',
    };
    for (const path of paths) {
      for (const [why, from] of Object.entries(refusals)) {
        for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
          const r = await api(server, 'POST', path, {
            headers: { cookie, origin: from, ...(type ? { 'content-type': type } : {}) },
          });
          assert.equal([r.status, errorCode(r.body)], [403, 'JCR_CROSS_ORIGIN'], `${path} from ${why}`);
        }
      }
      const site = await api(server, 'POST', path, { headers: { cookie, 'sec-fetch-site': 'same-site' } });
      assert.equal([site.status, errorCode(site.body)], [403, 'JCR_CROSS_ORIGIN'], `${path} same-site`);
      const silent = await api(server, 'POST', path, { headers: { cookie } });
      assert.equal([silent.status, errorCode(silent.body)], [403, 'JCR_CROSS_ORIGIN'], `${path} no Origin`);
    }
    // Nothing changed: the request is open, the move stands, the incident is open, the session lives.
    assert.ok(server.engine.room.standby.get('HAT2'), 'the standby move stands');
    const log = JSON.stringify((await api(server, 'GET', '/api/incidents?status=all', { token: duty })).body);
    assert.ok(log.includes('"pending"') && !log.includes('"closed"') && !log.includes('"accepted"'), log);
    assert.is((await api(server, 'GET', '/api/me', { headers: { cookie } })).status, 200);
    // From this server's own pages (its Host, the public URL, or Sec-Fetch-Site: same-origin) they pass.
    const ok: Record<string, string>[] = [
      { origin: `http://${origin}` },
      { origin: PUBLIC_URL },
      { 'sec-fetch-site': 'same-origin' },
      { origin: `http://${origin}` },
    ];
    const answers = [];
    for (const [i, path] of paths.entries()) {
      const r = await api(server, 'POST', path, { headers: { cookie, ...ok[i] } });
      answers.push(r.status);
    }
    assert.equal(answers, [200, 200, 200, 200]);
    assert.is((await api(server, 'GET', '/api/me', { headers: { cookie } })).status, 401);
  } finally {
    await server.close();
  }
});

test('item 7: a request body must be application/json', async () => {
  const server = await boot();
  try {
    const duty = await tokenFor(server, 'duty-officer', 'dora');
    const incident = JSON.stringify({ typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: 'x' });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await api(server, 'POST', '/api/incidents', {
        token: duty,
        headers: { 'content-type': type },
        body: undefined,
      });
      assert.ok(r.status !== 415, 'a request without a body needs no type');
      const withBody = await fetch(`${server.url}/api/incidents`, {
        method: 'POST',
        headers: { authorization: `Bearer ${duty}`, 'content-type': type },
        body: incident,
      });
      const body = (await withBody.json()) as unknown;
      assert.equal([withBody.status, errorCode(body)], [415, 'JCR_UNSUPPORTED_MEDIA_TYPE'], type);
      const login = await fetch(`${server.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'username=dora&password=x',
      });
      assert.is(login.status, 415, `login ${type}`);
      await login.arrayBuffer();
    }
    const json = await api(server, 'POST', '/api/incidents', {
      token: duty,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: incident,
    });
    assert.is(json.status, 201);
  } finally {
    await server.close();
  }
});

test('item 7: Bearer clients are not subject to the Origin check', async () => {
  const server = await boot();
  try {
    const duty = await tokenFor(server, 'duty-officer', 'dora');
    const r = await api(server, 'POST', '/api/incidents', {
      token: duty,
      headers: { origin: 'https://evil.example.org', 'sec-fetch-site': 'cross-site' },
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: 'x' },
    });
    assert.is(r.status, 201);
    // A script signing in (no cookie, no Origin) passes; a page on another origin does not.
    await server.users.create('sam', 'sam-right-password', 'fire-dispatcher');
    const script = await api(server, 'POST', '/api/login', {
      body: { username: 'sam', password: 'sam-right-password' },
    });
    assert.is(script.status, 200);
    const page = await api(server, 'POST', '/api/login', {
      headers: { origin: 'https://evil.example.org' },
      body: { username: 'sam', password: 'sam-right-password' },
    });
    assert.equal([page.status, errorCode(page.body)], [403, 'JCR_CROSS_ORIGIN']);
  } finally {
    await server.close();
  }
});

/** 101 if the upgrade succeeds, else the status and code it was refused with. */
async function upgrade(server: RunningServer, query: string, headers: Record<string, string>): Promise<string> {
  const ws = new WebSocket(`${server.url.replace('http:', 'ws:')}/ws/cop${query}`, { headers });
  const outcome = await Promise.race([
    once(ws, 'open').then(() => '101'),
    once(ws, 'unexpected-response').then(async ([, res]) => {
      let text = '';
      for await (const chunk of res as IncomingMessage) text += String(chunk);
      return `${(res as IncomingMessage).statusCode} ${errorCode(JSON.parse(text))}`;
    }),
  ]);
  ws.terminate();
  return outcome;
}

test('item 7: a /ws/cop upgrade with the session cookie must come from this origin', async () => {
  const server = await boot();
  try {
    const duty = await tokenFor(server, 'duty-officer', 'dora');
    const cookie = `${SESSION_COOKIE}=${duty}`;
    const self = `http://${new URL(server.url).host}`;
    assert.equal(
      [
        await upgrade(server, '', { cookie, origin: 'http://127.0.0.1:1' }),
        await upgrade(server, '', { cookie, origin: 'https://evil.example.org' }),
        await upgrade(server, '', { cookie }),
        await upgrade(server, '', { cookie, origin: self }),
        await upgrade(server, '', { cookie, origin: PUBLIC_URL }),
        await upgrade(server, '', { authorization: `Bearer ${duty}`, origin: 'https://evil.example.org' }),
        await upgrade(server, '?token=cop-screen-token-0123456789', { origin: 'https://evil.example.org' }),
      ],
      ['403 JCR_CROSS_ORIGIN', '403 JCR_CROSS_ORIGIN', '403 JCR_CROSS_ORIGIN', '101', '101', '101', '101'],
    );
  } finally {
    await server.close();
  }
});

test.run();
