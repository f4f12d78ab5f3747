/**
 * Issue 18, delivery: a message the partner always refuses is not retried forever. Two servers on
 * port 0; herts maps dwelling fires to a type beds does not know, so beds refuses that Create with
 * 422 JCR_MAIT_UNKNOWN_TYPE every time. After MAIT_DEAD_AFTER refusals it is a dead letter: no
 * more attempts, the rest of its thread held behind it, other incidents delivered, all of it
 * shown by the API; a duty officer's retry, once beds knows the type, delivers the thread in order.
 * Both the dead letter and the retry are events in the log (mait.deadLettered, mait.revived).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAIT_DEAD_AFTER } from '../server/shell/mait/courier.ts';
import { MAIT_REFUSALS } from '../server/shell/mait/transport.ts';
import { serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

let pairs: ServerPair[] = [];
test.after.each(async () => {
  for (const p of pairs) await p.close();
  pairs = [];
});

/** Let both couriers run for `minutes` of fake time, a minute at a time. */
async function run(pair: ServerPair, minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    await pair.herts.mait!.courier.settled();
    await pair.beds.mait!.courier.settled();
    pair.clock.advance(60_000);
    pair.timers.fire();
  }
  await pair.herts.mait!.courier.settled();
  await pair.beds.mait!.courier.settled();
}

test('the policy: which answers count, and how many make a dead letter', () => {
  assert.is(MAIT_DEAD_AFTER, 5);
  assert.equal([...MAIT_REFUSALS], [400, 409, 413, 415, 422]);
});

test('a message beds always refuses becomes a dead letter; its thread waits, others go; a retry delivers', async () => {
  const pair = await serverPair();
  pairs.push(pair);
  const { herts, beds } = pair;
  const duty = await tokenFor(herts, 'duty-officer', 'dora');
  const fd = await tokenFor(herts, 'fire-dispatcher', 'fred');
  herts.mait!.partners.partners[0]!.types[0] = { ours: 'dwelling-fire', theirs: 'volcano' };
  const open = async (typeId: string) => {
    const c = await api(herts, 'POST', '/api/incidents', { token: duty, body: { typeId, lat: 51.9, lon: -0.3 } });
    assert.is(c.status, 201, JSON.stringify(c.body));
    return (c.body as { id: string }).id;
  };
  const fire = await open('dwelling-fire');
  const heart = await open('cardiac-arrest');
  for (const id of [fire, heart])
    assert.is(
      (await api(herts, 'POST', `/api/incidents/${id}/transfer`, { token: duty, body: { partnerId: 'beds' } })).status,
      202,
    );
  assert.is(
    (await api(herts, 'POST', `/api/incidents/${fire}/notes`, { token: duty, body: { text: 'Gas main' } })).status,
    201,
  );
  await run(pair, 15);

  const rows = herts.mait!.outbox.all('beds').map((r) => ({
    m: `${r.incidentKey} ${r.kind}#${r.seq}`,
    attempts: r.attempts,
    refusals: r.refusals,
    dead: r.deadAt !== null,
    delivered: r.deliveredAt !== null,
    error: r.lastError,
  }));
  assert.equal(rows, [
    {
      m: `herts/${fire} Create#1`,
      attempts: 5,
      refusals: 5,
      dead: true,
      delivered: false,
      error: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE',
    },
    { m: `herts/${heart} Create#1`, attempts: 1, refusals: 0, dead: false, delivered: true, error: null },
    // The note's Update waits behind the dead Create: never sent (beds would only hold it).
    { m: `herts/${fire} Update#2`, attempts: 0, refusals: 0, dead: false, delivered: false, error: null },
  ]);
  // beds has the cardiac arrest and nothing of the fire.
  assert.equal(
    [...beds.engine.room.transfers.all()].map((t) => t.ref.id),
    [heart],
  );

  // What operators see.
  const dl = await api(herts, 'GET', '/api/partner-links/dead-letters', { token: fd });
  assert.equal(dl.body, {
    deadLetters: [
      {
        messageId: `herts:herts:${fire}:1`,
        partnerId: 'beds',
        incident: `herts/${fire}`,
        kind: 'Create',
        seq: 1,
        queuedAt: herts.mait!.outbox.get(`herts:herts:${fire}:1`)!.queuedAt,
        attempts: 5,
        refusals: 5,
        lastError: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE',
        deadAt: herts.mait!.outbox.get(`herts:herts:${fire}:1`)!.deadAt,
        blocked: 1,
      },
    ],
  });
  const links = await api(herts, 'GET', '/api/partner-links', { token: fd });
  const [link] = (links.body as { partners: Array<Record<string, unknown>> }).partners;
  assert.equal([link?.id, link?.queued, link?.head, link?.deadLetters], ['beds', 1, null, 1]);
  const list = await api(herts, 'GET', '/api/transfers', { token: duty });
  const views = (list.body as { transfers: Array<{ ref: { id: string }; status: string; deadLetter: unknown }> })
    .transfers;
  assert.equal(
    views.map((t) => [t.ref.id, t.status, (t.deadLetter as { kind: string; blocked: number } | null)?.blocked ?? null]),
    [
      [fire, 'queued', 1],
      [heart, 'acknowledged', null],
    ],
  );

  // No more attempts, however long we wait.
  await run(pair, 30);
  assert.is(herts.mait!.outbox.get(`herts:herts:${fire}:1`)!.attempts, 5);

  // beds learns the type; a dispatcher may not retry, a duty officer may, and the thread goes in order.
  beds.engine.room.scenario.incidentTypes.push({ ...beds.engine.room.scenario.incidentTypes[0]!, id: 'volcano' });
  const denied = await api(herts, 'POST', `/api/partner-links/dead-letters/herts:herts:${fire}:1/retry`, { token: fd });
  assert.equal([denied.status, errorCode(denied.body)], [403, 'JCR_FORBIDDEN']);
  const unknown = await api(herts, 'POST', '/api/partner-links/dead-letters/nope/retry', { token: duty });
  assert.equal([unknown.status, errorCode(unknown.body)], [404, 'JCR_NOT_FOUND']);
  const retried = await api(herts, 'POST', `/api/partner-links/dead-letters/herts:herts:${fire}:1/retry`, {
    token: duty,
  });
  assert.is(retried.status, 200);
  await run(pair, 2);
  assert.equal(herts.mait!.outbox.deadLetters(), []);
  assert.is(herts.mait!.outbox.pendingCount(), 0);
  const inbound = [...beds.engine.room.transfers.all()].find((t) => t.ref.id === fire);
  assert.equal([inbound?.content?.type, inbound?.content?.timeline.map((e) => e.text)], ['volcano', ['Gas main']]);
  // Both in the log, so every instance of a cluster holds the same dead letters.
  const fireId = `herts:herts:${fire}:1`;
  assert.equal(
    [...herts.store.events(0)].flatMap((e) =>
      e.type === 'mait.deadLettered' || e.type === 'mait.revived' ? [{ type: e.type, actor: e.actor, ...e.data }] : [],
    ),
    [
      {
        type: 'mait.deadLettered',
        actor: 'mait-courier',
        partnerId: 'beds',
        messageId: fireId,
        refusals: 5,
        error: 'HTTP 422 JCR_MAIT_UNKNOWN_TYPE',
      },
      { type: 'mait.revived', actor: 'dora', partnerId: 'beds', messageId: fireId },
    ],
  );
});

test.run();
