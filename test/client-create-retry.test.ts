/**
 * The screens' incident create, when the server does not answer in time: it says "not
 * confirmed — retrying" and retries with the same idempotencyKey (the server answers a repeat
 * with the incident it already made), and never says "not created" for an unanswered request.
 * Before, one timeout read "Incident not created" and the dispatcher's retry made a duplicate.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Api } from '../client/state/api.ts';
import { createIncident } from '../client/state/commands.ts';
import { ClientStore } from '../client/state/store.ts';

const never = () => undefined;
const timers = { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never };
const timedOut = () => Promise.reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));

function run(answers: (() => Promise<Response>)[]) {
  const keys: unknown[] = [];
  const api = new Api(async (_path, init) => {
    keys.push((JSON.parse(String(init?.body)) as { idempotencyKey?: unknown }).idempotencyKey);
    return answers[keys.length - 1]!();
  });
  const messages: string[] = [];
  const out = { message: (t: string) => messages.push(t), busy: never };
  return { keys, messages, go: () => createIncident({ store: new ClientStore({ timers }), api }, NEW, out) };
}
const NEW = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, idempotencyKey: 'form-key-0001' };

test('a timed-out create is retried with the same key and said to be not confirmed', async () => {
  const refused = () =>
    Promise.resolve(new Response(JSON.stringify({ error: { code: 'JCR_FORBIDDEN', message: 'no' } }), { status: 403 }));
  const r = run([timedOut, refused]);
  assert.equal(await r.go(), { kind: 'failed' });
  assert.equal(r.keys, ['form-key-0001', 'form-key-0001']);
  assert.equal(r.messages, [
    'Creating incident…',
    'Incident not confirmed — retrying…',
    'Incident not created: no [JCR_FORBIDDEN]',
  ]);
});

test('after three unanswered attempts it says not confirmed, never not created', async () => {
  const r = run([timedOut, timedOut, timedOut]);
  assert.equal(await r.go(), { kind: 'failed' });
  assert.equal(r.keys, ['form-key-0001', 'form-key-0001', 'form-key-0001']);
  assert.equal(r.messages.slice(1), [
    'Incident not confirmed — retrying…',
    'Incident not confirmed — retrying…',
    'Incident not confirmed: the server did not answer in time [NETWORK_TIMEOUT]. Check the incident list before creating it again.',
  ]);
});

test('without a key from the form each create gets a fresh random one', async () => {
  const keys: unknown[] = [];
  const api = new Api(async (_p, init) => {
    keys.push((JSON.parse(String(init?.body)) as { idempotencyKey?: unknown }).idempotencyKey);
    return timedOut();
  });
  const out = { message: never, busy: never };
  const deps = { store: new ClientStore({ timers }), api };
  await createIncident(deps, { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 }, out);
  await createIncident(deps, { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 }, out);
  assert.is(keys.length, 6);
  assert.is(new Set(keys).size, 2);
  assert.ok(keys.every((k) => typeof k === 'string' && /^[A-Za-z0-9_-]{8,128}$/.test(k)));
});

test.run();
