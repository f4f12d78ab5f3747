/**
 * A partner room posting to a COP gateway (server/shell/gateway/screens.ts): its one door,
 * POST /mait/v1/messages, is forwarded to whichever instance the lease names, as /api is, with
 * the leader's body limit; the leader checks the signature and answers. Without a leader the
 * partner gets 503 JCR_NOT_LEADER (nothing sent), and one the leader took without answering
 * 503 JCR_OUTCOME_UNKNOWN: resent, an applied message answers 200 duplicate. Nothing else under
 * /mait is forwarded. test/cluster/mait-gateway.test.ts runs it across a real failover.
 */
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KV } from '@nats-io/kv';
import { MAIT_MAX_BYTES } from '../proto/mait.ts';
import { fakeClock } from '../server/core/clock.ts';
import { screensApp } from '../server/shell/gateway/screens.ts';
import { createLogger } from '../server/shell/log.ts';
import { signMait, type SignatureHeaders } from '../server/shell/mait/signing.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { BEDS_TO_HERTS, bedsMessage, partnersOf } from './support/mait-servers.ts';

const T0 = Date.UTC(2026, 11, 2, 20, 0, 0);

/** A lease bucket naming `leader()` (null: nobody leads); counts its reads (each forward reads it). */
function fakeLease(leader: () => string | null) {
  const lease = {
    reads: 0,
    async get() {
      lease.reads++;
      const url = leader();
      return url === null ? null : { operation: 'PUT', json: () => ({ id: 'i0', url }) };
    },
  };
  return lease;
}

async function listen(s: Server | TcpServer): Promise<string> {
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

async function post(
  url: string,
  body: string,
  headers: Partial<SignatureHeaders> = signMait(body, 'beds', BEDS_TO_HERTS, T0),
  method = 'POST',
): Promise<[number, string]> {
  const res = await fetch(`${url}/mait/v1/messages`, {
    method,
    headers: { 'content-type': 'application/xml', ...headers },
    ...(method === 'POST' ? { body } : {}),
  });
  const json = (await res.json()) as { error?: { code: string }; outcome?: string };
  return [res.status, json.error?.code ?? json.outcome ?? ''];
}

async function withGateway(
  leader: () => string | null,
  run: (gateway: string, lease: ReturnType<typeof fakeLease>) => Promise<void>,
): Promise<void> {
  const lease = fakeLease(leader);
  const gateway = createServer(screensApp(lease as unknown as KV, createLogger('silent'), () => ({})));
  try {
    await run(await listen(gateway), lease);
  } finally {
    gateway.closeAllConnections();
    gateway.close();
  }
}

test('a partner message through a gateway reaches the leader, which checks its signature', async () => {
  const room: RunningServer = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock(T0).now,
    log: 'silent',
    mait: { partners: partnersOf('herts') },
  });
  try {
    await withGateway(
      () => room.url,
      async (gateway, lease) => {
        assert.equal(await post(gateway, bedsMessage(1)), [200, 'applied']);
        assert.equal(await post(gateway, bedsMessage(1)), [200, 'duplicate'], 'a resend is applied once');
        assert.is([...room.store.events(0)].filter((e) => e.type === 'mait.received').length, 1);
        const forged = signMait(bedsMessage(2), 'beds', 'not-the-secret-0123456789abcdef0123456789', T0);
        assert.equal(await post(gateway, bedsMessage(2), forged), [401, 'JCR_MAIT_BAD_SIGNATURE']);
        assert.equal(await post(gateway, bedsMessage(2), {}), [401, 'JCR_MAIT_UNKNOWN_PARTNER']);
        // The leader's limit, answered by the gateway with the leader's code.
        const big = 'x'.repeat(MAIT_MAX_BYTES + 1);
        assert.equal(await post(gateway, big), [413, 'JCR_PAYLOAD_TOO_LARGE']);
        assert.equal(await post(room.url, big), [413, 'JCR_PAYLOAD_TOO_LARGE']);
        // Only that door: no other method or path under /mait reaches the leader (nor reads the lease).
        const before = lease.reads;
        assert.equal(await post(gateway, '', {}, 'GET'), [404, 'JCR_NOT_FOUND']);
        const other = await fetch(`${gateway}/mait/v1/other`, { method: 'POST', body: bedsMessage(2) });
        assert.is(other.status, 404);
        assert.is(lease.reads, before, 'not forwarded');
      },
    );
  } finally {
    await room.close();
  }
});

test('no leader: 503 JCR_NOT_LEADER; taken and unanswered: 503 JCR_OUTCOME_UNKNOWN', async () => {
  await withGateway(
    () => null,
    async (gateway) => assert.equal(await post(gateway, bedsMessage(1)), [503, 'JCR_NOT_LEADER']),
  );
  // A leader that dies holding the request: the connection taken, then closed without an answer.
  const dying = createTcpServer((socket) => socket.once('data', () => socket.destroy()));
  const url = await listen(dying);
  try {
    await withGateway(
      () => url,
      async (gateway) => assert.equal(await post(gateway, bedsMessage(1)), [503, 'JCR_OUTCOME_UNKNOWN']),
    );
  } finally {
    dying.close();
  }
  // A leader whose address refuses connections (it just died): nothing was sent.
  const gone = createTcpServer();
  const goneUrl = await listen(gone);
  await new Promise<void>((r) => gone.close(() => r()));
  await withGateway(
    () => goneUrl,
    async (gateway) => assert.equal(await post(gateway, bedsMessage(1)), [503, 'JCR_NOT_LEADER']),
  );
});

test.run();
