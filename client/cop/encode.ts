import type { CopClientMsg, CopFilter } from '../../proto/wire.ts';
import { I64, LEN, tag, VARINT, Writer } from './wire-format.ts';

/** Encoding the control frames a screen sends (CopClientMessage). Defaults are left out, as proto3 does. */

function encodeFilter(w: Writer, field: number, f: CopFilter | null | undefined): void {
  if (!f) return;
  w.uint32(tag(field, LEN)).fork();
  for (const a of f.agencies ?? []) w.uint32(tag(1, LEN)).string(a);
  const b = f.bounds;
  if (b) {
    w.uint32(tag(2, LEN)).fork();
    if (b.south !== 0) w.uint32(tag(1, I64)).double(b.south);
    if (b.west !== 0) w.uint32(tag(2, I64)).double(b.west);
    if (b.north !== 0) w.uint32(tag(3, I64)).double(b.north);
    if (b.east !== 0) w.uint32(tag(4, I64)).double(b.east);
    w.ldelim();
  }
  w.ldelim();
}

/** Encode a control frame (CopClientMessage) to send. */
export function encodeClientFrame(msg: CopClientMsg): Uint8Array {
  const w = Writer.create();
  if (msg.subscribe) {
    const s = msg.subscribe;
    w.uint32(tag(1, LEN)).fork();
    if (s.lastSeq) w.uint32(tag(1, VARINT)).uint32(s.lastSeq);
    if (s.resumeEpoch) w.uint32(tag(2, LEN)).string(s.resumeEpoch);
    encodeFilter(w, 3, s.filter);
    w.ldelim();
  } else if (msg.setFilter) {
    w.uint32(tag(2, LEN)).fork();
    encodeFilter(w, 1, msg.setFilter.filter);
    w.ldelim();
  } else if (msg.ack) {
    w.uint32(tag(3, LEN)).fork();
    if (msg.ack.seq) w.uint32(tag(1, VARINT)).uint32(msg.ack.seq);
    w.ldelim();
  }
  return w.finish();
}
