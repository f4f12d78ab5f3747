/**
 * One-click mobilise across agencies (issue 22 item 2), over REST on the Hertfordshire scenario
 * with straight-line journey times (every profile 36 km/h = 10 m/s, so the proposals follow from
 * the map): a single agency's accept of the recommendation mobilises its own units and asks each
 * other agency for its lines in the same decision; the addressee accepts (the suggestion or its
 * own choice, with a reason), declines or answers with advice; the duty officer's accept
 * mobilises everything; the log keeps what was recommended, who decided and why.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Role } from '../server/core/auth/roles.ts';
import { fakeClock } from '../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const clock = fakeClock(T0);
let server: RunningServer;
const tokens = new Map<Role, string>();

test.before(async () => {
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  server = await startServer({
    scenario: loadScenario('sim/scenarios/hertfordshire/scenario.json'),
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    roads: { mobilisation: { journeys, cover: null } },
  });
  for (const role of ['fire-dispatcher', 'police-dispatcher', 'ambulance-desk', 'duty-officer'] as const)
    tokens.set(role, await tokenFor(server, role));
});
test.after(async () => {
  await server.close();
});

const as = (role: Role, method: string, path: string, body?: unknown) =>
  api(server, method, path, { token: tokens.get(role)!, ...(body !== undefined ? { body } : {}) });
const err = (r: { status: number; body: unknown }) => [
  r.status,
  errorCode(r.body),
  (r.body as { error?: { path?: string } }).error?.path,
];

interface Decision {
  decision: string;
  proposed: string[];
  chosen: string[];
  reason: string | null;
  recommendationSeq: number | null;
  actingAgency: string | null;
  recommendedAt?: number;
  requests?: Array<{ requestId: string; toAgency: string; suggested: string[] }>;
}
interface Request {
  requestId: string;
  fromAgency: string;
  toAgency: string;
  status: string;
  lines: Array<{ capability: string; count: number; suggested: string[] }>;
  recommendationSeq: number | null;
  answeredBy: string | null;
  answer: string | null;
  mobilised: string[];
}
interface IncidentBody {
  id: string;
  requests: Request[];
  supportingAgencies: string[];
  attendances: Array<{ resourceId: string; agency: string }>;
}

async function open(role: Role, typeId: string, lat: number, lon: number): Promise<string> {
  const c = await as(role, 'POST', '/api/incidents', { typeId, lat, lon });
  assert.is(c.status, 201, JSON.stringify(c.body));
  return (c.body as { id: string }).id;
}

/** Fetch the recommendation as the screen does, then press "Mobilise recommended". */
async function oneClick(role: Role, id: string) {
  const rec = await as(role, 'GET', `/api/incidents/${id}/recommendation`);
  assert.is(rec.status, 200, JSON.stringify(rec.body));
  const rb = rec.body as { recommendationSeq: number; fingerprint: string; proposed: string[] };
  const m = await as(role, 'POST', `/api/incidents/${id}/mobilise`, { accept: true, fingerprint: rb.fingerprint });
  return { rec: rb, m };
}

const statusOf = (id: string) => server.engine.room.fleet.get(id)?.status;
const MOBILISED = 3;
const AT_STATION = 1;

test('fire on persons-reported-fire: its pumps go, ambulance and police are asked', async () => {
  // 100 m east of Hatfield fire station.
  const id = await open('fire-dispatcher', 'persons-reported-fire', 51.7682, -0.2308);
  const { rec, m } = await oneClick('fire-dispatcher', id);
  assert.is(m.status, 200, JSON.stringify(m.body));
  const d = (m.body as { decision: Decision }).decision;
  assert.equal(rec.proposed, ['HFRS-HATF-P1', 'HFRS-HATF-P2', 'HFRS-WGCY-P1', 'EEAST-HATF-A1', 'HC-HATF-IRV1']);
  assert.equal(d, {
    incidentId: id,
    decision: 'accepted',
    proposed: rec.proposed,
    chosen: ['HFRS-HATF-P1', 'HFRS-HATF-P2', 'HFRS-WGCY-P1'],
    reason: null,
    recommendationSeq: rec.recommendationSeq,
    actingAgency: 'fire',
    requests: [
      { requestId: `${id}-R1`, toAgency: 'ambulance', suggested: ['EEAST-HATF-A1'] },
      { requestId: `${id}-R2`, toAgency: 'police', suggested: ['HC-HATF-IRV1'] },
    ],
    recommendedAt: T0,
  });
  assert.equal(rec.proposed.map(statusOf), [MOBILISED, MOBILISED, MOBILISED, AT_STATION, AT_STATION]);
  const inc = (m.body as { incident: IncidentBody }).incident;
  assert.equal(
    inc.requests.map((r) => [r.requestId, r.fromAgency, r.toAgency, r.status, r.lines, r.recommendationSeq]),
    [
      [
        `${id}-R1`,
        'fire',
        'ambulance',
        'pending',
        [{ capability: 'paramedic', count: 1, suggested: ['EEAST-HATF-A1'] }],
        rec.recommendationSeq,
      ],
      [
        `${id}-R2`,
        'fire',
        'police',
        'pending',
        [{ capability: 'police-response', count: 1, suggested: ['HC-HATF-IRV1'] }],
        rec.recommendationSeq,
      ],
    ],
  );

  // The ambulance desk accepts with the suggestion: its unit goes, fire reads the answer at once.
  const acc = await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`);
  assert.is(acc.status, 200, JSON.stringify(acc.body));
  assert.is(statusOf('EEAST-HATF-A1'), MOBILISED);
  const seen = (await as('fire-dispatcher', 'GET', `/api/incidents/${id}`)).body as IncidentBody;
  assert.equal(
    seen.requests.map((r) => [r.requestId, r.status, r.answeredBy, r.answer, r.mobilised]),
    [
      [`${id}-R1`, 'accepted', 'ambulance-desk', null, ['EEAST-HATF-A1']],
      [`${id}-R2`, 'pending', null, null, []],
    ],
  );
  assert.equal(seen.supportingAgencies, ['ambulance']);

  // Police declines, with a reason (none: 400 naming reason); fire sees that too.
  assert.equal(err(await as('police-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R2/decline`, {})), [
    400,
    'JCR_VALIDATION',
    'reason',
  ]);
  const dec = await as('police-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R2/decline`, {
    reason: 'no units free: firearms incident in Hatfield',
  });
  assert.is(dec.status, 200, JSON.stringify(dec.body));
  assert.is(statusOf('HC-HATF-IRV1'), AT_STATION);
  const after = (await as('fire-dispatcher', 'GET', `/api/incidents/${id}`)).body as IncidentBody;
  assert.equal(
    after.requests.map((r) => [r.status, r.answeredBy, r.answer]),
    [
      ['accepted', 'ambulance-desk', null],
      ['declined', 'police-dispatcher', 'no units free: firearms incident in Hatfield'],
    ],
  );
  // Answered once: a second answer is refused with its own code. Having declined, police takes
  // no part any more: to it the incident is unknown.
  assert.equal(
    err(await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/decline`, { reason: 'x' })),
    [409, 'JCR_REQUEST_ANSWERED', 'requestId'],
  );
  assert.equal(err(await as('police-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R2/accept`)), [
    404,
    'JCR_NOT_FOUND',
    'incidentId',
  ]);

  // The timeline: the decision keeps what was recommended, who decided; each answer who and why.
  const log = (await as('fire-dispatcher', 'GET', `/api/incidents/${id}/log`)).body as {
    events: Array<{ type: string; actor: string; data: Record<string, unknown> }>;
  };
  const decision = log.events.find((e) => e.type === 'incident.decision')!;
  assert.is(decision.actor, 'fire-dispatcher');
  assert.equal((decision.data.recommended as { proposed: string[] }).proposed, rec.proposed);
  assert.equal(
    log.events
      .filter((e) => e.type.startsWith('incident.assistance'))
      .map((e) => [e.type, e.actor, e.data.requestId, e.data.text ?? e.data.chosen ?? null]),
    [
      ['incident.assistanceRequested', 'fire-dispatcher', `${id}-R1`, null],
      ['incident.assistanceRequested', 'fire-dispatcher', `${id}-R2`, null],
      ['incident.assistanceAccepted', 'ambulance-desk', `${id}-R1`, ['EEAST-HATF-A1']],
      ['incident.assistanceDeclined', 'police-dispatcher', `${id}-R2`, 'no units free: firearms incident in Hatfield'],
    ],
  );
});

test('ambulance on cardiac-arrest: its crews go, the fire co-responder is asked', async () => {
  // Stevenage, its own crews booked unavailable: the paramedics come from Hitchin and Baldock,
  // so the co-responder at Stevenage fire station is well ahead of them.
  for (const r of ['EEAST-STEV-A1', 'EEAST-STEV-RRV'])
    assert.is(
      (await as('ambulance-desk', 'POST', `/api/resources/${r}/status`, { status: 'UNAVAILABLE' })).status,
      200,
    );
  const id = await open('ambulance-desk', 'cardiac-arrest', 51.9012, -0.1985);
  const { rec, m } = await oneClick('ambulance-desk', id);
  assert.is(m.status, 200, JSON.stringify(m.body));
  const d = (m.body as { decision: Decision }).decision;
  assert.equal(rec.proposed, ['EEAST-HITC-A1', 'EEAST-BALD-A1', 'HFRS-STEV-P1']);
  assert.equal(
    [d.decision, d.chosen, d.actingAgency, d.requests],
    [
      'accepted',
      ['EEAST-HITC-A1', 'EEAST-BALD-A1'],
      'ambulance',
      [{ requestId: `${id}-R1`, toAgency: 'fire', suggested: ['HFRS-STEV-P1'] }],
    ],
  );
  assert.equal(rec.proposed.map(statusOf), [MOBILISED, MOBILISED, AT_STATION]);

  // Fire sends another pump than suggested: a reason is needed, then it is recorded.
  assert.equal(
    err(
      await as('fire-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`, {
        resourceIds: ['HFRS-STEV-P2'],
      }),
    ),
    [400, 'JCR_VALIDATION', 'reason'],
  );
  // Police takes no part: the incident does not exist for it.
  assert.equal(err(await as('police-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`)), [
    404,
    'JCR_NOT_FOUND',
    'incidentId',
  ]);
  // The ambulance desk may not answer for fire.
  assert.equal(err(await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`)), [
    403,
    'JCR_FORBIDDEN',
    'requestId',
  ]);
  const acc = await as('fire-dispatcher', 'POST', `/api/incidents/${id}/assistance/${id}-R1/accept`, {
    resourceIds: ['HFRS-STEV-P2'],
    reason: 'P1 is the aerial crew today',
  });
  assert.is(acc.status, 200, JSON.stringify(acc.body));
  const rq = (acc.body as IncidentBody).requests[0]!;
  assert.equal([rq.status, rq.mobilised, rq.answer], ['accepted', ['HFRS-STEV-P2'], 'P1 is the aerial crew today']);
  assert.equal([statusOf('HFRS-STEV-P1'), statusOf('HFRS-STEV-P2')], [AT_STATION, MOBILISED]);
});

test('police on violent-disturbance: its cars go; the ambulance answers with advice', async () => {
  const id = await open('police-dispatcher', 'violent-disturbance', 51.7636, -0.2247);
  const { rec, m } = await oneClick('police-dispatcher', id);
  assert.is(m.status, 200, JSON.stringify(m.body));
  const d = (m.body as { decision: Decision }).decision;
  const amb = rec.proposed.filter((x) => x.startsWith('EEAST-'));
  assert.equal(
    [d.decision, d.chosen, d.requests],
    [
      'accepted',
      rec.proposed.filter((x) => x.startsWith('HC-')),
      [{ requestId: `${id}-R1`, toAgency: 'ambulance', suggested: amb }],
    ],
  );
  assert.is(d.chosen.length, 3);
  assert.is(amb.length, 1);

  // The inbox: the ambulance desk's pending requests hold this one.
  const inbox = (await as('ambulance-desk', 'GET', '/api/requests')).body as {
    requests: Array<{ incidentId: string; requestId: string; typeName: string }>;
  };
  assert.ok(inbox.requests.some((r) => r.requestId === `${id}-R1` && r.typeName === 'Violent disturbance'));

  assert.equal(err(await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/advise`, {})), [
    400,
    'JCR_VALIDATION',
    'advice',
  ]);
  const adv = await as('ambulance-desk', 'POST', `/api/incidents/${id}/assistance/${id}-R1/advise`, {
    advice: 'hear and treat: clinician spoke to the injured party, minor cut, advised self-care',
  });
  assert.is(adv.status, 200, JSON.stringify(adv.body));
  assert.is(statusOf(amb[0]!), AT_STATION);
  const seen = (await as('police-dispatcher', 'GET', `/api/incidents/${id}`)).body as IncidentBody;
  assert.equal(
    seen.requests.map((r) => [r.status, r.answeredBy, r.answer]),
    [
      [
        'advised',
        'ambulance-desk',
        'hear and treat: clinician spoke to the injured party, minor cut, advised self-care',
      ],
    ],
  );
  // The requester's outbox lists it as answered.
  const out = (await as('police-dispatcher', 'GET', '/api/requests?direction=from&status=answered')).body as {
    requests: Array<{ requestId: string; status: string }>;
  };
  assert.ok(out.requests.some((r) => r.requestId === `${id}-R1` && r.status === 'advised'));
});

test("the duty officer's accept mobilises everything, with no requests", async () => {
  const id = await open('duty-officer', 'persons-reported-fire', 51.8002, -0.1916);
  const { rec, m } = await oneClick('duty-officer', id);
  assert.is(m.status, 200, JSON.stringify(m.body));
  const d = (m.body as { decision: Decision }).decision;
  assert.equal([d.decision, d.chosen, d.requests], ['accepted', rec.proposed, undefined]);
  assert.equal(new Set(rec.proposed.map((x) => x.split('-')[0])), new Set(['HFRS', 'EEAST', 'HC']));
  assert.ok(rec.proposed.every((x) => statusOf(x) === MOBILISED));
  assert.equal((m.body as { incident: IncidentBody }).incident.requests, []);
});

test.run();
