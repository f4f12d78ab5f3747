/**
 * The authorisation matrix: every role (and no sign-in) × every documented endpoint and the
 * WebSocket actions. For each cell the test asserts the outcome the rules in
 * server/core/auth/roles.ts imply: refused (401 without sign-in, 403 for a role that may not),
 * hidden (403 or 404 for an incident the role may not see), or let through (anything but 401/403:
 * a 400, 404, 409 or 503 from the route itself still proves the gate let the request in).
 * A documented operation without a row here fails the test, so new endpoints must be added.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { can, canSeeIncident, roleAgency, ROLES, type Action, type Role } from '../server/core/auth/roles.ts';
import { once } from 'node:events';
import { RELATIONS, type Relation } from '../server/core/auth/incident-access.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import type { MaitMessage } from '../proto/mait.ts';
import type { Engine } from '../server/shell/engine.ts';
import { CopPicture } from '../client/cop/cop-client-core.ts';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { manualTimer } from './support/timers.ts';
import { fakeClock } from '../server/core/clock.ts';
import type { Agency } from '../server/core/scenario/types.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode, tokenFor } from './support/server.ts';
import { EMPTY_METHANE } from '../server/core/incidents/types.ts';

type Expect = 'public' | 'allow' | 'deny' | 'hidden';
interface Ids {
  fireInc: string;
  policeInc: string;
  requestId: string;
  /** A partner's transfer of a dwelling fire (fire answers) and its request for pumps (fire offers). */
  transferIn: string;
  assistanceIn: string;
}
interface Row {
  method: string;
  /** OpenAPI path, for the coverage check. */
  doc: string;
  path: (ids: Ids) => string;
  body?: (ids: Ids) => unknown;
  expect: (role: Role) => Expect;
  public?: boolean;
}

const view = () => (): Expect => 'allow';
const act =
  (a: Action, agency?: Agency) =>
  (role: Role): Expect =>
    can(role, a, agency) ? 'allow' : 'deny';
/** An action on an incident led by `lead`: hidden if the role cannot see it, else as `a` allows. */
const onIncident =
  (lead: Agency, a: Action, agency?: Agency) =>
  (role: Role): Expect =>
    !canSeeIncident(role, [lead]) ? 'hidden' : can(role, a, agency) ? 'allow' : 'deny';
/** Creating an incident led by `lead`: a dispatcher opens their own agency's incidents (others ask for assistance). */
const createLedBy =
  (lead: Agency) =>
  (role: Role): Expect => {
    const own = roleAgency(role);
    return own === 'all' || own === lead ? 'allow' : 'deny';
  };
const writer = (role: Role): Expect => (can(role, 'incident.create') ? 'allow' : 'deny');

const ROWS: Row[] = [
  { method: 'GET', doc: '/', path: () => '/', expect: view(), public: true }, // the screens or the landing page
  { method: 'GET', doc: '/api/health', path: () => '/api/health', expect: view(), public: true },
  { method: 'GET', doc: '/api/ready', path: () => '/api/ready', expect: view(), public: true },
  { method: 'GET', doc: '/api/openapi.json', path: () => '/api/openapi.json', expect: view(), public: true },
  { method: 'GET', doc: '/metrics', path: () => '/metrics', expect: act('admin') }, // a duty officer (or the metrics token)
  { method: 'POST', doc: '/api/login', path: () => '/api/login', body: () => ({}), expect: view(), public: true },
  { method: 'GET', doc: '/api/me', path: () => '/api/me', expect: view() },
  { method: 'GET', doc: '/api/scenario', path: () => '/api/scenario', expect: view() },
  { method: 'GET', doc: '/api/resources', path: () => '/api/resources', expect: view() },
  { method: 'GET', doc: '/api/resources/{id}', path: () => '/api/resources/HAT1', expect: view() },
  { method: 'GET', doc: '/api/ui-config', path: () => '/api/ui-config', expect: view() },
  { method: 'GET', doc: '/api/basemap', path: () => '/api/basemap', expect: view() },
  { method: 'GET', doc: '/api/map/labels', path: () => '/api/map/labels', expect: view() },
  {
    method: 'GET',
    doc: '/api/eta',
    path: () => '/api/eta?from=51.76,-0.22&to=51.80,-0.20&profile=fire',
    expect: view(),
  },
  { method: 'GET', doc: '/api/places', path: () => '/api/places?q=Hatfield', expect: view() },
  { method: 'GET', doc: '/api/cover', path: () => '/api/cover', expect: view() },
  { method: 'GET', doc: '/api/performance', path: () => '/api/performance', expect: view() },
  { method: 'GET', doc: '/api/calibration', path: () => '/api/calibration', expect: view() },
  {
    method: 'POST',
    doc: '/api/calibration/activate',
    path: () => '/api/calibration/activate',
    body: () => ({ version: 1, reason: 'matrix' }),
    expect: act('admin'),
  },
  {
    method: 'POST',
    doc: '/api/calibration/rollback',
    path: () => '/api/calibration/rollback',
    body: () => ({ reason: 'matrix' }),
    expect: act('admin'),
  },
  { method: 'GET', doc: '/api/alerts', path: () => '/api/alerts', expect: view() },
  { method: 'GET', doc: '/api/statistics', path: () => '/api/statistics', expect: view() },
  {
    method: 'POST',
    doc: '/api/alerts/{id}/ack',
    path: () => '/api/alerts/AL-1/ack',
    // Every role that acts may acknowledge (a 404 for an alert it may not see); the wall may not.
    expect: (role) => (roleAgency(role) === null ? 'deny' : 'allow'),
  },
  { method: 'GET', doc: '/api/cover/moves', path: () => '/api/cover/moves', expect: view() },
  { method: 'GET', doc: '/api/incidents', path: () => '/api/incidents', expect: view() },
  {
    method: 'GET',
    doc: '/api/incidents/{id}',
    path: (i) => `/api/incidents/${i.fireInc}`,
    expect: onIncident('fire', 'view'),
  },
  {
    method: 'GET',
    doc: '/api/incidents/{id}/recommendation',
    path: (i) => `/api/incidents/${i.fireInc}/recommendation`,
    expect: onIncident('fire', 'view'),
  },
  {
    method: 'GET',
    doc: '/api/incidents/{id}/log',
    path: (i) => `/api/incidents/${i.fireInc}/log`,
    expect: onIncident('fire', 'view'),
  },
  {
    method: 'POST',
    doc: '/api/resources/{id}/status',
    path: () => '/api/resources/HAT1/status',
    body: () => ({ status: 'UNAVAILABLE' }),
    expect: act('resource.status', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/resources/{id}/status',
    path: () => '/api/resources/PC1/status',
    body: () => ({ status: 'UNAVAILABLE' }),
    expect: act('resource.status', 'police'),
  },
  {
    method: 'POST',
    doc: '/api/resources/{id}/status',
    path: () => '/api/resources/AMB1/status',
    body: () => ({ status: 'UNAVAILABLE' }),
    expect: act('resource.status', 'ambulance'),
  },
  {
    method: 'POST',
    doc: '/api/incidents',
    path: () => '/api/incidents',
    body: () => ({ typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: '1 High St' }),
    expect: createLedBy('fire'),
  },
  {
    method: 'PATCH',
    doc: '/api/incidents/{id}',
    path: (i) => `/api/incidents/${i.fireInc}`,
    body: () => ({ address: '2 High St' }),
    expect: onIncident('fire', 'incident.update'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/mobilise',
    path: (i) => `/api/incidents/${i.fireInc}/mobilise`,
    body: () => ({ resourceIds: ['WGC1'], reason: 'matrix test' }),
    expect: onIncident('fire', 'incident.mobilise', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/arrived',
    path: (i) => `/api/incidents/${i.fireInc}/arrived`,
    body: () => ({ resourceId: 'WGC1' }),
    expect: onIncident('fire', 'resource.status', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/left',
    path: (i) => `/api/incidents/${i.fireInc}/left`,
    body: () => ({ resourceId: 'WGC1' }),
    expect: onIncident('fire', 'resource.status', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/stand-down',
    path: (i) => `/api/incidents/${i.fireInc}/stand-down`,
    body: () => ({ resourceId: 'WGC1' }),
    expect: onIncident('fire', 'resource.status', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/notes',
    path: (i) => `/api/incidents/${i.fireInc}/notes`,
    body: () => ({ text: 'matrix note' }),
    expect: onIncident('fire', 'incident.update'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/assistance',
    path: (i) => `/api/incidents/${i.policeInc}/assistance`,
    body: () => ({ toAgency: 'ambulance', note: 'matrix' }),
    expect: onIncident('police', 'incident.requestAssistance'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/assistance/{requestId}/accept',
    path: (i) => `/api/incidents/${i.policeInc}/assistance/${i.requestId}/accept`,
    body: () => ({}),
    expect: (role) =>
      can(role, 'incident.acceptAssistance', 'fire') ? 'allow' : canSeeIncident(role, ['police']) ? 'deny' : 'hidden',
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/assistance/{requestId}/decline',
    path: (i) => `/api/incidents/${i.policeInc}/assistance/${i.requestId}/decline`,
    body: () => ({ reason: 'matrix' }),
    expect: (role) =>
      can(role, 'incident.acceptAssistance', 'fire') ? 'allow' : canSeeIncident(role, ['police']) ? 'deny' : 'hidden',
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/assistance/{requestId}/advise',
    path: (i) => `/api/incidents/${i.policeInc}/assistance/${i.requestId}/advise`,
    body: () => ({ advice: 'matrix' }),
    expect: (role) =>
      can(role, 'incident.acceptAssistance', 'fire') ? 'allow' : canSeeIncident(role, ['police']) ? 'deny' : 'hidden',
  },
  { method: 'GET', doc: '/api/requests', path: () => '/api/requests', expect: view() },
  {
    method: 'POST',
    doc: '/api/cover/what-if',
    path: () => '/api/cover/what-if',
    body: () => ({ resourceIds: ['HAT1'] }),
    expect: writer,
  },
  {
    method: 'POST',
    doc: '/api/cover/moves',
    path: () => '/api/cover/moves',
    body: () => ({ resourceId: 'HAT2', destinationId: 'F-WGC' }),
    expect: act('cover.move'),
  },
  {
    method: 'POST',
    doc: '/api/cover/moves/{resourceId}/cancel',
    path: () => '/api/cover/moves/HAT2/cancel',
    expect: act('cover.move'),
  },
  {
    method: 'GET',
    doc: '/api/incidents/{id}/lines',
    path: (i) => `/api/incidents/${i.fireInc}/lines`,
    expect: onIncident('fire', 'view'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/lines',
    path: (i) => `/api/incidents/${i.fireInc}/lines`,
    body: () => ({ capability: 'pump', count: 3, reason: 'matrix' }),
    expect: onIncident('fire', 'incident.update'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/lines/{lineId}/remove',
    path: (i) => `/api/incidents/${i.fireInc}/lines/pump/remove`,
    body: () => ({ reason: 'matrix' }),
    expect: onIncident('fire', 'incident.update'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/close',
    path: (i) => `/api/incidents/${i.fireInc}/close`,
    body: () => ({ reason: 'matrix' }),
    expect: onIncident('fire', 'incident.close'),
  },
  // Transfers to partner rooms (issue 18): no partners file here, so the partner is unknown; a partner's
  // transfer and request are received through the engine (setup).
  {
    method: 'GET',
    doc: '/api/incidents/{id}/partners',
    path: (i) => `/api/incidents/${i.fireInc}/partners`,
    expect: onIncident('fire', 'view'),
  },
  {
    method: 'POST',
    doc: '/api/incidents/{id}/transfer',
    path: (i) => `/api/incidents/${i.fireInc}/transfer`,
    body: () => ({ partnerId: 'beds' }),
    expect: onIncident('fire', 'incident.update'),
  },
  { method: 'GET', doc: '/api/transfers', path: () => '/api/transfers', expect: view() },
  { method: 'GET', doc: '/api/transfers/{id}', path: () => '/api/transfers/TR-1', expect: view() },
  // Answering a partner is for the agency the item is routed to and the duty officer (server/core/mait/answer.ts).
  {
    method: 'POST',
    doc: '/api/transfers/{id}/consider',
    path: (i) => `/api/transfers/${i.transferIn}/consider`,
    expect: act('incident.acceptAssistance', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/transfers/{id}/accept',
    path: (i) => `/api/transfers/${i.transferIn}/accept`,
    body: () => ({}),
    expect: act('incident.acceptAssistance', 'fire'),
  },
  {
    method: 'POST',
    doc: '/api/transfers/{id}/reject',
    path: (i) => `/api/transfers/${i.assistanceIn}/reject`,
    body: () => ({ reason: 'matrix' }),
    expect: act('incident.acceptAssistance', 'fire'),
  },
  { method: 'GET', doc: '/api/partner-resources', path: () => '/api/partner-resources', expect: view() },
  // Links to partner rooms (docs/mait-delivery.md): anyone signed in sees them; a duty officer retries a dead letter.
  { method: 'GET', doc: '/api/partner-links', path: () => '/api/partner-links', expect: view() },
  {
    method: 'GET',
    doc: '/api/partner-links/dead-letters',
    path: () => '/api/partner-links/dead-letters',
    expect: view(),
  },
  {
    method: 'POST',
    doc: '/api/partner-links/dead-letters/{messageId}/retry',
    path: () => '/api/partner-links/dead-letters/M-1/retry',
    expect: act('admin'),
  },
  // Cross-border assistance (issue 18 item 5): asking is the joint-request right; offering is the pumps' agency's.
  {
    method: 'POST',
    doc: '/api/incidents/{id}/partner-assistance',
    path: (i) => `/api/incidents/${i.fireInc}/partner-assistance`,
    body: () => ({ partnerId: 'beds', capability: 'pump', count: 1 }),
    expect: onIncident('fire', 'incident.requestAssistance'),
  },
  {
    method: 'POST',
    doc: '/api/transfers/{id}/offer',
    path: (i) => `/api/transfers/${i.assistanceIn}/offer`,
    body: () => ({}),
    expect: act('incident.acceptAssistance', 'fire'),
  },
  { method: 'POST', doc: '/api/logout', path: () => '/api/logout', expect: view(), public: true },
];

/** Operations authenticated by something other than a user session (AVL feed tokens, partner rooms' HMAC). */
const NOT_USER_ENDPOINTS = new Set(['get /osmand/', 'post /osmand/', 'post /traccar/', 'post /mait/v1/messages']);

async function setup(): Promise<{ server: RunningServer; ids: Ids }> {
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
    cop: { token: 'matrix-cop-token-0123456789' },
  });
  const duty = await tokenFor(server, 'duty-officer', 'setup-duty');
  const police = await tokenFor(server, 'police-dispatcher', 'setup-police');
  const f = await api(server, 'POST', '/api/incidents', {
    token: duty,
    body: { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: 'Fire incident' },
  });
  const p = await api(server, 'POST', '/api/incidents', {
    token: police,
    body: { typeId: 'dwelling-fire', lat: 51.78, lon: -0.21, address: 'Police-led incident', leadAgency: 'police' },
  });
  const fireInc = (f.body as { id: string }).id;
  const policeInc = (p.body as { id: string }).id;
  assert.ok(fireInc && policeInc, `fixtures: ${JSON.stringify(f.body)} ${JSON.stringify(p.body)}`);
  const r = await api(server, 'POST', `/api/incidents/${policeInc}/assistance`, {
    token: police,
    body: { toAgency: 'fire', note: 'need a pump' },
  });
  const requestId =
    (r.body as { id?: string; requestId?: string }).id ?? (r.body as { requestId?: string }).requestId ?? '';
  assert.ok(requestId, `assistance request: ${JSON.stringify(r.body)}`);
  // A partner's transfer and request for assistance, as its inbox applies them (no partners file needed).
  const from = { from: 'beds', to: server.engine.room.transfers.roomId, seq: 1, sentAt: 0 };
  const where = { lat: 51.77, lon: -0.22, gridRef: null, uprn: null, address: 'Over the border' };
  const received = (message: MaitMessage) =>
    server.engine.execute({ type: 'mait.receive', partnerId: 'beds', message }, { origin: 'partner', actor: 'beds' });
  received({
    ...from,
    kind: 'Create',
    messageId: 'beds-1',
    incident: { room: 'beds', id: 'B-1' },
    content: {
      type: 'dwelling-fire',
      typeText: 'House fire',
      priority: 1,
      location: where,
      methane: { ...EMPTY_METHANE },
      casualties: [],
      callerAccount: '',
      timeline: [],
    },
  });
  received({
    ...from,
    kind: 'AssistanceRequest',
    messageId: 'beds-2',
    incident: { room: 'beds', id: 'B-2' },
    requestId: 'req-1',
    capability: 'pump',
    count: 1,
    location: where,
    type: 'dwelling-fire',
    note: '',
  });
  const inbound = [...server.engine.room.transfers.all()].filter((t) => t.direction === 'in');
  const transferIn = inbound.find((t) => t.kind === 'transfer')?.id ?? '';
  const assistanceIn = inbound.find((t) => t.kind === 'assistance')?.id ?? '';
  assert.ok(transferIn && assistanceIn, 'fixtures: the partner items');
  return { server, ids: { fireInc, policeInc, requestId, transferIn, assistanceIn } };
}

test('every documented operation has a matrix row', async () => {
  const { server } = await setup();
  try {
    const doc = (await api(server, 'GET', '/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    const covered = new Set(ROWS.map((r) => `${r.method.toLowerCase()} ${r.doc}`));
    assert.equal(
      documented.filter((d) => !covered.has(d) && !NOT_USER_ENDPOINTS.has(d)),
      [],
    );
  } finally {
    await server.close();
  }
});

for (const principal of ['anonymous', ...ROLES] as const) {
  test(`matrix: ${principal}`, async () => {
    const { server, ids } = await setup();
    try {
      const token = principal === 'anonymous' ? undefined : await tokenFor(server, principal, `m-${principal}`);
      const failures: string[] = [];
      // WebSocket (first: the last REST row signs out) actions: the operating picture is for every signed-in role; AVL is for feeds, not users.
      const cop = await wsOutcome(`${server.url.replace('http', 'ws')}/ws/cop`, token);
      if (cop !== (principal === 'anonymous' ? 401 : 101)) failures.push(`WS /ws/cop: got ${cop}`);
      const avl = await wsOutcome(`${server.url.replace('http', 'ws')}/ws/avl`, token);
      if (avl !== 401) failures.push(`WS /ws/avl with a user session: got ${avl}`);
      for (const row of ROWS) {
        const path = row.path(ids);
        const res = await api(server, row.method, path, {
          ...(token ? { token } : {}),
          ...(row.body ? { body: row.body(ids) } : row.method === 'GET' ? {} : { body: {} }),
        });
        const code = errorCode(res.body);
        const want: Expect = principal === 'anonymous' ? (row.public ? 'public' : 'deny') : row.expect(principal);
        const ok =
          want === 'public'
            ? res.status !== 403 && code !== 'JCR_UNAUTHENTICATED'
            : want === 'allow'
              ? res.status !== 401 && res.status !== 403
              : want === 'hidden'
                ? res.status === 403 || res.status === 404
                : principal === 'anonymous'
                  ? res.status === 401 && code === 'JCR_UNAUTHENTICATED'
                  : res.status === 403 && code === 'JCR_FORBIDDEN';
        if (!ok) failures.push(`${row.method} ${path}: wanted ${want}, got ${res.status} ${code ?? ''}`);
      }
      assert.equal(failures, []);
    } finally {
      await server.close();
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Shared incidents (issue 22 item 1): every role × every relation to an incident × every incident
// and resource action, over REST, and the COP's incident visibility over /ws/cop. The expected
// answers are written out by hand from the table in docs/incidents.md, not computed by the rule.

const AGENCY_LIST = ['fire', 'police', 'ambulance'] as const;
/** Each agency's first and spare resource (the mini scenario plus PC2 and AMB2). */
const OWN: Record<Agency, [string, string]> = {
  fire: ['HAT1', 'HAT2'],
  police: ['PC1', 'PC2'],
  ambulance: ['AMB1', 'AMB2'],
};
/** A resource of another agency, for each agency. */
const OTHERS: Record<Agency, string> = { fire: 'AMB2', police: 'HAT2', ambulance: 'HAT2' };
/** The lead when the agency does not lead, and the third agency. */
const leadFor = (a: Agency): Agency => (a === 'fire' ? 'police' : 'fire');
const thirdFor = (a: Agency): Agency => AGENCY_LIST.find((x) => x !== a && x !== leadFor(a))!;

type Outcome = 'ok' | '404' | '403' | 'lead' | '409' | 'committed';
interface Cell {
  id: string;
  a: Agency;
  rel: Relation;
}
interface SharedAction {
  name: string;
  /** State the action needs, made through the engine before the request. */
  prep?: (e: Engine, c: Cell) => void;
  request: (c: Cell) => { method: string; path: string; body?: unknown };
  /** For a listing: present = ok, absent = 404. */
  listed?: boolean;
}

const sys = { origin: 'system' as const, actor: 'matrix' };
const mobiliseVia = (e: Engine, id: string, rid: string) =>
  e.execute({ type: 'incident.mobilise', incidentId: id, resourceIds: [rid], proposed: [rid] }, sys);
/** The agency's own resource at the incident: its committed one, or its spare, mobilised. */
const ownAt = (c: Cell) => (c.rel === 'committed' ? OWN[c.a][0] : OWN[c.a][1]);
const prepOwn = (e: Engine, c: Cell) => {
  // An agency only asked, or uninvolved, has no resource there (one would make it committed).
  if (c.rel === 'lead' || c.rel === 'supporting') mobiliseVia(e, c.id, OWN[c.a][1]);
};

const ACTIONS: SharedAction[] = [
  { name: 'view', request: (c) => ({ method: 'GET', path: `/api/incidents/${c.id}` }) },
  { name: 'list', request: () => ({ method: 'GET', path: '/api/incidents' }), listed: true },
  { name: 'timeline', request: (c) => ({ method: 'GET', path: `/api/incidents/${c.id}/log` }) },
  { name: 'recommendation', request: (c) => ({ method: 'GET', path: `/api/incidents/${c.id}/recommendation` }) },
  {
    name: 'change priority',
    request: (c) => ({ method: 'PATCH', path: `/api/incidents/${c.id}`, body: { priority: 2 } }),
  },
  {
    name: 'move',
    request: (c) => ({ method: 'PATCH', path: `/api/incidents/${c.id}`, body: { lat: 51.771, lon: -0.221 } }),
  },
  {
    name: 'METHANE',
    request: (c) => ({ method: 'PATCH', path: `/api/incidents/${c.id}`, body: { methane: { hazards: 'gas' } } }),
  },
  {
    name: 'note',
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/notes`, body: { text: 'matrix note' } }),
  },
  {
    name: 'close',
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/close`, body: { reason: 'matrix' } }),
  },
  {
    name: 'force close',
    request: (c) => ({
      method: 'POST',
      path: `/api/incidents/${c.id}/close`,
      body: { reason: 'matrix', force: true },
    }),
  },
  {
    name: 'mobilise own',
    request: (c) => ({
      method: 'POST',
      path: `/api/incidents/${c.id}/mobilise`,
      body: { resourceIds: [OWN[c.a][1]], reason: 'matrix' },
    }),
  },
  {
    name: "mobilise another agency's",
    request: (c) => ({
      method: 'POST',
      path: `/api/incidents/${c.id}/mobilise`,
      body: { resourceIds: [OTHERS[c.a]], reason: 'matrix' },
    }),
  },
  {
    name: 'status with incidentId',
    request: (c) => ({
      method: 'POST',
      path: `/api/resources/${OWN[c.a][1]}/status`,
      body: { status: 'MOBILISED', incidentId: c.id },
    }),
  },
  {
    name: 'arrival of own',
    prep: prepOwn,
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/arrived`, body: { resourceId: ownAt(c) } }),
  },
  {
    name: 'leaving of own',
    prep: (e, c) => {
      prepOwn(e, c);
      if (c.rel !== 'requested' && c.rel !== 'uninvolved')
        e.execute({ type: 'resource.setStatus', resourceId: ownAt(c), status: 4, incidentId: c.id }, sys);
    },
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/left`, body: { resourceId: ownAt(c) } }),
  },
  {
    name: 'stand down own',
    prep: prepOwn,
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/stand-down`, body: { resourceId: ownAt(c) } }),
  },
  {
    name: "arrival of another agency's",
    prep: (e, c) => mobiliseVia(e, c.id, OTHERS[c.a]),
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/arrived`, body: { resourceId: OTHERS[c.a] } }),
  },
  {
    name: "stand down another agency's",
    prep: (e, c) => mobiliseVia(e, c.id, OTHERS[c.a]),
    request: (c) => ({
      method: 'POST',
      path: `/api/incidents/${c.id}/stand-down`,
      body: { resourceId: OTHERS[c.a] },
    }),
  },
  {
    name: 'ask for assistance',
    request: (c) => ({
      method: 'POST',
      path: `/api/incidents/${c.id}/assistance`,
      body: { toAgency: thirdFor(c.a), note: 'matrix' },
    }),
  },
  {
    name: 'answer a request',
    // Asked: its own request (R1). Otherwise a request from the lead to the third agency.
    prep: (e, c) => {
      if (c.rel !== 'requested')
        e.execute(
          {
            type: 'incident.requestAssistance',
            incidentId: c.id,
            fromAgency: c.rel === 'lead' ? c.a : leadFor(c.a),
            toAgency: thirdFor(c.a),
          },
          sys,
        );
    },
    request: (c) => ({ method: 'POST', path: `/api/incidents/${c.id}/assistance/${c.id}-R1/accept`, body: {} }),
  },
];

/** A dispatcher's answers, by relation: lead, supporting, requested, committed, uninvolved. */
const DISPATCHER: Record<string, Outcome[]> = {
  view: ['ok', 'ok', 'ok', 'ok', '404'],
  list: ['ok', 'ok', 'ok', 'ok', '404'],
  timeline: ['ok', 'ok', 'ok', 'ok', '404'],
  recommendation: ['ok', 'ok', 'ok', 'ok', '404'],
  'change priority': ['ok', 'lead', 'lead', 'lead', '404'],
  move: ['ok', 'lead', 'lead', 'lead', '404'],
  METHANE: ['ok', 'ok', 'ok', 'ok', '404'],
  note: ['ok', 'ok', 'ok', 'ok', '404'],
  close: ['ok', 'lead', 'lead', 'lead', '404'],
  'force close': ['403', '403', '403', '403', '404'],
  'mobilise own': ['ok', 'ok', 'ok', 'ok', '404'],
  "mobilise another agency's": ['403', '403', '403', '403', '404'],
  'status with incidentId': ['ok', 'ok', 'ok', 'ok', '404'],
  'arrival of own': ['ok', 'ok', '409', 'ok', '404'],
  'leaving of own': ['ok', 'ok', '409', 'ok', '404'],
  'stand down own': ['ok', 'ok', '409', 'ok', '404'],
  "arrival of another agency's": ['403', '403', '403', '403', '404'],
  "stand down another agency's": ['403', '403', '403', '403', '404'],
  'ask for assistance': ['ok', 'ok', '403', 'ok', '404'],
  'answer a request': ['403', '403', 'ok', '403', '404'],
};
/** The duty officer sees and may do everything; a close still waits for a committed other agency. */
const DUTY: Record<string, Outcome[]> = {
  ...Object.fromEntries(Object.keys(DISPATCHER).map((k) => [k, ['ok', 'ok', 'ok', 'ok', 'ok'] as Outcome[]])),
  close: ['ok', 'ok', 'ok', 'committed', 'ok'],
  'arrival of own': ['ok', 'ok', '409', 'ok', '409'],
  'leaving of own': ['ok', 'ok', '409', 'ok', '409'],
  'stand down own': ['ok', 'ok', '409', 'ok', '409'],
};
/** The wall sees every incident and changes nothing. */
const READS = new Set(['view', 'list', 'timeline', 'recommendation']);
const WALL: Record<string, Outcome[]> = Object.fromEntries(
  Object.keys(DISPATCHER).map((k) => [k, Array<Outcome>(5).fill(READS.has(k) ? 'ok' : '403')]),
);
const EXPECTED: Record<Role, { agency: Agency; table: Record<string, Outcome[]> }> = {
  'fire-dispatcher': { agency: 'fire', table: DISPATCHER },
  'police-dispatcher': { agency: 'police', table: DISPATCHER },
  'ambulance-desk': { agency: 'ambulance', table: DISPATCHER },
  // Relations are those of fire to the incident; the duty officer and the wall have none of their own.
  'duty-officer': { agency: 'fire', table: DUTY },
  'wall-viewer': { agency: 'fire', table: WALL },
};

function sharedScenario() {
  const sc = miniScenario();
  const pc1 = sc.resources.find((r) => r.id === 'PC1')!;
  const amb1 = sc.resources.find((r) => r.id === 'AMB1')!;
  sc.resources.push(
    { ...pc1, id: 'PC2', callSign: 'HT-IRV2' },
    { ...amb1, id: 'AMB2', callSign: 'EE-A2', trackers: [] },
  );
  return sc;
}

/** An incident in which `a` has relation `rel` (made through the engine, as the system). */
function fixture(e: Engine, a: Agency, rel: Relation): string {
  const lead = rel === 'lead' ? a : leadFor(a);
  const [ev] = e.execute(
    {
      type: 'incident.create',
      typeId: 'dwelling-fire',
      lat: 51.77,
      lon: -0.22,
      leadAgency: lead,
      supportingAgencies: rel === 'supporting' ? [a] : [],
    },
    sys,
  );
  const id = ev?.type === 'incident.created' ? ev.data.incidentId : '';
  if (rel === 'requested')
    e.execute({ type: 'incident.requestAssistance', incidentId: id, fromAgency: lead, toAgency: a }, sys);
  if (rel === 'committed') mobiliseVia(e, id, OWN[a][0]);
  return id;
}

function outcome(status: number, code: string | undefined): Outcome | string {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 404 && code === 'JCR_NOT_FOUND') return '404';
  if (status === 403 && code === 'JCR_FORBIDDEN') return '403';
  if (status === 403 && code === 'JCR_INCIDENT_LEAD_ONLY') return 'lead';
  if (status === 409 && code === 'JCR_CONFLICT') return '409';
  if (status === 409 && code === 'JCR_INCIDENT_STILL_COMMITTED') return 'committed';
  return `${status} ${code ?? ''}`;
}

for (const role of ROLES) {
  test(`shared incidents, ${role}: every relation × every incident and resource action`, async () => {
    const clock = fakeClock();
    const server = await startServer({
      scenario: sharedScenario(),
      db: ':memory:',
      port: 0,
      clock: clock.now,
      log: 'silent',
      roads: {
        mobilisation: {
          journeys: new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']),
          cover: null,
        },
      },
    });
    try {
      const token = await tokenFor(server, role, `s-${role}`);
      const { agency, table } = EXPECTED[role];
      const e = server.engine;
      const failures: string[] = [];
      for (const act of ACTIONS) {
        for (let i = 0; i < RELATIONS.length; i++) {
          const rel = RELATIONS[i]!;
          const c: Cell = { id: fixture(e, agency, rel), a: agency, rel };
          act.prep?.(e, c);
          const rq = act.request(c);
          const res = await api(server, rq.method, rq.path, {
            token,
            ...(rq.body !== undefined ? { body: rq.body } : {}),
          });
          const got = act.listed
            ? res.status === 200 && (res.body as { incidents: { id: string }[] }).incidents.some((x) => x.id === c.id)
              ? 'ok'
              : '404'
            : outcome(res.status, errorCode(res.body));
          const want = table[act.name]![i]!;
          if (got !== want) failures.push(`${act.name} as ${rel}: wanted ${want}, got ${got}`);
          const inc = e.room.incidents.get(c.id);
          if (inc && inc.status !== 'closed')
            e.execute({ type: 'incident.close', incidentId: c.id, force: true, reason: 'matrix cleanup' }, sys);
          clock.advance(200); // the per-user write limit refills
        }
      }
      assert.equal(failures, []);
    } finally {
      await server.close();
    }
  });
}

test('shared incidents on the COP: each screen gets exactly the incidents its agency takes part in', async () => {
  const timer = manualTimer();
  const server = await startServer({
    scenario: sharedScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
    timers: timer,
    cop: { limits: { tickMs: 100 } },
  });
  try {
    // One incident per agency and relation: "fire/lead", "police/committed", ...
    const made: Array<[string, Agency, Relation]> = [];
    for (const a of AGENCY_LIST) for (const rel of RELATIONS) made.push([fixture(server.engine, a, rel), a, rel]);
    const seen: Record<string, string[]> = {};
    for (const role of ROLES) {
      const token = await tokenFor(server, role, `c-${role}`);
      const picture = new CopPicture();
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/ws/cop`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await once(ws, 'open');
      const frame = new Promise<void>((resolve) =>
        ws.once('message', (d: Buffer) => {
          picture.apply(decodeServerFrame(d));
          resolve();
        }),
      );
      const serverSide = [...server.cop.wss.clients].at(-1)!;
      const handled = once(serverSide, 'message');
      ws.send(encodeClientFrame(picture.subscribeMessage()));
      await handled;
      timer.tick(100);
      await frame;
      ws.close();
      const label = new Map(made.map(([id, a, rel]) => [id, `${a}/${rel}`]));
      seen[role] = [...picture.incidents.keys()].map((id) => label.get(id) ?? id);
      // REST agrees with the COP.
      const rest = (await api(server, 'GET', '/api/incidents', { token })).body as { incidents: { id: string }[] };
      assert.equal(
        rest.incidents.map((i) => label.get(i.id) ?? i.id),
        seen[role],
        role,
      );
    }
    const all = made.map(([, a, rel]) => `${a}/${rel}`);
    // By hand: an agency sees its own lead, supporting, asked and committed incidents, and every
    // incident it leads for another (fire leads for police and ambulance, police for fire).
    assert.equal(seen, {
      'fire-dispatcher': [
        'fire/lead',
        'fire/supporting',
        'fire/requested',
        'fire/committed',
        'police/supporting',
        'police/requested',
        'police/committed',
        'police/uninvolved',
        'ambulance/supporting',
        'ambulance/requested',
        'ambulance/committed',
        'ambulance/uninvolved',
      ].sort((x, y) => all.indexOf(x) - all.indexOf(y)),
      'police-dispatcher': [
        'fire/supporting',
        'fire/requested',
        'fire/committed',
        'fire/uninvolved',
        'police/lead',
        'police/supporting',
        'police/requested',
        'police/committed',
      ],
      'ambulance-desk': ['ambulance/lead', 'ambulance/supporting', 'ambulance/requested', 'ambulance/committed'],
      'duty-officer': all,
      'wall-viewer': all,
    });
  } finally {
    await server.close();
  }
});

/** 101 if the upgrade succeeds, else the HTTP status it was refused with. */
function wsOutcome(url: string, token: string | undefined): Promise<number> {
  return new Promise((resolveOutcome) => {
    const ws = new WebSocket(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
    ws.on('open', () => {
      ws.terminate();
      resolveOutcome(101);
    });
    ws.on('unexpected-response', (_req, res) => {
      resolveOutcome(res.statusCode ?? 0);
      res.resume();
    });
    ws.on('error', () => resolveOutcome(0));
  });
}

test.run();
