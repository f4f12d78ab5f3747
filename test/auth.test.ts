import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { can, canSeeIncident, ROLES, type Action, type Role } from '../server/core/auth/roles.ts';
import { fakeClock } from '../server/core/clock.ts';
import { RateLimiter } from '../server/core/ratelimit.ts';
import { hashPassword, verifyPassword } from '../server/shell/auth/password.ts';
import { parseCookies, SESSION_COOKIE } from '../server/shell/http/auth.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode } from './support/server.ts';

test('permissions: who may mobilise whose resources', () => {
  const table: Array<[Role, Action, 'fire' | 'police' | 'ambulance' | undefined, boolean]> = [
    ['fire-dispatcher', 'incident.mobilise', 'fire', true],
    ['fire-dispatcher', 'incident.mobilise', 'police', false],
    ['police-dispatcher', 'incident.mobilise', 'police', true],
    ['police-dispatcher', 'incident.mobilise', 'fire', false],
    ['police-dispatcher', 'incident.requestAssistance', undefined, true],
    ['fire-dispatcher', 'incident.acceptAssistance', 'fire', true],
    ['police-dispatcher', 'incident.acceptAssistance', 'fire', false],
    ['ambulance-desk', 'incident.mobilise', 'ambulance', true],
    ['ambulance-desk', 'resource.status', 'fire', false],
    ['duty-officer', 'incident.mobilise', 'police', true],
    ['duty-officer', 'cover.move', undefined, true],
    ['fire-dispatcher', 'cover.move', undefined, false],
    ['wall-viewer', 'view', undefined, true],
    ['wall-viewer', 'incident.create', undefined, false],
    ['wall-viewer', 'resource.status', 'fire', false],
  ];
  for (const [role, action, agency, expected] of table)
    assert.is(can(role, action, agency), expected, `${role} ${action} ${agency ?? ''}`);
});

test('a wall viewer can do nothing but view', () => {
  const actions: Action[] = [
    'incident.create',
    'incident.update',
    'incident.close',
    'incident.mobilise',
    'incident.requestAssistance',
    'incident.acceptAssistance',
    'resource.status',
    'cover.move',
    'admin',
  ];
  assert.equal(
    actions.filter((a) => can('wall-viewer', a)),
    [],
  );
  assert.ok(ROLES.every((r) => can(r, 'view')));
});

test('incident visibility: own agency and joint incidents; duty officer and wall see all', () => {
  assert.is(canSeeIncident('fire-dispatcher', ['police']), false);
  assert.is(canSeeIncident('fire-dispatcher', ['police', 'fire']), true);
  assert.is(canSeeIncident('duty-officer', ['police']), true);
  assert.is(canSeeIncident('wall-viewer', ['ambulance']), true);
});

test('scrypt password hashes verify, resist a wrong password and carry their parameters', async () => {
  const h = await hashPassword('correct horse battery');
  assert.match(h, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.is(await verifyPassword('correct horse battery', h), true);
  assert.is(await verifyPassword('correct horse batterx', h), false);
  assert.is(await verifyPassword('x', 'not-a-hash'), false);
  assert.is.not(await hashPassword('correct horse battery'), h); // salted
});

test('rate limiter: burst, refill on the clock, bounded keys', () => {
  const clock = fakeClock(0);
  const rl = new RateLimiter(clock.now, 3, 1, 2);
  assert.equal([rl.take('a'), rl.take('a'), rl.take('a'), rl.take('a')], [true, true, true, false]);
  assert.is(rl.retryAfterS('a'), 1);
  clock.advance(1000);
  assert.is(rl.take('a'), true);
  assert.is(rl.take('a'), false);
  rl.take('b');
  rl.take('c');
  assert.ok(rl.size <= 2);
});

test('cookie parsing ignores malformed values', () => {
  const m = parseCookies(`a=1; ${SESSION_COOKIE}=tok%20en; bad=%E0%A4%A; =x`);
  assert.is(m.get(SESSION_COOKIE), 'tok en');
  assert.is(m.get('bad'), undefined);
});

let server: RunningServer;
const clock = fakeClock();

test('sign-in over HTTP: cookie flags, /me, wrong password, logout', async () => {
  server = await startServer({ scenario: miniScenario(), db: ':memory:', port: 0, clock: clock.now, log: 'silent' });
  await server.users.create('dora', 'duty-officer-pass', 'duty-officer', 'Dora Duty');

  const bad = await api(server, 'POST', '/api/login', { body: { username: 'dora', password: 'wrong-password' } });
  assert.is(bad.status, 401);
  assert.is(errorCode(bad.body), 'JCR_UNAUTHENTICATED');

  const ok = await api(server, 'POST', '/api/login', { body: { username: 'dora', password: 'duty-officer-pass' } });
  assert.is(ok.status, 200);
  const cookie = ok.headers.get('set-cookie') ?? '';
  assert.match(
    cookie,
    new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=46800$`),
  );
  const token = (ok.body as { token: string }).token;

  const meCookie = await api(server, 'GET', '/api/me', { headers: { cookie: cookie.split(';')[0] ?? '' } });
  assert.equal(meCookie.body, { user: { username: 'dora', role: 'duty-officer', displayName: 'Dora Duty' } });
  const meBearer = await api(server, 'GET', '/api/me', { token });
  assert.is(meBearer.status, 200);

  await api(server, 'POST', '/api/logout', { token });
  const after = await api(server, 'GET', '/api/me', { token });
  assert.is(after.status, 401);
  assert.is(errorCode(after.body), 'JCR_UNAUTHENTICATED');
});

test('sessions expire after the shift length', async () => {
  const ok = await api(server, 'POST', '/api/login', { body: { username: 'dora', password: 'duty-officer-pass' } });
  const token = (ok.body as { token: string }).token;
  clock.advance(13 * 3600 * 1000 + 1);
  assert.is((await api(server, 'GET', '/api/me', { token })).status, 401);
});

test('repeated failed sign-ins are rate limited with Retry-After', async () => {
  let last = 0;
  let retry: string | null = null;
  for (let i = 0; i < 7; i++) {
    const r = await api(server, 'POST', '/api/login', { body: { username: 'mallory', password: 'guess-number-' + i } });
    last = r.status;
    retry = r.headers.get('retry-after');
  }
  assert.is(last, 429);
  assert.ok(Number(retry) >= 1);
});

test('malformed sign-in bodies get a named 400', async () => {
  const r = await api(server, 'POST', '/api/login', { body: { username: 42 } });
  assert.is(r.status, 400);
  assert.equal((r.body as { error: unknown }).error, {
    code: 'JCR_VALIDATION',
    message: 'username must be a string',
    path: 'username',
  });
  const j = await api(server, 'POST', '/api/login', { body: '{"username":' });
  assert.is(errorCode(j.body), 'JCR_MALFORMED_JSON');
  await server.close();
});

test.run();
