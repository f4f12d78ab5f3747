import protobuf from 'protobufjs/light.js';
import type { CopClientMsg } from '../../server/core/cop/frames.ts';
import type { CopServerMsgIn } from './cop-client-core.ts';
import { COP_DESCRIPTOR } from './cop-descriptor.ts';

/**
 * The COP wire codec for screens: protobufjs/light with the JSON descriptor generated from
 * proto/cop.proto (no .proto parsing and no fs in the browser). Works in Node too: the tests and
 * the fan-out bench decode with exactly what the browser runs.
 */
const root = protobuf.Root.fromJSON(COP_DESCRIPTOR as unknown as protobuf.INamespace);
const ServerMessage = root.lookupType('jcr.v1.CopServerMessage');
const ClientMessage = root.lookupType('jcr.v1.CopClientMessage');

/** Decode one server frame (CopServerMessage). Throws if the bytes are not one. */
export function decodeServerFrame(bytes: Uint8Array): CopServerMsgIn {
  return ServerMessage.decode(bytes) as unknown as CopServerMsgIn;
}

/** Encode a control frame (CopClientMessage) to send. */
export function encodeClientFrame(msg: CopClientMsg): Uint8Array {
  return ClientMessage.encode(msg as unknown as protobuf.Message).finish();
}
