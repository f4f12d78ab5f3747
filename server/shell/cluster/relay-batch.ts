/**
 * The bytes of a batch an AVL gateway relays to the leader on jcr.<room>.avl (cluster/avl-relay.ts):
 *
 *   [1 byte: L][L bytes: the feed token's SHA-256, hex][4 bytes: reports the feed sent, uint32 LE]
 *   [a jcr.v1.AvlBatch (proto/avl.proto) holding the reports that passed the stateless rules]
 *
 * Protobuf, not JSON: the leader reads the reports with the /ws/avl reader (avl/batch-reader.ts),
 * which costs it a fraction of JSON.parse of the same batch (the leader's CPU per relayed position
 * is what bounds a room's ingest; docs/cluster.md § Limits). The values cross exactly (float32
 * fields were float32 on the feed's wire too). The gateway and the leader must run the same
 * version of this layout.
 */
import type { AvlReportIn } from '../../core/avl/ingest.ts';
import { JcrError } from '../../core/errors.ts';
import type { AvlBatchReader } from '../avl/batch-reader.ts';
import { encodeBatch } from '../avl/codec.ts';

/** A relayed batch as the leader reads it: its reports are the reader's, valid until its next read. */
export interface RelayedBatch {
  /** The feed token's SHA-256 (hex), or '' when the gateway has none. */
  hash: string;
  /** Reports the feed sent (what its token bucket is charged): at least reports.length. */
  sent: number;
  reports: AvlReportIn[];
}

/** The gateway's side: encode the relayed reports with the feed's token hash and the batch's size. */
export function encodeRelayedBatch(hash: string, sent: number, reports: readonly AvlReportIn[]): Uint8Array {
  const body = encodeBatch({ seq: 0, reports });
  const h = Buffer.from(hash, 'latin1');
  if (h.length > 255) throw new Error('token hash too long');
  const out = Buffer.allocUnsafe(1 + h.length + 4 + body.length);
  out[0] = h.length;
  h.copy(out, 1);
  out.writeUInt32LE(sent, 1 + h.length);
  out.set(body, 1 + h.length + 4);
  return out;
}

/**
 * The relayed batch's jcr.v1.AvlBatch as it came (a view of `data`): the positions stream takes it
 * as it is when the leader keeps every report (cluster/positions-batch.ts).
 */
export function relayedBatchBody(data: Uint8Array): Uint8Array {
  return data.subarray(1 + (data[0] ?? 0) + 4);
}

/** The leader's side: read a relayed batch with `reader`; throws JCR_AVL_MALFORMED_FRAME on bytes that are not one. */
export function readRelayedBatch(reader: AvlBatchReader, data: Uint8Array, maxReports: number): RelayedBatch {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const at = 1 + (buf[0] ?? 0);
  if (buf.length < at + 4) throw new JcrError('JCR_AVL_MALFORMED_FRAME', 'relayed batch too short');
  const hash = buf.toString('latin1', 1, at);
  let reports: AvlReportIn[];
  try {
    reports = reader.read(buf.subarray(at + 4)).reports;
  } catch {
    throw new JcrError('JCR_AVL_MALFORMED_FRAME', 'relayed batch is not an AvlBatch');
  }
  if (reports.length > maxReports) throw new JcrError('JCR_PAYLOAD_TOO_LARGE', `more than ${maxReports} reports`);
  return { hash, sent: Math.max(buf.readUInt32LE(at), reports.length), reports };
}
