import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeClock } from '../server/core/clock.ts';
import { JcrError } from '../server/core/errors.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { MIGRATIONS } from '../server/shell/store/migrations.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const ctx = { origin: 'operator' as const, actor: 'alice' };

function tempDb(): { path: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-store-'));
  return { path: join(dir, 'jcr.sqlite'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The parts of live state a restart must reproduce exactly. */
function snapshot(engine: Engine) {
  return Array.from(engine.room.fleet.all(), (r) => [r.def.id, r.status, r.incidentId ?? null, r.lat, r.lon]);
}

test('a new database is migrated to the latest schema, in WAL mode', () => {
  const db = tempDb();
  const store = Store.open(db.path);
  assert.is(store.schemaVersion, MIGRATIONS.length);
  assert.is(store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.is(store.db.pragma('synchronous', { simple: true }), 2); // FULL
  store.close();
  db.done();
});

test('append gives strictly increasing sequence numbers and reads back the same events', () => {
  const store = Store.open(':memory:');
  const a = store.append([
    { at: 1000, type: 'operator.note', origin: 'operator', actor: 'alice', data: { text: 'one' } },
  ]);
  const b = store.append([
    { at: 2000, type: 'operator.note', origin: 'sim', actor: 'sim', data: { text: 'two' } },
    {
      at: 2000,
      type: 'resource.status',
      origin: 'avl',
      actor: 'feed-1',
      data: { resourceId: 'HAT1', status: ResourceStatus.MOBILISED, incidentId: 'I-1' },
    },
  ]);
  assert.equal(
    [...a, ...b].map((e) => e.seq),
    [1, 2, 3],
  );
  assert.equal(
    [...store.events(1)],
    [
      { seq: 2, at: 2000, type: 'operator.note', origin: 'sim', actor: 'sim', data: { text: 'two' } },
      {
        seq: 3,
        at: 2000,
        type: 'resource.status',
        origin: 'avl',
        actor: 'feed-1',
        data: { resourceId: 'HAT1', status: 3, incidentId: 'I-1' },
      },
    ],
  );
  assert.is(store.lastSeq(), 3);
  store.close();
});

test('a restart on the same database rebuilds the same state', () => {
  const db = tempDb();
  const clock = fakeClock();
  const store1 = Store.open(db.path);
  const e1 = Engine.boot(miniScenario(), store1, clock.now);
  e1.execute(
    { type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.MOBILISED, incidentId: 'I-7' },
    ctx,
  );
  clock.advance(60_000);
  e1.execute(
    {
      type: 'resource.setStatus',
      resourceId: 'HAT1',
      status: ResourceStatus.AT_SCENE,
      incidentId: 'I-7',
      lat: 51.77,
      lon: -0.21,
    },
    ctx,
  );
  e1.execute({ type: 'resource.setStatus', resourceId: 'PC1', status: ResourceStatus.UNAVAILABLE }, ctx);
  e1.execute({ type: 'operator.note', text: 'crew welfare break' }, ctx);
  const before = snapshot(e1);
  const lastSeq = e1.room.lastSeq;
  store1.close();

  const store2 = Store.open(db.path);
  const e2 = Engine.boot(miniScenario(), store2, clock.now);
  assert.equal(snapshot(e2), before);
  assert.is(e2.room.lastSeq, lastSeq);
  assert.equal(e2.room.fleet.require('HAT1').incidentId, 'I-7');
  assert.equal(e2.room.fleet.index.get('HAT1'), [-0.21, 51.77]);
  // New events continue the sequence rather than restarting it.
  const [next] = e2.execute({ type: 'operator.note', text: 'after restart' }, ctx);
  assert.is(next?.seq, lastSeq + 1);
  store2.close();
  db.done();
});

test('a refused command writes nothing and changes nothing', () => {
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock().now);
  // AT_SCENE straight from the station skips MOBILISED: refused by the transition rules.
  try {
    engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AT_SCENE }, ctx);
    assert.unreachable('should refuse');
  } catch (e) {
    assert.instance(e, JcrError);
    assert.is((e as JcrError).code, 'JCR_INVALID_TRANSITION');
  }
  assert.is(store.lastSeq(), 0);
  assert.is(engine.room.fleet.require('HAT1').status, ResourceStatus.AVAILABLE_AT_STATION);
  store.close();
});

test('listeners hear durable events only, after they are stored', () => {
  const store = Store.open(':memory:');
  const engine = Engine.boot(miniScenario(), store, fakeClock().now);
  const heard: Array<[number, number]> = [];
  engine.onEvents((evs) => {
    for (const e of evs) heard.push([e.seq, store.lastSeq()]);
  });
  engine.execute({ type: 'resource.setStatus', resourceId: 'WGC1', status: ResourceStatus.MOBILISED }, ctx);
  engine.execute({ type: 'resource.setStatus', resourceId: 'WGC1', status: ResourceStatus.MOBILISED }, ctx); // no-op: no event
  assert.equal(heard, [[1, 1]]);
  store.close();
});

test('a database from a newer server is refused, not silently used', () => {
  const db = tempDb();
  const s = Store.open(db.path);
  s.db.pragma(`user_version = ${MIGRATIONS.length + 5}`);
  s.close();
  try {
    Store.open(db.path);
    assert.unreachable('should refuse');
  } catch (e) {
    assert.is((e as JcrError).code, 'JCR_DB_TOO_NEW');
  }
  db.done();
});

test.run();
