/**
 * The simulator's REST client across a failover (sim/net/failover.ts FailoverApi): a call a
 * standby refuses (503 JCR_NOT_LEADER) goes to the next address; one answered 503
 * JCR_OUTCOME_UNKNOWN (the leader stopped after sending the change to the cluster log) may have
 * been applied, so a write is not sent again (a second incident, a second mobilisation) unless
 * repeating it is harmless (an incident create with its idempotencyKey): it is logged and
 * answered with that code. A connection lost mid-write is answered the same way, not as
 * JCR_NOT_LEADER ("nothing changed").
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorCodeOf } from '../sim/net/clients.ts';
import { FailoverApi, resendable } from '../sim/net/failover.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const answer =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.statusCode = status;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(body));
  };
const unknown = answer(503, { error: { code: 'JCR_OUTCOME_UNKNOWN', message: 'the leader stopped' } });
const created = answer(201, { incident: { id: 'INC-1' } });

/** Two instances on port 0, each answering with its handler; what each was sent. */
async function room(first: Handler, second: Handler) {
  const seen: string[][] = [[], []];
  const servers: Server[] = [first, second].map((h, i) =>
    createServer((req, res) => {
      seen[i]?.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => h(req, res));
    }),
  );
  for (const s of servers) await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const urls = servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`);
  const logged: string[] = [];
  const api = new FailoverApi(urls, 'token', undefined, (msg) => logged.push(msg));
  return {
    api,
    seen,
    logged,
    close: () => {
      for (const s of servers) s.closeAllConnections();
      return Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

test('an unkeyed write answered JCR_OUTCOME_UNKNOWN is not sent again: logged, answered with the code', async () => {
  const r = await room(unknown, created);
  try {
    const res = await r.api.call('POST', '/api/incidents/INC-1/mobilise', { resourceIds: ['R1'] });
    assert.equal([res.status, errorCodeOf(res.body)], [503, 'JCR_OUTCOME_UNKNOWN']);
    assert.equal(r.seen, [['POST /api/incidents/INC-1/mobilise'], []]);
    assert.ok(
      r.logged.includes('REST write outcome unknown: not sent again; reading the state again'),
      r.logged.join(),
    );
  } finally {
    await r.close();
  }
});

test('a keyed incident create answered JCR_OUTCOME_UNKNOWN is sent again to the next instance', async () => {
  const r = await room(unknown, created);
  try {
    const body = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'sim-key-0001' };
    const res = await r.api.call('POST', '/api/incidents', body);
    assert.equal(res, { status: 201, body: { incident: { id: 'INC-1' } } });
    assert.equal(r.seen, [['POST /api/incidents'], ['POST /api/incidents']]);
  } finally {
    await r.close();
  }
});

test('a write whose connection is lost mid-call is answered JCR_OUTCOME_UNKNOWN, not sent again', async () => {
  const r = await room((req) => req.socket.destroy(), created);
  try {
    const res = await r.api.call('POST', '/api/incidents/INC-1/notes', { text: 'crew on scene' });
    assert.equal([res.status, errorCodeOf(res.body)], [503, 'JCR_OUTCOME_UNKNOWN']);
    assert.equal(r.seen, [['POST /api/incidents/INC-1/notes'], []]);
  } finally {
    await r.close();
  }
});

test('which calls are sent again after an unknown outcome', () => {
  const cases: [string, string, unknown, boolean][] = [
    ['GET', '/api/resources', undefined, true],
    ['POST', '/api/login', { username: 'u', password: 'p' }, true],
    ['POST', '/api/incidents', { typeId: 't', lat: 0, lon: 0, idempotencyKey: 'k-00000001' }, true],
    ['POST', '/api/incidents', { typeId: 't', lat: 0, lon: 0 }, false],
    ['POST', '/api/incidents/INC-1/mobilise', { resourceIds: ['R1'] }, false],
    ['POST', '/api/resources/R1/status', { status: 'MOBILISED' }, false],
  ];
  assert.equal(
    cases.map(([m, p, b]) => resendable(m, p, b)),
    cases.map((c) => c[3]),
  );
});

test.run();
