/**
 * Issue 15 item 8: served at an https public URL (--public-url), session cookies are Secure and
 * every answer carries Strict-Transport-Security; at an http one (or none) neither.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { parseConfig } from '../server/shell/config.ts';
import { SESSION_COOKIE } from '../server/shell/http/auth.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api } from './support/server.ts';

async function cookiesAndHsts(publicUrl: string | undefined): Promise<[string, string, string | null]> {
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
    web: { publicUrl },
  });
  try {
    await server.users.create('dora', 'duty-officer-pass', 'duty-officer');
    const login = await api(server, 'POST', '/api/login', {
      body: { username: 'dora', password: 'duty-officer-pass' },
    });
    const token = (login.body as { token: string }).token;
    const logout = await api(server, 'POST', '/api/logout', { token });
    const health = await api(server, 'GET', '/api/health');
    const cookie = (r: { headers: Headers }) =>
      (r.headers.get('set-cookie') ?? '').replace(/=[A-Za-z0-9_-]{43};/, '=T;');
    return [cookie(login), cookie(logout), health.headers.get('strict-transport-security')];
  } finally {
    await server.close();
  }
}

test('item 8: an https public URL makes session cookies Secure and sends HSTS', async () => {
  assert.equal(await cookiesAndHsts('https://control.example.org'), [
    `${SESSION_COOKIE}=T; Path=/; HttpOnly; SameSite=Strict; Max-Age=46800; Secure`,
    `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure`,
    'max-age=31536000',
  ]);
  for (const plain of ['http://control.example.org', undefined])
    assert.equal(await cookiesAndHsts(plain), [
      `${SESSION_COOKIE}=T; Path=/; HttpOnly; SameSite=Strict; Max-Age=46800`,
      `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`,
      null,
    ]);
});

test('item 8: --public-url and JCR_PUBLIC_URL take an http(s) URL and keep its origin', () => {
  assert.is(parseConfig([], {}).publicUrl, undefined);
  assert.is(
    parseConfig(['--public-url', 'https://control.example.org/room/'], {}).publicUrl,
    'https://control.example.org',
  );
  assert.is(parseConfig([], { JCR_PUBLIC_URL: 'https://jcr.example:8443' }).publicUrl, 'https://jcr.example:8443');
  for (const bad of ['control.example.org', 'ftp://control.example.org'])
    assert.throws(
      () => parseConfig(['--public-url', bad], {}),
      (e: unknown) => (e as { path?: string }).path === 'public-url',
      bad,
    );
});

test.run();
