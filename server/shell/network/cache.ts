import Flatbush from 'flatbush';
import { JcrError } from '../../core/errors.ts';
import { GRAPH_BUILD_VERSION, type BuildReport, type RoadGraph } from '../../core/graph/build.ts';
import {
  align8,
  graphArrayView,
  graphFromArrays,
  graphScalars,
  layoutGraph,
  writeGraphBlock,
  type GraphTypedArray,
} from './graph-arrays.ts';

/**
 * The built graph on disk: one binary file, "JCRGRAPH" + u32 header length + JSON header (array
 * names, types, lengths, offsets; report; highway names) + the typed arrays' bytes, each at an
 * 8-byte-aligned offset so loading is one read plus zero-copy typed-array views. The Flatbush
 * segment index is stored as its own buffer (Flatbush.from re-opens it without rebuilding). The
 * data block's layout is shared with the cover worker's graph (./graph-arrays.ts).
 */
const MAGIC = 'JCRGRAPH';

interface Header {
  version: number;
  key: string;
  nodeCount: number;
  edgeCount: number;
  pointCount: number;
  highwayNames: string[];
  report: BuildReport;
  arrays: Array<{ name: string; type: string; length: number; offset: number }>;
  segIndex: { offset: number; length: number };
}

export function serializeGraph(g: RoadGraph, key: string): Buffer {
  // Header size depends on offsets; offsets are relative to the data start, so lay out first.
  const layout = layoutGraph(g);
  const header: Header = {
    version: GRAPH_BUILD_VERSION,
    key,
    ...graphScalars(g),
    arrays: layout.arrays,
    segIndex: layout.segIndex,
  };
  const hjson = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = align8(MAGIC.length + 4 + hjson.length);
  const out = Buffer.alloc(dataStart + layout.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(hjson.length, MAGIC.length);
  hjson.copy(out, MAGIC.length + 4);
  writeGraphBlock(g, layout, out, dataStart);
  return out;
}

/** Re-open a serialized graph; `key` must match the one it was written with. Throws if it does not fit. */
export function deserializeGraph(buf: Uint8Array, key: string): RoadGraph {
  const bad = (why: string): never => {
    throw new JcrError('JCR_NETWORK_INVALID', `graph cache unusable: ${why}`);
  };
  if (buf.length < MAGIC.length + 4 || new TextDecoder('latin1').decode(buf.subarray(0, MAGIC.length)) !== MAGIC)
    bad('bad magic');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hlen = dv.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + hlen > buf.length) bad('truncated header');
  const header = JSON.parse(
    new TextDecoder().decode(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen)),
  ) as Header;
  if (header.version !== GRAPH_BUILD_VERSION) bad(`version ${header.version}, want ${GRAPH_BUILD_VERSION}`);
  if (header.key !== key) bad('key mismatch');
  // Copy into one fresh, aligned ArrayBuffer so every typed array can be a view of it.
  const dataStart = align8(MAGIC.length + 4 + hlen);
  const data = new ArrayBuffer(buf.length - dataStart);
  new Uint8Array(data).set(buf.subarray(dataStart));
  const view = (type: string, offset: number, length: number): GraphTypedArray => {
    const size = type === 'Float64Array' ? 8 : type === 'Uint8Array' ? 1 : 4;
    if (offset + length * size > data.byteLength) bad('truncated data');
    return graphArrayView(type, data, offset, length) ?? bad(`unknown array type ${type}`);
  };
  const got = new Map(header.arrays.map((a) => [a.name, view(a.type, a.offset, a.length)]));
  if (header.segIndex.offset + header.segIndex.length > data.byteLength) bad('truncated segment index');
  const segIndex = Flatbush.from(data.slice(header.segIndex.offset, header.segIndex.offset + header.segIndex.length));
  return graphFromArrays(header, got, segIndex, bad);
}
