/**
 * The request inbox after an agency has left the incident (docs/incidents.md, shared incidents:
 * "to any other agency the incident does not exist"). GET /api/requests listed every request
 * addressed to the agency with its incident's live address, priority and status: a desk that
 * declined went on reading the incident as the lead changed it, though GET /api/incidents/:id
 * answered 404. Requests it raised were already listed only while it sees the incident; now the
 * requests addressed to it are too. Mini scenario, fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { api, miniServer, post201, tokenFor } from './support/server.ts';

interface Item {
  requestId: string;
  address: string;
  status: string;
}

test('a desk that declined no longer reads the incident through its inbox', async () => {
  const server = await miniServer();
  try {
    const amb = await tokenFor(server, 'ambulance-desk', 'ad');
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const duty = await tokenFor(server, 'duty-officer', 'duty');
    const inbox = async (token: string, q = '?status=all') =>
      ((await api(server, 'GET', `/api/requests${q}`, { token })).body as { requests: Item[] }).requests.map((r) => [
        r.requestId,
        r.address,
        r.status,
      ]);
    await post201(server, amb, '/api/incidents', {
      typeId: 'cardiac-arrest',
      lat: 51.78,
      lon: -0.21,
      address: '2 Low St',
    });
    await post201(server, amb, '/api/incidents/INC-1/assistance', { toAgency: 'fire', note: 'co-responder' });
    assert.equal(await inbox(fire, ''), [['INC-1-R1', '2 Low St', 'pending']]);
    const declined = await api(server, 'POST', '/api/incidents/INC-1/assistance/INC-1-R1/decline', {
      token: fire,
      body: { reason: 'no crew' },
    });
    assert.is(declined.status, 200);
    const moved = await api(server, 'PATCH', '/api/incidents/INC-1', {
      token: amb,
      body: { address: 'Flat 3, 2 Low St (safeguarding)', priority: 2 },
    });
    assert.is(moved.status, 200);
    assert.is((await api(server, 'GET', '/api/incidents/INC-1', { token: fire })).status, 404);
    assert.equal(await inbox(fire), []);
    assert.equal(await inbox(fire, '?status=answered'), []);
    // The requester and the duty officer still see the answer.
    const answered = [['INC-1-R1', 'Flat 3, 2 Low St (safeguarding)', 'declined']];
    assert.equal(await inbox(amb, '?status=all&direction=from'), answered);
    assert.equal(await inbox(duty), answered);
  } finally {
    await server.close();
  }
});

test.run();
