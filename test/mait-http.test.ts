/**
 * Issue 18 acceptance, over HTTP: two servers on port 0 ('herts' and 'beds') that are each
 * other's partner, delivering signed XML to /mait/v1/messages. A transfer from the REST API to
 * the close; and what the partners' door refuses (bad signature, malformed XML, unknown type)
 * with its stable code and nothing applied, the same message twice, and messages out of order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { bedsMessage, postMait, serverPair, type ServerPair } from './support/mait-servers.ts';

interface TransferJson {
  id: string;
  direction: string;
  status: string;
  ackStage: string | null;
  partnerIncidentId: string | null;
  incidentId: string | null;
  reason: string | null;
  closed: boolean;
}

async function transfers(s: RunningServer, token: string, query = ''): Promise<TransferJson[]> {
  const r = await api(s, 'GET', `/api/transfers${query}`, { token });
  assert.is(r.status, 200);
  return (r.body as { transfers: TransferJson[] }).transfers;
}

async function log(s: RunningServer, token: string, id: string): Promise<string[]> {
  const r = await api(s, 'GET', `/api/incidents/${id}/log`, { token });
  const events = (r.body as { events: Array<{ type: string; origin: string; actor: string; data: unknown }> }).events;
  return events.map((e) => {
    const m = (e.data as { message?: { kind: string } }).message;
    return `${e.type}${m ? ` ${m.kind}` : ''} ${e.origin}:${e.actor}`;
  });
}

/** Servers of the test running now, closed after it whether it passed or not. */
let pairs: ServerPair[] = [];
test.after.each(async () => {
  for (const p of pairs) await p.close();
  pairs = [];
});

test('transfer over HTTP: create -> acknowledged -> accepted -> updates both ways -> close', async () => {
  const pair: ServerPair = await serverPair();
  pairs.push(pair);
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const b = await tokenFor(beds, 'fire-dispatcher', 'bert');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3, address: '5 Border Lane' },
  });
  assert.is(c.status, 201, JSON.stringify(c.body));
  const ours = (c.body as { id: string }).id;
  const partners = await api(herts, 'GET', `/api/incidents/${ours}/partners`, { token: h });
  assert.equal((partners.body as { partners: unknown[] }).partners, [
    { id: 'beds', name: 'Bedfordshire', holds: true, metres: 0, mapsType: true },
  ]);

  const t = await api(herts, 'POST', `/api/incidents/${ours}/transfer`, { token: h, body: { partnerId: 'beds' } });
  assert.is(t.status, 202, JSON.stringify(t.body));
  // Durable before the answer: the Create is in the outbox.
  assert.equal((t.body as TransferJson).status, 'queued');
  assert.is(herts.mait!.outbox.all('beds').length, 1);
  await settle();
  assert.equal(
    (await transfers(herts, h)).map((x) => [x.direction, x.status, x.ackStage]),
    [['out', 'acknowledged', 'received']],
  );
  const [inbound] = await transfers(beds, b, '?direction=in');
  assert.equal([inbound?.status, inbound?.direction], ['pending', 'in']);

  assert.is((await api(beds, 'POST', `/api/transfers/${inbound!.id}/consider`, { token: b })).status, 200);
  const acc = await api(beds, 'POST', `/api/transfers/${inbound!.id}/accept`, { token: b, body: { note: 'Ours' } });
  assert.is(acc.status, 200, JSON.stringify(acc.body));
  const theirs = (acc.body as TransferJson).incidentId!;
  assert.is(theirs, 'INC-1');
  await settle();
  assert.equal(
    (await transfers(herts, h)).map((x) => [x.status, x.ackStage, x.partnerIncidentId]),
    [['accepted', 'considering', 'INC-1']],
  );

  assert.is(
    (await api(herts, 'POST', `/api/incidents/${ours}/notes`, { token: h, body: { text: 'Gas main' } })).status,
    201,
  );
  assert.is(
    (await api(beds, 'POST', `/api/incidents/${theirs}/notes`, { token: b, body: { text: '2 pumps' } })).status,
    201,
  );
  await settle();
  const closed = await api(herts, 'POST', `/api/incidents/${ours}/close`, {
    token: h,
    body: { reason: 'handed over' },
  });
  assert.is(closed.status, 200, JSON.stringify(closed.body));
  await settle();

  assert.equal(await log(herts, h, ours), [
    'incident.created operator:hanna',
    'mait.queued Create operator:hanna',
    'mait.received Acknowledge partner:beds',
    'mait.received Acknowledge partner:beds',
    'mait.received Accept partner:beds',
    'operator.note operator:hanna',
    'mait.queued Update system:mait',
    'mait.received Update partner:beds',
    'incident.closed operator:hanna',
    'mait.queued Close system:mait',
  ]);
  assert.equal(await log(beds, b, theirs), [
    'incident.created operator:bert',
    'mait.queued Accept operator:bert',
    'mait.received Update partner:herts',
    'operator.note operator:bert',
    'mait.queued Update system:mait',
    'mait.received Close partner:herts',
  ]);
  assert.equal(
    (await transfers(beds, b, '?status=all')).map((x) => [x.status, x.closed]),
    [['accepted', true]],
  );
});

test('reject with a reason over HTTP; a blank reason is refused', async () => {
  const pair = await serverPair();
  pairs.push(pair);
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher');
  const b = await tokenFor(beds, 'fire-dispatcher');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.3 },
  });
  const ours = (c.body as { id: string }).id;
  await api(herts, 'POST', `/api/incidents/${ours}/transfer`, { token: h, body: { partnerId: 'beds' } });
  await settle();
  const [inbound] = await transfers(beds, b);
  const blank = await api(beds, 'POST', `/api/transfers/${inbound!.id}/reject`, { token: b, body: { reason: ' ' } });
  assert.equal([blank.status, errorCode(blank.body)], [400, 'JCR_VALIDATION']);
  const rej = await api(beds, 'POST', `/api/transfers/${inbound!.id}/reject`, {
    token: b,
    body: { reason: 'No pumps free' },
  });
  assert.is(rej.status, 200);
  await settle();
  assert.equal(
    (await transfers(herts, h)).map((x) => [x.status, x.reason]),
    [['rejected', 'No pumps free']],
  );
  const again = await api(beds, 'POST', `/api/transfers/${inbound!.id}/accept`, { token: b });
  assert.equal([again.status, errorCode(again.body)], [409, 'JCR_REQUEST_ANSWERED']);
});

test("the partners' door: bad signature, malformed XML, unknown type refused, nothing applied", async () => {
  const pair = await serverPair();
  pairs.push(pair);
  const { herts, clock } = pair;
  const now = clock.now();
  const before = herts.engine.room.lastSeq;
  const cases = [
    await postMait(herts, bedsMessage(1), { now, secret: 'not-the-secret-0123456789abcdef0123456789' }),
    await postMait(herts, '<Mait xmlns="urn:jcr:mait:1"><Create>', { now }),
    await postMait(herts, bedsMessage(1, 'volcano'), { now }),
    await postMait(herts, bedsMessage(1), { now, from: 'kent' }),
  ];
  assert.equal(
    cases.map((r) => [r.status, r.code]),
    [
      [401, 'JCR_MAIT_BAD_SIGNATURE'],
      [400, 'JCR_MAIT_MALFORMED'],
      [422, 'JCR_MAIT_UNKNOWN_TYPE'],
      [401, 'JCR_MAIT_UNKNOWN_PARTNER'],
    ],
  );
  assert.is(herts.engine.room.lastSeq, before);
  assert.is(herts.mait!.held.count(), 0);
  assert.is([...herts.engine.room.transfers.all()].length, 0);
});

test('over HTTP: the same message twice is applied once; out of order is held, then applied in order', async () => {
  const pair = await serverPair();
  pairs.push(pair);
  const { herts, clock } = pair;
  const now = clock.now();
  const outcomes = [];
  for (const seq of [3, 2, 3, 1, 1, 2])
    outcomes.push(await postMait(herts, bedsMessage(seq), { now }).then((r) => `${r.status} ${r.outcome}`));
  assert.equal(outcomes, ['202 held', '202 held', '202 held', '200 applied', '200 duplicate', '200 duplicate']);
  const applied = [...herts.engine.store.events(0)].flatMap((e) =>
    e.type === 'mait.received' ? [e.data.message.seq] : [],
  );
  assert.equal(applied, [1, 2, 3]);
  assert.is(herts.mait!.held.count(), 0);
  assert.is([...herts.engine.room.transfers.all()][0]?.content?.typeText, 'House fire v3');
});

test.run();
