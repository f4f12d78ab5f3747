/**
 * The screens at one URL (issue #21 item 4): a COP gateway forwards REST to whichever instance
 * leads, found in the lease (server/shell/gateway/leader-proxy.ts). With no leader it refuses
 * 503 JCR_NOT_LEADER. A browser signs in through it (the session cookie comes back through it),
 * creates an incident with that cookie and its Origin (the leader's cross-site check passes),
 * and after the leader's SIGKILL and the standby's takeover reads the incident at the same URL.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from '../../server/shell/cluster/options.ts';
import { startCopGateway, type RunningCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { PASSWORD, SCENARIO, freePort, seedUser, startInstance, startNats, waitRole } from '../support/cluster.ts';

const ROOM = 'screens';

async function answer(res: Response): Promise<[number, string]> {
  const body = (await res.json()) as { error?: { code: string } };
  return [res.status, body.error?.code ?? 'ok'];
}

test('a browser at a COP gateway signs in, writes and reads across a failover', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-screens-'));
  const { url: nats, nats: natsProc } = await startNats(join(dir, 'nats'));
  const cluster = clusterConfig({ nats, room: ROOM }, {});
  assert.ok(cluster);
  const log = createLogger('silent');
  const gateway: RunningCopGateway = await startCopGateway({
    cluster,
    scenario: loadScenario(SCENARIO),
    port: 0,
    host: '127.0.0.1',
    log,
  });
  const origin = gateway.url;
  const api = `${origin}/api`;
  const instances: Array<Awaited<ReturnType<typeof startInstance>>> = [];
  try {
    assert.equal(await answer(await fetch(`${api}/incidents`)), [503, 'JCR_NOT_LEADER'], 'no instance leads yet');

    const dbs = [join(dir, 'a.sqlite'), join(dir, 'b.sqlite')];
    await seedUser(dbs[0] as string);
    for (const [i, db] of dbs.entries())
      instances.push(await startInstance(`i${i}`, { db, port: await freePort(), nats, room: ROOM, standby: i > 0 }));
    const [a, b] = instances as [(typeof instances)[0], (typeof instances)[0]];
    await waitRole(a.url, 'leader', 10_000);

    const login = await fetch(`${api}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ username: 'duty', password: PASSWORD }),
    });
    assert.is(login.status, 200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    assert.match(cookie, /^jcr_session=/);
    const browser = { cookie, origin };
    const created = await fetch(`${api}/incidents`, {
      method: 'POST',
      headers: { ...browser, 'content-type': 'application/json' },
      body: JSON.stringify({ typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 }),
    });
    assert.is(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    const elsewhere = await fetch(`${api}/incidents`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ typeId: 'dwelling-fire', lat: 51.61, lon: -0.12 }),
    });
    assert.equal(await answer(elsewhere), [403, 'JCR_CROSS_ORIGIN'], "another origin's page is still refused");

    a.proc.kill('SIGKILL');
    await a.exited;
    await waitRole(b.url, 'leader', 5000);
    const read = await fetch(`${api}/incidents/${id}`, { headers: browser });
    assert.is(read.status, 200, 'the same URL, the same cookie, the new leader');
    assert.is(((await read.json()) as { id: string }).id, id);
    const big = await fetch(`${api}/incidents`, {
      method: 'POST',
      headers: { ...browser, 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(2 * 1024 * 1024) }),
    });
    assert.equal(await answer(big), [413, 'JCR_PAYLOAD_TOO_LARGE'], 'bounded before the leader');
    assert.is((await fetch(`${origin}/api/health`)).status, 200, 'health is the gateway');
  } finally {
    await gateway.close();
    for (const p of [...instances, { proc: natsProc.proc }]) p.proc.kill('SIGKILL');
    await Promise.all([...instances.map((i) => i.exited), natsProc.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
