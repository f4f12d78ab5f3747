/**
 * Issue 15 item 5: sign-in failures are counted per (user, address) and per address, so wrong
 * passwords from one place never lock a user out elsewhere, and a room signing in through one
 * proxy is not throttled. The client address comes from X-Forwarded-For only via --trust-proxy.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { parseConfig } from '../server/shell/config.ts';
import { clientAddress } from '../server/shell/http/client-address.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode } from './support/server.ts';

async function boot(trustProxy?: string[]): Promise<{ server: RunningServer; clock: ReturnType<typeof fakeClock> }> {
  const clock = fakeClock();
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    web: { trustProxy },
  });
  return { server, clock };
}

function signIn(server: RunningServer, username: string, password: string, from?: string) {
  return api(server, 'POST', '/api/login', {
    body: { username, password },
    ...(from ? { headers: { 'x-forwarded-for': from } } : {}),
  });
}

test('item 5: wrong passwords from one address never lock the user out at another', async () => {
  const { server, clock } = await boot(['127.0.0.1']);
  try {
    await server.users.create('dora', 'dora-right-password', 'duty-officer');
    const attacker = [];
    for (let i = 0; i < 8; i++) attacker.push((await signIn(server, 'dora', `guess-${i}`, '203.0.113.9')).status);
    assert.equal(attacker, [401, 401, 401, 401, 401, 429, 429, 429]);
    // The attacker keeps the bucket empty with one try every 12 s; Dora, elsewhere, still gets in.
    clock.advance(12_000);
    assert.is((await signIn(server, 'dora', 'guess-again', '203.0.113.9')).status, 401);
    const dora = await signIn(server, 'dora', 'dora-right-password', '198.51.100.7');
    assert.is(dora.status, 200);
    const limited = await signIn(server, 'dora', 'dora-right-password', '203.0.113.9');
    assert.equal([limited.status, errorCode(limited.body)], [429, 'JCR_RATE_LIMITED']);
    assert.is(limited.headers.get('retry-after'), '12');
  } finally {
    await server.close();
  }
});

test('item 5: shift change, 30 operators signing in within a minute through one proxy', async () => {
  for (const trust of [['127.0.0.1'], undefined]) {
    const { server, clock } = await boot(trust);
    try {
      const names = Array.from({ length: 30 }, (_, i) => `op${String(i + 1).padStart(2, '0')}`);
      for (const n of names) await server.users.create(n, `${n}-shift-password`, 'fire-dispatcher');
      const answers: number[] = [];
      for (const [i, n] of names.entries()) {
        clock.advance(2000); // 30 sign-ins in 60 s
        const from = trust ? `10.20.0.${i + 1}` : undefined;
        // Every fifth operator mistypes once first.
        if (i % 5 === 0) assert.is((await signIn(server, n, 'typo', from)).status, 401);
        answers.push((await signIn(server, n, `${n}-shift-password`, from)).status);
      }
      assert.equal(answers, Array<number>(30).fill(200), `trust-proxy ${String(trust)}`);
    } finally {
      await server.close();
    }
  }
});

test('item 5: one address may fail 30 times over all names, then one every 2 s', async () => {
  const { server, clock } = await boot();
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await signIn(server, `name${i}`, 'spray')).status);
    assert.equal(statuses, [...Array<number>(30).fill(401), 429]);
    clock.advance(2000);
    assert.is((await signIn(server, 'name99', 'spray')).status, 401);
    assert.is((await signIn(server, 'name98', 'spray')).status, 429);
  } finally {
    await server.close();
  }
});

test('item 5: parallel guesses cannot slip past the count, and a spoofed X-Forwarded-For from an untrusted peer is ignored', async () => {
  const { server } = await boot(); // no trusted proxy: the header proves nothing
  try {
    await server.users.create('dora', 'dora-right-password', 'duty-officer');
    const all = await Promise.all(
      Array.from({ length: 10 }, (_, i) => signIn(server, 'dora', `guess-${i}`, `198.51.100.${i + 1}`)),
    );
    const statuses = all.map((r) => r.status).sort();
    assert.equal(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
  } finally {
    await server.close();
  }
});

test('item 5: the client address is the rightmost untrusted X-Forwarded-For hop, only from a trusted proxy', () => {
  const addr = clientAddress(['127.0.0.1', '10.0.0.0/8']);
  const req = (peer: string, xff?: string) => ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  });
  assert.is(addr(req('203.0.113.9', '198.51.100.7')), '203.0.113.9'); // not a proxy: header ignored
  assert.is(addr(req('::ffff:127.0.0.1', '198.51.100.7')), '198.51.100.7');
  assert.is(addr(req('127.0.0.1', '1.2.3.4, 198.51.100.7, 10.1.2.3')), '198.51.100.7'); // the client wrote 1.2.3.4
  assert.is(addr(req('127.0.0.1', '10.9.9.9, 10.1.2.3')), '10.9.9.9'); // all trusted: the leftmost
  assert.is(addr(req('127.0.0.1', 'junk, 198.51.100.7')), '198.51.100.7');
  assert.is(addr(req('127.0.0.1', '198.51.100.7, junk')), '127.0.0.1'); // a proxy wrote junk: the proxy
  assert.is(addr(req('127.0.0.1')), '127.0.0.1');
  assert.is(clientAddress([])(req('127.0.0.1', '198.51.100.7')), '127.0.0.1');
});

test('item 5: --trust-proxy and JCR_TRUST_PROXY take addresses and CIDR ranges', () => {
  assert.equal(parseConfig([], {}).trustProxy, []);
  assert.equal(parseConfig(['--trust-proxy', '127.0.0.1, 10.0.0.0/8,::1'], {}).trustProxy, [
    '127.0.0.1',
    '10.0.0.0/8',
    '::1',
  ]);
  assert.equal(parseConfig([], { JCR_TRUST_PROXY: '192.168.1.5' }).trustProxy, ['192.168.1.5']);
  for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.1/8/1'])
    assert.throws(
      () => parseConfig(['--trust-proxy', bad], {}),
      (e: unknown) => (e as { code?: string; path?: string }).path === 'trust-proxy',
      bad,
    );
});

test.run();
