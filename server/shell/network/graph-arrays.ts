import type Flatbush from 'flatbush';
import type { BuildReport, RoadGraph } from '../../core/graph/build.ts';

/**
 * The road graph as one block of bytes: its typed arrays and the Flatbush segment index, each at
 * an 8-byte-aligned offset, so that whoever holds the block re-opens the graph as zero-copy views.
 * Two holders: the graph cache file (./cache.ts) and the cover worker's SharedArrayBuffer
 * (../cover/shared-graph.ts). One list and one layout here, so an array added to RoadGraph is
 * carried by both or the type-check fails.
 */
export const GRAPH_ARRAYS = [
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
export type GraphArrayName = (typeof GRAPH_ARRAYS)[number][0];
export type GraphArrayType = (typeof GRAPH_ARRAYS)[number][1];
export type GraphTypedArray = Float64Array | Float32Array | Uint32Array | Int32Array | Uint8Array;

/** Where one array sits in the block (offset in bytes, length in elements). */
export interface GraphArrayPlace {
  name: GraphArrayName;
  type: GraphArrayType;
  length: number;
  offset: number;
}

export interface GraphLayout {
  arrays: GraphArrayPlace[];
  /** The Flatbush index's own buffer (Flatbush.from re-opens it without rebuilding). */
  segIndex: { offset: number; length: number };
  /** Bytes of the whole block. */
  byteLength: number;
}

/** The graph's counts, names and report: what travels beside the block. */
export type GraphScalars = Pick<RoadGraph, 'nodeCount' | 'edgeCount' | 'pointCount' | 'highwayNames' | 'report'>;

export const align8 = (n: number): number => (n + 7) & ~7;

function segBytes(g: RoadGraph): Uint8Array {
  return new Uint8Array(g.segIndex.data as ArrayBuffer);
}

/** The offsets of every array, then the segment index, from 0. */
export function layoutGraph(g: RoadGraph): GraphLayout {
  let off = 0;
  const arrays = GRAPH_ARRAYS.map(([name, type]): GraphArrayPlace => {
    const a = { name, type, length: g[name].length, offset: off };
    off = align8(off + g[name].byteLength);
    return a;
  });
  const seg = segBytes(g);
  const segIndex = { offset: off, length: seg.byteLength };
  off = align8(off + seg.byteLength);
  return { arrays, segIndex, byteLength: off };
}

/** Copy the arrays and the segment index into `out`, the block starting at byte `base`. */
export function writeGraphBlock(g: RoadGraph, layout: GraphLayout, out: Uint8Array, base: number): void {
  for (const a of layout.arrays) {
    const src = g[a.name];
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), base + a.offset);
  }
  out.set(segBytes(g), base + layout.segIndex.offset);
}

export function graphScalars(g: RoadGraph): {
  nodeCount: number;
  edgeCount: number;
  pointCount: number;
  highwayNames: string[];
  report: BuildReport;
} {
  return {
    nodeCount: g.nodeCount,
    edgeCount: g.edgeCount,
    pointCount: g.pointCount,
    highwayNames: [...g.highwayNames],
    report: g.report,
  };
}

/** A view (no copy) of `length` elements of `type` at byte `offset`; undefined for a type not in GRAPH_ARRAYS. */
export function graphArrayView(
  type: string,
  buffer: ArrayBufferLike,
  offset: number,
  length: number,
): GraphTypedArray | undefined {
  switch (type) {
    case 'Float64Array':
      return new Float64Array(buffer, offset, length);
    case 'Float32Array':
      return new Float32Array(buffer, offset, length);
    case 'Uint32Array':
      return new Uint32Array(buffer, offset, length);
    case 'Int32Array':
      return new Int32Array(buffer, offset, length);
    case 'Uint8Array':
      return new Uint8Array(buffer, offset, length);
    default:
      return undefined;
  }
}

/**
 * The graph over views already made (by name). `bad` is called, and must throw, for an array that
 * is missing or of the wrong type: each holder says in its own words what is unusable.
 */
export function graphFromArrays(
  s: GraphScalars,
  arrays: ReadonlyMap<string, GraphTypedArray>,
  segIndex: Flatbush,
  bad: (why: string) => never,
): RoadGraph {
  const take = <T>(name: GraphArrayName, ctor: new (...args: never[]) => T): T => {
    const a = arrays.get(name);
    if (!(a instanceof ctor)) return bad(`array ${name} missing or of the wrong type`);
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
    segIndex,
    highwayNames: s.highwayNames,
    report: s.report,
  };
}
