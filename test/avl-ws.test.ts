import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tokenFor } from './support/server.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { connect, DEV_TOKEN, refusedUpgrade, report, startAvlServer, T0 } from './support/avl.ts';

/**
 * Wire tests for /ws/avl: real encoded protobuf frames over a real socket to a server on port 0
 * with an in-memory DB, a fake clock and a manual timer (history tick, heartbeat).
 */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('a literal AvlBatch frame is accepted and answered with a literal AvlAck', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    // AvlBatch{seq:7, reports:[{resource_id:"HAT1", lat:51.77, lon:-0.22, speed_mps:12.5,
    //   heading_deg:90, fix_time_ms:1767258000000 (2026-01-01T09:00Z), accuracy_m:5, status:0}]}
    const frame = hex(
      '0807 1232 0a0448415431 11c3f5285c8fe24940 19295c8fc2f528ccbf 2500004841 2d0000b442 310000a8908cb77942 3d0000a040 4000',
    );
    const ackBytes = await new Promise<Buffer>((resolve) => {
      c.ws.once('message', (d) => resolve(d as Buffer));
      c.sendRaw(frame);
    });
    assert.is(ackBytes.toString('hex'), '08071001'); // AvlAck{seq:7, accepted:1}
    const hat1 = t.server.engine.room.fleet.require('HAT1');
    assert.equal(
      [hat1.lat, hat1.lon, hat1.speedMps, hat1.headingDeg, hat1.fixTimeMs, hat1.accuracyM],
      [51.77, -0.22, 12.5, 90, T0, 5],
    );
    assert.equal(t.server.engine.room.fleet.index.get('HAT1'), [-0.22, 51.77]);
    c.close();
  } finally {
    await t.close();
  }
});

test('every per-report rejection code, in one batch, with the server state unchanged by the rejected ones', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    const first = await c.send(1, [report('HAT1', 51.7636, -0.2247, T0 - 60_000)]);
    assert.equal(first, { seq: 1, accepted: 1, rejected: [] });
    const ack = await c.send(2, [
      report('NOPE', 51.76, -0.22, T0 - 1000), // 0
      report('HAT2', NaN, -0.22, T0 - 1000), // 1
      report('HAT2', 91, -0.22, T0 - 1000), // 2
      report('HAT2', 0, 0, T0 - 1000), // 3
      report('HAT2', 51.76, -0.22, 0), // 4
      report('HAT2', 51.76, -0.22, T0 + 31_000), // 5: beyond the 30 s skew allowance
      report('HAT2', 51.76, -0.22, T0 - 1000, { accuracyM: 500 }), // 6
      report('HAT2', 51.76, -0.22, T0 - 1000, { speedMps: -1 }), // 7
      report('HAT1', 51.7636, -0.2247, T0 - 60_000), // 8: same fix time as accepted
      report('HAT1', 51.7636, -0.2247, T0 - 120_000), // 9: older than accepted
      report('HAT1', 51.8636, -0.2247, T0 - 50_000), // 10: 11 km in 10 s
      report('HAT1', 51.7637, -0.2247, T0 - 40_000, { status: ResourceStatus.AT_SCENE }), // 11: not mobilised
      report('HAT2', 51.76, -0.22, T0 - 1000, { status: 9 }), // 12
      report('HAT2', 51.76, -0.22, T0 - 1000), // 13: fine
    ]);
    assert.is(ack.seq, 2);
    assert.is(ack.accepted, 1);
    assert.equal(
      ack.rejected.map((r) => [r.index, r.code]),
      [
        [0, 'JCR_AVL_UNKNOWN_RESOURCE'],
        [1, 'JCR_AVL_BAD_COORDINATES'],
        [2, 'JCR_AVL_BAD_COORDINATES'],
        [3, 'JCR_AVL_NULL_ISLAND'],
        [4, 'JCR_AVL_BAD_FIX_TIME'],
        [5, 'JCR_AVL_FUTURE_FIX'],
        [6, 'JCR_AVL_POOR_ACCURACY'],
        [7, 'JCR_VALIDATION'],
        [8, 'JCR_AVL_DUPLICATE'],
        [9, 'JCR_AVL_OUT_OF_ORDER'],
        [10, 'JCR_AVL_IMPOSSIBLE_SPEED'],
        [11, 'JCR_INVALID_TRANSITION'],
        [12, 'JCR_VALIDATION'],
      ],
    );
    for (const r of ack.rejected) assert.ok(r.message.length > 0);
    const fleet = t.server.engine.room.fleet;
    const hat1 = fleet.require('HAT1');
    assert.equal(
      [hat1.lat, hat1.lon, hat1.fixTimeMs, hat1.status],
      [51.7636, -0.2247, T0 - 60_000, ResourceStatus.AVAILABLE_AT_STATION],
    );
    assert.equal([fleet.require('HAT2').lat, fleet.require('HAT2').fixTimeMs], [51.76, T0 - 1000]);
    assert.is(t.server.store.lastSeq(), 0, 'no event: nothing changed status');

    // History: the two accepted fixes live, the out-of-order one kept but not live; the rest not stored.
    assert.is(t.server.avl.history.pending, 3);
    t.timer.tick(t.server.avl.limits.historyTickMs);
    assert.is(t.server.avl.history.pending, 0);
    const rows = t.server.store.db
      .prepare('SELECT resource_id AS id, fix_time AS t, live FROM positions ORDER BY id')
      .all();
    assert.equal(rows, [
      { id: 'HAT1', t: T0 - 60_000, live: 1 },
      { id: 'HAT1', t: T0 - 120_000, live: 0 },
      { id: 'HAT2', t: T0 - 1000, live: 1 },
    ]);
    c.close();
  } finally {
    await t.close();
  }
});

test('implied speed uses the vehicle class: a drone (air, 50 m/s) is refused where a pump (road, 70 m/s) is not', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    // 0.0054° of latitude ≈ 600 m in 10 s = 60 m/s; the limit is max·10 s + 50 m noise.
    await c.send(1, [report('DRONE1', 51.8, -0.2, T0 - 20_000), report('WGC1', 51.8, -0.2, T0 - 20_000)]);
    const ack = await c.send(2, [
      report('DRONE1', 51.8054, -0.2, T0 - 10_000),
      report('WGC1', 51.8054, -0.2, T0 - 10_000),
    ]);
    assert.equal(ack, {
      seq: 2,
      accepted: 1,
      rejected: [{ index: 0, code: 'JCR_AVL_IMPOSSIBLE_SPEED', message: ack.rejected[0]?.message ?? '' }],
    });
    c.close();
  } finally {
    await t.close();
  }
});

test('an AVL status change goes through the transition rules and is in the event log before the ack', async () => {
  const t = await startAvlServer();
  try {
    const seen: JcrEvent[] = [];
    t.server.engine.onEvents((evs) => seen.push(...evs));
    const c = await connect(t.wsUrl, DEV_TOKEN);
    const ack = await c.send(1, [report('HAT1', 51.77, -0.22, T0 - 5000, { status: ResourceStatus.MOBILISED })]);
    assert.equal(ack, { seq: 1, accepted: 1, rejected: [] });
    const events = [...t.server.store.events(0)];
    assert.is(events.length, 1);
    assert.equal(events[0], {
      seq: 1,
      at: T0,
      type: 'resource.status',
      origin: 'avl',
      actor: 'feed:dev',
      data: { resourceId: 'HAT1', status: ResourceStatus.MOBILISED, lat: 51.77, lon: -0.22 },
    });
    assert.equal(seen, events);
    assert.is(t.server.engine.room.fleet.require('HAT1').status, ResourceStatus.MOBILISED);
    // Same status again is a position only (no event); AT_SCENE is now allowed.
    const ack2 = await c.send(2, [
      report('HAT1', 51.771, -0.22, T0 - 4000, { status: ResourceStatus.MOBILISED }),
      report('HAT1', 51.772, -0.22, T0 - 3000, { status: ResourceStatus.AT_SCENE }),
    ]);
    assert.equal(ack2, { seq: 2, accepted: 2, rejected: [] });
    assert.equal(
      [...t.server.store.events(0)].map((e) => (e.type === 'resource.status' ? e.data.status : 0)),
      [3, 4],
    );
    c.close();
  } finally {
    await t.close();
  }
});

test('a feed limited to one agency gets JCR_AVL_FORBIDDEN_RESOURCE for another agency', async () => {
  const t = await startAvlServer();
  try {
    const token = t.server.avl.feeds.add('police-gw', 'police');
    const c = await connect(t.wsUrl, token, 'query');
    const ack = await c.send(5, [report('HAT1', 51.77, -0.22, T0 - 1000), report('PC1', 51.77, -0.22, T0 - 1000)]);
    assert.is(ack.accepted, 1);
    assert.equal(
      ack.rejected.map((r) => [r.index, r.code]),
      [[0, 'JCR_AVL_FORBIDDEN_RESOURCE']],
    );
    t.timer.tick(t.server.avl.limits.historyTickMs);
    assert.equal(t.server.store.db.prepare('SELECT feed FROM positions').all(), [{ feed: 'police-gw' }]);
    c.close();
  } finally {
    await t.close();
  }
});

test('the per-feed token bucket refuses a whole batch with JCR_RATE_LIMITED, refilled by the clock', async () => {
  const t = await startAvlServer({ feedReportsPerS: 2, feedBurstReports: 3 });
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    assert.is(
      (
        await c.send(1, [
          report('HAT1', 51.77, -0.22, T0 - 3000),
          report('HAT2', 51.77, -0.22, T0 - 3000),
          report('WGC1', 51.77, -0.22, T0 - 3000),
        ])
      ).accepted,
      3,
    );
    const limited = await c.send(2, [
      report('HAT1', 51.771, -0.22, T0 - 2000),
      report('HAT2', 51.771, -0.22, T0 - 2000),
    ]);
    assert.equal(
      limited.rejected.map((r) => [r.index, r.code]),
      [
        [0, 'JCR_RATE_LIMITED'],
        [1, 'JCR_RATE_LIMITED'],
      ],
    );
    assert.is(t.server.engine.room.fleet.require('HAT1').lat, 51.77);
    t.clock.advance(1000); // +2 tokens
    assert.equal(
      await c.send(3, [report('HAT1', 51.771, -0.22, T0 - 2000), report('HAT2', 51.771, -0.22, T0 - 2000)]),
      { seq: 3, accepted: 2, rejected: [] },
    );
    c.close();
  } finally {
    await t.close();
  }
});

test('bad, missing and revoked tokens are refused with HTTP 401 before any WebSocket opens', async () => {
  const t = await startAvlServer();
  try {
    const unauth = {
      error: {
        code: 'JCR_UNAUTHENTICATED',
        message: 'a valid feed token is required (Authorization: Bearer TOKEN or ?token=TOKEN)',
      },
    };
    assert.equal(await refusedUpgrade(t.wsUrl), { status: 401, body: unauth });
    assert.equal(await refusedUpgrade(t.wsUrl, { Authorization: 'Bearer wrong' }), { status: 401, body: unauth });
    assert.equal(await refusedUpgrade(`${t.wsUrl}?token=wrong`), { status: 401, body: unauth });
    assert.equal(await refusedUpgrade(t.wsUrl, { Authorization: `Basic ${DEV_TOKEN}` }), { status: 401, body: unauth });
    const token = t.server.avl.feeds.add('gw1', null);
    const ok = await connect(t.wsUrl, token);
    assert.is((await ok.send(1, [report('AMB1', 51.77, -0.22, T0)])).accepted, 1);
    assert.ok(t.server.avl.feeds.revoke('gw1'));
    assert.equal(await refusedUpgrade(t.wsUrl, { Authorization: `Bearer ${token}` }), { status: 401, body: unauth });
    // The token is stored only as a SHA-256 hash.
    const row = t.server.store.db.prepare('SELECT token_sha256 FROM feeds WHERE id = ?').get('gw1') as {
      token_sha256: string;
    };
    assert.match(row.token_sha256, /^[0-9a-f]{64}$/);
    assert.not.ok(JSON.stringify(t.server.store.db.prepare('SELECT * FROM feeds').all()).includes(token));
    ok.close();
  } finally {
    await t.close();
  }
});

test('malformed, text, oversize and over-long frames close only that connection, with documented codes', async () => {
  const t = await startAvlServer();
  try {
    const other = await connect(t.wsUrl, DEV_TOKEN);
    const cases: Array<[string, Uint8Array | string, number, string]> = [
      ['invalid wire type', hex('ffffffff'), 1007, 'JCR_AVL_MALFORMED_FRAME'],
      ['truncated length', hex('1205 0a03'), 1007, 'JCR_AVL_MALFORMED_FRAME'],
      ['text frame', 'hello', 1007, 'JCR_AVL_MALFORMED_FRAME'],
      [
        'over maxReportsPerBatch (2001 empty reports)',
        Buffer.concat([hex('0801'), Buffer.from('1200'.repeat(2001), 'hex')]),
        1009,
        'JCR_PAYLOAD_TOO_LARGE',
      ],
      ['over maxPayload (256 KiB + 1)', Buffer.alloc(256 * 1024 + 1), 1009, ''],
    ];
    let seq = 100;
    for (const [name, frame, code, reason] of cases) {
      const c = await connect(t.wsUrl, DEV_TOKEN);
      c.sendRaw(frame);
      const closed = await c.closed;
      assert.is(closed.code, code, name);
      if (reason) assert.is(closed.reason, reason, name);
      // The other feed is untouched and still served.
      const ack = await other.send(++seq, [report('PC1', 51.766, -0.227, T0 - 100_000 + seq)]);
      assert.is(ack.accepted, 1, name);
    }
    assert.is(t.server.avlWs.connections, 1);
    other.close();
  } finally {
    await t.close();
  }
});

test('heartbeat: a socket that does not answer a ping is terminated at the next beat; a live one stays', async () => {
  const t = await startAvlServer();
  try {
    const deaf = await connect(t.wsUrl, DEV_TOKEN, 'bearer', { autoPong: false });
    const live = await connect(t.wsUrl, DEV_TOKEN);
    const pinged = new Promise((r) => live.ws.once('ping', r));
    t.timer.tick(t.server.avl.limits.heartbeatMs);
    await pinged;
    await live.send(1, []); // the pong precedes this frame on the wire
    t.timer.tick(t.server.avl.limits.heartbeatMs);
    assert.is((await deaf.closed).code, 1006);
    assert.equal(await live.send(2, []), { seq: 2, accepted: 0, rejected: [] });
    live.close();
  } finally {
    await t.close();
  }
});

test('onPositions is called once per batch with each moved resource once', async () => {
  const t = await startAvlServer();
  try {
    const calls: string[][] = [];
    t.server.engine.onPositions((ids) => calls.push([...ids]));
    const c = await connect(t.wsUrl, DEV_TOKEN);
    await c.send(1, [
      report('HAT1', 51.77, -0.22, T0 - 3000),
      report('HAT2', 51.77, -0.22, T0 - 3000),
      report('HAT1', 51.7701, -0.22, T0 - 2000),
    ]);
    await c.send(2, [report('NOPE', 51.77, -0.22, T0 - 3000)]);
    assert.equal(calls, [['HAT1', 'HAT2']]);
    c.close();
  } finally {
    await t.close();
  }
});

test('/api/resources shows stale from the clock and the last fix', async () => {
  const t = await startAvlServer({ staleAfterMs: 60_000 });
  try {
    const wall = await tokenFor(t.server, 'wall-viewer');
    const get = async () => {
      const body = (await (
        await fetch(`${t.server.url}/api/resources`, { headers: { authorization: `Bearer ${wall}` } })
      ).json()) as { staleAfterMs: number; resources: Array<{ id: string; stale: boolean; fixAgeMs: number | null }> };
      return body;
    };
    const before = await get();
    assert.is(before.staleAfterMs, 60_000);
    assert.equal(
      before.resources.find((r) => r.id === 'HAT1'),
      { ...before.resources.find((r) => r.id === 'HAT1'), stale: true, fixAgeMs: null },
    );
    const c = await connect(t.wsUrl, DEV_TOKEN);
    await c.send(1, [report('HAT1', 51.77, -0.22, T0 - 10_000)]);
    const fresh = (await get()).resources.find((r) => r.id === 'HAT1');
    assert.equal([fresh?.stale, fresh?.fixAgeMs], [false, 10_000]);
    t.clock.advance(50_001);
    const stale = (await get()).resources.find((r) => r.id === 'HAT1');
    assert.equal([stale?.stale, stale?.fixAgeMs], [true, 60_001]);
    c.close();
  } finally {
    await t.close();
  }
});

test('history: one transaction per tick, early flush at maxPending, retention prunes by receive time', async () => {
  const t = await startAvlServer({ historyRetentionMs: 60_000, historyMaxPending: 4 });
  try {
    const h = t.server.avl.history;
    const c = await connect(t.wsUrl, DEV_TOKEN);
    await c.send(1, [report('HAT1', 51.77, -0.22, T0 - 3000), report('HAT2', 51.77, -0.22, T0 - 3000)]);
    assert.equal([h.pending, h.written], [2, 0]);
    await c.send(2, [report('HAT1', 51.7701, -0.22, T0 - 2000), report('HAT2', 51.7701, -0.22, T0 - 2000)]);
    assert.equal([h.pending, h.written], [0, 4], 'flushed early at maxPending');
    t.clock.advance(61_000);
    await c.send(3, [report('HAT1', 51.7702, -0.22, T0 + 60_000)]);
    t.timer.tick(t.server.avl.limits.historyTickMs);
    assert.equal([h.pending, h.written, h.pruned], [0, 5, 4]);
    assert.equal(t.server.store.db.prepare('SELECT resource_id AS id, received_at AS at FROM positions').all(), [
      { id: 'HAT1', at: T0 + 61_000 },
    ]);
    c.close();
  } finally {
    await t.close();
  }
});

test('connections per feed are capped (HTTP 429 before upgrading) and a closed one frees its slot', async () => {
  const t = await startAvlServer({ maxConnectionsPerFeed: 2 });
  try {
    const a = await connect(t.wsUrl, DEV_TOKEN);
    const b = await connect(t.wsUrl, DEV_TOKEN);
    const refused = await refusedUpgrade(t.wsUrl, { Authorization: `Bearer ${DEV_TOKEN}` });
    assert.equal([refused.status, (refused.body as { error: { code: string } }).error.code], [429, 'JCR_RATE_LIMITED']);
    const other = await connect(t.wsUrl, t.server.avl.feeds.add('second', null)); // another feed is not affected
    a.close();
    await a.closed;
    while (t.server.avlWs.connections > 2) await new Promise((r) => setImmediate(r));
    const c = await connect(t.wsUrl, DEV_TOKEN);
    assert.equal(await c.send(1, []), { seq: 1, accepted: 0, rejected: [] });
    for (const x of [b, c, other]) x.close();
  } finally {
    await t.close();
  }
});

test.run();
