/**
 * Cross-border assistance over HTTP (issue 18 item 5): two partner rooms on port 0. An incident
 * 5.5 km from the partner's area lists the partner in its recommendation after our own
 * resources; asking sends an AssistanceRequest; the partner answers with an offer of its
 * quickest pumps and their ETAs; the recommendation lists them "via partner", quickest first;
 * choosing one sends another AssistanceRequest for that resource.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CrossBorder } from '../server/core/mait/cross-border.ts';
import { api, tokenFor } from './support/server.ts';
import { pairPerTest, STRAIGHT_LINE } from './support/mait-servers.ts';

const openPair = pairPerTest(test);

interface TransferJson {
  id: string;
  direction: string;
  kind: string;
  status: string;
  assistance: { requestId: string; capability: string; count: number; note: string; offered: unknown[] } | null;
}

test('ask a near partner, get its offer with ETAs via partner, choose one', async () => {
  const pair = await openPair({ journeys: STRAIGHT_LINE });
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const b = await tokenFor(beds, 'fire-dispatcher', 'bert');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road' },
  });
  assert.is(c.status, 201, JSON.stringify(c.body));
  const id = (c.body as { id: string }).id;

  const rec0 = await api(herts, 'GET', `/api/incidents/${id}/recommendation`, { token: h });
  assert.is(rec0.status, 200, JSON.stringify(rec0.body));
  const keys = Object.keys(rec0.body as object);
  assert.is(keys[keys.length - 1], 'viaPartner', 'listed after our own');
  assert.equal((rec0.body as { viaPartner: CrossBorder }).viaPartner, {
    partners: [{ partnerId: 'beds', name: 'Bedfordshire', metresFromArea: 5529, request: null }],
    offered: [],
  });

  const ask = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: h,
    body: { partnerId: 'beds', capability: 'pump', count: 2, note: 'Over the border' },
  });
  assert.is(ask.status, 201, JSON.stringify(ask.body));
  await settle();
  const inbound = (await api(beds, 'GET', '/api/transfers?direction=in', { token: b })).body as {
    transfers: TransferJson[];
  };
  assert.equal(
    inbound.transfers.map((t) => [t.kind, t.status, t.assistance?.capability, t.assistance?.count]),
    [['assistance', 'pending', 'pump', 2]],
  );

  const offer = await api(beds, 'POST', `/api/transfers/${inbound.transfers[0]!.id}/offer`, { token: b, body: {} });
  assert.is(offer.status, 200, JSON.stringify(offer.body));
  await settle();

  const rec = (await api(herts, 'GET', `/api/incidents/${id}/recommendation`, { token: h })).body as {
    viaPartner: CrossBorder;
    lines: Array<{ capability: string; candidates: Array<{ resourceId: string; etaS: number }> }>;
  };
  assert.equal(
    rec.viaPartner.offered.map((o) => [o.via, o.partnerName, o.resourceId, o.callsign, o.capability, o.etaS]),
    [
      ['partner', 'Bedfordshire', 'WGC1', 'WG-P1', 'pump', 425],
      ['partner', 'Bedfordshire', 'HAT1', 'HT-P1', 'pump', 531],
    ],
  );
  // Both rooms run the same mini scenario: the partner's ETAs are the ones our recommender gives.
  const ours = rec.lines.find((l) => l.capability === 'pump')!.candidates;
  assert.equal(
    ['WGC1', 'HAT1'].map((r) => ours.find((c) => c.resourceId === r)?.etaS),
    [425, 531],
  );
  assert.is(rec.viaPartner.partners[0]!.request?.count, 2);
  // An offer answers the request: accepted on both sides, out of the partner's inbox.
  assert.is(rec.viaPartner.partners[0]!.request?.status, 'accepted');
  const answered = (await api(beds, 'GET', '/api/transfers?direction=in', { token: b })).body as {
    transfers: TransferJson[];
  };
  assert.equal(
    answered.transfers.map((t) => t.status),
    ['accepted'],
  );

  const pick = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: h,
    body: { partnerId: 'beds', resourceId: 'WGC1' },
  });
  assert.is(pick.status, 201, JSON.stringify(pick.body));
  await settle();
  const again = (await api(beds, 'GET', '/api/transfers?direction=in', { token: b })).body as {
    transfers: TransferJson[];
  };
  assert.equal(
    again.transfers.map((t) => [t.assistance?.capability, t.assistance?.count, t.status, t.assistance?.note]),
    [['pump', 1, 'pending', 'Please send WG-P1 (WGC1), offered at 7 min.']],
  );
});

test('an offer of a resource the partner did not offer, or an unknown partner, is refused', async () => {
  const pair = await openPair({ journeys: STRAIGHT_LINE });
  const { herts } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road' },
  });
  const id = (c.body as { id: string }).id;
  const none = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: h,
    body: { partnerId: 'beds', resourceId: 'WGC1' },
  });
  assert.equal([none.status, (none.body as { error: { code: string } }).error.code], [404, 'JCR_NOT_FOUND']);
  const who = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: h,
    body: { partnerId: 'essex', capability: 'pump', count: 1 },
  });
  assert.equal([who.status, (who.body as { error: { code: string } }).error.code], [400, 'JCR_VALIDATION']);
  assert.is(herts.mait!.outbox.all('beds').length, 0);
});

test('a supporting agency asks a partner too; an agency only asked to attend answers first', async () => {
  const pair = await openPair({ journeys: STRAIGHT_LINE });
  const { herts, beds, settle } = pair;
  const h = await tokenFor(herts, 'fire-dispatcher', 'hanna');
  const police = await tokenFor(herts, 'police-dispatcher', 'pete');
  const amb = await tokenFor(herts, 'ambulance-desk', 'alice');
  const c = await api(herts, 'POST', '/api/incidents', {
    token: h,
    body: { typeId: 'dwelling-fire', lat: 51.8, lon: -0.25, address: '9 Border Road', supportingAgencies: ['police'] },
  });
  assert.is(c.status, 201, JSON.stringify(c.body));
  const id = (c.body as { id: string }).id;
  // The supporting agency's screen gets the partners near enough to ask.
  const rec = await api(herts, 'GET', `/api/incidents/${id}/recommendation`, { token: police });
  assert.equal(
    (rec.body as { viaPartner: CrossBorder }).viaPartner.partners.map((p) => p.partnerId),
    ['beds'],
  );
  const ask = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: police,
    body: { partnerId: 'beds', capability: 'police-response', count: 1, note: 'Road closure at the border' },
  });
  assert.is(ask.status, 201, JSON.stringify(ask.body));

  // Ambulance, only asked to attend (a pending joint request), answers that before asking others.
  const joint = await api(herts, 'POST', `/api/incidents/${id}/assistance`, {
    token: h,
    body: { toAgency: 'ambulance', note: 'casualties' },
  });
  assert.is(joint.status, 201, JSON.stringify(joint.body));
  const asked = await api(herts, 'POST', `/api/incidents/${id}/partner-assistance`, {
    token: amb,
    body: { partnerId: 'beds', capability: 'paramedic', count: 1 },
  });
  assert.equal([asked.status, (asked.body as { error: { code: string } }).error.code], [403, 'JCR_FORBIDDEN']);

  await settle();
  const b = await tokenFor(beds, 'police-dispatcher', 'bill');
  const inbound = (await api(beds, 'GET', '/api/transfers?direction=in', { token: b })).body as {
    transfers: TransferJson[];
  };
  assert.equal(
    inbound.transfers.map((t) => [t.kind, t.assistance?.capability, t.assistance?.count, t.assistance?.note]),
    [['assistance', 'police-response', 1, 'Road closure at the border']],
  );
  // Beds' police answer it: the request is routed to the agency with the capability.
  const offer = await api(beds, 'POST', `/api/transfers/${inbound.transfers[0]!.id}/offer`, { token: b, body: {} });
  assert.is(offer.status, 200, JSON.stringify(offer.body));
});

test.run();
