import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import { AvlBatchReader } from '../server/shell/avl/batch-reader.ts';
import { encodeBatch } from '../server/shell/avl/codec.ts';
import { same, show, viaReader, viaReference, type Outcome } from './support/avl-oracle.ts';

/**
 * Issue 15, item 2: differential fuzzing of the /ws/avl decoder with fast-check. For any bytes,
 * AvlBatchReader accepts a frame iff protobufjs decodes it with every known field of its declared
 * wire type, and then every value is equal (support/avl-oracle.ts). 105,000 generated frames in
 * four families: structured batches from the real encoder, frames built field by field with any
 * field number and wire type (most known fields rightly typed, some not, nested groups, odd
 * varints), real frames mutated, and random bytes. Seeds are fixed so CI is repeatable; a failure
 * prints the shrunk frame's hex.
 */
const KNOWN = ['HAT1', 'HAT2', 'WGC1', 'PC1', 'AMB1', 'DRONE1', 'Ärzte-1', 'V0'];
const reader = new AvlBatchReader(KNOWN);
const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

const tally = { accepted: 0, refused: 0 };
/** The property: the reader and the reference agree on these bytes. */
function agrees(generated: Uint8Array): boolean {
  // As a Buffer, as ws hands frames over (protobufjs reads a plain Uint8Array's strings otherwise).
  const bytes = Buffer.from(generated.buffer, generated.byteOffset, generated.byteLength);
  const want: Outcome = viaReference(bytes);
  const got: Outcome = viaReader((b) => reader.read(b), bytes);
  if (!same(want, got)) throw new Error(`${hex(bytes)}: reference ${show(want)}, reader ${show(got)}`);
  if (want.ok) tally.accepted++;
  else tally.refused++;
  return true;
}

function run(name: string, arb: fc.Arbitrary<Uint8Array>, numRuns: number, seed: number) {
  const before = { ...tally };
  fc.assert(fc.property(arb, agrees), { numRuns, seed, includeErrorInReport: true });
  return { name, accepted: tally.accepted - before.accepted, refused: tally.refused - before.refused };
}

// --- structured: whole batches from the real encoder -------------------------------------------------

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const anyDouble = fc.oneof(
  fc.double(),
  fc.constantFrom(0, -0, 51.77, -0.22, 1_767_258_000_000, NaN, Infinity, -Infinity, 1e300, 5e-324),
);
const reportArb: fc.Arbitrary<Partial<AvlReportIn>> = fc.record(
  {
    resourceId: fc.oneof(fc.constantFrom(...KNOWN), fc.string({ maxLength: 12 }), fc.string({ unit: 'binary' })),
    lat: anyDouble,
    lon: anyDouble,
    speedMps: anyDouble,
    headingDeg: anyDouble,
    fixTimeMs: anyDouble,
    accuracyM: anyDouble,
    status: fc.oneof(fc.integer({ min: 0, max: 7 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
  },
  { requiredKeys: [] },
);
const structured = fc.record({ seq: u32, reports: fc.array(reportArb, { maxLength: 5 }) }).map((b) => encodeBatch(b));

// --- field by field: any field number, any wire type, nested reports and groups ----------------------

function varint(n: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, n);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const tagBytes = (field: number, wt: number) => varint(BigInt((field << 3) | wt));

/** Declared wire types of AvlReport fields 1..8 and AvlBatch fields 1..2 (index = field number). */
const REPORT_WT = [-1, 2, 1, 1, 5, 5, 1, 5, 0];
const BATCH_WT = [-1, 0, 2];

const varintPayload = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(varint),
  fc.integer({ min: 0, max: 300 }).map((n) => varint(BigInt(n))),
  // Non-minimal and over-long encodings, and a varint cut short.
  fc.constantFrom([0x80, 0x00], [0xff, 0xff, 0xff, 0xff, 0x0f], Array(10).fill(0xff).concat(0x01), [0x80]),
);
const fixedPayload = (n: number) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => [...b]);
const lenPayload = fc.oneof(
  fc.uint8Array({ maxLength: 12 }).map((b) => [...varint(BigInt(b.length)), ...b]),
  fc.constantFrom(...KNOWN).map((s) => {
    const b = Buffer.from(s, 'utf8');
    return [...varint(BigInt(b.length)), ...b];
  }),
  // A length that runs past what follows.
  fc.integer({ min: 1, max: 200 }).map((n) => varint(BigInt(n))),
);

/** One field: mostly a known field with its declared wire type, sometimes any number and type. */
function fieldArb(declared: number[], inner: fc.Arbitrary<number[]> | null): fc.Arbitrary<number[]> {
  const known = fc.integer({ min: 1, max: declared.length - 1 });
  const payloadFor = (field: number, wt: number): fc.Arbitrary<number[]> => {
    if (wt === 0) return varintPayload;
    if (wt === 1) return fixedPayload(8);
    if (wt === 5) return fixedPayload(4);
    if (wt === 2)
      return inner !== null && field === 2 && declared === BATCH_WT
        ? inner.map((b) => [...varint(BigInt(b.length)), ...b])
        : lenPayload;
    if (wt === 3)
      // A group: some unknown fields, then (usually) its end tag.
      return fc
        .tuple(fc.array(fc.tuple(fc.integer({ min: 9, max: 20 }), varintPayload), { maxLength: 2 }), fc.boolean())
        .map(([fs, closed]) => [
          ...fs.flatMap(([f, v]) => [...tagBytes(f, 0), ...v]),
          ...(closed ? tagBytes(field, 4) : []),
        ]);
    return fc.constant([]); // 4, 6, 7: no payload (end group, invalid)
  };
  return fc
    .oneof(
      { weight: 6, arbitrary: known.map((f) => [f, declared[f] as number] as const) },
      { weight: 2, arbitrary: fc.tuple(known, fc.constantFrom(0, 1, 2, 3, 5)) },
      { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 7 })) },
    )
    .chain(([field, wt]) => payloadFor(field, wt).map((p) => [...tagBytes(field, wt), ...p]));
}
const reportFields = fc.array(fieldArb(REPORT_WT, null), { maxLength: 10 }).map((fs) => fs.flat());
const fieldByField = fc
  .array(fieldArb(BATCH_WT, reportFields), { maxLength: 6 })
  .map((fs) => Uint8Array.from(fs.flat()));

// --- mutated real frames ----------------------------------------------------------------------------

/** The literal frame of docs/avl.md and test/avl-ws.test.ts, and frames of the real encoder. */
const DOC_FRAME = Buffer.from(
  '08071232' +
    '0a0448415431' +
    '11c3f5285c8fe24940' +
    '19295c8fc2f528ccbf' +
    '2500004841' +
    '2d0000b442' +
    '310000a8908cb77942' +
    '3d0000a040' +
    '4000',
  'hex',
);
const realFrame = fc.oneof(fc.constant(Uint8Array.from(DOC_FRAME)), structured);
type Mutation = (b: number[]) => number[];
const at = (b: number[], i: number) => (b.length === 0 ? 0 : i % b.length);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => (b: number[]) => {
    if (b.length > 0) b[at(b, i)] = (b[at(b, i)] as number) ^ (1 << bit);
    return b;
  }),
  fc.nat().map((i) => (b: number[]) => b.slice(0, at(b, i))), // truncate
  fc.nat().map((i) => (b: number[]) => b.filter((_, j) => j !== at(b, i))), // delete a byte
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: number[]) => {
    b.splice(at(b, i), 0, v); // insert a byte
    return b;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, wt]) => (b: number[]) => {
    if (b.length > 0) b[at(b, i)] = ((b[at(b, i)] as number) & ~7) | wt; // another wire type
    return b;
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 12 })).map(([i, j, n]) => (b: number[]) => {
    const s = b.slice(at(b, i), at(b, i) + n); // copy a slice elsewhere
    b.splice(at(b, j), 0, ...s);
    return b;
  }),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((x) => (b: number[]) => [...b, ...x]), // trailing bytes
);
const mutated = fc
  .tuple(realFrame, fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([f, ms]) => Uint8Array.from(ms.reduce((b, m) => m(b), [...f])));

// --- random bytes -----------------------------------------------------------------------------------

const random = fc.uint8Array({ maxLength: 200 });

test('item 2, differential fuzzing: AvlBatchReader accepts exactly what protobufjs decodes with declared wire types, 105,000 frames', () => {
  const runs = [
    run('structured', structured, 30_000, 1501),
    run('field by field', fieldByField, 30_000, 1502),
    run('mutated real frames', mutated, 30_000, 1503),
    run('random bytes', random, 15_000, 1504),
  ];
  const total = runs.reduce((n, r) => n + r.accepted + r.refused, 0);
  assert.is(total, 105_000);
  // Each family exercised both outcomes in earnest (structured frames are all well-formed).
  const byName = Object.fromEntries(runs.map((r) => [r.name, r]));
  assert.ok(byName['structured']?.refused === 0 && byName['structured'].accepted === 30_000, JSON.stringify(runs));
  for (const name of ['field by field', 'mutated real frames']) {
    const r = byName[name];
    assert.ok(r !== undefined && r.accepted > 3_000 && r.refused > 3_000, JSON.stringify(runs));
  }
  assert.ok((byName['random bytes']?.refused ?? 0) > 7_500, JSON.stringify(runs));
});

test.run();
