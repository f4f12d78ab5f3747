/**
 * The PBF decoder on hand-encoded files (protobufjs Writer, field numbers from the OSM PBF
 * format): plain (non-dense) nodes, a raw (uncompressed) blob, a non-default granularity and
 * offsets, a zlib blob of dense nodes, negative coordinates and ids beyond 2^32, and the refusals
 * for an unsupported required feature and a string index outside the table.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deflateSync } from 'node:zlib';
import protobuf from 'protobufjs/minimal.js';
import { JcrError } from '../server/core/errors.ts';
import { parseOsmPbf } from '../server/shell/network/pbf.ts';

const W = () => protobuf.Writer.create();

function fileBlock(type: string, payload: Uint8Array, compress: boolean): Buffer {
  const blob = W();
  if (compress)
    blob
      .uint32((2 << 3) | 0)
      .int32(payload.length)
      .uint32((3 << 3) | 2)
      .bytes(deflateSync(payload));
  else blob.uint32((1 << 3) | 2).bytes(payload);
  const blobBytes = blob.finish();
  const header = W()
    .uint32((1 << 3) | 2)
    .string(type)
    .uint32((3 << 3) | 0)
    .int32(blobBytes.length)
    .finish();
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  return Buffer.concat([len, Buffer.from(header), Buffer.from(blobBytes)]);
}

function headerBlock(features: string[]): Uint8Array {
  const w = W();
  for (const f of features) w.uint32((4 << 3) | 2).string(f);
  return w.finish();
}

/** A PrimitiveBlock: string table, one group; granularity/offsets given. */
function primitive(
  strings: string[],
  group: (w: protobuf.Writer) => void,
  opts: { gran?: number; latOff?: number; lonOff?: number } = {},
): Uint8Array {
  const w = W();
  w.uint32((1 << 3) | 2).fork();
  for (const s of strings) w.uint32((1 << 3) | 2).bytes(Buffer.from(s));
  w.ldelim();
  w.uint32((2 << 3) | 2).fork();
  group(w);
  w.ldelim();
  if (opts.gran !== undefined) w.uint32((17 << 3) | 0).int32(opts.gran);
  if (opts.latOff !== undefined) w.uint32((19 << 3) | 0).int64(opts.latOff);
  if (opts.lonOff !== undefined) w.uint32((20 << 3) | 0).int64(opts.lonOff);
  return w.finish();
}

function way(w: protobuf.Writer, id: number, refs: number[], kv: Array<[number, number]>): void {
  w.uint32((3 << 3) | 2).fork();
  w.uint32((1 << 3) | 0).int64(id);
  w.uint32((2 << 3) | 2).fork();
  for (const [k] of kv) w.uint32(k);
  w.ldelim();
  w.uint32((3 << 3) | 2).fork();
  for (const [, v] of kv) w.uint32(v);
  w.ldelim();
  w.uint32((8 << 3) | 2).fork();
  let prev = 0;
  for (const r of refs) {
    w.sint64(r - prev);
    prev = r;
  }
  w.ldelim();
  w.ldelim();
}

const STRINGS = ['', 'highway', 'residential', 'oneway', 'yes'];

test('plain nodes in a raw blob, granularity 1000 and offsets: positions and ways decoded exactly', () => {
  // lat = 1e-9 * (latOff + gran * v): with gran 1000 and latOff 5e8, v = 51,100,000 -> 51.6
  const data = primitive(
    STRINGS,
    (w) => {
      const node = (id: number, lat: number, lon: number) =>
        w
          .uint32((1 << 3) | 2)
          .fork()
          .uint32((1 << 3) | 0)
          .sint64(id)
          .uint32((8 << 3) | 0)
          .sint64(lat)
          .uint32((9 << 3) | 0)
          .sint64(lon)
          .ldelim();
      node(1, 51_100_000, -100_500);
      node(2, 51_101_000, -100_500);
      way(
        w,
        10,
        [1, 2],
        [
          [1, 2],
          [3, 4],
        ],
      );
    },
    { gran: 1000, latOff: 500_000_000, lonOff: 400_000 },
  );
  const file = Buffer.concat([
    fileBlock('OSMHeader', headerBlock(['OsmSchema-V0.6']), false),
    fileBlock('OSMData', data, false),
  ]);
  const raw = parseOsmPbf(file);
  assert.equal(Array.from(raw.nodeId), [1, 2]);
  assert.equal(Array.from(raw.lat), [51.6, 51.601]);
  assert.equal(Array.from(raw.lon), [-0.1001, -0.1001]);
  assert.equal(
    raw.ways.map((x) => ({ id: x.id, refs: Array.from(x.refs), tags: x.tags })),
    [{ id: 10, refs: [0, 1], tags: { highway: 'residential', oneway: 'yes' } }],
  );
});

test('dense nodes in a zlib blob: delta-coded ids beyond 2^32 and negative coordinates', () => {
  const ids = [5_000_000_000, 5_000_000_007, 4_999_999_999];
  const lats = [-338_000_000, -338_000_100, -337_999_900]; // -33.8 ...
  const lons = [1_512_000_000, 1_512_000_050, 1_511_999_000]; // 151.2 ...
  const data = primitive(STRINGS, (w) => {
    w.uint32((2 << 3) | 2).fork();
    const packed = (field: number, xs: number[]) => {
      w.uint32((field << 3) | 2).fork();
      let prev = 0;
      for (const x of xs) {
        w.sint64(x - prev);
        prev = x;
      }
      w.ldelim();
    };
    packed(1, ids);
    packed(8, lats);
    packed(9, lons);
    w.ldelim();
    way(w, 7_000_000_001, ids, [[1, 2]]);
  });
  const file = Buffer.concat([
    fileBlock('OSMHeader', headerBlock(['OsmSchema-V0.6', 'DenseNodes']), true),
    fileBlock('OSMData', data, true),
  ]);
  const raw = parseOsmPbf(file);
  assert.equal(Array.from(raw.nodeId), ids);
  assert.equal(Array.from(raw.lat), [-33.8, -33.80001, -33.79999]);
  assert.equal(Array.from(raw.lon), [151.2, 151.200005, 151.1999]);
  assert.equal(raw.ways[0]!.id, 7_000_000_001);
  assert.equal(Array.from(raw.ways[0]!.refs), [0, 1, 2]);
});

test('refused: an unsupported required feature, a string index outside the table, data before the header', () => {
  const bad = (file: Buffer, re: RegExp) =>
    assert.throws(
      () => parseOsmPbf(file),
      (e: unknown) => e instanceof JcrError && e.code === 'JCR_NETWORK_INVALID' && re.test(e.message),
    );
  bad(
    fileBlock('OSMHeader', headerBlock(['OsmSchema-V0.6', 'HistoricalInformation']), false),
    /unsupported feature "HistoricalInformation"/,
  );
  const data = primitive(['', 'highway'], (w) => way(w, 1, [1], [[1, 9]]));
  bad(
    Buffer.concat([fileBlock('OSMHeader', headerBlock([]), false), fileBlock('OSMData', data, false)]),
    /string index 9 outside the string table/,
  );
  bad(fileBlock('OSMData', data, false), /OSMData before OSMHeader/);
});

test.run();
