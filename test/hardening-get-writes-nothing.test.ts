/**
 * Issue 15 item 3, GET must not write: asking for a recommendation appends nothing to the event
 * log, whoever asks and however often; a dispatcher who mobilises with what they were shown is
 * judged against that, not refused because someone else asked since; and the decision's audit
 * entry holds exactly the recommendation shown. Over REST (port 0, ':memory:') on the mini
 * scenario with straight-line journey times (10 m/s).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Role } from '../server/core/auth/roles.ts';
import { fakeClock } from '../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../server/core/incidents/journeys.ts';
import { summarise, type Recommendation } from '../server/core/incidents/view.ts';
import { ShownSeal } from '../server/shell/incidents/shown.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, miniServer, tokenFor } from './support/server.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const clock = fakeClock(T0);
let server: RunningServer;
const tokens = new Map<string, string>();

// A fresh server per test: each mobilises the same pumps.
test.before.each(async () => {
  clock.set(T0);
  const journeys = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
  server = await miniServer({ clock: clock.now, roads: { mobilisation: { journeys, cover: null } } });
  const users: Array<[string, Role]> = [
    ['anna', 'fire-dispatcher'],
    ['ben', 'fire-dispatcher'],
    ['wall', 'wall-viewer'],
    ['duty', 'duty-officer'],
  ];
  for (const [name, role] of users) tokens.set(name, await tokenFor(server, role, name));
});
test.after.each(async () => {
  await server.close();
});

const as = (who: string, method: string, path: string, body?: unknown) =>
  api(server, method, path, { token: tokens.get(who)!, ...(body !== undefined ? { body } : {}) });
const err = (r: { status: number; body: unknown }) => [
  r.status,
  errorCode(r.body),
  (r.body as { error?: { path?: string } }).error?.path,
];
type Shown = Recommendation & { recommendationSeq: number; fingerprint: string };
const logged = () => [...server.store.events(0)];

/** A dwelling fire 100 m east of Hatfield fire station (pump ×2: HAT1, HAT2 from the station). */
async function openFire(): Promise<string> {
  const c = await as('anna', 'POST', '/api/incidents', { typeId: 'dwelling-fire', lat: 51.7636, lon: -0.2232 });
  assert.is(c.status, 201, JSON.stringify(c.body));
  return (c.body as { id: string }).id;
}

test('item 3, GET must not write: 300 recommendation GETs from every role leave the event log unchanged', async () => {
  const id = await openFire();
  const before = logged();
  const seq = server.engine.room.lastSeq;
  for (let i = 0; i < 300; i++) {
    const who = ['anna', 'ben', 'wall', 'duty'][i % 4]!;
    const r = await as(who, 'GET', `/api/incidents/${id}/recommendation`);
    assert.is(r.status, 200, JSON.stringify(r.body));
    assert.equal((r.body as Shown).proposed, ['HAT1', 'HAT2']);
  }
  assert.equal(logged(), before);
  assert.is(server.engine.room.lastSeq, seq);
  // Nor does the incident's timeline grow (it had an incident.recommended per GET).
  const log = await as('anna', 'GET', `/api/incidents/${id}/log`);
  assert.equal(
    (log.body as { events: Array<{ type: string }> }).events.map((e) => e.type),
    ['incident.created'],
  );
});

test('item 3, GET must not write: two dispatchers GET; one mobilises with what they were shown and is not refused', async () => {
  const id = await openFire();
  const shownToAnna = (await as('anna', 'GET', `/api/incidents/${id}/recommendation`)).body as Shown;
  assert.equal(shownToAnna.proposed, ['HAT1', 'HAT2']);
  // Ben is shown something else: HAT2 books unavailable, then available again after his GET.
  clock.advance(10_000);
  assert.is((await as('ben', 'POST', '/api/resources/HAT2/status', { status: 'UNAVAILABLE' })).status, 200);
  const shownToBen = (await as('ben', 'GET', `/api/incidents/${id}/recommendation`)).body as Shown;
  assert.equal(shownToBen.proposed, ['HAT1', 'WGC1']);
  assert.is((await as('ben', 'POST', '/api/resources/HAT2/status', { status: 'AVAILABLE_AT_STATION' })).status, 200);

  // Anna accepts what she was shown: accepted, HAT1 and HAT2 go (before: 409 JCR_CONFLICT, Ben's GET was later).
  clock.advance(5_000);
  const m = await as('anna', 'POST', `/api/incidents/${id}/mobilise`, {
    accept: true,
    fingerprint: shownToAnna.fingerprint,
  });
  assert.is(m.status, 200, JSON.stringify(m.body));
  const d = (m.body as { decision: Record<string, unknown> }).decision;
  assert.equal([d['decision'], d['proposed'], d['chosen']], ['accepted', ['HAT1', 'HAT2'], ['HAT1', 'HAT2']]);
  // Ben's accept is judged against his: HAT1 has gone meanwhile, so it is refused for that, at HAT1.
  assert.equal(
    err(
      await as('ben', 'POST', `/api/incidents/${id}/mobilise`, { accept: true, fingerprint: shownToBen.fingerprint }),
    ),
    [409, 'JCR_CONFLICT', 'resourceIds[0]'],
  );
});

test("item 3, GET must not write: the decision's audit entry holds exactly the recommendation shown, who decided and why", async () => {
  const id = await openFire();
  clock.advance(1_000);
  const shown = (await as('ben', 'GET', `/api/incidents/${id}/recommendation`)).body as Shown;
  const shownAt = clock.now();
  clock.advance(30_000);
  const m = await as('ben', 'POST', `/api/incidents/${id}/mobilise`, {
    resourceIds: ['HAT1', 'WGC1'],
    reason: 'HAT2 crew short',
    fingerprint: shown.fingerprint,
  });
  assert.is(m.status, 200, JSON.stringify(m.body));
  const log = (await as('ben', 'GET', `/api/incidents/${id}/log`)).body as {
    events: Array<{ type: string; actor: string; at: number; data: Record<string, unknown> }>;
  };
  const decision = log.events.find((e) => e.type === 'incident.decision')!;
  assert.equal([decision.actor, decision.at], ['ben', shownAt + 30_000]);
  assert.equal(decision.data, {
    incidentId: id,
    decision: 'overridden',
    proposed: ['HAT1', 'HAT2'],
    chosen: ['HAT1', 'WGC1'],
    reason: 'HAT2 crew short',
    recommendationSeq: shown.recommendationSeq,
    actingAgency: 'fire',
    recommended: summarise(shown),
    recommendedAt: shownAt,
  });
  assert.equal(
    log.events.map((e) => e.type),
    ['incident.created', 'incident.decision', 'resource.status', 'resource.status'],
  );
});

test('item 3, GET must not write: a fingerprint altered, made up or for another incident is refused, nothing written', async () => {
  const id = await openFire();
  const other = await openFire();
  const shown = (await as('anna', 'GET', `/api/incidents/${id}/recommendation`)).body as Shown;
  const before = logged();
  const [v, payload, sig] = shown.fingerprint.split('.') as [string, string, string];
  const forged = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { summary: { proposed: string[] } };
  forged.summary.proposed = ['WGC1', 'HAT2'];
  const bad = [
    `${v}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${sig}`,
    `${v}.${payload}.${sig.slice(1)}A`,
    'r1.e30.AAAA',
    'nonsense',
  ];
  for (const fingerprint of bad)
    assert.equal(
      err(await as('anna', 'POST', `/api/incidents/${id}/mobilise`, { accept: true, fingerprint })),
      [400, 'JCR_VALIDATION', 'fingerprint'],
      fingerprint,
    );
  assert.equal(
    err(await as('anna', 'POST', `/api/incidents/${other}/mobilise`, { accept: true, fingerprint: shown.fingerprint })),
    [400, 'JCR_VALIDATION', 'fingerprint'],
  );
  assert.equal(logged(), before);
});

test('item 3, GET must not write: the seal key is kept in the database, so a fingerprint outlives a restart', () => {
  const meta = new Map<string, string>();
  const store = { getMeta: (k: string) => meta.get(k), setMeta: (k: string, v: string) => void meta.set(k, v) };
  const summary = { proposed: ['HAT1'], lines: [], withheld: [] };
  const fp = ShownSeal.of(store).seal({ incidentId: 'INC-1', seq: 4, at: T0, summary });
  assert.equal(ShownSeal.of(store).open(fp, 'INC-1'), { incidentId: 'INC-1', seq: 4, at: T0, summary });
  assert.is(meta.size, 1);
  // Another database's key does not open it.
  const elsewhere = new Map<string, string>();
  assert.throws(
    () =>
      ShownSeal.of({
        getMeta: (k: string) => elsewhere.get(k),
        setMeta: (k: string, v: string) => void elsewhere.set(k, v),
      }).open(fp, 'INC-1'),
    (e: unknown) => (e as { code?: string }).code === 'JCR_VALIDATION',
  );
});

test.run();
