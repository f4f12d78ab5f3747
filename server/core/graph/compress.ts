/**
 * Chain compression: most OSM nodes only shape a road (one way in, one way out). Searching over
 * them costs time for nothing, so the routing graph has a vertex only at junctions (and dead
 * ends), and each routing edge follows a chain of segments, its *geometry*. A two-way chain is
 * two routing edges (twins) sharing one geometry, run forwards and backwards. On the Hertfordshire
 * demo network this cuts 121k nodes to ~22k vertices, and search time by about five.
 *
 * A node is a pass-through (not a vertex) if either
 *   - one-way: exactly one edge in and one out, both one-way, from and to different nodes; or
 *   - two-way: exactly two neighbours a != b, with edges both ways to each.
 * Everything else is a vertex; a cycle of pass-throughs gets one vertex to anchor it.
 */
import Flatbush from 'flatbush';

export interface NodeLevel {
  n: number;
  m: number;
  firstOut: Uint32Array;
  head: Uint32Array;
  tail: Uint32Array;
  twin: Int32Array;
  len: Float32Array;
  hw: Uint8Array;
  max: Float32Array;
  firstIn: Uint32Array;
  inEdge: Uint32Array;
}

export interface Compressed {
  vertexPoint: Uint32Array;
  firstOut: Uint32Array;
  head: Uint32Array;
  tail: Uint32Array;
  twin: Int32Array;
  lengthM: Float32Array;
  edgeGeom: Uint32Array;
  edgeRev: Uint8Array;
  firstIn: Uint32Array;
  inTail: Uint32Array;
  inEdge: Uint32Array;
  geomStart: Uint32Array;
  geomPoint: Uint32Array;
  geomEdge: Uint32Array;
  slotLenM: Float32Array;
  slotHighway: Uint8Array;
  slotMaxspeed: Float32Array;
}

export function compress(L: NodeLevel): Compressed {
  const { n, m, firstOut, head, tail, twin, firstIn, inEdge } = L;
  const isVertex = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    const out = firstOut[v + 1]! - firstOut[v]!;
    const inn = firstIn[v + 1]! - firstIn[v]!;
    let pass = false;
    if (out === 1 && inn === 1) {
      const eo = firstOut[v]!;
      const ei = inEdge[firstIn[v]!]!;
      pass = twin[eo]! < 0 && twin[ei]! < 0 && head[eo] !== tail[ei];
    } else if (out === 2 && inn === 2) {
      const o1 = firstOut[v]!,
        o2 = o1 + 1;
      const i1 = inEdge[firstIn[v]!]!,
        i2 = inEdge[firstIn[v]! + 1]!;
      const t1 = twin[o1]!,
        t2 = twin[o2]!;
      pass = t1 >= 0 && t2 >= 0 && head[o1] !== head[o2] && ((t1 === i1 && t2 === i2) || (t1 === i2 && t2 === i1));
    }
    isVertex[v] = pass ? 0 : 1;
  }

  const compOf = new Int32Array(m).fill(-1); // node-level edge -> routing edge (creation id)
  // routing edges, in creation order
  const cTail: number[] = [],
    cHead: number[] = [],
    cGeom: number[] = [],
    cRev: number[] = [],
    cTwin: number[] = [],
    cLen: number[] = [];
  // geometries
  const gStart: number[] = [0];
  const gPoint: number[] = [];
  const gEdge: number[] = [];
  const sLen: number[] = [],
    sHw: number[] = [],
    sMax: number[] = [];
  const chain: number[] = [];

  const walkFrom = (u: number): void => {
    for (let e0 = firstOut[u]!; e0 < firstOut[u + 1]!; e0++) {
      if (compOf[e0]! >= 0) continue;
      chain.length = 0;
      chain.push(e0);
      let v = head[e0]!;
      let prev = e0;
      while (isVertex[v] === 0) {
        let next = firstOut[v]!;
        if (firstOut[v + 1]! - next === 2 && next === twin[prev]) next++;
        chain.push(next);
        prev = next;
        v = head[next]!;
      }
      const id = cTail.length;
      let len = 0;
      for (const e of chain) {
        compOf[e] = id;
        len += L.len[e]!;
      }
      cTail.push(u);
      cHead.push(v);
      cLen.push(len);
      const back = twin[e0]!;
      const mate = back >= 0 ? compOf[back]! : -1;
      if (mate >= 0 && mate !== id) {
        cGeom.push(cGeom[mate]!);
        cRev.push(1);
        cTwin.push(mate);
        cTwin[mate] = id;
      } else {
        const g = gEdge.length;
        gEdge.push(id);
        cGeom.push(g);
        cRev.push(0);
        cTwin.push(-1);
        gPoint.push(u);
        for (const e of chain) {
          gPoint.push(head[e]!);
          sLen.push(L.len[e]!);
          sHw.push(L.hw[e]!);
          sMax.push(L.max[e]!);
        }
        // the last point's slot holds no segment
        sLen.push(0);
        sHw.push(0);
        sMax.push(0);
        gStart.push(gPoint.length);
      }
    }
  };
  for (let u = 0; u < n; u++) if (isVertex[u] === 1) walkFrom(u);
  // cycles made only of pass-throughs: anchor each at one node
  for (let e = 0; e < m; e++) {
    if (compOf[e]! >= 0) continue;
    isVertex[tail[e]!] = 1;
    walkFrom(tail[e]!);
  }

  // Vertices in point order (points are already Hilbert-ordered).
  const vertexOf = new Int32Array(n).fill(-1);
  let V = 0;
  for (let p = 0; p < n; p++) if (isVertex[p] === 1) vertexOf[p] = V++;
  const vertexPoint = new Uint32Array(V);
  for (let p = 0; p < n; p++) if (vertexOf[p]! >= 0) vertexPoint[vertexOf[p]!] = p;

  // CSR by tail vertex, then head vertex, then creation order.
  const E = cTail.length;
  const firstOutC = new Uint32Array(V + 1);
  for (let i = 0; i < E; i++) firstOutC[vertexOf[cTail[i]!]! + 1]!++;
  for (let v = 0; v < V; v++) firstOutC[v + 1]! += firstOutC[v]!;
  const order = new Uint32Array(E);
  const fill = firstOutC.slice(0, V);
  for (let i = 0; i < E; i++) order[fill[vertexOf[cTail[i]!]!]!++] = i;
  for (let v = 0; v < V; v++) {
    const lo = firstOutC[v]!,
      hi = firstOutC[v + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= lo && vertexOf[cHead[order[j]!]!]! > vertexOf[cHead[x]!]!) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  const posOf = new Int32Array(E);
  for (let i = 0; i < E; i++) posOf[order[i]!] = i;
  const headC = new Uint32Array(E),
    tailC = new Uint32Array(E),
    twinC = new Int32Array(E),
    lengthM = new Float32Array(E);
  const edgeGeom = new Uint32Array(E),
    edgeRev = new Uint8Array(E);
  for (let i = 0; i < E; i++) {
    const c = order[i]!;
    headC[i] = vertexOf[cHead[c]!]!;
    tailC[i] = vertexOf[cTail[c]!]!;
    twinC[i] = cTwin[c]! >= 0 ? posOf[cTwin[c]!]! : -1;
    lengthM[i] = cLen[c]!;
    edgeGeom[i] = cGeom[c]!;
    edgeRev[i] = cRev[c]!;
  }
  const geomEdge = Uint32Array.from(gEdge, (c) => posOf[c]!);

  const firstInC = new Uint32Array(V + 1);
  for (let e = 0; e < E; e++) firstInC[headC[e]! + 1]!++;
  for (let v = 0; v < V; v++) firstInC[v + 1]! += firstInC[v]!;
  const fillIn = firstInC.slice(0, V);
  const inTail = new Uint32Array(E),
    inEdgeC = new Uint32Array(E);
  for (let e = 0; e < E; e++) {
    const k = fillIn[headC[e]!]!++;
    inTail[k] = tailC[e]!;
    inEdgeC[k] = e;
  }
  return {
    vertexPoint,
    firstOut: firstOutC,
    head: headC,
    tail: tailC,
    twin: twinC,
    lengthM,
    edgeGeom,
    edgeRev,
    firstIn: firstInC,
    inTail,
    inEdge: inEdgeC,
    geomStart: Uint32Array.from(gStart),
    geomPoint: Uint32Array.from(gPoint),
    geomEdge,
    slotLenM: Float32Array.from(sLen),
    slotHighway: Uint8Array.from(sHw),
    slotMaxspeed: Float32Array.from(sMax),
  };
}

/** One R-tree item per road segment (slot with a following point); item i is slot segSlot[i]. */
export function segmentIndex(
  geomStart: Uint32Array,
  geomPoint: Uint32Array,
  lat: Float64Array,
  lon: Float64Array,
): { segSlot: Uint32Array; segIndex: Flatbush } {
  const G = geomStart.length - 1;
  let s = 0;
  for (let g = 0; g < G; g++) s += geomStart[g + 1]! - geomStart[g]! - 1;
  const segSlot = new Uint32Array(s);
  const index = new Flatbush(Math.max(1, s));
  s = 0;
  for (let g = 0; g < G; g++) {
    for (let i = geomStart[g]!; i < geomStart[g + 1]! - 1; i++) {
      segSlot[s++] = i;
      const a = geomPoint[i]!,
        b = geomPoint[i + 1]!;
      index.add(
        Math.min(lon[a]!, lon[b]!),
        Math.min(lat[a]!, lat[b]!),
        Math.max(lon[a]!, lon[b]!),
        Math.max(lat[a]!, lat[b]!),
      );
    }
  }
  if (s === 0) index.add(0, 0, 0, 0);
  index.finish();
  return { segSlot, segIndex: index };
}

/** The geometry a slot belongs to (binary search over geomStart). */
export function geomOfSlot(geomStart: Uint32Array, slot: number): number {
  let lo = 0,
    hi = geomStart.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (geomStart[mid]! <= slot) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
