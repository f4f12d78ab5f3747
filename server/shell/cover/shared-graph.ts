import Flatbush from 'flatbush';
import type { BuildReport, RoadGraph } from '../../core/graph/build.ts';
import {
  graphArrayView,
  graphFromArrays,
  graphScalars,
  layoutGraph,
  writeGraphBlock,
  type GraphArrayPlace,
  type GraphTypedArray,
} from '../network/graph-arrays.ts';

/**
 * The road graph's CSR typed arrays copied once into one SharedArrayBuffer, so the cover worker
 * (./worker.ts) reads the very same bytes as the main thread without a copy per worker start:
 * a restarted worker re-opens the same buffer in microseconds. The arrays are read-only by
 * convention on both sides (nothing writes to a built graph). The block's layout is the graph
 * cache file's (../network/graph-arrays.ts).
 */

/** Structured-cloneable: the buffer is shared, not copied, when posted to a worker. */
export interface SharedGraph {
  buffer: SharedArrayBuffer;
  nodeCount: number;
  edgeCount: number;
  pointCount: number;
  highwayNames: string[];
  report: BuildReport;
  arrays: GraphArrayPlace[];
  segIndex: { offset: number; length: number };
}

export function shareGraph(g: RoadGraph): SharedGraph {
  const layout = layoutGraph(g);
  const buffer = new SharedArrayBuffer(layout.byteLength);
  writeGraphBlock(g, layout, new Uint8Array(buffer), 0);
  return { buffer, ...graphScalars(g), arrays: layout.arrays, segIndex: layout.segIndex };
}

/** Views over a SharedGraph's buffer (no copy); the Flatbush index re-opens in place. */
export function openSharedGraph(s: SharedGraph): RoadGraph {
  const got = new Map<string, GraphTypedArray>();
  for (const a of s.arrays) {
    const v = graphArrayView(a.type, s.buffer, a.offset, a.length);
    if (v) got.set(a.name, v);
  }
  return graphFromArrays(s, got, Flatbush.from(s.buffer, s.segIndex.offset), (why) => {
    throw new Error(`shared graph: ${why}`);
  });
}
