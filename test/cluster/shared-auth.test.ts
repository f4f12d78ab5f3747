/**
 * Shared authentication (issue #21 item 3): sessions and failed sign-ins live in the cluster's
 * auth bucket (server/shell/cluster/shared-auth.ts). A session started on the leader is valid on
 * the standby, on a COP gateway, and on the standby once it leads after the leader's SIGKILL; a
 * sign-out there ends it on the gateway too. Five wrong passwords at one instance lock the name
 * out at the other (429 JCR_RATE_LIMITED), even with the right password.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { clusterConfig } from '../../server/shell/cluster/options.ts';
import { startCopGateway, type RunningCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { LOGIN_BURST } from '../../server/shell/http/auth.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { refusedUpgrade } from '../support/avl.ts';
import {
  PASSWORD,
  SCENARIO,
  freePort,
  login,
  seedUser,
  sleep,
  startInstance,
  startNats,
  waitRole,
} from '../support/cluster.ts';

const ROOM = 'auth';

async function me(url: string, token: string): Promise<number> {
  return (await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).status;
}

async function signIn(url: string, password: string): Promise<[number, string]> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'duty', password }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return [res.status, body.error?.code ?? 'ok'];
}

/** Poll a check that changes nothing until it holds (a watch delivers a little after the write). */
async function eventually(what: string, ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++)
    if (await ok()) return;
    else await sleep(25);
  assert.unreachable(`never: ${what}`);
}

async function copOpens(g: RunningCopGateway, token: string): Promise<boolean> {
  const ws = new WebSocket(`${g.url.replace('http', 'ws')}/ws/cop`, { headers: { authorization: `Bearer ${token}` } });
  const opened = await Promise.race([
    once(ws, 'open').then(() => true),
    once(ws, 'unexpected-response').then(() => false),
  ]);
  ws.terminate();
  return opened;
}

test('a session signed in on the leader is valid on the standby, a COP gateway and after failover', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-auth-'));
  const { url: nats, nats: natsProc } = await startNats(join(dir, 'nats'));
  const dbs = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
  for (const db of dbs) await seedUser(db);
  const a = await startInstance('a', {
    db: dbs[0] as string,
    port: await freePort(),
    nats,
    room: ROOM,
    standby: false,
  });
  const b = await startInstance('b', { db: dbs[1] as string, port: await freePort(), nats, room: ROOM, standby: true });
  let gateway: RunningCopGateway | undefined;
  try {
    await waitRole(a.url, 'leader', 10_000);
    const cluster = clusterConfig({ nats, room: ROOM }, {});
    assert.ok(cluster);
    const log = createLogger('silent');
    gateway = await startCopGateway({ cluster, scenario: loadScenario(SCENARIO), port: 0, host: '127.0.0.1', log });
    const g = gateway;
    const token = await login(a.url);
    await eventually('the standby knows the session', async () => (await me(b.url, token)) === 200);
    await eventually('the gateway lets the session watch', () => copOpens(g, token));
    const none = await refusedUpgrade(`${g.url.replace('http', 'ws')}/ws/cop`, { authorization: 'Bearer x'.repeat(8) });
    assert.is(none.status, 401);

    // Failed sign-ins at the leader count at the standby.
    for (let i = 0; i < LOGIN_BURST; i++)
      assert.equal(await signIn(a.url, 'not-the-password'), [401, 'JCR_UNAUTHENTICATED'], `attempt ${i}`);
    assert.equal(await signIn(b.url, 'not-the-password'), [429, 'JCR_RATE_LIMITED']);
    assert.equal(await signIn(b.url, PASSWORD), [429, 'JCR_RATE_LIMITED'], 'locked out even with the password');

    a.proc.kill('SIGKILL');
    await waitRole(b.url, 'leader', 5000);
    const res = await fetch(`${b.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 }),
    });
    assert.is(res.status, 201, 'the session signed in on the dead leader changes the room on the new one');

    const out = await fetch(`${b.url}/api/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    assert.is(out.status, 200);
    assert.is(await me(b.url, token), 401);
    await eventually('the gateway forgets the ended session', async () => !(await copOpens(g, token)));
  } finally {
    await gateway?.close();
    for (const p of [a, b, natsProc]) p.proc.kill('SIGKILL');
    await Promise.all([a.exited, b.exited, natsProc.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
