import Flatbush from 'flatbush';
import type { BuildReport, RoadGraph } from '../../core/graph/build.ts';

/**
 * The road graph's CSR typed arrays copied once into one SharedArrayBuffer, so the cover worker
 * (./worker.ts) reads the very same bytes as the main thread without a copy per worker start:
 * a restarted worker re-opens the same buffer in microseconds. The arrays are read-only by
 * convention on both sides (nothing writes to a built graph).
 */
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
type ArrayType = (typeof ARRAYS)[number][1];

/** Structured-cloneable: the buffer is shared, not copied, when posted to a worker. */
export interface SharedGraph {
  buffer: SharedArrayBuffer;
  nodeCount: number;
  edgeCount: number;
  pointCount: number;
  highwayNames: string[];
  report: BuildReport;
  arrays: Array<{ name: ArrayName; type: ArrayType; offset: number; length: number }>;
  segIndex: { offset: number; length: number };
}

const align8 = (n: number) => (n + 7) & ~7;

export function shareGraph(g: RoadGraph): SharedGraph {
  const seg = new Uint8Array(g.segIndex.data as ArrayBuffer);
  let off = 0;
  const arrays = ARRAYS.map(([name, type]) => {
    const a = { name, type, offset: off, length: g[name].length };
    off = align8(off + g[name].byteLength);
    return a;
  });
  const segIndex = { offset: off, length: seg.byteLength };
  off = align8(off + seg.byteLength);
  const buffer = new SharedArrayBuffer(off);
  const bytes = new Uint8Array(buffer);
  for (const a of arrays) {
    const src = g[a.name];
    bytes.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), a.offset);
  }
  bytes.set(seg, segIndex.offset);
  return { buffer, nodeCount: g.nodeCount, edgeCount: g.edgeCount, pointCount: g.pointCount, highwayNames: [...g.highwayNames], report: g.report, arrays, segIndex };
}

/** Views over a SharedGraph's buffer (no copy); the Flatbush index re-opens in place. */
export function openSharedGraph(s: SharedGraph): RoadGraph {
  const got = new Map<ArrayName, Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array>();
  for (const a of s.arrays) {
    const b = s.buffer;
    switch (a.type) {
      case 'Float64Array': got.set(a.name, new Float64Array(b, a.offset, a.length)); break;
      case 'Float32Array': got.set(a.name, new Float32Array(b, a.offset, a.length)); break;
      case 'Uint32Array': got.set(a.name, new Uint32Array(b, a.offset, a.length)); break;
      case 'Int32Array': got.set(a.name, new Int32Array(b, a.offset, a.length)); break;
      case 'Uint8Array': got.set(a.name, new Uint8Array(b, a.offset, a.length)); break;
    }
  }
  const take = <T>(name: ArrayName, ctor: new (...args: never[]) => T): T => {
    const a = got.get(name);
    if (!(a instanceof ctor)) throw new Error(`shared graph: array ${name} missing or of the wrong type`);
    return a;
  };
  return {
    nodeCount: s.nodeCount,
    edgeCount: s.edgeCount,
    pointCount: s.pointCount,
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
    segIndex: Flatbush.from(s.buffer, s.segIndex.offset),
    highwayNames: s.highwayNames,
    report: s.report,
  };
}
