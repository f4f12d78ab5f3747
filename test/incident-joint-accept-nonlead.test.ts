/**
 * One-click accept by an agency that does not lead (docs/incidents.md, shared incidents). The
 * accept raised a joint request to every other agency with units in the proposal, whoever
 * accepted: a police desk only *asked* to assist on the ambulance's cardiac arrest could press it
 * and ask the ambulance for its own crew on its own incident, and fire for the co-responder,
 * although an asked agency answers before asking others (403 on POST …/assistance). Now the lead
 * is never asked, and raising requests is judged like asking for assistance. Mini scenario,
 * straight-line journey times, fake clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

interface World {
  server: RunningServer;
  tokens: { fire: string; police: string; amb: string };
}

async function world(): Promise<World> {
  const server = await miniServer({ straightLine: true });
  const tokens = {
    fire: await tokenFor(server, 'fire-dispatcher', 'fd'),
    police: await tokenFor(server, 'police-dispatcher', 'pd'),
    amb: await tokenFor(server, 'ambulance-desk', 'ad'),
  };
  return { server, tokens };
}

const said = (r: { status: number; body: unknown }) => [
  r.status,
  errorCode(r.body),
  (r.body as { error?: { path?: string } }).error?.path,
];
const requestsOf = (w: World, id: string) =>
  w.server.engine.room.incidents.require(id).requests.map((r) => [r.requestId, r.fromAgency, r.toAgency, r.status]);
const decisions = (w: World) => [...w.server.store.events(0)].filter((e) => e.type === 'incident.decision').length;

test('an agency only asked to assist cannot accept the lead’s recommendation and ask others', async () => {
  const w = await world();
  try {
    const c = await api(w.server, 'POST', '/api/incidents', {
      token: w.tokens.amb,
      body: { typeId: 'cardiac-arrest', lat: 51.78, lon: -0.21, address: '2 Low St' },
    });
    const id = (c.body as { id: string }).id;
    const asked = await api(w.server, 'POST', `/api/incidents/${id}/assistance`, {
      token: w.tokens.amb,
      body: { toAgency: 'police', note: 'aggressive patient' },
    });
    assert.is(asked.status, 201);
    const r = await api(w.server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: w.tokens.police,
      body: { accept: true },
    });
    assert.equal(said(r), [403, 'JCR_FORBIDDEN', 'fromAgency']);
    assert.equal(requestsOf(w, id), [['INC-1-R1', 'ambulance', 'police', 'pending']]);
    assert.is(decisions(w), 0);
  } finally {
    await w.server.close();
  }
});

test('a supporting agency’s accept asks a third agency but never the lead for its own units', async () => {
  const w = await world();
  try {
    const c = await api(w.server, 'POST', '/api/incidents', {
      token: w.tokens.amb,
      body: { typeId: 'cardiac-arrest', lat: 51.78, lon: -0.21, supportingAgencies: ['police'] },
    });
    const id = (c.body as { id: string }).id;
    const r = await api(w.server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: w.tokens.police,
      body: { accept: true },
    });
    assert.is(r.status, 200, JSON.stringify(r.body));
    const d = (r.body as { decision: { chosen: string[]; requests: Array<{ toAgency: string }> } }).decision;
    assert.equal(d.chosen, []);
    assert.equal(
      d.requests.map((q) => q.toAgency),
      ['fire'],
    );
    assert.equal(requestsOf(w, id), [['INC-1-R1', 'police', 'fire', 'pending']]);
  } finally {
    await w.server.close();
  }
});

test('a supporting agency’s accept of a proposal that is all the lead’s units is refused, asking nobody', async () => {
  const w = await world();
  try {
    const c = await api(w.server, 'POST', '/api/incidents', {
      token: w.tokens.fire,
      body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, supportingAgencies: ['police'] },
    });
    const id = (c.body as { id: string }).id;
    const r = await api(w.server, 'POST', `/api/incidents/${id}/mobilise`, {
      token: w.tokens.police,
      body: { accept: true },
    });
    assert.equal(said(r), [409, 'JCR_CONFLICT', 'incidentId']);
    assert.equal(requestsOf(w, id), []);
    assert.is(decisions(w), 0);
  } finally {
    await w.server.close();
  }
});

test.run();
