import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { encodeBatch } from '../server/shell/avl/codec.ts';
import { same, show, viaReader as viaReaderOf, viaReference } from './support/avl-oracle.ts';

/**
 * Differential test: the hot-path AvlBatchReader must decode exactly what protobufjs decodes, and
 * throw exactly when protobufjs throws or a known field has the wrong wire type (the reference in
 * support/avl-oracle.ts), on valid, mutated and random frames. avl-decoder-fuzz.test.ts does the
 * same with fast-check on 100,000 more.
 */
const KNOWN = ['HAT1', 'HAT2', 'WGC1', 'PC1', 'AMB1', 'DRONE1', 'Ärzte-1', 'V0'];
const viaProtobufjs = (bytes: Buffer) => viaReference(bytes);
const viaReader = (reader: AvlBatchReader, bytes: Buffer) => viaReaderOf((b) => reader.read(b), bytes);

function randomFrame(rnd: () => number): Buffer {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const num = () =>
    pick([0, -0, 1.5, 51.77, -0.22, 1e300, -1e-300, NaN, Infinity, -Infinity, 1_767_258_000_000, rnd() * 360 - 180]);
  const n = Math.floor(rnd() * 6);
  const reports: Array<Partial<AvlReportIn>> = [];
  for (let i = 0; i < n; i++) {
    const r: Partial<AvlReportIn> = {};
    if (rnd() < 0.9)
      r.resourceId = rnd() < 0.7 ? pick(KNOWN) : pick(['', 'NOPE', 'HAT', 'HAT11', '\u{1F691}', 'x'.repeat(200)]);
    if (rnd() < 0.9) r.lat = num();
    if (rnd() < 0.9) r.lon = num();
    if (rnd() < 0.8) r.speedMps = num();
    if (rnd() < 0.8) r.headingDeg = num();
    if (rnd() < 0.9) r.fixTimeMs = num();
    if (rnd() < 0.8) r.accuracyM = num();
    if (rnd() < 0.5) r.status = pick([0, 1, 3, 6, 7, -1, 2 ** 31 - 1]);
    reports.push(r);
  }
  return Buffer.from(encodeBatch({ seq: Math.floor(rnd() * 2 ** 32), reports }));
}

/** Unknown fields of every wire type, groups (nested), and a field number 0. */
const EXTRAS = [
  '4801', // field 9 varint
  '5100000000000000f0', // field 10 fixed64
  '5a03616263', // field 11 length-delimited
  '5b4801' + '5c', // field 11 start group { field 9 varint } end group
  '5b5b5c5c', // nested groups
  '6500000000', // field 12 fixed32
  '0001', // field 0 varint
  '0f', // field 1 wire type 7 (invalid)
  '5c', // a stray end group
  '08ffffffffffffffffff01', // seq as a 10-byte varint
  '08ffffffff0f', // seq 2^32-1
];

function mutate(rnd: () => number, f: Buffer): Buffer {
  const b = Buffer.from(f);
  const k = Math.floor(rnd() * 7);
  if (b.length === 0) return Buffer.from([Math.floor(rnd() * 256)]);
  const at = Math.floor(rnd() * b.length);
  switch (k) {
    case 0: // flip bits
      for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) {
        const j = Math.floor(rnd() * b.length);
        b[j] = (b[j] as number) ^ (1 << Math.floor(rnd() * 8));
      }
      return b;
    case 1: // truncate
      return b.subarray(0, at);
    case 2: // delete a byte
      return Buffer.concat([b.subarray(0, at), b.subarray(at + 1)]);
    case 3: // insert a byte
      return Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(rnd() * 256)]), b.subarray(at)]);
    case 4: // an unknown or odd field, at the top level
      return Buffer.concat([b, Buffer.from(EXTRAS[Math.floor(rnd() * EXTRAS.length)] as string, 'hex')]);
    case 5: // set a byte to 0x80 / 0xff (varint continuation)
      b[at] = rnd() < 0.5 ? 0x80 : 0xff;
      return b;
    default: // random bytes
      return Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => Math.floor(rnd() * 256)));
  }
}

test('AvlBatchReader agrees with protobufjs and the declared wire types on 30,000 seeded valid, mutated and random frames', () => {
  const rnd = seededRandom(424242);
  const reader = new AvlBatchReader(KNOWN);
  let valid = 0;
  let thrown = 0;
  for (let i = 0; i < 30_000; i++) {
    const base = randomFrame(rnd);
    const frame = i % 3 === 0 ? base : mutate(rnd, i % 3 === 2 ? mutate(rnd, base) : base);
    const want = viaProtobufjs(frame);
    const got = viaReader(reader, frame);
    if (!same(want, got))
      assert.unreachable(`frame ${i} ${frame.toString('hex')}: protobufjs ${show(want)} reader ${show(got)}`);
    if (want.ok) valid++;
    else thrown++;
  }
  // Both kinds of outcome were exercised in earnest.
  assert.ok(valid > 12_000 && thrown > 2_000, `valid ${valid}, thrown ${thrown}`);
});

test('sub-message edge cases decode (or throw) as protobufjs does', () => {
  const reader = new AvlBatchReader(KNOWN);
  const cases = [
    '', // empty batch
    '0807', // seq only
    '1200', // one empty report
    '12020a10', // string length past the end of its report: clamped (not an error) in protobufjs
    '1203' + '0a0148' + '12020a01', // report 1 reads "H"; report 2 declares a string past its end
    '1209' + '1100000000000000', // a double crossing the report's end
    '1205' + '0a03484154' + '0a0100', // report, then a length-delimited field 1 at the top level
    '120c' + '0a0448415431' + '5b4801' + '5c' + '4001', // report with a group inside, status 1
    '12054000', // a report whose length covers more than the frame
    '1206' + '40ffffffff0f', // status 2^32-1 → -1 (int32)
    '120b' + '40ffffffffffffffffff01', // status as a 10-byte varint
    '5b'.repeat(110) + '5c'.repeat(110), // groups nested deeper than protobufjs's limit (throws)
    '5b'.repeat(50) + '5c'.repeat(50), // and within it
    '120a0a08c384727a74652d31', // a known UTF-8 id, Ärzte-1
    '12050a03c384ff', // an unknown id that is not valid UTF-8
  ];
  const outcomes: boolean[] = [];
  for (const hex of cases) {
    const frame = Buffer.from(hex, 'hex');
    const want = viaProtobufjs(frame);
    const got = viaReader(reader, frame);
    assert.ok(same(want, got), `${hex}: protobufjs ${show(want)} reader ${show(got)}`);
    outcomes.push(want.ok);
  }
  // Which of them protobufjs accepts: the edge cases are on both sides of the line.
  assert.equal(outcomes, [
    true,
    true,
    true,
    true,
    true,
    false,
    false,
    true,
    false,
    true,
    true,
    false,
    true,
    true,
    true,
  ]);
});

test('known and unknown ids decode; report objects are reused from frame to frame', () => {
  const reader = new AvlBatchReader(['HAT1', 'PC1']);
  const a = reader.read(
    Buffer.from(
      encodeBatch({
        seq: 1,
        reports: [
          { resourceId: 'HAT1', lat: 51.7 },
          { resourceId: 'NOPE', lat: 1 },
        ],
      }),
    ),
  );
  assert.equal(
    [a.seq, a.reports.length, a.reports[0]?.resourceId, a.reports[0]?.lat, a.reports[1]?.resourceId],
    [1, 2, 'HAT1', 51.7, 'NOPE'],
  );
  const first = a.reports[0];
  const b = reader.read(Buffer.from(encodeBatch({ seq: 2, reports: [{ resourceId: 'PC1' }] })));
  assert.is(b.reports.length, 1);
  assert.is(b.reports[0], first, 'the same object, overwritten');
  assert.equal(
    { ...b.reports[0] },
    { resourceId: 'PC1', lat: 0, lon: 0, speedMps: 0, headingDeg: 0, fixTimeMs: 0, accuracyM: 0, status: 0 },
  );
});

test('a table of 5,000 ids finds every one of them and none of their near misses', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `V${i}`);
  const reader = new AvlBatchReader(ids);
  const probe = [...ids, 'V5000', 'V', 'V00', 'v1', 'V1 ', ''];
  const got = reader
    .read(Buffer.from(encodeBatch({ seq: 1, reports: probe.map((resourceId) => ({ resourceId })) })))
    .reports.map((r) => r.resourceId);
  assert.equal(got, probe);
  assert.is(reader.interned, 5000, 'the 5,000 known ids came from the table, the 6 others were decoded');
});

test('reports beyond maxKept are decoded (and checked) but not kept: a hostile frame cannot grow the pool', () => {
  // 256 KiB of empty reports ('1200') would otherwise leave 131,072 pooled objects behind for good.
  const reader = new AvlBatchReader(KNOWN, 3);
  const many = Buffer.from('0805' + '1200'.repeat(1000) + '1203' + '0a0148', 'hex');
  const a = reader.read(many);
  assert.equal([a.seq, a.reports.length, reader.pooled], [5, 3, 3]);
  // the caller sees more than it allows (3 > 2) and refuses the frame; a malformed report past
  // the kept ones still makes the whole frame malformed, as protobufjs would say
  assert.throws(() => reader.read(Buffer.from('1200'.repeat(10) + '1209' + '1100000000000000', 'hex')));
  const b = reader.read(Buffer.from(encodeBatch({ seq: 6, reports: [{ resourceId: 'HAT1', lat: 51.7 }] })));
  assert.equal(
    [b.seq, b.reports.length, b.reports[0]?.resourceId, b.reports[0]?.lat, reader.pooled],
    [6, 1, 'HAT1', 51.7, 3],
  );
});

test.run();
