import type { AvlReportIn } from '../server/core/avl/ingest.ts';
import type { AvlBatchIn } from '../server/shell/avl/codec.ts';

/**
 * BENCH ONLY: AvlBatchReader as it was before the wire-type checks (main at 7564c4a), kept for
 * the side-by-side in `npm run bench -- ingest --decoders`. Never imported by the server.
 *
 * The /ws/avl hot-path decoder for jcr.v1.AvlBatch: the same wire semantics as the protobufjs
 * decoder protobufjs generates for proto/avl.proto (a port of its generated AvlBatch$decode and
 * AvlReport$decode over a BufferReader: the same varint reading, bounds checks, unknown-field and
 * group skipping, nesting limit and sub-message length checks; test/avl-batch-reader.test.ts
 * compares the two on thousands of valid, mutated and random frames), minus the garbage:
 *
 * - `resource_id` bytes are looked up in a table of the scenario's ids and the scenario's own
 *   string is returned, so no string is created for a known resource (and the fleet's Map lookup
 *   finds a string whose hash is already computed). Unknown ids are decoded as protobufjs does.
 * - report objects and the reports array are reused from one frame to the next.
 *
 * So the batch returned is valid only until the next `read` call: the caller must not keep it or
 * its reports (the ingest path copies what it keeps: live state, history rows, rejection texts).
 */
export class AvlBatchReaderBefore {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private len = 0;
  private readonly ids: IdTable;
  private readonly pool: AvlReportIn[] = [];
  private readonly batch: AvlBatchIn = { seq: 0, reports: [] };
  /** resource_id values found in the table (no string created), for tests and the bench. */
  interned = 0;
  /** protobufjs's Reader.recursionLimit: skipping nested groups deeper than this throws. */
  private static readonly RECURSION_LIMIT = 100;
  /** Most reports returned (and pooled) per frame; the rest are decoded into `spare` and dropped. */
  private readonly maxKept: number;
  private readonly spare: AvlReportIn = blankReport();

  /**
   * `maxKept`: the caller refuses a batch with more reports than it allows, so a frame with more
   * than maxKept returns only the first maxKept (pass the caller's limit + 1 and it still sees
   * too many). The pool never holds more than that, whatever a frame carries: without the bound a
   * frame of empty reports (2 bytes each) would leave maxFrameBytes/2 objects pooled for good.
   */
  constructor(knownIds: Iterable<string>, maxKept = Infinity) {
    this.ids = new IdTable(knownIds);
    this.maxKept = maxKept;
  }

  /** Report objects held for reuse (at most maxKept). */
  get pooled(): number {
    return this.pool.length;
  }

  /**
   * Decode one frame. Throws (any error) exactly when protobufjs's AvlBatch.decode would; returns
   * the same reports (only the first maxKept of them).
   */
  read(bytes: Uint8Array): AvlBatchIn {
    this.buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
    this.len = this.buf.length;
    const batch = this.batch;
    batch.seq = 0;
    const reports = batch.reports;
    let n = 0;
    try {
      const end = this.len;
      while (this.pos < end) {
        const t = this.uint32();
        switch (t >>> 3) {
          case 1:
            batch.seq = this.uint32();
            break;
          case 2: {
            // Past maxKept: still decoded (a malformed report still fails the frame), not kept.
            const keep = n < this.maxKept;
            const r = keep ? (this.pool[n] ??= blankReport()) : this.spare;
            this.report(r, this.uint32());
            if (keep) reports[n++] = r;
            break;
          }
          default:
            this.skipType(t & 7, 0);
        }
      }
    } finally {
      reports.length = n;
    }
    return batch;
  }

  /** AvlReport$decode(reader, length) at nesting depth 1, into a reused object. */
  private report(m: AvlReportIn, length: number): void {
    const c = this.pos + length;
    if (c > this.len) throw new RangeError('index out of range');
    const outer = this.len;
    this.len = c;
    m.resourceId = '';
    m.lat = 0;
    m.lon = 0;
    m.speedMps = 0;
    m.headingDeg = 0;
    m.fixTimeMs = 0;
    m.accuracyM = 0;
    m.status = 0;
    while (this.pos < c) {
      const t = this.uint32();
      switch (t >>> 3) {
        case 1:
          m.resourceId = this.string();
          break;
        case 2:
          m.lat = this.double();
          break;
        case 3:
          m.lon = this.double();
          break;
        case 4:
          m.speedMps = this.float();
          break;
        case 5:
          m.headingDeg = this.float();
          break;
        case 6:
          m.fixTimeMs = this.double();
          break;
        case 7:
          m.accuracyM = this.float();
          break;
        case 8:
          m.status = this.uint32() | 0;
          break;
        default:
          this.skipType(t & 7, 1);
      }
    }
    if (this.pos !== c) throw new RangeError('index out of range');
    this.len = outer;
  }

  /** protobufjs Reader.uint32, byte for byte (including reading past `len` until the final check). */
  private uint32(): number {
    const b = this.buf;
    let x = b[this.pos++] as number; // past the end: undefined, which compares and masks like protobufjs
    let value = (x & 127) >>> 0;
    if (x < 128) return value;
    x = b[this.pos++] as number;
    value = (value | ((x & 127) << 7)) >>> 0;
    if (x < 128) return value;
    x = b[this.pos++] as number;
    value = (value | ((x & 127) << 14)) >>> 0;
    if (x < 128) return value;
    x = b[this.pos++] as number;
    value = (value | ((x & 127) << 21)) >>> 0;
    if (x < 128) return value;
    x = b[this.pos++] as number;
    value = (value | ((x & 15) << 28)) >>> 0;
    if (x < 128) return value;
    if ((this.pos += 5) > this.len) {
      this.pos = this.len;
      throw new RangeError('index out of range');
    }
    return value;
  }

  private double(): number {
    if (this.pos + 8 > this.len) throw new RangeError('index out of range');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  private float(): number {
    if (this.pos + 4 > this.len) throw new RangeError('index out of range');
    const v = this.buf.readFloatLE(this.pos);
    this.pos += 4;
    return v;
  }

  /** BufferReader.string: the length is clamped to the current limit, as protobufjs does. */
  private string(): string {
    const n = this.uint32();
    const start = this.pos;
    const end = Math.min(start + n, this.len);
    this.pos = end;
    const known = this.ids.lookup(this.buf, start, end);
    if (known === undefined) return this.buf.toString('utf8', start, end);
    this.interned++;
    return known;
  }

  private skip(length?: number): void {
    if (length !== undefined) {
      if (this.pos + length > this.len) throw new RangeError('index out of range');
      this.pos += length;
      return;
    }
    do {
      if (this.pos >= this.len) throw new RangeError('index out of range');
    } while ((this.buf[this.pos++] as number) & 128);
  }

  private skipType(wireType: number, depth: number): void {
    if (depth > AvlBatchReaderBefore.RECURSION_LIMIT) throw new Error('maximum nesting depth exceeded');
    switch (wireType) {
      case 0:
        this.skip();
        break;
      case 1:
        this.skip(8);
        break;
      case 2:
        this.skip(this.uint32());
        break;
      case 3: {
        let w: number;
        while ((w = this.uint32() & 7) !== 4) this.skipType(w, depth + 1);
        break;
      }
      case 5:
        this.skip(4);
        break;
      default:
        throw new Error(`invalid wire type ${wireType} at offset ${this.pos}`);
    }
  }
}

function blankReport(): AvlReportIn {
  return { resourceId: '', lat: 0, lon: 0, speedMps: 0, headingDeg: 0, fixTimeMs: 0, accuracyM: 0, status: 0 };
}

/**
 * Known ids by their UTF-8 bytes: an open-addressing hash table in typed arrays (FNV-1a of the
 * bytes picks a slot, linear probing, a byte compare against all ids' bytes laid end to end
 * confirms). No objects, no Map, no heap numbers on a lookup. Returns the id's own string, or
 * undefined for bytes that are not a known id.
 */
class IdTable {
  private readonly ids: string[] = [];
  private readonly bytes: Buffer;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Slot → id index + 1 (0 = empty). Twice as many slots as ids at least, a power of two. */
  private readonly slots: Int32Array;
  private readonly mask: number;

  constructor(ids: Iterable<string>) {
    const encoded: Buffer[] = [];
    const seen = new Set<string>();
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      this.ids.push(id);
      encoded.push(Buffer.from(id, 'utf8'));
    }
    this.bytes = Buffer.concat(encoded);
    this.start = new Int32Array(encoded.length);
    this.end = new Int32Array(encoded.length);
    let size = 16;
    while (size < encoded.length * 2) size *= 2;
    this.slots = new Int32Array(size);
    this.mask = size - 1;
    let at = 0;
    encoded.forEach((b, i) => {
      this.start[i] = at;
      at += b.length;
      this.end[i] = at;
      let slot = fnv1a(this.bytes, this.start[i] as number, at) & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = i + 1;
    });
  }

  lookup(buf: Buffer, start: number, end: number): string | undefined {
    const n = end - start;
    let slot = fnv1a(buf, start, end) & this.mask;
    for (;;) {
      const e = (this.slots[slot] as number) - 1;
      if (e < 0) return undefined;
      const s = this.start[e] as number;
      if ((this.end[e] as number) - s === n) {
        let i = 0;
        while (i < n && this.bytes[s + i] === buf[start + i]) i++;
        if (i === n) return this.ids[e];
      }
      slot = (slot + 1) & this.mask;
    }
  }
}

/** FNV-1a over bytes, as a non-negative 31-bit integer (a small integer for V8). */
function fnv1a(buf: Buffer, start: number, end: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (buf[i] as number), 0x01000193);
  return h & 0x7fffffff;
}
