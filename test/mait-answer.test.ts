/**
 * Who answers a partner's transfer or request for assistance (issue 18, server/core/mait/answer.ts):
 * the agency it is routed to (a transfer: the lead agency of its type; a request: the agencies
 * with the asked capability) and the duty officer. Two servers on port 0: herts sends beds a
 * dwelling fire (fire-led) and asks it for pumps (fire's capability); beds' police and ambulance
 * dispatchers, and a duty officer acting for police, are refused JCR_FORBIDDEN and nothing is
 * queued; the fire dispatcher and the duty officer answer.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { pairPerTest, STRAIGHT_LINE } from './support/mait-servers.ts';

const openPair = pairPerTest(test);

interface TransferJson {
  id: string;
  kind: string;
  status: string;
  ackStage: string | null;
}

/** Herts sends beds a transfer of a dwelling fire and a request for 2 pumps; beds' incoming ids. */
async function incoming(): Promise<{ beds: RunningServer; transferId: string; requestId: string }> {
  const pair = await openPair({ journeys: STRAIGHT_LINE });
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const create = async (lat: number, lon: number) => {
    const c = await api(herts, 'POST', '/api/incidents', { token: h, body: { typeId: 'dwelling-fire', lat, lon } });
    assert.is(c.status, 201, JSON.stringify(c.body));
    return (c.body as { id: string }).id;
  };
  const one = await create(51.9, -0.3);
  const two = await create(51.8, -0.25);
  assert.is(
    (await api(herts, 'POST', `/api/incidents/${one}/transfer`, { token: h, body: { partnerId: 'beds' } })).status,
    202,
  );
  const ask = await api(herts, 'POST', `/api/incidents/${two}/partner-assistance`, {
    token: h,
    body: { partnerId: 'beds', capability: 'pump', count: 2 },
  });
  assert.is(ask.status, 201, JSON.stringify(ask.body));
  await settle();
  const duty = await tokenFor(beds, 'duty-officer', 'dora');
  const list = (await api(beds, 'GET', '/api/transfers?direction=in', { token: duty })).body as {
    transfers: TransferJson[];
  };
  assert.equal(
    list.transfers.map((t) => [t.id, t.kind, t.status]),
    [
      ['TR-1', 'transfer', 'pending'],
      ['TR-2', 'assistance', 'pending'],
    ],
  );
  return { beds, transferId: 'TR-1', requestId: 'TR-2' };
}

test('only the agency a transfer is routed to, or the duty officer, answers it', async () => {
  const { beds, transferId } = await incoming();
  const queued = () => beds.mait!.outbox.all('herts').length;
  const before = queued();
  const police = await tokenFor(beds, 'police-dispatcher', 'pete');
  const amb = await tokenFor(beds, 'ambulance-desk', 'alice');
  const duty = await tokenFor(beds, 'duty-officer', 'dora');
  const refusals: string[] = [];
  for (const [token, extra] of [
    [police, {}],
    [amb, {}],
    [duty, { actingAgency: 'police' }],
  ] as const) {
    for (const [answer, body] of [
      ['consider', { ...extra }],
      ['accept', { ...extra }],
      ['reject', { reason: 'Not ours', ...extra }],
    ] as const) {
      const r = await api(beds, 'POST', `/api/transfers/${transferId}/${answer}`, { token, body });
      refusals.push(
        `${answer} ${r.status} ${errorCode(r.body)} ${(r.body as { error: { path?: string } }).error?.path}`,
      );
    }
  }
  assert.equal(
    refusals,
    Array(9)
      .fill(null)
      .map((_, i) => `${['consider', 'accept', 'reject'][i % 3]} 403 JCR_FORBIDDEN transferId`),
  );
  // Nothing applied: still pending, nothing more for herts, no incident opened.
  const t = (await api(beds, 'GET', `/api/transfers/${transferId}`, { token: duty })).body as TransferJson;
  assert.equal([t.status, t.ackStage], ['pending', 'received'], 'not considering');
  assert.is(queued(), before);
  assert.equal(((await api(beds, 'GET', '/api/incidents', { token: duty })).body as { incidents: [] }).incidents, []);

  const fire = await tokenFor(beds, 'fire-dispatcher', 'bert');
  assert.is((await api(beds, 'POST', `/api/transfers/${transferId}/consider`, { token: fire })).status, 200);
  const acc = await api(beds, 'POST', `/api/transfers/${transferId}/accept`, { token: duty, body: {} });
  assert.is(acc.status, 200, JSON.stringify(acc.body));
  assert.is((acc.body as TransferJson).status, 'accepted');
  assert.is(queued(), before + 2);
});

test('only an agency with the asked capability, or the duty officer, offers for a request', async () => {
  const { beds, requestId } = await incoming();
  const queued = () => beds.mait!.outbox.all('herts').length;
  const before = queued();
  const police = await tokenFor(beds, 'police-dispatcher', 'pete');
  const duty = await tokenFor(beds, 'duty-officer', 'dora');
  for (const [token, body] of [
    [police, {}],
    [police, { resourceIds: ['PC1'] }],
    [duty, { actingAgency: 'ambulance' }],
  ] as const) {
    const r = await api(beds, 'POST', `/api/transfers/${requestId}/offer`, { token, body });
    assert.equal([r.status, errorCode(r.body)], [403, 'JCR_FORBIDDEN'], JSON.stringify(r.body));
  }
  const rej = await api(beds, 'POST', `/api/transfers/${requestId}/reject`, {
    token: police,
    body: { reason: 'No' },
  });
  assert.equal([rej.status, errorCode(rej.body)], [403, 'JCR_FORBIDDEN']);
  assert.is(queued(), before);

  const fire = await tokenFor(beds, 'fire-dispatcher', 'bert');
  const offer = await api(beds, 'POST', `/api/transfers/${requestId}/offer`, { token: fire, body: {} });
  assert.is(offer.status, 200, JSON.stringify(offer.body));
  assert.is(queued(), before + 1);
});

test.run();
