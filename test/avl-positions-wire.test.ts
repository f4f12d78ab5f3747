/**
 * What the leader publishes to the positions stream for a batch (server/shell/avl/service.ts,
 * cluster/positions-batch.ts): a batch it keeps whole goes as the AvlBatch it came in (a
 * gateway's relayed bytes), not encoded again; one it keeps only part of, or out of its order,
 * is encoded from what it kept. Either way a follower reads the reports the leader kept.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { encodeBatch } from '../server/shell/avl/codec.ts';
import type { MarkedRows } from '../server/shell/avl/history.ts';
import { AvlService } from '../server/shell/avl/service.ts';
import { decodePositions, encodePositions } from '../server/shell/cluster/positions-batch.ts';
import { Engine } from '../server/shell/engine.ts';
import { createLogger } from '../server/shell/log.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { report } from './support/avl.ts';
import { manualTimer } from './support/timers.ts';

const clock = fakeClock();
const T = clock.now();

/** An AvlService in cluster mode whose positions log records what it is handed. */
function leader() {
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now);
  const handed: Array<{ rows: MarkedRows; wire: Uint8Array | undefined }> = [];
  const positions = {
    positionsRoom: () => 50_000,
    appendPositions: (rows: MarkedRows, wire?: Uint8Array) =>
      void handed.push({ rows: { ...rows, reports: rows.reports.map((r) => ({ ...r })) }, wire }),
  };
  const log = createLogger('silent');
  const avl = new AvlService({ engine, clock: clock.now, log, timers: manualTimer(), positions });
  const feed = { id: 'dev', agency: null };
  return { avl, handed, feed, close: () => (avl.close(), engine.close()) };
}

/** The batch as a gateway relays it, and its reports as the leader's reader returns them. */
function relayed(reports: AvlReportIn[]) {
  const wire = encodeBatch({ seq: 0, reports });
  const reader = new AvlBatchReader(['HAT1', 'HAT2', 'WGC1']);
  return { wire, reports: reader.read(wire).reports };
}

const followed = (h: { rows: MarkedRows; wire: Uint8Array | undefined }) => {
  const rows = decodePositions(new AvlBatchReader([]), encodePositions(h.rows, h.wire));
  return [rows.reports.map((r) => `${r.resourceId}@${r.fixTimeMs - T}`), rows.historyOnly];
};

test('a batch kept whole goes as it came; one kept in part is encoded from what was kept', async () => {
  const l = leader();
  try {
    const whole = relayed([report('HAT1', 51.76, -0.22, T - 2000), report('HAT2', 51.77, -0.23, T - 2000)]);
    l.avl.ingestOrWait(whole.reports, l.feed, 2, whole.wire);
    // HAT1 again at the same fix time: refused as a duplicate, so the batch is not kept whole.
    const part = relayed([report('HAT1', 51.76, -0.22, T - 2000), report('WGC1', 51.8, -0.2, T - 1000)]);
    l.avl.ingestOrWait(part.reports, l.feed, 2, part.wire);
    // An older fix than the last: kept in history only, still all of the batch.
    const old = relayed([report('HAT2', 51.77, -0.23, T - 5000)]);
    l.avl.ingestOrWait(old.reports, l.feed, 1, old.wire);

    assert.equal(
      l.handed.map((h) => h.wire),
      [whole.wire, undefined, old.wire],
    );
    assert.equal(l.handed.map(followed), [
      [['HAT1@-2000', 'HAT2@-2000'], []],
      [['WGC1@-1000'], []],
      [['HAT2@-5000'], [0]],
    ]);
  } finally {
    l.close();
  }
});

test('without the bytes it came in (a socket, OsmAnd) a batch is encoded', async () => {
  const l = leader();
  try {
    l.avl.ingestOrWait([report('HAT1', 51.76, -0.22, T - 2000)], l.feed);
    assert.equal(
      l.handed.map((h) => h.wire),
      [undefined],
    );
    assert.equal(l.handed.map(followed), [[['HAT1@-2000'], []]]);
  } finally {
    l.close();
  }
});

test.run();
