/**
 * Shared incidents over REST (issue 22 item 1): the defects found by trying joint work as a user,
 * each fixed by asking the one rule in server/core/auth/incident-access.ts. A fire-led dwelling
 * fire with police supporting; the duty officer sends a pump, the police car and the ambulance.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

interface World {
  server: RunningServer;
  duty: string;
  fire: string;
  police: string;
  amb: string;
  id: string;
}

/** The incident, led by fire with police supporting; HAT1, PC1 and AMB1 mobilised by the duty officer. */
async function world(): Promise<World> {
  const server = await miniServer({ straightLine: true });
  const duty = await tokenFor(server, 'duty-officer', 'duty');
  const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
  const police = await tokenFor(server, 'police-dispatcher', 'pd');
  const amb = await tokenFor(server, 'ambulance-desk', 'ad');
  const c = await api(server, 'POST', '/api/incidents', {
    token: fire,
    body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: '1 High St', supportingAgencies: ['police'] },
  });
  const id = (c.body as { id: string }).id;
  const m = await api(server, 'POST', `/api/incidents/${id}/mobilise`, {
    token: duty,
    body: { resourceIds: ['HAT1', 'PC1', 'AMB1'], reason: 'persons reported, road closure' },
  });
  assert.is(m.status, 200, JSON.stringify(m.body));
  return { server, duty, fire, police, amb, id };
}

const said = (r: { status: number; body: unknown }) => [r.status, errorCode(r.body)];
const statusOf = async (w: World, rid: string) =>
  ((await api(w.server, 'GET', `/api/resources/${rid}`, { token: w.duty })).body as { status: string }).status;

test('a supporting agency cannot close the lead agency’s incident (and so cannot stand its pump down)', async () => {
  const w = await world();
  try {
    const r = await api(w.server, 'POST', `/api/incidents/${w.id}/close`, { token: w.police, body: { reason: 'x' } });
    assert.equal(said(r), [403, 'JCR_INCIDENT_LEAD_ONLY']);
    assert.is(await statusOf(w, 'HAT1'), 'MOBILISED');
  } finally {
    await w.server.close();
  }
});

test('a supporting agency cannot book the lead agency’s pump as arrived, leaving or stood down', async () => {
  const w = await world();
  try {
    for (const what of ['arrived', 'left', 'stand-down'])
      assert.equal(
        said(
          await api(w.server, 'POST', `/api/incidents/${w.id}/${what}`, {
            token: w.police,
            body: { resourceId: 'HAT1' },
          }),
        ),
        [403, 'JCR_FORBIDDEN'],
        what,
      );
    assert.is(await statusOf(w, 'HAT1'), 'MOBILISED');
    // Its own car: arrival, then leaving.
    const own = await api(w.server, 'POST', `/api/incidents/${w.id}/arrived`, {
      token: w.police,
      body: { resourceId: 'PC1' },
    });
    assert.is(own.status, 200);
    assert.is(await statusOf(w, 'PC1'), 'AT_SCENE');
    assert.is(
      (await api(w.server, 'POST', `/api/incidents/${w.id}/left`, { token: w.police, body: { resourceId: 'PC1' } }))
        .status,
      200,
    );
    assert.is(await statusOf(w, 'PC1'), 'RETURNING');
  } finally {
    await w.server.close();
  }
});

test('a supporting agency cannot change type, priority or location, but records METHANE', async () => {
  const w = await world();
  try {
    for (const body of [{ priority: 2 }, { typeId: 'cardiac-arrest' }, { lat: 51.78, lon: -0.21 }, { address: 'x' }])
      assert.equal(
        said(await api(w.server, 'PATCH', `/api/incidents/${w.id}`, { token: w.police, body })),
        [403, 'JCR_INCIDENT_LEAD_ONLY'],
        JSON.stringify(body),
      );
    const m = await api(w.server, 'PATCH', `/api/incidents/${w.id}`, {
      token: w.police,
      body: { methane: { hazards: 'crowd gathering' } },
    });
    assert.equal([m.status, (m.body as { methane: { hazards: string } }).methane.hazards], [200, 'crowd gathering']);
    const lead = await api(w.server, 'PATCH', `/api/incidents/${w.id}`, { token: w.fire, body: { priority: 2 } });
    assert.equal([lead.status, (lead.body as { priority: number }).priority], [200, 2]);
  } finally {
    await w.server.close();
  }
});

test('after the duty officer mobilises across services, ambulance and police open the incident their crews are on', async () => {
  const w = await world();
  try {
    for (const t of [w.amb, w.police]) {
      const r = await api(w.server, 'GET', `/api/incidents/${w.id}`, { token: t });
      assert.equal([r.status, (r.body as { visibleTo: string[] }).visibleTo], [200, ['fire', 'police', 'ambulance']]);
      const list = (await api(w.server, 'GET', '/api/incidents', { token: t })).body as { incidents: { id: string }[] };
      assert.equal(
        list.incidents.map((i) => i.id),
        [w.id],
      );
      assert.is((await api(w.server, 'GET', `/api/incidents/${w.id}/log`, { token: t })).status, 200);
    }
  } finally {
    await w.server.close();
  }
});

test('notes and METHANE from every agency that takes part go into one timeline, with the author', async () => {
  const w = await world();
  try {
    const n = await api(w.server, 'POST', `/api/incidents/${w.id}/notes`, {
      token: w.amb,
      body: { text: 'crew request fire to ventilate' },
    });
    assert.equal([n.status, (n.body as { actor: string }).actor], [201, 'ad']);
    await api(w.server, 'PATCH', `/api/incidents/${w.id}`, { token: w.police, body: { methane: { access: 'A1000' } } });
    for (const t of [w.fire, w.police, w.amb]) {
      const log = (await api(w.server, 'GET', `/api/incidents/${w.id}/log`, { token: t })).body as {
        events: { type: string; actor: string }[];
      };
      assert.equal(
        log.events
          .filter((e) => e.type === 'operator.note' || e.type === 'incident.updated')
          .map((e) => [e.type, e.actor]),
        [
          ['operator.note', 'ad'],
          ['incident.updated', 'pd'],
        ],
      );
    }
  } finally {
    await w.server.close();
  }
});

test('closing waits for the other agencies to stand down; the duty officer may force it with a reason', async () => {
  const w = await world();
  try {
    const r = await api(w.server, 'POST', `/api/incidents/${w.id}/close`, { token: w.fire, body: { reason: 'out' } });
    assert.equal(said(r), [409, 'JCR_INCIDENT_STILL_COMMITTED']);
    assert.equal((r.body as { error: { details: unknown } }).error.details, {
      agencies: ['police', 'ambulance'],
      resourceIds: ['PC1', 'AMB1'],
    });
    // The duty officer too, unless forcing; forcing needs a reason and the duty officer.
    assert.equal(
      said(await api(w.server, 'POST', `/api/incidents/${w.id}/close`, { token: w.duty, body: { reason: 'out' } })),
      [409, 'JCR_INCIDENT_STILL_COMMITTED'],
    );
    assert.equal(
      said(
        await api(w.server, 'POST', `/api/incidents/${w.id}/close`, {
          token: w.fire,
          body: { force: true, reason: 'x' },
        }),
      ),
      [403, 'JCR_FORBIDDEN'],
    );
    assert.equal(
      said(await api(w.server, 'POST', `/api/incidents/${w.id}/close`, { token: w.duty, body: { force: true } })),
      [400, 'JCR_VALIDATION'],
    );
    // Police and ambulance stand their own down; then fire closes, standing down its pump.
    for (const [t, rid] of [
      [w.police, 'PC1'],
      [w.amb, 'AMB1'],
    ] as const)
      assert.is(
        (await api(w.server, 'POST', `/api/incidents/${w.id}/stand-down`, { token: t, body: { resourceId: rid } }))
          .status,
        200,
      );
    const ok = await api(w.server, 'POST', `/api/incidents/${w.id}/close`, { token: w.fire, body: { reason: 'out' } });
    assert.equal([ok.status, (ok.body as { status: string }).status], [200, 'closed']);
    assert.equal(
      [await statusOf(w, 'HAT1'), await statusOf(w, 'PC1'), await statusOf(w, 'AMB1')],
      ['RETURNING', 'RETURNING', 'RETURNING'],
    );
  } finally {
    await w.server.close();
  }
});

test('a forced close by the duty officer stands everyone down and keeps the reason', async () => {
  const w = await world();
  try {
    const r = await api(w.server, 'POST', `/api/incidents/${w.id}/close`, {
      token: w.duty,
      body: { force: true, reason: 'ambulance crew unreachable; fire out' },
    });
    assert.equal(
      [r.status, (r.body as { closeReason: string }).closeReason],
      [200, 'ambulance crew unreachable; fire out'],
    );
    assert.is(await statusOf(w, 'AMB1'), 'RETURNING');
  } finally {
    await w.server.close();
  }
});

test('an agency that has been asked sees the incident, mobilises its own and answers its own request only', async () => {
  const w = await world();
  try {
    const c = await api(w.server, 'POST', '/api/incidents', {
      token: w.police,
      body: { typeId: 'dwelling-fire', lat: 51.78, lon: -0.21, leadAgency: 'police' },
    });
    const id = (c.body as { id: string }).id;
    assert.equal(said(await api(w.server, 'GET', `/api/incidents/${id}`, { token: w.fire })), [404, 'JCR_NOT_FOUND']);
    const rq = await api(w.server, 'POST', `/api/incidents/${id}/assistance`, {
      token: w.police,
      body: { toAgency: 'fire' },
    });
    const requestId = (rq.body as { requestId: string }).requestId;
    assert.is((await api(w.server, 'GET', `/api/incidents/${id}`, { token: w.fire })).status, 200);
    assert.equal(
      said(
        await api(w.server, 'POST', `/api/incidents/${id}/assistance/${requestId}/accept`, {
          token: w.police,
          body: {},
        }),
      ),
      [403, 'JCR_FORBIDDEN'],
    );
    const m = await api(w.server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: w.fire,
      body: { resourceIds: ['WGC1'], reason: 'nearest free pump' },
    });
    assert.is(m.status, 200, JSON.stringify(m.body));
  } finally {
    await w.server.close();
  }
});

test.run();
