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
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, sleep, waitRole, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';
import { bedsMessage, BEDS_TO_HERTS, partnersOf } from '../support/mait-servers.ts';
import { parseMait } from '../../server/shell/mait/codec.ts';
import { signMait } from '../../server/shell/mait/signing.ts';

/** The fake partner: the ids of the messages it answered 200 (503 to all while down). */
async function fakeBeds(): Promise<{ url: string; down: boolean; taken: string[]; server: Server }> {
  const beds = { url: '', down: true, taken: [] as string[], server: createServer() };
  beds.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const m = parseMait(Buffer.concat(chunks).toString('utf8'));
      res.setHeader('content-type', 'application/json');
      if (beds.down) {
        res.statusCode = 503;
        res.end('{"error":{"code":"JCR_STORE_BUSY","message":"down"}}');
        return;
      }
      beds.taken.push(m.messageId);
      res.end(JSON.stringify({ messageId: m.messageId, outcome: 'applied' }));
    });
  });
  await new Promise<void>((r) => beds.server.listen(0, '127.0.0.1', r));
  beds.url = `http://127.0.0.1:${(beds.server.address() as { port: number }).port}`;
  return beds;
}

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms: ${what}`);
    await sleep(50);
  }
}

test("a partner's Create whose acknowledgement the dead leader never appended is acknowledged once", async () => {
  const beds = await fakeBeds();
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
    const body = bedsMessage(1);
    const res = await fetch(`${a.url}/mait/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', ...signMait(body, 'beds', BEDS_TO_HERTS, Date.now()) },
      body,
    });
    assert.equal(
      { status: res.status, body: await res.json() },
      { status: 200, body: { messageId: 'beds:beds:B-7:1', outcome: 'applied' } },
    );
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
