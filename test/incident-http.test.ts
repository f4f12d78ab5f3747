import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api as rawApi, errorCode, miniServer, tokenFor } from './support/server.ts';

/**
 * REST over a real server (port 0, ':memory:'), with straight-line journey times at fixed speeds
 * so the expected figures can be worked out by hand: fire 36 km/h = 10 m/s, drone 36 km/h.
 */
const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let server: RunningServer;
let token = '';
const api = (srv: RunningServer, method: string, path: string, opts: { body?: unknown } = {}) =>
  rawApi(srv, method, path, { ...opts, token });
const clock = fakeClock(T0);

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  server = await miniServer({ clock: clock.now, roads: { mobilisation: { journeys, cover: null } } });
  // The duty officer acts for every agency: the body's actingAgency then says which.
  token = await tokenFor(server, 'duty-officer', 'duty');
});
test.after(async () => {
  await server.close();
});

const err = (r: { status: number; body: unknown }) => {
  const b = r.body as { error?: { code: string; path?: string } };
  return [r.status, errorCode(r.body), b.error?.path];
};

test('POST /api/incidents validates the body and names the field', async () => {
  assert.equal(
    err(await api(server, 'POST', '/api/incidents', { body: { typeId: 'dwelling-fire', lat: 95, lon: 0 } })),
    [400, 'JCR_VALIDATION', 'lat'],
  );
  assert.equal(err(await api(server, 'POST', '/api/incidents', { body: { typeId: 'dwelling-fire', lat: 51.77 } })), [
    400,
    'JCR_VALIDATION',
    'lon',
  ]);
  assert.equal(err(await api(server, 'POST', '/api/incidents', { body: { typeId: 'nope', lat: 51.77, lon: -0.21 } })), [
    400,
    'JCR_VALIDATION',
    'typeId',
  ]);
  assert.equal(
    err(
      await api(server, 'POST', '/api/incidents', {
        body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.21, methane: { casualties: -1 } },
      }),
    ),
    [400, 'JCR_VALIDATION', 'methane.casualties'],
  );
  assert.equal(
    err(
      await api(server, 'POST', '/api/incidents', {
        body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.21, methane: { smell: 'x' } },
      }),
    ),
    [400, 'JCR_VALIDATION', 'methane.smell'],
  );
  assert.equal(
    err(
      await api(server, 'POST', '/api/incidents', {
        body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.21, colour: 'red' },
      }),
    ),
    [400, 'JCR_VALIDATION', 'colour'],
  );
  assert.equal(err(await api(server, 'POST', '/api/incidents', { body: '{"typeId":' })), [
    400,
    'JCR_MALFORMED_JSON',
    undefined,
  ]);
});

test('create, get, list, update, recommendation, accept, arrival, close, log', async () => {
  // Incident 100 m east of Hatfield fire station.
  const c = await api(server, 'POST', '/api/incidents', {
    body: {
      typeId: 'dwelling-fire',
      lat: 51.7636,
      lon: -0.2232,
      address: 'Hatfield',
      methane: { hazards: 'smoke', casualties: 0 },
    },
  });
  assert.is(c.status, 201);
  const inc = c.body as { id: string; status: string; methane: { casualties: number }; visibleTo: string[] };
  assert.equal([inc.id, inc.status, inc.methane.casualties, inc.visibleTo], ['INC-1', 'received', 0, ['fire']]);
  assert.is(c.headers.get('location'), '/api/incidents/INC-1');

  const l = await api(server, 'GET', '/api/incidents');
  assert.equal(
    (l.body as { incidents: Array<{ id: string }> }).incidents.map((i) => i.id),
    ['INC-1'],
  );
  assert.is((await api(server, 'GET', '/api/incidents/INC-9')).status, 404);

  const u = await api(server, 'PATCH', '/api/incidents/INC-1', {
    body: { methane: { majorIncident: true }, priority: 2 },
  });
  assert.equal(
    [
      (u.body as { priority: number }).priority,
      (u.body as { methane: { majorIncident: boolean; hazards: string } }).methane.majorIncident,
      (u.body as { methane: { hazards: string } }).methane.hazards,
    ],
    [2, true, 'smoke'],
  );

  const rec = await api(server, 'GET', '/api/incidents/INC-1/recommendation');
  assert.is(rec.status, 200);
  const rb = rec.body as {
    recommendationSeq: number;
    fingerprint: string;
    proposed: string[];
    lines: Array<{
      candidates: Array<{ resourceId: string; etaS: number; turnoutS: number; distanceM: number; from: string }>;
    }>;
  };
  // HAT1 wholetime: 90 s turnout + 103 m at 10 m/s; HAT2 on-call: 300 s + 10 s; WGC1 wholetime 90 s + 4,444 m / 10.
  assert.equal(rb.proposed, ['HAT1', 'HAT2']);
  assert.equal(
    rb.lines[0]!.candidates.map((x) => [x.resourceId, x.etaS, x.turnoutS, x.distanceM, x.from]),
    [
      ['HAT1', 100, 90, 103, 'station'],
      ['HAT2', 310, 300, 103, 'station'],
      ['WGC1', 534, 90, 4444, 'station'],
    ],
  );

  // Amending without a reason: 400 naming reason. With one: overridden, logged.
  assert.equal(
    err(
      await api(server, 'POST', '/api/incidents/INC-1/mobilise', {
        body: { resourceIds: ['HAT1', 'WGC1'], fingerprint: rb.fingerprint },
      }),
    ),
    [400, 'JCR_VALIDATION', 'reason'],
  );
  const m = await api(server, 'POST', '/api/incidents/INC-1/mobilise', {
    body: { resourceIds: ['HAT1', 'WGC1'], fingerprint: rb.fingerprint, reason: 'HAT2 crew short' },
  });
  assert.is(m.status, 200);
  assert.equal((m.body as { decision: unknown }).decision, {
    incidentId: 'INC-1',
    decision: 'overridden',
    proposed: ['HAT1', 'HAT2'],
    chosen: ['HAT1', 'WGC1'],
    reason: 'HAT2 crew short',
    recommendationSeq: rb.recommendationSeq,
    actingAgency: null,
    recommendedAt: T0,
  });

  clock.advance(120_000);
  assert.equal(err(await api(server, 'POST', '/api/incidents/INC-1/arrived', { body: { resourceId: 'HAT2' } })), [
    409,
    'JCR_CONFLICT',
    'resourceId',
  ]);
  const arr = await api(server, 'POST', '/api/incidents/INC-1/arrived', { body: { resourceId: 'HAT1' } });
  assert.is((arr.body as { status: string }).status, 'in-attendance');

  clock.advance(600_000);
  const cl = await api(server, 'POST', '/api/incidents/INC-1/close', { body: { reason: 'out' } });
  assert.equal(
    [(cl.body as { status: string }).status, (cl.body as { attendances: unknown[] }).attendances],
    [
      'closed',
      [
        {
          resourceId: 'HAT1',
          agency: 'fire',
          mobilisedAt: T0,
          arrivedAt: T0 + 120_000,
          leftAt: T0 + 720_000,
          arrivalSource: 'operator',
          line: 'pump',
        },
        {
          resourceId: 'WGC1',
          agency: 'fire',
          mobilisedAt: T0,
          arrivedAt: null,
          leftAt: T0 + 720_000,
          arrivalSource: null,
          line: 'pump',
        },
      ],
    ],
  );
  assert.equal(((await api(server, 'GET', '/api/incidents')).body as { incidents: unknown[] }).incidents, []);
  assert.is(
    ((await api(server, 'GET', '/api/incidents?status=closed')).body as { incidents: unknown[] }).incidents.length,
    1,
  );

  const log = await api(server, 'GET', '/api/incidents/INC-1/log');
  const evs = (log.body as { events: Array<{ type: string; actor: string; origin: string }> }).events;
  assert.equal(
    evs.map((e) => e.type),
    [
      'incident.created',
      'incident.updated',
      'incident.decision',
      'resource.status',
      'resource.status',
      'resource.status',
      'resource.status',
      'resource.status',
      'incident.closed',
    ],
  );
  assert.equal(new Set(evs.map((e) => `${e.origin}/${e.actor}`)), new Set(['operator/duty']));
});

test('item 3, GET /api/incidents/:id/log pages: limit events after the cursor, next the following page', async () => {
  // INC-1 as the test above left it: 9 events, the whole log in one default page.
  type Page = { events: Array<{ seq: number }>; next: number | null };
  const log = await api(server, 'GET', '/api/incidents/INC-1/log');
  const seqs = (log.body as Page).events.map((e) => e.seq);
  assert.is(seqs.length, 9);
  const pages: number[][] = [];
  let after = 0;
  for (;;) {
    const p = (await api(server, 'GET', `/api/incidents/INC-1/log?limit=4&after=${after}`)).body as Page;
    pages.push(p.events.map((e) => e.seq));
    if (p.next === null) break;
    after = p.next;
  }
  assert.equal(pages, [seqs.slice(0, 4), seqs.slice(4, 8), seqs.slice(8)]);
  assert.is((log.body as Page).next, null);
  for (const bad of ['limit=0', 'limit=1001', 'limit=x', 'after=-1', 'limit=1e3']) {
    const r = await api(server, 'GET', `/api/incidents/INC-1/log?${bad}`);
    assert.equal(
      [r.status, (r.body as { error: { code: string; path: string } }).error.code],
      [400, 'JCR_VALIDATION'],
      bad,
    );
  }
});

test('accept: true takes a fresh recommendation and logs it in the decision, recording nothing else', async () => {
  const c = await api(server, 'POST', '/api/incidents', {
    body: { typeId: 'cardiac-arrest', lat: 51.8012, lon: -0.2, address: 'WGC' },
  });
  const id = (c.body as { id: string }).id;
  const m = await api(server, 'POST', `/api/incidents/${id}/mobilise`, { body: { accept: true } });
  assert.is(m.status, 200);
  const d = (m.body as { decision: { decision: string; chosen: string[]; recommendationSeq: number } }).decision;
  // WGC1 (the only co-responder) was stood down RETURNING by the last close and has never sent a
  // position: stale, so the co-responder line is unfilled and only AMB1 is proposed.
  assert.equal([d.decision, d.chosen], ['accepted', ['AMB1']]);
  const log = await api(server, 'GET', `/api/incidents/${id}/log`);
  const evs = (log.body as { events: Array<{ seq: number; type: string; data: Record<string, unknown> }> }).events;
  assert.equal(
    evs.map((e) => e.type),
    ['incident.created', 'incident.decision', 'resource.status'],
  );
  // Computed on the log as it stood (the create, then the new priority-1 alert it raised, which is
  // in the event log, not the timeline) and embedded in the decision as decided on.
  const alert = [...server.store.events(0)].find((e) => e.type === 'alert.raised' && e.data.incidentId === id);
  assert.is(alert?.seq, evs[0]!.seq + 1);
  assert.is(d.recommendationSeq, alert?.seq);
  assert.equal((evs[1]!.data['recommended'] as { proposed: string[] }).proposed, ['AMB1']);
});

test('joint request over REST: police open, ask fire; fire accepts; both see it', async () => {
  const c = await api(server, 'POST', '/api/incidents', {
    body: { typeId: 'dwelling-fire', lat: 51.766, lon: -0.227, leadAgency: 'police', actingAgency: 'police' },
  });
  const id = (c.body as { id: string }).id;
  assert.equal(
    ((await api(server, 'GET', '/api/incidents?agency=fire')).body as { incidents: Array<{ id: string }> }).incidents
      .map((i) => i.id)
      .includes(id),
    false,
  );
  assert.equal(
    err(
      await api(server, 'POST', `/api/incidents/${id}/mobilise`, {
        body: { resourceIds: ['HAT1'], reason: 'x', actingAgency: 'police' },
      }),
    ),
    [403, 'JCR_FORBIDDEN', 'resourceIds[0]'],
  );
  const rq = await api(server, 'POST', `/api/incidents/${id}/assistance`, {
    body: { toAgency: 'fire', actingAgency: 'police', note: 'smoke showing' },
  });
  assert.is(rq.status, 201);
  const requestId = (rq.body as { requestId: string }).requestId;
  assert.is(requestId, `${id}-R1`);
  // A pending request makes it visible to fire so they can accept it.
  assert.ok(
    (
      (await api(server, 'GET', '/api/incidents?agency=fire')).body as { incidents: Array<{ id: string }> }
    ).incidents.some((i) => i.id === id),
  );
  assert.equal(
    err(
      await api(server, 'POST', `/api/incidents/${id}/assistance/${requestId}/accept`, {
        body: { actingAgency: 'ambulance' },
      }),
    ),
    [404, 'JCR_NOT_FOUND', 'incidentId'],
  );
  const acc = await api(server, 'POST', `/api/incidents/${id}/assistance/${requestId}/accept`, {
    body: { actingAgency: 'fire' },
  });
  assert.equal((acc.body as { visibleTo: string[] }).visibleTo, ['police', 'fire']);
  const m = await api(server, 'POST', `/api/incidents/${id}/mobilise`, {
    body: { resourceIds: ['HAT1'], reason: 'first pump only', actingAgency: 'fire' },
  });
  assert.is(m.status, 200);
});

test.run();
