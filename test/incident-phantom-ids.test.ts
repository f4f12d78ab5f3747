/**
 * Issue 15 item 4, phantom incident ids: POST /api/resources/:id/status with an `incidentId`
 * needs an open incident the caller's agency takes part in. Unknown and unseen incidents get the
 * same 404 JCR_NOT_FOUND; only an incident the caller sees answers 409 when it is closed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, miniServer, tokenFor } from './support/server.ts';

async function boot(): Promise<{ server: RunningServer; fire: string; police: string }> {
  const server = await miniServer();
  return {
    server,
    fire: await tokenFor(server, 'fire-dispatcher', 'fd'),
    police: await tokenFor(server, 'police-dispatcher', 'pd'),
  };
}

const error = (r: { status: number; body: unknown }) => [r.status, (r.body as { error?: unknown }).error];
const status = (server: RunningServer, token: string, rid: string, body: unknown) =>
  api(server, 'POST', `/api/resources/${rid}/status`, { token, body });

test('item 4: a status change naming an incident that does not exist is refused', async () => {
  const { server, fire } = await boot();
  try {
    assert.equal(error(await status(server, fire, 'HAT1', { status: 'MOBILISED', incidentId: 'INC-99' })), [
      404,
      { code: 'JCR_NOT_FOUND', message: 'unknown incident "INC-99"', path: 'incidentId' },
    ]);
    assert.equal(server.engine.room.fleet.require('HAT1').incidentId ?? null, null);
  } finally {
    await server.close();
  }
});

test('item 4: the next sequential id is refused before it exists, so no pump is left committed to it once closed', async () => {
  const { server, fire } = await boot();
  try {
    assert.is((await status(server, fire, 'HAT1', { status: 'MOBILISED', incidentId: 'INC-1' })).status, 404);
    const c = await api(server, 'POST', '/api/incidents', {
      token: fire,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 },
    });
    assert.is((c.body as { id: string }).id, 'INC-1');
    assert.is((await api(server, 'POST', '/api/incidents/INC-1/close', { token: fire, body: {} })).status, 200);
    const hat1 = server.engine.room.fleet.require('HAT1');
    assert.equal([hat1.status, hat1.incidentId ?? null], [1, null]); // still AVAILABLE_AT_STATION, held by nothing
  } finally {
    await server.close();
  }
});

test('item 4: an incident the caller does not take part in answers as an unknown one, closed or open', async () => {
  const { server, fire, police } = await boot();
  try {
    await api(server, 'POST', '/api/incidents', {
      token: fire,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22 },
    });
    await api(server, 'POST', '/api/incidents', {
      token: fire,
      body: { typeId: 'dwelling-fire', lat: 51.78, lon: -0.2 },
    });
    assert.is((await api(server, 'POST', '/api/incidents/INC-2/close', { token: fire, body: {} })).status, 200);
    for (const id of ['INC-1', 'INC-2', 'INC-3'])
      assert.equal(error(await status(server, police, 'PC1', { status: 'MOBILISED', incidentId: id })), [
        404,
        { code: 'JCR_NOT_FOUND', message: `unknown incident "${id}"`, path: 'incidentId' },
      ]);
    // Fire sees its own closed incident: that one is a conflict.
    assert.equal(error(await status(server, fire, 'HAT1', { status: 'MOBILISED', incidentId: 'INC-2' })), [
      409,
      { code: 'JCR_CONFLICT', message: 'incident INC-2 is closed', path: 'incidentId' },
    ]);
    const ok = await status(server, fire, 'HAT1', { status: 'MOBILISED', incidentId: 'INC-1' });
    assert.is(ok.status, 200);
  } finally {
    await server.close();
  }
});

test.run();
