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
import { fakeClock } from '../server/core/clock.ts';
import type { Agency } from '../server/core/scenario/types.ts';
import { startServer, type RunningServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { api, errorCode, tokenFor } from './support/server.ts';

type Expect = 'public' | 'allow' | 'deny' | 'hidden';
interface Ids {
  fireInc: string;
  policeInc: string;
  requestId: string;
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
  {
    method: 'GET',
    doc: '/api/eta',
    path: () => '/api/eta?from=51.76,-0.22&to=51.80,-0.20&profile=fire',
    expect: view(),
  },
  { method: 'GET', doc: '/api/places', path: () => '/api/places?q=Hatfield', expect: view() },
  { method: 'GET', doc: '/api/cover', path: () => '/api/cover', expect: view() },
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
  { method: 'POST', doc: '/api/logout', path: () => '/api/logout', expect: view(), public: true },
];

/** Operations authenticated by something other than a user session (AVL feed tokens). */
const NOT_USER_ENDPOINTS = new Set(['get /osmand/', 'post /osmand/']);

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
  return { server, ids: { fireInc, policeInc, requestId } };
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
