/**
 * A resource shared with another agency (scenario `sharedWith`: Hertfordshire's fire drone with
 * police) is that agency's to send to its incidents and stand down, by the shared-incident rule
 * (docs/incidents.md: "mobilise, …, status with an incidentId: own resources (and those shared
 * with it)"). The incident routes allowed it; POST /api/resources/:id/status refused it with 403,
 * so police could mobilise the drone but not book it at scene or stand it down from the resource
 * board. A status with no incident stays the owner's. Mini scenario, fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

test('police sets the status of the fire drone shared with it at its own incident, not otherwise', async () => {
  const scenario = miniScenario();
  scenario.resources.find((r) => r.id === 'DRONE1')!.sharedWith = ['police'];
  const server = await miniServer({ scenario });
  try {
    const police = await tokenFor(server, 'police-dispatcher', 'pd');
    const ambulance = await tokenFor(server, 'ambulance-desk', 'ad');
    const c = await api(server, 'POST', '/api/incidents', {
      token: police,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, leadAgency: 'police' },
    });
    assert.is(c.status, 201);
    const status = async (token: string, body: unknown) => {
      const r = await api(server, 'POST', '/api/resources/DRONE1/status', { token, body });
      return [r.status, errorCode(r.body) ?? server.engine.room.fleet.require('DRONE1').status];
    };
    // 3 = MOBILISED, 4 = AT_SCENE, 5 = RETURNING
    assert.equal(await status(police, { status: 'MOBILISED', incidentId: 'INC-1' }), [200, 3]);
    assert.equal(await status(police, { status: 'AT_SCENE', incidentId: 'INC-1' }), [200, 4]);
    assert.equal(await status(police, { status: 'RETURNING', incidentId: 'INC-1' }), [200, 5]);
    // No incident named: the owner's call. Nor is it shared with the ambulance service.
    assert.equal(await status(police, { status: 'UNAVAILABLE' }), [403, 'JCR_FORBIDDEN']);
    assert.equal(await status(ambulance, { status: 'MOBILISED', incidentId: 'INC-1' }), [403, 'JCR_FORBIDDEN']);
    const log = [...server.store.events(0)].filter((e) => e.type === 'resource.status');
    assert.equal(
      log.map((e) => [e.origin, e.actor]),
      [
        ['operator', 'pd'],
        ['operator', 'pd'],
        ['operator', 'pd'],
      ],
    );
  } finally {
    await server.close();
  }
});

test.run();
