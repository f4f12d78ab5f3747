import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import { AvlAckType, encodeBatch } from '../server/shell/avl/codec.ts';
import { connect, DEV_TOKEN, report, startAvlServer, T0, type AvlClient } from './support/avl.ts';
import { tokenFor } from './support/server.ts';

/**
 * Fuzz: 10,000 seeded mutated and random frames (random bytes, bit-flipped / truncated / extended
 * valid frames, text frames, wrong message types, valid frames full of nonsense values, too many
 * reports, oversize frames), each followed by its outcome (an ack or a close), with a valid batch
 * every 10th frame that must be acknowledged. Afterwards: still serving, every valid batch acked,
 * history queue drained, no connections left, heap growth bounded.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const FRAMES = 10_000;
const MAX_FRAME = 16 * 1024;

test('10,000 fuzzed frames interleaved with valid batches: server up, every valid batch acked, memory bounded', async () => {
  const t = await startAvlServer({
    maxFrameBytes: MAX_FRAME,
    feedReportsPerS: 1e9,
    feedBurstReports: 1e9,
    historyMaxPending: 5000,
  });
  const rnd = seededRandom(424242);
  const int = (n: number) => Math.floor(rnd() * n);
  const bytes = (n: number) => {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = int(256);
    return b;
  };
  let fix = T0 - 3_600_000;
  let mutFix = T0 - 3_600_000;
  const validFrame = (seq: number) => {
    fix += 1000;
    return encodeBatch({
      seq,
      reports: [
        report('PC1', 51.766 + int(100) / 1e6, -0.227, fix),
        report('AMB1', 51.77, -0.22 + int(100) / 1e6, fix),
      ],
    });
  };
  const nonsense = () =>
    encodeBatch({
      seq: int(2 ** 32),
      reports: Array.from({ length: 1 + int(5) }, () => ({
        resourceId: ['HAT1', 'NOPE', '', 'x'.repeat(int(500)), 'AMB1\u0000'][int(5)] as string,
        lat: [NaN, Infinity, -1e308, 0, 51.7, 90.0000001][int(6)] as number,
        lon: [NaN, -Infinity, 1e308, 0, -0.2, 180.5][int(6)] as number,
        speedMps: [NaN, -5, 3.4e38, 10][int(4)] as number,
        headingDeg: [NaN, -720, 1e9, 90][int(4)] as number,
        fixTimeMs: [NaN, -1, 0, 1e300, T0, T0 + 1e9][int(6)] as number,
        accuracyM: [NaN, -1, 1e9, 5][int(4)] as number,
        status: [0, 3, 4, 7, 2 ** 31 - 1, -1][int(6)] as number,
      })),
    });
  const fuzzFrame = (): Uint8Array | string => {
    const u = rnd();
    if (u < 0.3) return bytes(int(300));
    if (u < 0.65) {
      // Mutations of well-formed batches for other resources than the valid batches use.
      mutFix += 1000;
      const b = Buffer.from(
        encodeBatch({
          seq: int(1000),
          reports: [
            report('HAT1', 51.7636, -0.2247, mutFix),
            report('WGC1', 51.8012, -0.2013, mutFix, { status: int(7) }),
          ],
        }),
      );
      const how = int(3);
      if (how === 0) for (let k = 0; k <= int(5); k++) b[int(b.length)] = int(256);
      if (how === 1) return b.subarray(0, int(b.length));
      if (how === 2) return Buffer.concat([b, bytes(1 + int(20))]);
      return b;
    }
    if (u < 0.72) return 'not a protobuf frame ' + int(1000);
    if (u < 0.77)
      return AvlAckType.encode({ seq: 1, accepted: 2, rejected: [{ index: 0, code: 'X', message: 'y' }] }).finish();
    if (u < 0.95) return nonsense();
    if (u < 0.98) return Buffer.concat([Buffer.from('0801', 'hex'), Buffer.from('1200'.repeat(2001), 'hex')]); // too many reports
    return Buffer.alloc(MAX_FRAME + 1 + int(100)); // oversize
  };

  let c: AvlClient = await connect(t.wsUrl, DEV_TOKEN);
  /** The next event on the current connection: a message or the close. */
  const outcome = (cl: AvlClient) =>
    new Promise<'ack' | 'closed'>((resolve) => {
      const onMsg = () => {
        cl.ws.off('message', onMsg);
        resolve('ack');
      };
      cl.ws.on('message', onMsg);
      void cl.closed.then(() => {
        cl.ws.off('message', onMsg);
        resolve('closed');
      });
    });

  let closes = 0;
  let fuzzAcks = 0;
  let validSent = 0;
  let validAcked = 0;
  let heapAfterWarmup = 0;
  try {
    for (let i = 0; i < FRAMES; i++) {
      if (i % 10 === 0) {
        const seq = 1_000_000 + i;
        validSent++;
        const ack = await c.send(seq, []).catch(() => undefined); // cheap liveness probe first
        assert.ok(ack, `probe ${seq}`);
        const real = await new Promise<ReturnType<typeof AvlAckType.toObject>>((resolve) => {
          c.ws.once('message', (d) =>
            resolve(AvlAckType.toObject(AvlAckType.decode(d as Buffer), { defaults: true, arrays: true })),
          );
          c.sendRaw(validFrame(seq + 1));
        });
        assert.equal(real, { seq: seq + 1, accepted: 2, rejected: [] }, `valid batch ${seq + 1}`);
        validAcked++;
      }
      if (i === 1000) {
        gc();
        heapAfterWarmup = process.memoryUsage().heapUsed;
      }
      const f = fuzzFrame();
      const next = outcome(c);
      c.sendRaw(f);
      if ((await next) === 'closed') {
        closes++;
        c = await connect(t.wsUrl, DEV_TOKEN, closes % 2 === 0 ? 'bearer' : 'query');
      } else fuzzAcks++;
    }
    assert.is(validAcked, validSent);
    assert.is(validSent, FRAMES / 10);
    assert.ok(closes > 1000 && fuzzAcks > 1000, `both outcomes exercised (closes ${closes}, acks ${fuzzAcks})`);

    // Still serving: HTTP and a fresh AVL connection.
    const wall = await tokenFor(t.server, 'wall-viewer');
    assert.is(
      (await fetch(`${t.server.url}/api/resources`, { headers: { authorization: `Bearer ${wall}` } })).status,
      200,
    );
    const fresh = await connect(t.wsUrl, DEV_TOKEN);
    assert.equal(await fresh.send(7, [report('HAT2', 51.77, -0.22, T0)]), { seq: 7, accepted: 1, rejected: [] });
    fresh.close();
    c.close();
    await Promise.all([fresh.closed, c.closed]);
    while (t.server.avlWs.connections > 0) await new Promise((r) => setImmediate(r));

    // Queues drained and memory bounded.
    t.timer.tick(t.server.avl.limits.historyTickMs);
    assert.is(t.server.avl.history.pending, 0);
    const valid = (
      t.server.store.db
        .prepare("SELECT COUNT(*) AS n FROM positions WHERE resource_id IN ('PC1', 'AMB1') AND live = 1")
        .get() as { n: number }
    ).n;
    assert.ok(valid >= 2 * validSent, `every valid report is in history (${valid})`);
    gc();
    const growth = process.memoryUsage().heapUsed - heapAfterWarmup;
    assert.ok(growth < 32 * 1024 * 1024, `heap grew ${Math.round(growth / 1024)} KiB`);
  } finally {
    c.close();
    await t.close();
  }
});

test.run();
