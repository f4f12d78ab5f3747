/**
 * Incident creation is idempotent by `idempotencyKey`. Before, a create the client gave up on
 * (its 8 s timeout) but the server had applied was retried by the dispatcher and made a second
 * incident, mobilising twice to one call. Now a create with a key already applied for the same
 * acting agency answers the incident made first (201, same id), after a restart too; a key is
 * forgotten 24 h after its create; a malformed key is refused with JCR_IDEMPOTENCY_KEY.
 * Mini scenario, fake clock, a file database for the restart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { RunningServer } from '../server/shell/server.ts';
import { api, errorCode, tokenFor, withDbFile, withMiniServer } from './support/server.ts';

const KEY = '0b7f6c2e-3d4a-4f1e-9a8b-5c6d7e8f9a0b';
const FIRE = { typeId: 'dwelling-fire', lat: 51.77, lon: -0.22, address: '1 High St' };
const clock = fakeClock(Date.UTC(2026, 0, 1, 9));

const create = async (server: RunningServer, token: string, body: Record<string, unknown>) => {
  const r = await api(server, 'POST', '/api/incidents', { token, body });
  const b = r.body as { id?: string; error?: { path?: string } };
  return [r.status, b.id ?? errorCode(r.body), r.headers.get('location') ?? b.error?.path];
};
const ids = async (server: RunningServer, token: string) =>
  ((await api(server, 'GET', '/api/incidents', { token })).body as { incidents: { id: string }[] }).incidents.map(
    (i) => i.id,
  );

test('a create retried with its key answers the incident made first, after a restart too', async () => {
  await withDbFile(async (db) => {
    await withMiniServer({ db, clock: clock.now }, async (server) => {
      const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
      const police = await tokenFor(server, 'police-dispatcher', 'pd');
      assert.equal(await create(server, fire, { ...FIRE, idempotencyKey: KEY }), [
        201,
        'INC-1',
        '/api/incidents/INC-1',
      ]);
      assert.equal(await create(server, fire, { ...FIRE, idempotencyKey: KEY }), [
        201,
        'INC-1',
        '/api/incidents/INC-1',
      ]);
      assert.equal(await ids(server, fire), ['INC-1']);
      // Another agency's key is its own: the same string makes police their incident.
      const theirs = { ...FIRE, leadAgency: 'police', idempotencyKey: KEY };
      assert.equal(await create(server, police, theirs), [201, 'INC-2', '/api/incidents/INC-2']);
      // No key: every create is a new incident, as before.
      assert.equal(await create(server, fire, FIRE), [201, 'INC-3', '/api/incidents/INC-3']);
    });
    clock.advance(60_000);
    await withMiniServer({ db, clock: clock.now }, async (server) => {
      const fire = await tokenFor(server, 'fire-dispatcher', 'fd2');
      assert.equal(await create(server, fire, { ...FIRE, idempotencyKey: KEY }), [
        201,
        'INC-1',
        '/api/incidents/INC-1',
      ]);
      assert.equal(await ids(server, fire), ['INC-1', 'INC-3']);
      // 24 h after its create the key is forgotten: a new incident.
      clock.advance(24 * 60 * 60 * 1000);
      const later = await tokenFor(server, 'fire-dispatcher', 'fd3');
      assert.equal(await create(server, later, { ...FIRE, idempotencyKey: KEY }), [
        201,
        'INC-4',
        '/api/incidents/INC-4',
      ]);
    });
  });
});

test('the key stays in the durable log, not in the timeline the screens read', async () => {
  await withMiniServer({ clock: clock.now }, async (server) => {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    const duty = await tokenFor(server, 'duty-officer', 'duty');
    assert.equal((await create(server, fire, { ...FIRE, idempotencyKey: KEY }))[1], 'INC-1');
    const [created] = [...server.store.events(0)].filter((e) => e.type === 'incident.created');
    assert.equal((created?.data as { createKey?: unknown }).createKey, { key: KEY, scope: 'fire' });
    for (const token of [fire, duty]) {
      const log = await api(server, 'GET', '/api/incidents/INC-1/log', { token });
      assert.is(log.status, 200);
      const events = (log.body as { events: { type: string; data: Record<string, unknown> }[] }).events;
      assert.equal(
        events.map((e) => [e.type, Object.keys(e.data).sort()]),
        [
          [
            'incident.created',
            [
              'address',
              'incidentId',
              'lat',
              'leadAgency',
              'lon',
              'methane',
              'priority',
              'supportingAgencies',
              'typeId',
            ],
          ],
        ],
      );
      assert.not.ok(JSON.stringify(log.body).includes(KEY));
    }
  });
});

test('a malformed idempotency key is refused with JCR_IDEMPOTENCY_KEY and creates nothing', async () => {
  await withMiniServer({ clock: clock.now }, async (server) => {
    const fire = await tokenFor(server, 'fire-dispatcher', 'fd');
    for (const bad of ['short', 'x'.repeat(129), 'has space in it', 'semi;colon-key', 42, ''])
      assert.equal(
        await create(server, fire, { ...FIRE, idempotencyKey: bad }),
        [400, 'JCR_IDEMPOTENCY_KEY', 'idempotencyKey'],
        String(bad),
      );
    assert.equal(await ids(server, fire), []);
  });
});

test.run();
