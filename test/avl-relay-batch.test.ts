/**
 * The bytes of a batch an AVL gateway relays to the leader (server/shell/cluster/relay-batch.ts):
 * what the gateway encodes the leader reads back exactly (hash, batch size, every report's
 * values, float32 fields as sent), and bytes that are not a relayed batch get stable codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { isJcrError } from '../server/core/errors.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { encodeRelayedBatch, readRelayedBatch } from '../server/shell/cluster/relay-batch.ts';

const HASH = 'a'.repeat(32) + '0123456789abcdef0123456789abcdef';
const R0: AvlReportIn = {
  resourceId: 'R0',
  lat: 51.600512345678,
  lon: -0.111,
  speedMps: 12.5,
  headingDeg: 270.25,
  fixTimeMs: 1_767_258_000_123,
  accuracyM: 8,
  status: 0,
};
const R7: AvlReportIn = { ...R0, resourceId: 'R7', lat: 51.7, speedMps: 0, headingDeg: 0, accuracyM: 0, status: 3 };

const codeOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return isJcrError(e) ? e.code : `not a JcrError: ${String(e)}`;
  }
  return 'no error';
};

test('the leader reads back the hash, the size the feed sent and every relayed report', () => {
  const reader = new AvlBatchReader(['R0', 'R7'], 101);
  const read = readRelayedBatch(reader, encodeRelayedBatch(HASH, 5, [R0, R7]), 100);
  assert.is(read.hash, HASH);
  assert.is(read.sent, 5);
  assert.equal(read.reports, [R0, R7]);
  assert.is(reader.interned, 2, 'known resource ids are the scenario strings');
});

test('a batch with nothing relayed still carries the hash and size; no hash reads as empty', () => {
  const reader = new AvlBatchReader(['R0'], 101);
  assert.equal(readRelayedBatch(reader, encodeRelayedBatch(HASH, 3, []), 100), { hash: HASH, sent: 3, reports: [] });
  assert.equal(readRelayedBatch(reader, encodeRelayedBatch('', 1, [R0]), 100), { hash: '', sent: 1, reports: [R0] });
  // A size below the reports relayed is taken as the reports relayed (the bucket is charged at least those).
  assert.is(readRelayedBatch(reader, encodeRelayedBatch(HASH, 0, [R0]), 100).sent, 1);
});

test('bytes that are not a relayed batch get stable codes', () => {
  const reader = new AvlBatchReader(['R0'], 3);
  const good = encodeRelayedBatch(HASH, 1, [R0]);
  assert.is(
    codeOf(() => readRelayedBatch(reader, new Uint8Array([]), 2)),
    'JCR_AVL_MALFORMED_FRAME',
  );
  assert.is(
    codeOf(() => readRelayedBatch(reader, good.subarray(0, 40), 2)),
    'JCR_AVL_MALFORMED_FRAME',
  );
  assert.is(
    codeOf(() => readRelayedBatch(reader, good.subarray(0, good.length - 3), 2)),
    'JCR_AVL_MALFORMED_FRAME',
  );
  assert.is(
    codeOf(() => readRelayedBatch(reader, Buffer.from('{"t":"x","r":[]}'), 2)),
    'JCR_AVL_MALFORMED_FRAME',
  );
  const three = encodeRelayedBatch(HASH, 3, [R0, R0, R0]);
  assert.is(
    codeOf(() => readRelayedBatch(reader, three, 2)),
    'JCR_PAYLOAD_TOO_LARGE',
  );
});

test.run();
