import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { CopServerMsg } from '../../core/cop/frames.ts';

/**
 * The COP wire codec, server side: proto/cop.proto (which imports avl.proto for ResourceStatus)
 * loaded once with protobufjs. The hub hands plain objects shaped like the messages
 * (server/core/cop/frames.ts), encoded as they are. Client frames are decoded here and validated
 * by the core (parseControl). The browser has its own hand-written codec (client/cop/codec.ts);
 * test/cop-codec.test.ts checks the two agree byte for byte.
 *
 * protobufjs picks how to read a field from its number alone: a `last_seq` sent as a fixed32 would
 * be read as a varint, a wrong value and not an error (issue 15 item 1, as the AVL decoder had
 * it). So a client frame is first walked once against cop.proto's declarations, and one with a
 * known field of another wire type (or field number 0) is refused before protobufjs reads it.
 */
export const COP_PROTO_PATH = fileURLToPath(new URL('../../../proto/cop.proto', import.meta.url));

const root = protobuf.loadSync(COP_PROTO_PATH);
root.resolveAll();
export const CopServerMessageType = root.lookupType('jcr.v1.CopServerMessage');
export const CopClientMessageType = root.lookupType('jcr.v1.CopClientMessage');

export function encodeServer(msg: CopServerMsg): Uint8Array {
  return CopServerMessageType.encode(msg as unknown as protobuf.Message).finish();
}

/** Decode a client frame. Throws (any error) if the bytes are not a well-typed CopClientMessage. */
export function decodeClient(bytes: Uint8Array): unknown {
  const r = protobuf.Reader.create(bytes);
  checkWireTypes(CopClientMessageType, r, r.len, 0);
  return CopClientMessageType.decode(bytes);
}

/** Scalar types whose repeated fields may also arrive packed (one length-delimited run). */
const PACKABLE = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'bool', 'int64']);
/** protobufjs's own nesting limit (Reader.recursionLimit). */
const DEPTH_LIMIT = 100;

function wireTypeOf(f: protobuf.Field): number {
  if (f.resolvedType instanceof protobuf.Type) return 2;
  if (f.resolvedType instanceof protobuf.Enum) return 0;
  const wt = (protobuf.types.basic as Record<string, number | undefined>)[f.type];
  if (wt === undefined) throw new Error(`cop codec: no wire type for ${f.type}`);
  return wt;
}

function readAs(r: protobuf.Reader, scalar: string): void {
  const read = (r as unknown as Record<string, (() => unknown) | undefined>)[scalar];
  if (read === undefined) throw new Error(`cop codec: no reader for ${scalar}`);
  read.call(r);
}

/**
 * Walk the message of `type` that ends at `end`: every known field must have its declared wire
 * type (a repeated packable scalar also a packed run); unknown fields are skipped as protobufjs
 * skips them. Throws on the first one that does not.
 */
function checkWireTypes(type: protobuf.Type, r: protobuf.Reader, end: number, depth: number): void {
  if (depth > DEPTH_LIMIT) throw new Error('cop codec: nested too deep');
  while (r.pos < end) {
    const tag = r.uint32();
    const wt = tag & 7;
    if (tag >>> 3 === 0) throw new Error('cop codec: field number 0');
    const f = type.fieldsById[tag >>> 3];
    if (f === undefined) {
      r.skipType(wt);
      continue;
    }
    const scalar = f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
    if (f.repeated && wt === 2 && PACKABLE.has(scalar)) {
      const runEnd = r.uint32() + r.pos;
      while (r.pos < runEnd) readAs(r, scalar);
      if (r.pos !== runEnd) throw new Error(`cop codec: ${type.name}.${f.name} packed run overruns`);
      continue;
    }
    if (wt !== wireTypeOf(f))
      throw new Error(`cop codec: ${type.name}.${f.name} has wire type ${wt}, not the one cop.proto declares`);
    if (f.resolvedType instanceof protobuf.Type) {
      const subEnd = r.uint32() + r.pos;
      if (subEnd > end) throw new Error(`cop codec: ${type.name}.${f.name} overruns its message`);
      checkWireTypes(f.resolvedType, r, subEnd, depth + 1);
    } else readAs(r, scalar); // read as protobufjs will (an over-long varint moves it as it moves protobufjs)
  }
  if (r.pos !== end) throw new Error(`cop codec: ${type.name} overruns its length`);
}
