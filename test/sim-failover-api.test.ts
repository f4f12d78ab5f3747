/**
 * The simulator's REST client across a failover (sim/net/failover.ts FailoverApi): a call a
 * standby refuses (503 JCR_NOT_LEADER) goes to the next address; one answered 503
 * JCR_OUTCOME_UNKNOWN (the leader stopped after sending the change to the cluster log) may have
 * been applied, so a write is not sent again (a second incident, a second mobilisation) unless
 * repeating it is harmless (an incident create with its idempotencyKey): it is logged and
 * answered with that code. A connection lost mid-write is answered the same way, not as
 * JCR_NOT_LEADER ("nothing changed"). The rule is the screens' (proto/resend.ts), and the
 * simulator's creates carry their key (sim/live/incident-create.ts): one the room made but whose
 * answer was lost as unknown is sent again and makes one incident.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { repeatable } from '../proto/resend.ts';
import { createKeys, incidentCreate } from '../sim/live/incident-create.ts';
import { errorCodeOf, incidentIdOf } from '../sim/net/clients.ts';
import { FailoverApi } from '../sim/net/failover.ts';
import { api, tokenFor, withMiniServer } from './support/server.ts';

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
    cases.map(([m, p, b]) => repeatable(m, p, b)),
    cases.map((c) => c[3]),
  );
});

test("the simulator's create, made by the room but answered JCR_OUTCOME_UNKNOWN, is sent again: one incident", async () => {
  await withMiniServer({}, async (room) => {
    const token = await tokenFor(room, 'duty-officer', 'sim');
    // The first instance hands the create to the room, then answers as a leader that stopped
    // before the cluster log confirmed it: the change is made, its answer lost.
    const made: number[] = [];
    const first = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`${room.url}${req.url}`, {
          method: req.method,
          headers: { authorization: String(req.headers.authorization), 'content-type': 'application/json' },
          body: Buffer.concat(chunks),
        }).then((r) => {
          made.push(r.status);
          unknown(req, res);
        });
      });
    });
    await new Promise<void>((r) => first.listen(0, '127.0.0.1', () => r()));
    try {
      const firstUrl = `http://127.0.0.1:${(first.address() as AddressInfo).port}`;
      const client = new FailoverApi([firstUrl, room.url], token);
      const call = {
        ref: 'SIM-1',
        t: 0,
        typeId: 'dwelling-fire',
        priority: 1,
        leadAgency: 'fire',
        lat: 51.77,
        lon: -0.22,
        near: 'Hatfield',
      } as const;
      const body = incidentCreate(call, createKeys('run-0001')(call.ref));
      assert.is(body.idempotencyKey, 'sim-run-0001-SIM-1');
      const res = await client.call('POST', '/api/incidents', body);
      assert.equal([res.status, incidentIdOf(res.body)], [201, 'INC-1']);
      assert.equal(made, [201], 'the first send made it');
      const list = (await api(room, 'GET', '/api/incidents', { token })).body as { incidents: { id: string }[] };
      assert.equal(
        list.incidents.map((i) => i.id),
        ['INC-1'],
        'sent twice, made once',
      );
    } finally {
      first.closeAllConnections();
      await new Promise((r) => first.close(r));
    }
  });
});

test.run();
