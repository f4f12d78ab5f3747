import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { AvlReportIn, AvlRejection } from '../../core/avl/ingest.ts';

/**
 * The AVL wire codec: proto/avl.proto loaded once with protobufjs at start (reflection; protobufjs
 * code-generates a specialised decoder per type on first use, as fast as static code). Decoded
 * reports are plain objects whose field names are the camelCase proto names, which is exactly the
 * core's AvlReportIn, so the hot path passes them on without copying.
 */
export const AVL_PROTO_PATH = fileURLToPath(new URL('../../../proto/avl.proto', import.meta.url));

const root = protobuf.loadSync(AVL_PROTO_PATH);
export const AvlBatchType = root.lookupType('jcr.v1.AvlBatch');
export const AvlAckType = root.lookupType('jcr.v1.AvlAck');
export const AvlReportType = root.lookupType('jcr.v1.AvlReport');

export interface AvlBatchIn {
  seq: number;
  reports: AvlReportIn[];
}

export interface AvlAckOut {
  seq: number;
  accepted: number;
  rejected: AvlRejection[];
}

/** Decode one frame. Throws (any error) if the bytes are not an AvlBatch. */
export function decodeBatch(bytes: Uint8Array): AvlBatchIn {
  return AvlBatchType.decode(bytes) as unknown as AvlBatchIn;
}

export function encodeBatch(batch: { seq: number; reports: ReadonlyArray<Partial<AvlReportIn>> }): Uint8Array {
  return AvlBatchType.encode(batch as unknown as protobuf.Message).finish();
}

export function encodeAck(ack: AvlAckOut): Uint8Array {
  return AvlAckType.encode(ack as unknown as protobuf.Message).finish();
}

export function decodeAck(bytes: Uint8Array): AvlAckOut {
  const m = AvlAckType.decode(bytes);
  return AvlAckType.toObject(m, { defaults: true, arrays: true }) as AvlAckOut;
}
