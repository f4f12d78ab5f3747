import protobuf from 'protobufjs';
import type { AvlReportIn } from '../../server/core/avl/ingest.ts';
import { AvlBatchType } from '../../server/shell/avl/codec.ts';

/**
 * The reference answer for an AvlBatch frame, for the differential tests of AvlBatchReader: the
 * frame is accepted iff protobufjs decodes it AND every known field in it carries the wire type its
 * declaration in proto/avl.proto gives it (taken from protobufjs's reflection, not from a table of
 * ours); then the values are protobufjs's.
 */
export const REPORT_FIELDS = [
  'resourceId',
  'lat',
  'lon',
  'speedMps',
  'headingDeg',
  'fixTimeMs',
  'accuracyM',
  'status',
] as const;

export type Outcome = { ok: false } | { ok: true; seq: number; reports: Array<Record<string, unknown>> };

export function viaReference(bytes: Uint8Array): Outcome {
  let m: { seq: number; reports: AvlReportIn[] };
  try {
    m = AvlBatchType.decode(bytes) as unknown as { seq: number; reports: AvlReportIn[] };
  } catch {
    return { ok: false };
  }
  if (!wireTypesAsDeclared(AvlBatchType, protobuf.Reader.create(bytes), undefined)) return { ok: false };
  return { ok: true, seq: m.seq, reports: m.reports.map(pick) };
}

export function viaReader(read: (bytes: Uint8Array) => { seq: number; reports: AvlReportIn[] }, bytes: Uint8Array) {
  try {
    const m = read(bytes);
    return { ok: true, seq: m.seq, reports: m.reports.map(pick) } as Outcome;
  } catch {
    return { ok: false } as Outcome;
  }
}

const pick = (r: AvlReportIn) => Object.fromEntries(REPORT_FIELDS.map((f) => [f, r[f]]));

/** Equal as values, with NaN equal to NaN and -0 distinct from 0 (Object.is). */
export function same(a: Outcome, b: Outcome): boolean {
  if (a.ok !== b.ok) return false;
  if (!a.ok || !b.ok) return true;
  if (a.seq !== b.seq || a.reports.length !== b.reports.length) return false;
  return a.reports.every((r, i) => REPORT_FIELDS.every((f) => Object.is(r[f], b.reports[i]?.[f])));
}

export const show = (o: Outcome) =>
  JSON.stringify(o, (_k, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? '-0' : v,
  );

/** The wire type a field's declaration gives it (proto3, no packed repeated scalars here). */
function declaredWireType(f: protobuf.Field): number {
  if (f.resolvedType instanceof protobuf.Type) return 2;
  if (f.resolvedType instanceof protobuf.Enum) return 0;
  const wt = (protobuf.types.basic as Record<string, number | undefined>)[f.type];
  if (wt === undefined) throw new Error(`no wire type for ${f.type}`);
  return wt;
}

/**
 * Walk a frame protobufjs has decoded, step for step as its generated decoder does (the same
 * Reader calls, so the same positions), and say whether every known field had its declared wire
 * type. Called only on frames protobufjs decoded, so the reads cannot fail.
 */
function wireTypesAsDeclared(type: protobuf.Type, r: protobuf.Reader, length: number | undefined): boolean {
  const end = length === undefined ? r.len : r.pos + length;
  const outer = r.len;
  r.len = end;
  while (r.pos < end) {
    const t = r.uint32();
    const f = type.fieldsById[t >>> 3];
    if (f === undefined) {
      r.skipType(t & 7);
      continue;
    }
    if ((t & 7) !== declaredWireType(f)) return false;
    if (f.resolvedType instanceof protobuf.Type) {
      if (!wireTypesAsDeclared(f.resolvedType, r, r.uint32())) return false;
    } else {
      const method = f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
      const read = (r as unknown as Record<string, (() => unknown) | undefined>)[method];
      if (read === undefined) throw new Error(`no Reader method for ${method}`);
      read.call(r);
    }
  }
  r.len = outer;
  return true;
}
