/**
 * A new leader makes the reactions its predecessor had decided and not appended (issue 21;
 * server/shell/reactor.ts, takeOver). Room 'herts' runs as a leader and a standby; partner 'beds'
 * is a fake HTTP door that records what it takes. The leader runs with the test-only hook
 * JCR_TEST_HOLD_APPEND=mait.queued (cluster/appender.ts): a partner's Create reaches the log, the
 * reactor's Acknowledge of it never does, as if the leader died between the two appends. Killed,
 * the standby takes over and acknowledges the Create: once (a second would be the thread's
 * message 2).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, sleep, until, waitRole, type Instance } from '../support/cluster.ts';
import { fakeBeds } from '../support/fake-partner.ts';
import { startClusterRoom } from '../support/cluster-room.ts';
import { bedsMessage, partnersOf, postMait } from '../support/mait-servers.ts';

test("a partner's Create whose acknowledgement the dead leader never appended is acknowledged once", async () => {
  const beds = await fakeBeds(true);
  const dir = mkdtempSync(join(tmpdir(), 'jcr-takeover-reactions-'));
  const partners = partnersOf('herts');
  partners.partners[0]!.baseUrl = beds.url;
  partners.partners[0]!.types = [{ ours: 'dwelling-fire', theirs: 'dwelling-fire' }];
  const file = join(dir, 'partners.json');
  writeFileSync(file, JSON.stringify(partners));
  const room = await startClusterRoom({
    room: 'react',
    instances: 2,
    args: ['--partners', file],
    env: (i) => (i === 0 ? { JCR_TEST_HOLD_APPEND: 'mait.queued', NODE_ENV: 'test' } : undefined),
  }).catch((e: unknown) => {
    beds.server.close();
    throw e;
  });
  try {
    const [a, b] = room.instances as [Instance, Instance];
    const tb = await login(b.url);
    assert.equal(await postMait(a, bedsMessage(1), { now: Date.now() }), {
      status: 200,
      code: undefined,
      outcome: 'applied',
    });
    const inbound = async () => {
      const r = await fetch(`${b.url}/api/transfers?direction=in`, { headers: { authorization: `Bearer ${tb}` } });
      const { transfers } = (await r.json()) as { transfers: Array<{ openedBy: string; ackStage: string | null }> };
      return transfers.map((t) => ({ openedBy: t.openedBy, ackStage: t.ackStage }));
    };
    await until('the standby has the Create', async () => (await inbound()).length === 1);
    assert.equal(await inbound(), [{ openedBy: 'beds:beds:B-7:1', ackStage: null }]);
    a.proc.kill('SIGKILL');
    await a.exited;
    beds.down = false;
    await waitRole(b.url, 'leader', 10_000);
    await until('beds takes the Acknowledge', () => beds.taken.includes('herts:beds:B-7:1'));
    assert.equal(await inbound(), [{ openedBy: 'beds:beds:B-7:1', ackStage: 'received' }]);
    await sleep(1500); // time for a second Acknowledge (the courier sends at once) to reach beds
    assert.equal(
      beds.taken.filter((id) => id.startsWith('herts:beds:B-7:')),
      ['herts:beds:B-7:1'],
    );
  } finally {
    await room.close();
    beds.server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
