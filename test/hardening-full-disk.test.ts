/**
 * Issue 15 item 10, full disk: an AVL batch is applied whole or not at all. Its status changes
 * are decided in report order, made durable in one append, and only then is anything applied
 * (statuses, then positions and history). A store with room for one event fails the batch's
 * append with SQLITE_FULL: before the fix each report appended on its own, so report 0 was
 * applied and the socket then closed with JCR_STORE_FULL, whose code says nothing changed.
 */
import Database from 'better-sqlite3';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { JcrError } from '../server/core/errors.ts';
import type { NewEvent } from '../server/core/events.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { storeError } from '../server/shell/store/store.ts';
import { connect, DEV_TOKEN, report, startAvlServer, T0, type AvlTestServer } from './support/avl.ts';

/** Let the store take `room` more events; past that an append fails as SQLite does on a full disk. */
function diskWithRoomFor(t: AvlTestServer, room: number): { appends: number[] } {
  const store = t.server.store;
  const real = store.append.bind(store);
  const seen = { appends: [] as number[] };
  store.append = (events: readonly NewEvent[]) => {
    seen.appends.push(events.length);
    if (events.length > room) throw storeError(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'))!;
    room -= events.length;
    return real(events);
  };
  return seen;
}

const AT_STATION = ResourceStatus.AVAILABLE_AT_STATION;
const MOBILE = ResourceStatus.AVAILABLE_MOBILE;
/** Two pumps leave their stations (a status change each) and a third only moves. */
const batch = [
  report('HAT1', 51.77, -0.22, T0 - 60_000, { status: MOBILE }),
  report('WGC1', 51.79, -0.2, T0 - 60_000, { status: MOBILE }),
  report('HAT2', 51.765, -0.225, T0 - 60_000),
];

function picture(t: AvlTestServer) {
  const fleet = t.server.engine.room.fleet;
  return ['HAT1', 'WGC1', 'HAT2'].map((id) => {
    const r = fleet.require(id);
    return [id, r.status, r.fixTimeMs, r.lat, r.lon];
  });
}

test('item 10, full disk: a batch whose append fails with SQLITE_FULL part-way is applied not at all', async () => {
  const t = await startAvlServer();
  try {
    const before = picture(t);
    const seq = t.server.engine.room.lastSeq;
    const pending = t.server.avl.history.room;
    const disk = diskWithRoomFor(t, 1);
    const feed = t.server.avl.feeds.authenticate(DEV_TOKEN)!;
    let err: unknown = null;
    try {
      t.server.avl.ingest(batch, feed);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof JcrError, String(err));
    assert.is((err as JcrError).code, 'JCR_STORE_FULL');
    // One append of both status events, refused whole; no report applied, no history row queued.
    assert.equal(disk.appends, [2]);
    assert.equal(picture(t), before);
    assert.equal([t.server.engine.room.lastSeq, [...t.server.store.events(0)].length], [seq, 0]);
    assert.is(t.server.avl.history.room, pending);
    assert.equal(before[0], ['HAT1', AT_STATION, 0, 51.7636, -0.2247]);
  } finally {
    await t.close();
  }
});

test('item 10, full disk: over /ws/avl the socket closes with JCR_STORE_FULL and nothing of the batch changed', async () => {
  const t = await startAvlServer();
  try {
    const before = picture(t);
    diskWithRoomFor(t, 1);
    const c = await connect(t.wsUrl, DEV_TOKEN);
    // No ack: the socket closes instead (before the fix an ack came, report 0 applied).
    const ack = await c.send(1, batch).then(
      (a) => a,
      () => null,
    );
    assert.is(ack, null, JSON.stringify(ack));
    const closed = await c.closed;
    assert.equal(closed, { code: 1011, reason: 'JCR_STORE_FULL' });
    assert.equal(picture(t), before);
    assert.is(t.server.engine.room.lastSeq, 0);
  } finally {
    await t.close();
  }
});

test('item 10, full disk: with room, the batch is one append, statuses then positions, each report judged after the earlier', async () => {
  const t = await startAvlServer();
  try {
    const disk = diskWithRoomFor(t, 10);
    const feed = t.server.avl.feeds.authenticate(DEV_TOKEN)!;
    // HAT1 is booked unavailable then available again in one batch: the second is judged from the
    // first (UNAVAILABLE -> AVAILABLE_MOBILE; from AVAILABLE_AT_STATION it would be a no-op).
    const out = t.server.avl.ingest(
      [
        ...batch,
        report('HAT1', 51.771, -0.22, T0 - 50_000, { status: ResourceStatus.UNAVAILABLE }),
        report('HAT1', 51.772, -0.22, T0 - 40_000, { status: MOBILE }),
        report('HAT1', 51.772, -0.22, T0 - 45_000),
      ],
      feed,
    );
    assert.equal(
      [out.accepted, out.rejected.map((r) => [r.index, r.code]), out.moved],
      [5, [[5, 'JCR_AVL_OUT_OF_ORDER']], ['HAT1', 'WGC1', 'HAT2']],
    );
    assert.equal(disk.appends, [4]);
    assert.equal(
      [...t.server.store.events(0)].map((e) => [
        e.type,
        e.actor,
        (e.data as { resourceId: string }).resourceId,
        (e.data as { status: number }).status,
      ]),
      [
        ['resource.status', 'feed:dev', 'HAT1', MOBILE],
        ['resource.status', 'feed:dev', 'WGC1', MOBILE],
        ['resource.status', 'feed:dev', 'HAT1', ResourceStatus.UNAVAILABLE],
        ['resource.status', 'feed:dev', 'HAT1', MOBILE],
      ],
    );
    assert.equal(picture(t), [
      ['HAT1', MOBILE, T0 - 40_000, 51.772, -0.22],
      ['WGC1', MOBILE, T0 - 60_000, 51.79, -0.2],
      ['HAT2', AT_STATION, T0 - 60_000, 51.765, -0.225],
    ]);
  } finally {
    await t.close();
  }
});

test.run();
