import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { CopServerMsg } from '../../core/cop/frames.ts';

/**
 * The COP wire codec, server side: proto/cop.proto (which imports avl.proto for ResourceStatus)
 * loaded once with protobufjs. The hub hands plain objects shaped like the messages
 * (server/core/cop/frames.ts), encoded as they are. Client frames are decoded here and validated
 * by the core (parseControl). The browser has its own hand-written codec (client/cop/codec.ts);
 * test/cop-codec.test.ts checks the two agree byte for byte.
 */
export const COP_PROTO_PATH = fileURLToPath(new URL('../../../proto/cop.proto', import.meta.url));

const root = protobuf.loadSync(COP_PROTO_PATH);
export const CopServerMessageType = root.lookupType('jcr.v1.CopServerMessage');
export const CopClientMessageType = root.lookupType('jcr.v1.CopClientMessage');

export function encodeServer(msg: CopServerMsg): Uint8Array {
  return CopServerMessageType.encode(msg as unknown as protobuf.Message).finish();
}

/** Decode a client frame. Throws (any error) if the bytes are not a CopClientMessage. */
export function decodeClient(bytes: Uint8Array): unknown {
  return CopClientMessageType.decode(bytes);
}
