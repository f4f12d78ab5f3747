/**
 * What an agency's own change answers when it takes the agency out of the incident
 * (docs/incidents.md, shared incidents: to an agency that takes no part the incident does not
 * exist). A decline or advice ends the agency's only part, as does standing down its last
 * committed resource; the answer was the whole incident as it then stood (address, METHANE,
 * other agencies' requests and resources) though GET /api/incidents/:id answers it 404. Now
 * such an agency gets what it did alone: its request's outcome, or its booking. One that still
 * takes part gets the incident as before. Mini scenario, fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { api, miniServer, post201, tokenFor } from './support/server.ts';

const T0 = Date.UTC(2026, 0, 1, 9);
const ARREST = { typeId: 'cardiac-arrest', lat: 51.78, lon: -0.21, address: '2 Low St' };

/** The request INC-1-Rn from ambulance to `to`, answered by `by` with `answer`. */
const answered = (n: number, to: string, status: string, by: string, answer: string) => ({
  requestId: `INC-1-R${n}`,
  fromAgency: 'ambulance',
  toAgency: to,
  note: 'assist',
  requestedAt: T0,
  requestedBy: 'ad',
  status,
  lines: [],
  recommendationSeq: null,
  acceptedAt: null,
  acceptedBy: null,
  answeredAt: T0,
  answeredBy: by,
  answer,
  mobilised: [],
});

test('a decline or advice answers the request outcome alone, not the incident the agency left', async () => {
  const server = await miniServer();
  try {
    const amb = await tokenFor(server, 'ambulance-desk', 'ad');
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const police = await tokenFor(server, 'police-dispatcher', 'pd');
    await post201(server, amb, '/api/incidents', ARREST);
    for (const toAgency of ['fire', 'police'])
      await post201(server, amb, '/api/incidents/INC-1/assistance', { toAgency, note: 'assist' });
    const declined = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R1/decline', {
      token: fire,
      body: { reason: 'no crew' },
    });
    assert.equal(
      [declined.status, declined.body],
      [200, { incidentId: 'INC-1', request: answered(1, 'fire', 'declined', 'fd', 'no crew') }],
    );
    const advised = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R2/advise', {
      token: police,
      body: { advice: 'call back if violent' },
    });
    assert.equal(
      [advised.status, advised.body],
      [200, { incidentId: 'INC-1', request: answered(2, 'police', 'advised', 'pd', 'call back if violent') }],
    );
    assert.is((await api(server, 'GET', '/api/incidents/INC-1', { token: fire })).status, 404);
    assert.is((await api(server, 'GET', '/api/incidents/INC-1', { token: police })).status, 404);
  } finally {
    await server.close();
  }
});

test('standing down its last resource answers the booking alone; while it takes part, the incident', async () => {
  const server = await miniServer();
  try {
    const amb = await tokenFor(server, 'ambulance-desk', 'ad');
    const police = await tokenFor(server, 'police-dispatcher', 'pd');
    await post201(server, amb, '/api/incidents', ARREST);
    await post201(server, amb, '/api/incidents/INC-1/assistance', { toAgency: 'police', note: 'assist' });
    const accepted = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R1/accept', {
      token: police,
      body: { resourceIds: ['PC1'], reason: 'nearest car' },
    });
    // Police now supports it: the incident, as before.
    assert.equal([accepted.status, (accepted.body as { id: string }).id], [200, 'INC-1']);
    const off = await api(server, 'PATCH', '/api/incidents/INC-1', { token: amb, body: { supportingAgencies: [] } });
    assert.is(off.status, 200);
    // Committed only (PC1 still mobilised): it sees the incident, and stands its car down.
    assert.is((await api(server, 'GET', '/api/incidents/INC-1', { token: police })).status, 200);
    const stood = await api(server, 'POST', '/api/incidents/INC-1/stand-down', {
      token: police,
      body: { resourceId: 'PC1' },
    });
    assert.equal([stood.status, stood.body], [200, { incidentId: 'INC-1', resourceId: 'PC1', status: 'RETURNING' }]);
    assert.is((await api(server, 'GET', '/api/incidents/INC-1', { token: police })).status, 404);
  } finally {
    await server.close();
  }
});

test.run();
