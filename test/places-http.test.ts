/**
 * GET /api/places over HTTP: any signed-in role may search; a hit answers with kind, label,
 * point, road snap and grid reference; no match is 200 with none; text with nothing to search for
 * is 400 JCR_PLACE_QUERY; a bad limit is 400 JCR_VALIDATION; no sign-in is 401.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

let server: RunningServer;
let token: string;
test.before(async () => {
  server = await miniServer({ clock: fakeClock().now });
  token = await tokenFor(server, 'wall-viewer');
});
test.after(async () => {
  await server.close();
});

test('a station by a misspelt prefix, with its grid reference; no network, no road snap', async () => {
  const r = await api(server, 'GET', '/api/places?q=welwin%20gard&limit=1', { token });
  assert.is(r.status, 200);
  assert.equal(r.body, {
    query: 'welwin gard',
    places: [
      {
        kind: 'station',
        label: 'Welwyn Garden City',
        detail: '',
        point: { lat: 51.8012, lon: -0.2013 },
        road: null,
        gridRef: 'TL 24123 12924',
      },
    ],
  });
});

test('no match is 200 with none', async () => {
  const r = await api(server, 'GET', '/api/places?q=Qwxzv', { token });
  assert.is(r.status, 200);
  assert.equal(r.body, { query: 'Qwxzv', places: [] });
});

test('text with nothing to search for is 400 JCR_PLACE_QUERY', async () => {
  for (const q of ['', '%20%20', '!!!%20%3F%3F', '%00abc', 'a'.repeat(201)]) {
    const r = await api(server, 'GET', `/api/places?q=${q}`, { token });
    assert.is(r.status, 400, q);
    assert.is(errorCode(r.body), 'JCR_PLACE_QUERY', q);
  }
  const none = await api(server, 'GET', '/api/places', { token });
  assert.is(errorCode(none.body), 'JCR_PLACE_QUERY');
  const twice = await api(server, 'GET', '/api/places?q=a&q=b', { token });
  assert.is(errorCode(twice.body), 'JCR_PLACE_QUERY');
});

test('a bad limit is 400 JCR_VALIDATION; no sign-in is 401', async () => {
  for (const l of ['0', '21', '1.5', 'x']) {
    const r = await api(server, 'GET', `/api/places?q=Hatfield&limit=${l}`, { token });
    assert.is(r.status, 400, l);
    assert.is(errorCode(r.body), 'JCR_VALIDATION', l);
  }
  const anon = await api(server, 'GET', '/api/places?q=Hatfield');
  assert.is(anon.status, 401);
});

test.run();
