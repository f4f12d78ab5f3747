/**
 * Shared users and AVL feeds (issue #21 item 3, "sessions and feeds live where every gateway can
 * check them"): bucket jcr_<room>_accounts (server/shell/cluster/accounts.ts). A feed added
 * through the cluster reports through an AVL gateway; revoked, its next connection is refused
 * 401 JCR_UNAUTHENTICATED; another added before the leader's SIGKILL reports to the new leader.
 * A user added and given a new password with `npm run users -- … --nats` (neither instance's
 * database holds it) signs in on the standby after failover with the new password only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withClusterAccounts } from '../../server/shell/cluster/accounts-client.ts';
import { startAvlGateway, type RunningGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { connect, refusedUpgrade, report } from '../support/avl.ts';
import { SCENARIO, freePort, startInstance, startNats, waitRole } from '../support/cluster.ts';

const ROOM = 'accounts';
const run = promisify(execFile);

async function signIn(url: string, username: string, password: string): Promise<[number, string]> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { error?: { code: string }; user?: { role: string } };
  return [res.status, body.error?.code ?? body.user?.role ?? 'ok'];
}

test('feeds and users added through the cluster hold on every gateway and after failover', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-accounts-'));
  const { url: nats, nats: natsProc } = await startNats(join(dir, 'nats'));
  const a = await startInstance('a', {
    db: join(dir, 'a.sqlite'),
    port: await freePort(),
    nats,
    room: ROOM,
    standby: false,
  });
  const b = await startInstance('b', {
    db: join(dir, 'b.sqlite'),
    port: await freePort(),
    nats,
    room: ROOM,
    standby: true,
  });
  let gateway: RunningGateway | undefined;
  try {
    await waitRole(a.url, 'leader', 10_000);
    const scenario = loadScenario(SCENARIO);
    const log = createLogger('silent');
    gateway = await startAvlGateway({ servers: [nats], room: ROOM, scenario, port: 0, host: '127.0.0.1', log });
    const ws = `${gateway.url.replace('http', 'ws')}/ws/avl`;
    const cluster = { nats, room: ROOM };
    const phones = await withClusterAccounts(cluster, (acc) => acc.addFeed('phones', null));
    const trackers = await withClusterAccounts(cluster, (acc) => acc.addFeed('trackers', 'fire'));
    assert.ok(phones && trackers);

    const now = Date.now();
    const feed = await connect(ws, phones);
    const ack = await feed.send(1, [report('R0', 51.6005, -0.111, now - 5000)]);
    assert.equal([ack.accepted, ack.rejected.length], [1, 0], 'a feed added a moment ago reports through the gateway');
    feed.close();
    assert.is(await withClusterAccounts(cluster, (acc) => acc.revokeFeed('phones')), true);
    const refused = await refusedUpgrade(ws, { authorization: `Bearer ${phones}` });
    assert.equal(
      [refused.status, (refused.body as { error: { code: string } }).error.code],
      [401, 'JCR_UNAUTHENTICATED'],
    );

    // Users through the CLI against the cluster: in no instance's database beforehand.
    const cli = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'server/cli/users.ts', ...args, '--nats', nats, '--room', ROOM]);
    await cli('add', 'clerk', '--role', 'fire-dispatcher', '--password', 'first-password-1');
    assert.equal(await signIn(a.url, 'clerk', 'first-password-1'), [200, 'fire-dispatcher']);
    const { stdout } = await cli('passwd', 'clerk', '--password', 'second-password-2');
    assert.match(stdout, 'password changed for clerk (1 sessions ended)');

    a.proc.kill('SIGKILL');
    await waitRole(b.url, 'leader', 5000);
    assert.equal(await signIn(b.url, 'clerk', 'second-password-2'), [200, 'fire-dispatcher'], 'the new password');
    assert.equal(await signIn(b.url, 'clerk', 'first-password-1'), [401, 'JCR_UNAUTHENTICATED'], 'not the old');
    const fire = await connect(ws, trackers);
    const after = await fire.send(1, [report('R3', 51.6005, -0.111, Date.now() - 1000)]);
    fire.close();
    assert.equal([after.accepted, after.rejected.length], [1, 0], 'a feed added before the failover reports after it');
    assert.equal((await refusedUpgrade(ws, { authorization: `Bearer ${phones}` })).status, 401, 'still revoked');
  } finally {
    await gateway?.close();
    for (const p of [a, b, natsProc]) p.proc.kill('SIGKILL');
    await Promise.all([a.exited, b.exited, natsProc.exited]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
