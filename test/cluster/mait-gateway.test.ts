/**
 * A partner room at one address across a failover (issue 21): its messages go to a COP gateway,
 * which forwards POST /mait/v1/messages to whichever instance leads (gateway/screens.ts). Room
 * 'mait' runs a leader and a standby on one nats-server with 'beds' as its partner; the test
 * posts as beds. The leader applies the Create; after its SIGKILL the same URL answers a
 * retryable 503 (JCR_NOT_LEADER, or JCR_OUTCOME_UNKNOWN) until the standby leads, then the new
 * leader applies the Update, and the Create resent is a duplicate there.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig } from '../../server/shell/cluster/options.ts';
import { startCopGateway, type RunningCopGateway } from '../../server/shell/gateway/cop-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { signMait } from '../../server/shell/mait/signing.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { SCENARIO, login, sleep, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';
import { bedsMessage, BEDS_TO_HERTS, partnersOf } from '../support/mait-servers.ts';

async function post(url: string, body: string): Promise<[number, string]> {
  const res = await fetch(`${url}/mait/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml', ...signMait(body, 'beds', BEDS_TO_HERTS, Date.now()) },
    body,
  });
  const json = (await res.json()) as { error?: { code: string }; outcome?: string };
  return [res.status, json.error?.code ?? json.outcome ?? ''];
}

/** The partner's transfers as `url` shows them. */
async function incoming(url: string, token: string): Promise<unknown[]> {
  const res = await fetch(`${url}/api/transfers?direction=in`, { headers: { authorization: `Bearer ${token}` } });
  const { transfers } = (await res.json()) as {
    transfers: Array<{ ref: unknown; content: { typeText: string } | null }>;
  };
  return transfers.map((t) => ({ ref: t.ref, typeText: t.content?.typeText }));
}

test('a partner posting to a gateway reaches the leader, and the new one after a SIGKILL', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-maitgw-'));
  const file = join(dir, 'partners.json');
  const partners = partnersOf('herts'); // beds at 127.0.0.1:9: our Acknowledges wait there
  partners.partners[0]!.types = [{ ours: 'dwelling-fire', theirs: 'dwelling-fire' }];
  writeFileSync(file, JSON.stringify(partners));
  const room = await startClusterRoom({ room: 'maitgw', instances: 2, args: ['--partners', file] });
  let gateway: RunningCopGateway | undefined;
  try {
    const cluster = clusterConfig({ nats: room.nats, room: room.room }, {});
    assert.ok(cluster);
    gateway = await startCopGateway({
      cluster,
      scenario: loadScenario(SCENARIO),
      port: 0,
      host: '127.0.0.1',
      log: createLogger('silent'),
    });
    const [a, b] = room.instances as [Instance, Instance];
    const tb = await login(b.url);
    const create = { ref: { room: 'beds', id: 'B-7' }, typeText: 'House fire v1' };

    assert.equal(await post(gateway.url, bedsMessage(1)), [200, 'applied']);
    assert.equal(await post(gateway.url, bedsMessage(1)), [200, 'duplicate']);
    // Followed by the standby from the log: the leader had it.
    for (let i = 0; (await incoming(b.url, tb)).length === 0 && i < 200; i++) await sleep(50);
    assert.equal(await incoming(b.url, tb), [create]);

    a.proc.kill('SIGKILL');
    await a.exited;
    // The partner's courier: the same URL, again after each retryable refusal, until taken.
    const codes = new Set<string>();
    let answer: [number, string] = [0, ''];
    for (const end = Date.now() + 20_000; Date.now() < end; await sleep(100)) {
      answer = await post(gateway.url, bedsMessage(2));
      if (answer[0] !== 503) break;
      codes.add(answer[1]);
    }
    assert.equal(answer, [200, 'applied'], 'the new leader applies it');
    for (const c of codes) assert.ok(c === 'JCR_NOT_LEADER' || c === 'JCR_OUTCOME_UNKNOWN', c);
    await waitRole(b.url, 'leader', 1000);
    assert.equal(await incoming(b.url, tb), [{ ...create, typeText: 'House fire v2' }]);
    assert.equal(await post(gateway.url, bedsMessage(1)), [200, 'duplicate'], 'resent to the new leader: once');
  } finally {
    await gateway?.close();
    await room.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
