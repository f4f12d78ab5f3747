import Flatbush from 'flatbush';
import { JcrError } from '../../core/errors.ts';
import { GRAPH_BUILD_VERSION, type BuildReport, type RoadGraph } from '../../core/graph/build.ts';

/**
 * The built graph on disk: one binary file, "JCRGRAPH" + u32 header length + JSON header (array
 * names, types, lengths, offsets; report; highway names) + the typed arrays' bytes, each at an
 * 8-byte-aligned offset so loading is one read plus zero-copy typed-array views. The Flatbush
 * segment index is stored as its own buffer (Flatbush.from re-opens it without rebuilding).
 */
const MAGIC = 'JCRGRAPH';

const ARRAYS = [
  ['nodeId', 'Float64Array'],
  ['lat', 'Float64Array'],
  ['lon', 'Float64Array'],
  ['vertexPoint', 'Uint32Array'],
  ['firstOut', 'Uint32Array'],
  ['head', 'Uint32Array'],
  ['tail', 'Uint32Array'],
  ['lengthM', 'Float32Array'],
  ['twin', 'Int32Array'],
  ['edgeGeom', 'Uint32Array'],
  ['edgeRev', 'Uint8Array'],
  ['firstIn', 'Uint32Array'],
  ['inTail', 'Uint32Array'],
  ['inEdge', 'Uint32Array'],
  ['geomStart', 'Uint32Array'],
  ['geomPoint', 'Uint32Array'],
  ['geomEdge', 'Uint32Array'],
  ['slotLenM', 'Float32Array'],
  ['slotHighway', 'Uint8Array'],
  ['slotMaxspeed', 'Float32Array'],
  ['segSlot', 'Uint32Array'],
] as const;
type ArrayName = (typeof ARRAYS)[number][0];

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

const align8 = (n: number) => (n + 7) & ~7;

export function serializeGraph(g: RoadGraph, key: string): Buffer {
  const parts: Array<{ name: string; type: string; length: number; bytes: Uint8Array }> = ARRAYS.map(([name, type]) => {
    const a = g[name];
    return { name, type, length: a.length, bytes: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) };
  });
  const seg = new Uint8Array(g.segIndex.data as ArrayBuffer);
  // Header size depends on offsets; offsets are relative to the data start, so compute them first.
  let off = 0;
  const arrays = parts.map((p) => {
    const a = { name: p.name, type: p.type, length: p.length, offset: off };
    off = align8(off + p.bytes.byteLength);
    return a;
  });
  const segIndex = { offset: off, length: seg.byteLength };
  off = align8(off + seg.byteLength);
  const header: Header = { version: GRAPH_BUILD_VERSION, key, nodeCount: g.nodeCount, edgeCount: g.edgeCount, pointCount: g.pointCount, highwayNames: [...g.highwayNames], report: g.report, arrays, segIndex };
  const hjson = Buffer.from(JSON.stringify(header), 'utf8');
  const dataStart = align8(MAGIC.length + 4 + hjson.length);
  const out = Buffer.alloc(dataStart + off);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(hjson.length, MAGIC.length);
  hjson.copy(out, MAGIC.length + 4);
  parts.forEach((p, i) => out.set(p.bytes, dataStart + arrays[i]!.offset));
  out.set(seg, dataStart + segIndex.offset);
  return out;
}

/** Re-open a serialized graph; `key` must match the one it was written with. Throws if it does not fit. */
export function deserializeGraph(buf: Uint8Array, key: string): RoadGraph {
  const bad = (why: string): never => {
    throw new JcrError('JCR_NETWORK_INVALID', `graph cache unusable: ${why}`);
  };
  if (buf.length < MAGIC.length + 4 || new TextDecoder('latin1').decode(buf.subarray(0, MAGIC.length)) !== MAGIC) bad('bad magic');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hlen = dv.getUint32(MAGIC.length, true);
  if (MAGIC.length + 4 + hlen > buf.length) bad('truncated header');
  const header = JSON.parse(new TextDecoder().decode(buf.subarray(MAGIC.length + 4, MAGIC.length + 4 + hlen))) as Header;
  if (header.version !== GRAPH_BUILD_VERSION) bad(`version ${header.version}, want ${GRAPH_BUILD_VERSION}`);
  if (header.key !== key) bad('key mismatch');
  // Copy into one fresh, aligned ArrayBuffer so every typed array can be a view of it.
  const dataStart = align8(MAGIC.length + 4 + hlen);
  const data = new ArrayBuffer(buf.length - dataStart);
  new Uint8Array(data).set(buf.subarray(dataStart));
  const view = (type: string, offset: number, length: number): Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array => {
    const size = type === 'Float64Array' ? 8 : type === 'Uint8Array' ? 1 : 4;
    if (offset + length * size > data.byteLength) bad('truncated data');
    switch (type) {
      case 'Float64Array': return new Float64Array(data, offset, length);
      case 'Float32Array': return new Float32Array(data, offset, length);
      case 'Uint32Array': return new Uint32Array(data, offset, length);
      case 'Int32Array': return new Int32Array(data, offset, length);
      case 'Uint8Array': return new Uint8Array(data, offset, length);
      default: return bad(`unknown array type ${type}`);
    }
  };
  const got = new Map(header.arrays.map((a) => [a.name, view(a.type, a.offset, a.length)]));
  const take = <T>(name: ArrayName, ctor: new (...args: never[]) => T): T => {
    const a = got.get(name);
    if (!(a instanceof ctor)) return bad(`array ${name} missing or of the wrong type`);
    return a;
  };
  if (header.segIndex.offset + header.segIndex.length > data.byteLength) bad('truncated segment index');
  const segIndex = Flatbush.from(data.slice(header.segIndex.offset, header.segIndex.offset + header.segIndex.length));
  return {
    nodeCount: header.nodeCount,
    edgeCount: header.edgeCount,
    pointCount: header.pointCount,
    nodeId: take('nodeId', Float64Array),
    lat: take('lat', Float64Array),
    lon: take('lon', Float64Array),
    vertexPoint: take('vertexPoint', Uint32Array),
    firstOut: take('firstOut', Uint32Array),
    head: take('head', Uint32Array),
    tail: take('tail', Uint32Array),
    lengthM: take('lengthM', Float32Array),
    twin: take('twin', Int32Array),
    edgeGeom: take('edgeGeom', Uint32Array),
    edgeRev: take('edgeRev', Uint8Array),
    firstIn: take('firstIn', Uint32Array),
    inTail: take('inTail', Uint32Array),
    inEdge: take('inEdge', Uint32Array),
    geomStart: take('geomStart', Uint32Array),
    geomPoint: take('geomPoint', Uint32Array),
    geomEdge: take('geomEdge', Uint32Array),
    slotLenM: take('slotLenM', Float32Array),
    slotHighway: take('slotHighway', Uint8Array),
    slotMaxspeed: take('slotMaxspeed', Float32Array),
    segSlot: take('segSlot', Uint32Array),
    segIndex,
    highwayNames: header.highwayNames,
    report: header.report,
  };
}
