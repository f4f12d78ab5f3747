/**
 * REST fuzz: seeded random and boundary bodies, headers, methods and paths against a real
 * server, signed in and not. The server must answer every request with a JSON error or success
 * (never a 500), stay up, and keep what it had accepted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock, seededRandom } from '../server/core/clock.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, tokenFor } from './support/server.ts';

const REQUESTS = 3000;

const PATHS = [
  '/api/incidents',
  '/api/incidents/INC-1',
  '/api/incidents/INC-1/mobilise',
  '/api/incidents/INC-1/close',
  '/api/incidents/INC-1/assistance',
  '/api/incidents/INC-1/recommendation',
  '/api/incidents/INC-1/arrived',
  '/api/incidents/INC-1/log',
  '/api/resources/HAT1/status',
  '/api/resources/%00',
  '/api/resources/HAT1',
  '/api/cover/moves',
  '/api/cover/what-if',
  '/api/eta',
  '/api/login',
  '/api/me',
  '/api/../etc/passwd',
  '/api/%ZZ',
  '/api/' + 'a'.repeat(3000),
  '/osmand/',
  '/ws/avl',
  '/',
  '/api/incidents/INC-1/assistance/INC-1-R1/accept',
];
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD'];

function randomValue(rnd: () => number, depth = 0): unknown {
  const k = Math.floor(rnd() * (depth > 2 ? 7 : 9));
  switch (k) {
    case 0:
      return null;
    case 1:
      return rnd() < 0.5;
    case 2:
      return [0, -1, 1e308, -1e308, 2 ** 53, 0.5, 91, -181, NaN][Math.floor(rnd() * 9)];
    case 3:
      return [
        '',
        'x',
        'HAT1',
        'INC-1',
        'dwelling-fire',
        'MOBILISED',
        '\u0000',
        '<script>',
        'a'.repeat(5000),
        '51.7,-0.2',
        'fire',
      ][Math.floor(rnd() * 11)];
    case 4:
      return {};
    case 5:
      return [];
    case 6:
      return 'ü😀';
    case 7:
      return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
    default: {
      const keys = [
        'typeId',
        'lat',
        'lon',
        'status',
        'resourceIds',
        'reason',
        'accept',
        'toAgency',
        'resourceId',
        'destinationId',
        'username',
        'password',
        'methane',
        '__proto__',
        'constructor',
        'priority',
        'address',
      ];
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(rnd() * 5); i++)
        o[keys[Math.floor(rnd() * keys.length)] as string] = randomValue(rnd, depth + 1);
      return o;
    }
  }
}

test(`${REQUESTS} fuzzed requests: no 500, server up, accepted state kept`, async () => {
  const clock = fakeClock();
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
  });
  try {
    const token = await tokenFor(server, 'duty-officer');
    // Something accepted before the fuzzing, which must survive it.
    const created = await api(server, 'POST', '/api/incidents', {
      token,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: 'kept' },
    });
    assert.is(created.status, 201);
    const rnd = seededRandom(424242);
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      clock.advance(250); // keep under the per-user write rate limit, so the write handlers themselves are fuzzed
      const method = METHODS[Math.floor(rnd() * METHODS.length)] as string;
      const path =
        (PATHS[Math.floor(rnd() * PATHS.length)] as string) +
        (rnd() < 0.2
          ? `?from=${encodeURIComponent(String(randomValue(rnd)))}&to=1,1&profile=fire&status=x&limit=-1`
          : '');
      const headers: Record<string, string> = {};
      if (rnd() < 0.7)
        headers.authorization = rnd() < 0.8 ? `Bearer ${token}` : `Bearer ${'x'.repeat(Math.floor(rnd() * 300))}`;
      if (rnd() < 0.1) headers.cookie = 'jcr_session=%E0%A4%A; a=b';
      let body: string | undefined;
      if (method !== 'GET' && method !== 'HEAD' && rnd() < 0.9) {
        const r = rnd();
        body =
          r < 0.7
            ? JSON.stringify(randomValue(rnd))
            : r < 0.8
              ? '{"a":'
              : r < 0.9
                ? 'x'.repeat(70_000)
                : '\u0000\u0001';
        headers['content-type'] = rnd() < 0.9 ? 'application/json' : 'text/plain';
      }
      const res = await fetch(server.url + path, { method, headers, ...(body !== undefined ? { body } : {}) });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      assert.ok(res.status < 500 || res.status === 503, `${method} ${path} -> ${res.status}`);
    }
    assert.ok(
      (statuses.get(400) ?? 0) > 50 && (statuses.get(404) ?? 0) > 50 && (statuses.get(429) ?? 0) < REQUESTS / 10,
      JSON.stringify([...statuses]),
    );
    assert.is((await api(server, 'GET', '/api/health')).status, 200);
    const kept = await api(server, 'GET', '/api/incidents?status=all', { token });
    assert.match(JSON.stringify(kept.body), '"kept"');
  } finally {
    await server.close();
  }
});

test.run();
