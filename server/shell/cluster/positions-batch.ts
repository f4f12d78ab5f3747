/**
 * The bytes of one message of the positions stream (cluster/positions.ts): the reports of one AVL
 * batch the leader kept (accepted, or out of order and so kept in history only), as every
 * instance writes them into its position history.
 *
 *   [1 byte: L][L bytes: the feed's id, UTF-8][8 bytes: received at, ms, float64 LE]
 *   [4 bytes: K, uint32 LE][K × 4 bytes: indices of the reports kept in history only, uint32 LE]
 *   [a jcr.v1.AvlBatch (proto/avl.proto) of the kept reports, in the batch's order]
 *
 * The reports are encoded by the AVL wire codec and read back with the /ws/avl reader, as the
 * gateways' relayed batches are (cluster/relay-batch.ts), so the values cross exactly. A batch
 * the leader kept whole goes as the AvlBatch it came in (a gateway's relayed bytes), not encoded
 * again: the leader read its reports from those bytes, so a follower reads the same values.
 */
import type { AvlBatchReader } from '../avl/batch-reader.ts';
import { encodeBatch } from '../avl/codec.ts';
import type { MarkedRows } from '../avl/history.ts';

/**
 * The leader's side: encode the reports it kept of one batch; `wire`, when given, is their
 * AvlBatch already (every report of the batch as it came, unchanged, in order).
 */
export function encodePositions(rows: MarkedRows, wire?: Uint8Array): Uint8Array {
  const body = wire ?? encodeBatch({ seq: 0, reports: rows.reports });
  const id = Buffer.from(rows.feedId, 'utf8');
  if (id.length > 255) throw new Error('feed id too long');
  const k = rows.historyOnly.length;
  const out = Buffer.allocUnsafe(1 + id.length + 8 + 4 + 4 * k + body.length);
  out[0] = id.length;
  id.copy(out, 1);
  let at = 1 + id.length;
  out.writeDoubleLE(rows.receivedAt, at);
  out.writeUInt32LE(k, (at += 8));
  at += 4;
  for (const i of rows.historyOnly) at = out.writeUInt32LE(i, at);
  out.set(body, at);
  return out;
}

/**
 * Read a message with `reader`: its reports are the reader's, valid until its next read. Throws
 * on bytes that are not one (the stream holds only the leaders' messages).
 */
export function decodePositions(reader: AvlBatchReader, data: Uint8Array): MarkedRows {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let at = 1 + (buf[0] ?? 0);
  const feedId = buf.toString('utf8', 1, at);
  const receivedAt = buf.readDoubleLE(at);
  const k = buf.readUInt32LE((at += 8));
  at += 4;
  const historyOnly: number[] = [];
  for (let i = 0; i < k; i++, at += 4) historyOnly.push(buf.readUInt32LE(at));
  return { feedId, receivedAt, historyOnly, reports: reader.read(buf.subarray(at)).reports };
}
