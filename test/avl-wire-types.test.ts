import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isJcrError } from '../server/core/errors.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import type { AvlClient } from './support/avl.ts';
import { connect, DEV_TOKEN, report, startAvlServer, T0, type AvlTestServer } from './support/avl.ts';

/**
 * Issue 15, item 1: the AVL decoder must not pick how to read a field from its number alone. Real
 * hand-built frames with known fields under the wrong wire type fail the frame with
 * JCR_AVL_MALFORMED_FRAME; fix times below the documented floor (the server clock minus the
 * history retention) are refused with JCR_AVL_FIX_TOO_OLD.
 */
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const lenHex = (h: string) => (h.length / 2).toString(16).padStart(2, '0');
/** A batch {seq} with the given reports, each given as the hex of its fields. */
const batch = (seq: number, ...reports: string[]) =>
  hex(`08${seq.toString(16).padStart(2, '0')}` + reports.map((r) => '12' + lenHex(r) + r).join(''));

const HAT1 = '0a0448415431';
const LAT = '11e09c11a5bde14940'; // 51.7636
const LON = '1934a2b437f8c2ccbf'; // -0.2247
const ACC = '3d0000a040'; // 5
const FIX_T0_MINUS_60S = '31000002828cb77942'; // T0 - 60,000 as a double
const FIX_T0_MINUS_1S = '31008069908cb77942'; // T0 - 1,000 as a double
/** T0 - 1,000 as an int64 varint (field 6, wire type 0): 6 bytes, read as a double with the next 2. */
const FIX_VARINT_T0_MINUS_1S = '30988da4c6b733';
/** lat as a varint (field 2, wire type 0) of 8 bytes: read as a double they are 1.0313725490196077. */
const LAT_VARINT = '10808080808080f03f';

/** Send one raw frame; resolve with its ack's hex or with the close that answered it. */
function answer(c: AvlClient, frame: Buffer): Promise<{ ack: string } | { close: number; reason: string }> {
  return new Promise((resolve) => {
    c.ws.once('message', (d) => resolve({ ack: (d as Buffer).toString('hex') }));
    void c.closed.then(({ code, reason }) => resolve({ close: code, reason }));
    c.sendRaw(frame);
  });
}

function historyRows(t: AvlTestServer) {
  t.timer.tick(t.server.avl.limits.historyTickMs);
  return t.server.store.db
    .prepare('SELECT resource_id AS id, fix_time AS t, live FROM positions ORDER BY id, fix_time')
    .all();
}

test('item 1, AVL decoder ignores wire types: every known field under each wrong wire type fails the frame', () => {
  const reader = new AvlBatchReader(['HAT1']);
  // A well-formed payload for each wire type: varint, fixed64, length-delimited, group, fixed32.
  const payload = (field: number, wt: number) => {
    const tag = ((field << 3) | wt).toString(16).padStart(2, '0');
    const end = ((field << 3) | 4).toString(16).padStart(2, '0');
    return tag + { 0: '01', 1: '0000000000000000', 2: '00', 3: end, 5: '00000000' }[wt];
  };
  const declaredInReport: Record<number, number> = { 1: 2, 2: 1, 3: 1, 4: 5, 5: 5, 6: 1, 7: 5, 8: 0 };
  const declaredInBatch: Record<number, number> = { 1: 0, 2: 2 };
  const refused: string[] = [];
  const wrong: string[] = [];
  let cases = 0;
  for (const wt of [0, 1, 2, 3, 5]) {
    for (const [field, declared] of Object.entries(declaredInReport)) {
      const frame = batch(1, HAT1 + payload(Number(field), wt));
      if (wt === declared) {
        assert.is(reader.read(frame).reports.length, 1, `report field ${field} wire type ${wt} is its own`);
        continue;
      }
      cases++;
      try {
        reader.read(frame);
        wrong.push(`report field ${field} wt ${wt}: accepted`);
      } catch (e) {
        if (isJcrError(e) && e.code === 'JCR_AVL_MALFORMED_FRAME') refused.push(`${field}/${wt}`);
        else wrong.push(`report field ${field} wt ${wt}: ${String(e)}`);
      }
    }
    for (const [field, declared] of Object.entries(declaredInBatch)) {
      const frame = hex(payload(Number(field), wt));
      if (wt === declared) {
        assert.not.throws(() => reader.read(frame));
        continue;
      }
      cases++;
      try {
        reader.read(frame);
        wrong.push(`batch field ${field} wt ${wt}: accepted`);
      } catch (e) {
        if (isJcrError(e) && e.code === 'JCR_AVL_MALFORMED_FRAME') refused.push(`batch ${field}/${wt}`);
        else wrong.push(`batch field ${field} wt ${wt}: ${String(e)}`);
      }
    }
  }
  assert.equal(wrong, []);
  assert.is(cases, 40); // 10 known fields × 4 wrong wire types each
  assert.is(refused.length, 40);
});

test('item 1, AVL decoder ignores wire types: a lat tagged as a varint closes the socket with JCR_AVL_MALFORMED_FRAME, nothing placed', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    // Read by number alone, the 8 varint bytes are the double 1.03°: a valid, wrong latitude.
    const out = await answer(c, batch(3, HAT1 + LAT_VARINT + LON + FIX_T0_MINUS_1S + ACC));
    assert.equal(out, { close: 1007, reason: 'JCR_AVL_MALFORMED_FRAME' });
    const hat1 = t.server.engine.room.fleet.require('HAT1');
    assert.is(hat1.fixTimeMs, 0, 'no fix applied');
    assert.equal(historyRows(t), []);
  } finally {
    await t.close();
  }
});

test('item 1, AVL decoder ignores wire types: fix_time_ms as an int64 varint on a first fix is refused, not placed "in 1970"', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    const before = t.server.engine.room.fleet.require('HAT1');
    const at = [before.lat, before.lon, before.accuracyM];
    // Read as a double: the 6 varint bytes and the status field after them, 1.8e-307.
    const out = await answer(c, batch(4, HAT1 + LAT + LON + FIX_VARINT_T0_MINUS_1S + '4000'));
    assert.equal(out, { close: 1007, reason: 'JCR_AVL_MALFORMED_FRAME' });
    const hat1 = t.server.engine.room.fleet.require('HAT1');
    assert.equal([hat1.fixTimeMs, hat1.lat, hat1.lon, hat1.accuracyM], [0, ...at]);
    assert.equal(historyRows(t), []);
  } finally {
    await t.close();
  }
});

test('item 1, AVL decoder ignores wire types: a later int64 fix_time_ms is malformed, not JCR_AVL_OUT_OF_ORDER with a junk history row', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    assert.equal(await answer(c, batch(5, HAT1 + LAT + LON + FIX_T0_MINUS_60S + ACC)), { ack: '08051001' });
    const out = await answer(c, batch(6, HAT1 + LAT + LON + FIX_VARINT_T0_MINUS_1S + '4000'));
    assert.equal(out, { close: 1007, reason: 'JCR_AVL_MALFORMED_FRAME' });
    assert.is(t.server.engine.room.fleet.require('HAT1').fixTimeMs, T0 - 60_000);
    assert.equal(historyRows(t), [{ id: 'HAT1', t: T0 - 60_000, live: 1 }]);
  } finally {
    await t.close();
  }
});

test('item 1, fix times before the floor (server clock minus the history retention) are refused with JCR_AVL_FIX_TOO_OLD', async () => {
  const t = await startAvlServer();
  try {
    const c = await connect(t.wsUrl, DEV_TOKEN);
    const floor = T0 - t.server.avl.limits.historyRetentionMs;
    const ack = await c.send(7, [
      report('HAT1', 51.7636, -0.2247, 1.8025348858743914e-307), // a varint's bytes read as a double
      report('HAT2', 51.76, -0.22, 1000), // a tracker clock reset to 1970
      report('WGC1', 51.8012, -0.2013, floor - 1), // 1 ms below the floor
      report('PC1', 51.766, -0.227, floor), // at the floor: accepted
    ]);
    assert.equal(
      [ack.accepted, ack.rejected.map((r) => [r.index, r.code])],
      [
        1,
        [
          [0, 'JCR_AVL_FIX_TOO_OLD'],
          [1, 'JCR_AVL_FIX_TOO_OLD'],
          [2, 'JCR_AVL_FIX_TOO_OLD'],
        ],
      ],
    );
    const fleet = t.server.engine.room.fleet;
    assert.equal(
      ['HAT1', 'HAT2', 'WGC1', 'PC1'].map((id) => fleet.require(id).fixTimeMs),
      [0, 0, 0, floor],
    );
    assert.equal(historyRows(t), [{ id: 'PC1', t: floor, live: 1 }]);
  } finally {
    await t.close();
  }
});

test('item 1, a Traccar fix below the floor is answered 200 with JCR_AVL_FIX_TOO_OLD, so the app does not resend it forever', async () => {
  const t = await startAvlServer();
  try {
    // timestamp=1: Unix seconds, 1970-01-01T00:00:01Z.
    const res = await fetch(`${t.server.url}/osmand?token=${DEV_TOKEN}&id=phone-amb1&lat=51.77&lon=-0.22&timestamp=1`, {
      method: 'POST',
    });
    const body = (await res.json()) as { accepted: number; rejected: Array<{ code: string }> };
    assert.equal([res.status, body.accepted, body.rejected.map((r) => r.code)], [200, 0, ['JCR_AVL_FIX_TOO_OLD']]);
    assert.is(t.server.engine.room.fleet.require('AMB1').fixTimeMs, 0);
  } finally {
    await t.close();
  }
});

test.run();
