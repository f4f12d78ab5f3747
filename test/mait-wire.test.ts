/**
 * Issue 18 acceptance: every message type, as it actually crosses between two servers on port 0,
 * validates against docs/mait.xsd under xmllint. Herts transfers an incident and beds accepts it
 * (Create, Acknowledge, Accept), beds' resource attends it (ResourcePosition), a note (Update) and
 * the close (Close); a second transfer is rejected (Reject); a third incident asks beds for pumps
 * and beds offers them (AssistanceRequest, AssistanceResponse). The outboxes hold each message
 * byte for byte as sent, and each was taken by the other room.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MAIT_KINDS } from '../proto/mait.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import { attend, transferAccepted } from './support/mait-attend.ts';
import { serverPair, type ServerPair } from './support/mait-servers.ts';
import { api, tokenFor } from './support/server.ts';
import { xmllint } from './support/xmllint.ts';

const JOURNEYS = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);

let pair: ServerPair | undefined;
test.after.each(async () => {
  await pair?.close();
  pair = undefined;
});

test('every message type sent between two servers validates against the XSD with xmllint', async () => {
  pair = await serverPair({ journeys: JOURNEYS });
  const { herts, beds, clock, settle } = pair;
  const tokens = {
    herts: await tokenFor(herts, 'fire-dispatcher', 'hanna'),
    beds: await tokenFor(beds, 'fire-dispatcher', 'bert'),
  };
  const h = tokens.herts;
  const b = tokens.beds;
  const ok = (r: { status: number; body: unknown }, status: number) =>
    assert.is(r.status, status, JSON.stringify(r.body));

  const { ours, theirs } = await transferAccepted(
    herts,
    beds,
    tokens,
    { lat: 51.9, lon: -0.3, address: '5 Border Lane' },
    settle,
  );
  await attend(beds, b, theirs, 'WGC1', { lat: 51.85, lon: -0.25, fixAt: clock.now() });
  ok(await api(herts, 'POST', `/api/incidents/${ours}/notes`, { token: h, body: { text: 'Gas main' } }), 201);
  await settle();
  ok(await api(herts, 'POST', `/api/incidents/${ours}/close`, { token: h, body: { reason: 'handed over' } }), 200);

  const second = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.9, lon: -0.31 },
  });
  ok(second, 201);
  const secondId = (second.body as { id: string }).id;
  ok(await api(herts, 'POST', `/api/incidents/${secondId}/transfer`, { token: h, body: { partnerId: 'beds' } }), 202);
  await settle();
  const rejecting = [...beds.engine.room.transfers.all()].find((t) => t.ref.id === secondId)!;
  ok(await api(beds, 'POST', `/api/transfers/${rejecting.id}/reject`, { token: b, body: { reason: 'No pumps' } }), 200);

  const third = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road' },
  });
  ok(third, 201);
  const thirdId = (third.body as { id: string }).id;
  ok(
    await api(herts, 'POST', `/api/incidents/${thirdId}/partner-assistance`, {
      token: h,
      body: { partnerId: 'beds', capability: 'pump', count: 2 },
    }),
    201,
  );
  await settle();
  const asked = [...beds.engine.room.transfers.all()].find((t) => t.ref.id === thirdId)!;
  ok(await api(beds, 'POST', `/api/transfers/${asked.id}/offer`, { token: b, body: {} }), 200);
  await settle();

  const rows = [...herts.mait!.outbox.all('beds'), ...beds.mait!.outbox.all('herts')];
  // Each was taken by the other room, and every kind is among them.
  assert.equal(
    rows.filter((r) => r.deliveredAt === null || r.deadAt !== null).map((r) => r.messageId),
    [],
  );
  assert.equal([...new Set(rows.map((r) => r.kind))].sort(), [...MAIT_KINDS].sort());
  const r = xmllint(rows.map((row) => row.body));
  assert.is(r.status, 0, r.report);
  assert.is(r.report, rows.map((_, i) => `m${i}.xml validates\n`).join(''));
});

test.run();
