/**
 * The screens' REST calls across a failover (client/state/failover.ts, Api.request): a call the
 * room refuses while it changes over to its standby (503 JCR_NOT_LEADER, 502
 * JCR_LEADER_UNREACHABLE from a COP gateway, a dropped connection) is tried again with a doubling
 * pause for at most 12 s when repeating it is safe; any other write is not sent again and says
 * so in words. Before, every such call failed at once and said only the code.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Api, type ApiResult } from '../client/state/api.ts';
import { createIncident } from '../client/state/commands.ts';
import { repeatable } from '../client/state/failover.ts';
import { ClientStore } from '../client/state/store.ts';

const json = (status: number, body: unknown) => () => Promise.resolve(new Response(JSON.stringify(body), { status }));
const notLeader = json(503, { error: { code: 'JCR_NOT_LEADER', message: 'no instance leads the room just now' } });
const unreachable = json(502, { error: { code: 'JCR_LEADER_UNREACHABLE', message: 'the leader did not answer' } });
const unknown = json(503, {
  error: { code: 'JCR_OUTCOME_UNKNOWN', message: 'the leader stopped after sending the change to the log' },
});
const reset = () => Promise.reject(new TypeError('fetch failed'));
const ok = json(200, { incidents: [] });

/** An Api on a fake clock whose pauses pass at once, answering `answers` in turn (the last again after). */
function world(answers: (() => Promise<Response>)[]) {
  let t = 0;
  const pauses: number[] = [];
  const sent: { path: string; body: unknown }[] = [];
  const api = new Api(
    (path, init) => {
      sent.push({ path, body: init?.body === undefined ? undefined : JSON.parse(String(init.body)) });
      return (answers[Math.min(sent.length, answers.length) - 1] as () => Promise<Response>)();
    },
    '',
    { now: () => t, sleep: async (ms) => void (pauses.push(ms), (t += ms)) },
  );
  const retrying: boolean[] = [];
  api.onRetrying = (on) => retrying.push(on);
  return { api, pauses, sent, retrying };
}

const failed = (r: ApiResult) => (r.ok ? null : { status: r.status, code: r.code, message: r.message });

test('a read waits out a changeover: refusals and a dropped connection, then the answer', async () => {
  const w = world([notLeader, unreachable, reset, ok]);
  const r = await w.api.incidents();
  assert.equal(r, { ok: true, body: { incidents: [] } });
  assert.equal(w.pauses, [250, 500, 1000]);
  assert.is(w.sent.length, 4);
  assert.equal(w.retrying, [true, false]);
});

test('a read still refused after 12 s gives up with the code and says why', async () => {
  const w = world([notLeader]);
  const r = await w.api.incidents();
  assert.equal(w.pauses, [250, 500, 1000, 2000, 2000, 2000, 2000, 2000]); // 11.75 s; the next would pass 12
  assert.is(w.sent.length, 9);
  assert.equal(failed(r), {
    status: 503,
    code: 'JCR_NOT_LEADER',
    message:
      'the room is changing over to its standby (still so after 12 s): nothing was changed, try again in a few seconds',
  });
  assert.equal(w.retrying, [true, false]);
});

test('an incident create with its key is sent again, the same body each time', async () => {
  const created = json(201, { incident: { id: 'INC-1' } });
  const w = world([notLeader, unreachable, created]);
  const body = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'form-key-0001' };
  const r = await w.api.createIncident(body);
  assert.equal(r, { ok: true, body: { incident: { id: 'INC-1' } } });
  assert.equal(
    w.sent.map((s) => s.body),
    [body, body, body],
  );
});

test('a write that may not be repeated is sent once, and says whether it may have been made', async () => {
  const refused = world([notLeader, ok]);
  assert.equal(failed(await refused.api.addNote('INC-1', 'crew on scene')), {
    status: 503,
    code: 'JCR_NOT_LEADER',
    message: 'the room is changing over to its standby: nothing was changed, try again in a few seconds',
  });
  const cut = world([unreachable, ok]);
  assert.equal(failed(await cut.api.mobilise('INC-1', null, undefined, 'fp-1')), {
    status: 502,
    code: 'JCR_LEADER_UNREACHABLE',
    message:
      'the room is changing over or cannot be reached: this change may or may not have been made, check before trying again',
  });
  for (const w of [refused, cut]) {
    assert.is(w.sent.length, 1);
    assert.equal([w.pauses, w.retrying], [[], []]);
  }
});

test('after JCR_OUTCOME_UNKNOWN a keyed create is sent again; an unkeyed write is not, and says to check', async () => {
  const created = json(201, { incident: { id: 'INC-1' } });
  const keyed = world([unknown, created]);
  const body = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'form-key-0002' };
  assert.equal(await keyed.api.createIncident(body), { ok: true, body: { incident: { id: 'INC-1' } } });
  assert.equal(
    keyed.sent.map((s) => s.body),
    [body, body],
  );
  assert.equal(keyed.pauses, [250]);

  const note = world([unknown, ok]);
  const mobilise = world([unknown, ok]);
  const said =
    'the room changed over to its standby before confirming this change: it may or may not have been made, check before trying again';
  assert.equal(failed(await note.api.addNote('INC-1', 'crew on scene')), {
    status: 503,
    code: 'JCR_OUTCOME_UNKNOWN',
    message: said,
  });
  assert.equal(failed(await mobilise.api.mobilise('INC-1', null, undefined, 'fp-1')), {
    status: 503,
    code: 'JCR_OUTCOME_UNKNOWN',
    message: said,
  });
  for (const w of [note, mobilise]) assert.equal([w.sent.length, w.pauses, w.retrying], [1, [], []]);
});

test('a create whose outcome stays unknown is not confirmed and says to check the list', async () => {
  const w = world([unknown]);
  const messages: string[] = [];
  const out = { message: (t: string) => messages.push(t), busy: () => undefined };
  const never = () => undefined;
  const store = new ClientStore({
    timers: { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never },
  });
  const inc = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'form-key-0003' };
  assert.equal(await createIncident({ store, api: w.api }, inc, out), { kind: 'failed' });
  assert.equal(messages, [
    'Creating incident…',
    'Incident not confirmed: the room changed over to its standby before confirming this change (still so after 12 s): it may or may not have been made, check before trying again [JCR_OUTCOME_UNKNOWN]. Check the incident list before creating it again.',
  ]);
});

test('other refusals are answered at once, as they were', async () => {
  const w = world([json(503, { error: { code: 'JCR_NOT_READY', message: 'starting' } }), ok]);
  assert.equal(failed(await w.api.incidents()), { status: 503, code: 'JCR_NOT_READY', message: 'starting' });
  const forbidden = world([json(403, { error: { code: 'JCR_FORBIDDEN', message: 'no' } }), ok]);
  assert.equal(failed(await forbidden.api.resources()), { status: 403, code: 'JCR_FORBIDDEN', message: 'no' });
  assert.is(w.sent.length + forbidden.sent.length, 2);
});

test('a create still cut off after 12 s is not confirmed, never said not created, and not tried again', async () => {
  const w = world([unreachable]);
  const messages: string[] = [];
  const out = { message: (t: string) => messages.push(t), busy: () => undefined };
  const never = () => undefined;
  const store = new ClientStore({
    timers: { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never },
  });
  const inc = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'form-key-0001' };
  assert.equal(await createIncident({ store, api: w.api }, inc, out), { kind: 'failed' });
  assert.is(w.sent.length, 9); // Api's retries only: the command does not wait out the changeover again
  assert.equal(messages, [
    'Creating incident…',
    'Incident not confirmed: the room is changing over or cannot be reached (still so after 12 s): this change may or may not have been made, check before trying again [JCR_LEADER_UNREACHABLE]. Check the incident list before creating it again.',
  ]);
});

test('which writes are repeated', () => {
  const cases: [string, string, unknown, boolean][] = [
    ['GET', '/api/incidents/INC-1/log?after=0&limit=500', undefined, true],
    ['POST', '/api/incidents', { typeId: 't', lat: 0, lon: 0, idempotencyKey: 'k-00000001' }, true],
    ['POST', '/api/incidents', { typeId: 't', lat: 0, lon: 0 }, false],
    ['POST', '/api/login', { username: 'u', password: 'p' }, true],
    ['POST', '/api/logout', undefined, true],
    ['POST', '/api/alerts/A-1/ack', undefined, true],
    ['POST', '/api/incidents/INC-1/mobilise', { accept: true }, false],
    ['POST', '/api/incidents/INC-1/notes', { text: 'x' }, false],
    ['POST', '/api/resources/HAT1/status', { status: 'AVAILABLE' }, false],
    ['PATCH', '/api/incidents/INC-1', { methane: {} }, false],
  ];
  assert.equal(
    cases.map(([m, p, b]) => repeatable(m, p, b)),
    cases.map((c) => c[3]),
  );
});

test('against a server: refused with JCR_NOT_LEADER, then answered', async () => {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.setHeader('content-type', 'application/json');
    if (seen.length === 1) {
      res.statusCode = 503;
      res.end(JSON.stringify({ error: { code: 'JCR_NOT_LEADER', message: 'no instance leads the room just now' } }));
    } else res.end(JSON.stringify({ resources: [] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const api = new Api(undefined, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const retrying: boolean[] = [];
    api.onRetrying = (on) => retrying.push(on);
    assert.equal(await api.resources(), { ok: true, body: { resources: [] } });
    assert.equal(seen, ['GET /api/resources', 'GET /api/resources']);
    assert.equal(retrying, [true, false]);
  } finally {
    server.close();
  }
});

test.run();
