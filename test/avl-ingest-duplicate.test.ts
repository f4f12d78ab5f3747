/**
 * A batch resent after a lost ack (JCR_OUTCOME_UNKNOWN, a failover) must store nothing twice:
 * every fix already stored for its resource, live or history-only, answers JCR_AVL_DUPLICATE,
 * not only a repeat of the last one. A fix never seen, older than the last, stays out of order.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AvlIngest, type AvlReportIn, type IngestSink } from '../server/core/avl/ingest.ts';
import { AVL_LIMITS } from '../server/core/avl/limits.ts';
import { Room } from '../server/core/room.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const NOW = 1_767_258_000_000;
const FEED = { id: 'test', agency: null };

function fix(fixTimeMs: number, lat: number): AvlReportIn {
  return { resourceId: 'HAT1', lat, lon: -0.2247, speedMps: 5, headingDeg: 90, fixTimeMs, accuracyM: 5, status: 0 };
}

function setup(): { ingest: AvlIngest; sink: IngestSink; stored: string[] } {
  const room = new Room(miniScenario(), { clock: () => NOW });
  const stored: string[] = [];
  const sink: IngestSink = {
    commitStatuses: () => {},
    history: (r, id, live) => stored.push(`${id}@${r.fixTimeMs}${live ? '' : ' history-only'}`),
  };
  return { ingest: new AvlIngest(room, AVL_LIMITS), sink, stored };
}

const T1 = NOW - 30_000;
const T2 = NOW - 20_000;
const T3 = NOW - 10_000;
const batch = (): AvlReportIn[] => [fix(T1, 51.7636), fix(T2, 51.7637), fix(T3, 51.7638)];

test('a whole batch resent: every fix is a duplicate, each stored once', () => {
  const { ingest, sink, stored } = setup();
  const first = ingest.ingestBatch(batch(), FEED, NOW, sink);
  assert.is(first.accepted, 3);
  assert.equal(first.rejected, []);
  const again = ingest.ingestBatch(batch(), FEED, NOW, sink);
  assert.is(again.accepted, 0);
  assert.equal(
    again.rejected.map((x) => [x.index, x.code]),
    [
      [0, 'JCR_AVL_DUPLICATE'],
      [1, 'JCR_AVL_DUPLICATE'],
      [2, 'JCR_AVL_DUPLICATE'],
    ],
  );
  assert.equal(again.moved, []);
  assert.equal(stored, [`HAT1@${T1}`, `HAT1@${T2}`, `HAT1@${T3}`]);
});

test('an out-of-order fix never seen is kept in history once; resent, it is a duplicate', () => {
  const { ingest, sink, stored } = setup();
  ingest.ingestBatch(batch(), FEED, NOW, sink);
  const late = [fix(T2 - 5_000, 51.7636)];
  const first = ingest.ingestBatch(late, FEED, NOW, sink);
  assert.equal(
    first.rejected.map((x) => x.code),
    ['JCR_AVL_OUT_OF_ORDER'],
  );
  const again = ingest.ingestBatch(late, FEED, NOW, sink);
  assert.equal(
    again.rejected.map((x) => x.code),
    ['JCR_AVL_DUPLICATE'],
  );
  assert.equal(stored, [`HAT1@${T1}`, `HAT1@${T2}`, `HAT1@${T3}`, `HAT1@${T2 - 5_000} history-only`]);
});

test.run();
