import protobuf from 'protobufjs/minimal.js';

/**
 * The protobuf wire format as the browser's COP codec reads and writes it: wire types, tags and
 * the field loop over protobufjs/minimal's Reader (no reflection, no generated code, so it runs
 * under the page's Content-Security-Policy). Shared by decode-records.ts, decode-frames.ts and
 * encode.ts.
 */
export const { Reader, Writer } = protobuf;
export type Reader = protobuf.Reader;
export type Writer = protobuf.Writer;

// Wire types.
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

/** Throws if a field arrived with a wire type its declaration cannot have. */
export function expect(wire: number, want: number, field: string): void {
  if (wire !== want) throw new Error(`cop codec: ${field} has wire type ${wire}, expected ${want}`);
}

/** Read one element of a repeated scalar: all of a packed run, or a single unpacked value. */
export function readRepeated(
  r: Reader,
  wire: number,
  elemWire: number,
  read: () => number,
  out: number[],
  field: string,
): void {
  if (wire === LEN) {
    const end = r.uint32() + r.pos;
    while (r.pos < end) out.push(read());
    if (r.pos !== end) throw new Error(`cop codec: ${field} packed run overruns`);
  } else {
    expect(wire, elemWire, field);
    out.push(read());
  }
}

/** Run `fn(field, wire)` for each field of the message that ends at `end`. */
export function fields(r: Reader, end: number, fn: (field: number, wire: number) => boolean): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) throw new Error('cop codec: field number 0');
    if (!fn(field, wire)) r.skipType(wire);
  }
  if (r.pos !== end) throw new Error('cop codec: message overruns its length');
}

export function sub(r: Reader): number {
  return r.uint32() + r.pos;
}

export function tag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}
