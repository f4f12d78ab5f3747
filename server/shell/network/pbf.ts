import { inflateSync } from 'node:zlib';
import { JcrError } from '../../core/errors.ts';
import type { RawNetwork } from '../../core/graph/build.ts';
import { RawCollector } from './raw.ts';

/**
 * OSM PBF (`.osm.pbf`) to a RawNetwork. A small, strict decoder of the format
 * (wiki.openstreetmap.org/wiki/PBF_Format): a sequence of [4-byte length][BlobHeader][Blob],
 * blobs raw or zlib-compressed (node:zlib, native), holding one OSMHeader then OSMData
 * PrimitiveBlocks with plain and dense nodes and ways. Relations, metadata and history are
 * skipped. It reads the protobuf wire format directly (about 200 lines, no dependency) so that
 * every truncation or inconsistency is caught and reported as JCR_NETWORK_INVALID with the byte
 * offset, rather than a library's generic decode error.
 */
const SUPPORTED_FEATURES = new Set(['OsmSchema-V0.6', 'DenseNodes']);
const MAX_HEADER = 64 * 1024;
const MAX_BLOB = 32 * 1024 * 1024;

class Truncated extends Error {}

/** A protobuf wire-format reader over one message's bytes. */
class Pb {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get more(): boolean {
    return this.pos < this.end;
  }

  varint(): number {
    let b = this.byte();
    let v = b & 0x7f;
    if (b < 0x80) return v;
    let mul = 128;
    for (let i = 1; i < 10; i++) {
      b = this.byte();
      v += (b & 0x7f) * mul;
      if (b < 0x80) return v;
      mul *= 128;
    }
    throw new Truncated('varint longer than 10 bytes');
  }

  /** zigzag-decoded signed varint (sint32/sint64), exact up to 2^53. */
  svarint(): number {
    const n = this.varint();
    return n % 2 === 1 ? -(n + 1) / 2 : n / 2;
  }

  /** int64/int32 varint; negative values come as 10-byte two's complement. */
  int(): number {
    const n = this.varint();
    return n >= 2 ** 63 ? n - 2 ** 64 : n;
  }

  private byte(): number {
    if (this.pos >= this.end) throw new Truncated('message ends inside a field');
    return this.buf[this.pos++]!;
  }

  /** A length-delimited field as a sub-reader. */
  sub(): Pb {
    const len = this.varint();
    const start = this.pos;
    if (start + len > this.end) throw new Truncated('length-delimited field runs past its message');
    this.pos += len;
    return new Pb(this.buf, start, start + len);
  }

  bytes(): Uint8Array {
    const s = this.sub();
    return this.buf.subarray(s.pos, s.end);
  }

  string(): string {
    return new TextDecoder().decode(this.bytes());
  }

  skip(wire: number): void {
    switch (wire) {
      case 0:
        this.varint();
        break;
      case 1:
        this.pos += 8;
        break;
      case 2:
        this.sub();
        break;
      case 5:
        this.pos += 4;
        break;
      default:
        throw new Truncated(`unsupported wire type ${wire}`);
    }
    if (this.pos > this.end) throw new Truncated('fixed field runs past its message');
  }

  /** Packed repeated varints (or a single unpacked one), appended to out via fn. */
  packed(wire: number, read: (p: Pb) => number, out: number[]): void {
    if (wire === 2) {
      const s = this.sub();
      while (s.more) out.push(read(s));
    } else out.push(read(this));
  }
}

const uvar = (p: Pb) => p.varint();
const svar = (p: Pb) => p.svarint();

export function parseOsmPbf(bytes: Uint8Array, source = 'OSM PBF'): RawNetwork {
  const col = new RawCollector();
  let pos = 0;
  let sawHeader = false;
  const fail = (msg: string): never => {
    throw new JcrError('JCR_NETWORK_INVALID', `${source}: ${msg}`, { details: { offset: pos } });
  };
  if (bytes.length === 0) fail('empty file');
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) fail(`truncated: ${bytes.length - pos} stray bytes at the end`);
    const hlen = ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0;
    if (hlen === 0 || hlen > MAX_HEADER) fail(`not an OSM PBF file (blob header length ${hlen})`);
    if (pos + 4 + hlen > bytes.length) fail('truncated inside a blob header');
    let type = '';
    let datasize = -1;
    try {
      const h = new Pb(bytes, pos + 4, pos + 4 + hlen);
      while (h.more) {
        const key = h.varint();
        const f = Math.floor(key / 8),
          w = key & 7;
        if (f === 1 && w === 2) type = h.string();
        else if (f === 3 && w === 0) datasize = h.varint();
        else h.skip(w);
      }
    } catch (e) {
      if (e instanceof Truncated) fail(`bad blob header: ${e.message}`);
      throw e;
    }
    if (datasize < 0 || datasize > MAX_BLOB) fail(`bad blob size ${datasize}`);
    const start = pos + 4 + hlen;
    if (start + datasize > bytes.length)
      fail(`truncated: blob of ${datasize} bytes but only ${bytes.length - start} left`);
    pos = start;
    const data = unpackBlob(bytes.subarray(start, start + datasize), fail);
    try {
      if (type === 'OSMHeader') {
        readHeader(new Pb(data), fail);
        sawHeader = true;
      } else if (type === 'OSMData') {
        if (!sawHeader) fail('OSMData before OSMHeader');
        readPrimitiveBlock(new Pb(data), col);
      }
    } catch (e) {
      if (e instanceof Truncated) fail(`corrupt ${type} block: ${e.message}`);
      throw e;
    }
    pos = start + datasize;
  }
  if (!sawHeader) fail('no OSMHeader block');
  return col.finish(source);
}

function unpackBlob(blob: Uint8Array, fail: (m: string) => never): Uint8Array {
  let raw: Uint8Array | null = null;
  let zlib: Uint8Array | null = null;
  let rawSize = -1;
  try {
    const p = new Pb(blob);
    while (p.more) {
      const key = p.varint();
      const f = Math.floor(key / 8),
        w = key & 7;
      if (f === 1 && w === 2) raw = p.bytes();
      else if (f === 2 && w === 0) rawSize = p.varint();
      else if (f === 3 && w === 2) zlib = p.bytes();
      else if (f >= 4 && f <= 7 && w === 2)
        fail(`unsupported blob compression (field ${f}: lzma/bzip2/lz4/zstd); re-encode with zlib`);
      else p.skip(w);
    }
  } catch (e) {
    if (e instanceof Truncated) fail(`corrupt blob: ${e.message}`);
    throw e;
  }
  if (raw) return raw;
  if (!zlib) return fail('blob holds no data');
  let out: Buffer;
  try {
    out = inflateSync(zlib);
  } catch (e) {
    return fail(`zlib data does not inflate (${e instanceof Error ? e.message : String(e)})`);
  }
  if (rawSize >= 0 && out.length !== rawSize) fail(`blob inflates to ${out.length} bytes, header says ${rawSize}`);
  return out;
}

function readHeader(p: Pb, fail: (m: string) => never): void {
  while (p.more) {
    const key = p.varint();
    const f = Math.floor(key / 8),
      w = key & 7;
    if (f === 4 && w === 2) {
      const feature = p.string();
      if (!SUPPORTED_FEATURES.has(feature)) fail(`requires unsupported feature "${feature}"`);
    } else p.skip(w);
  }
}

function readPrimitiveBlock(p: Pb, col: RawCollector): void {
  const strings: string[] = [];
  const groups: Pb[] = [];
  let gran = 100;
  let latOff = 0;
  let lonOff = 0;
  while (p.more) {
    const key = p.varint();
    const f = Math.floor(key / 8),
      w = key & 7;
    if (f === 1 && w === 2) {
      const st = p.sub();
      const dec = new TextDecoder();
      while (st.more) {
        const k = st.varint();
        if (k >>> 3 === 1 && (k & 7) === 2) strings.push(dec.decode(st.bytes()));
        else st.skip(k & 7);
      }
    } else if (f === 2 && w === 2) groups.push(p.sub());
    else if (f === 17 && w === 0) gran = p.int();
    else if (f === 19 && w === 0) latOff = p.int();
    else if (f === 20 && w === 0) lonOff = p.int();
    else p.skip(w);
  }
  // nanodegrees -> rounded 1e-7 degrees, identical to the XML's 7 decimals
  const toLat = (v: number) => Math.round((latOff + gran * v) / 100) / 1e7;
  const toLon = (v: number) => Math.round((lonOff + gran * v) / 100) / 1e7;
  const str = (i: number): string => {
    const s = strings[i];
    if (s === undefined) throw new Truncated(`string index ${i} outside the string table (${strings.length})`);
    return s;
  };
  for (const g of groups) {
    while (g.more) {
      const key = g.varint();
      const f = Math.floor(key / 8),
        w = key & 7;
      if (f === 1 && w === 2) readNode(g.sub(), col, toLat, toLon);
      else if (f === 2 && w === 2) readDense(g.sub(), col, toLat, toLon);
      else if (f === 3 && w === 2) readWay(g.sub(), col, str);
      else g.skip(w);
    }
  }
}

function readNode(p: Pb, col: RawCollector, toLat: (v: number) => number, toLon: (v: number) => number): void {
  let id = 0,
    lat = 0,
    lon = 0;
  while (p.more) {
    const key = p.varint();
    const f = Math.floor(key / 8),
      w = key & 7;
    if (f === 1 && w === 0) id = p.svarint();
    else if (f === 8 && w === 0) lat = p.svarint();
    else if (f === 9 && w === 0) lon = p.svarint();
    else p.skip(w);
  }
  col.node(id, toLat(lat), toLon(lon));
}

function readDense(p: Pb, col: RawCollector, toLat: (v: number) => number, toLon: (v: number) => number): void {
  const ids: number[] = [],
    lats: number[] = [],
    lons: number[] = [];
  while (p.more) {
    const key = p.varint();
    const f = Math.floor(key / 8),
      w = key & 7;
    if (f === 1) p.packed(w, svar, ids);
    else if (f === 8) p.packed(w, svar, lats);
    else if (f === 9) p.packed(w, svar, lons);
    else p.skip(w);
  }
  if (lats.length !== ids.length || lons.length !== ids.length)
    throw new Truncated(`dense nodes: ${ids.length} ids but ${lats.length} lats and ${lons.length} lons`);
  let id = 0,
    lat = 0,
    lon = 0;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i]!;
    lat += lats[i]!;
    lon += lons[i]!;
    col.node(id, toLat(lat), toLon(lon));
  }
}

function readWay(p: Pb, col: RawCollector, str: (i: number) => string): void {
  let id = 0;
  const keys: number[] = [],
    vals: number[] = [],
    deltas: number[] = [];
  while (p.more) {
    const key = p.varint();
    const f = Math.floor(key / 8),
      w = key & 7;
    if (f === 1 && w === 0) id = p.int();
    else if (f === 2) p.packed(w, uvar, keys);
    else if (f === 3) p.packed(w, uvar, vals);
    else if (f === 8) p.packed(w, svar, deltas);
    else p.skip(w);
  }
  if (keys.length !== vals.length) throw new Truncated(`way ${id}: ${keys.length} keys but ${vals.length} values`);
  const tags: Record<string, string> = {};
  for (let i = 0; i < keys.length; i++) tags[str(keys[i]!)] = str(vals[i]!);
  let ref = 0;
  const refs = deltas.map((d) => (ref += d));
  col.way(id, refs, tags);
}
