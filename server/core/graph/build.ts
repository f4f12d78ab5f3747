/**
 * Build the routable road graph from parsed OSM ways: keep drivable classes (./osm-tags.ts), make
 * directed segments between consecutive way nodes, keep the largest strongly connected component
 * (so every kept point can reach and be reached from every other), renumber points along a
 * Hilbert curve (neighbours in space are neighbours in memory, which keeps searches cache-friendly
 * and makes the numbering independent of the file format), compress chains of shape points into
 * routing edges between junctions (./compress.ts) and store everything as CSR typed arrays:
 *
 *   forward star:  edges firstOut[v] .. firstOut[v+1]-1 leave vertex v; edge e goes tail[e] -> head[e]
 *   reverse star:  k in firstIn[v] .. firstIn[v+1]-1 enters v from inTail[k]; inEdge[k] is its edge id
 *   twin[e]:       the opposite-direction edge over the same geometry, or -1 (one-way)
 *   geometry:      the points each edge follows, with per-segment length, highway class, maxspeed;
 *                  a Flatbush R-tree over the segments' boxes for snapping (./snap.ts)
 *
 * Pure: parsing, hashing and the disk cache live in server/shell/network/.
 */
import Flatbush from 'flatbush';
import { JcrError } from '../errors.ts';
import { haversineM } from '../geo.ts';
import { classifyWay, DRIVABLE_HIGHWAYS, type Tags } from './osm-tags.ts';
import { compress, segmentIndex } from './compress.ts';
import { stronglyConnected } from './scc.ts';
import { Grow, hilbert, reverseStar } from './layout.ts';

/** Bump when the build rules or the graph layout change: it invalidates disk caches. */
export const GRAPH_BUILD_VERSION = 2;

export interface RawWay {
  /** OSM way id (or feature index for GeoJSON without ids). */
  id: number;
  /** Indices into the RawNetwork node arrays, in way order. */
  refs: ArrayLike<number>;
  tags: Tags;
}

/** What an importer hands to the builder: node coordinates plus ways over node indices. */
export interface RawNetwork {
  /** OSM node id of each node (or a running number for GeoJSON). */
  nodeId: Float64Array;
  lat: Float64Array;
  lon: Float64Array;
  ways: RawWay[];
}

export interface BuildReport {
  waysRead: number;
  waysDrivable: number;
  /** Ways left out, by reason. */
  waysDropped: { notARoad: number; noAccess: number; area: number; reversible: number; degenerate: number };
  /** Nodes and directed edges of all drivable ways, before the component filter. */
  nodesDrivable: number;
  edgesDrivable: number;
  oneWayEdges: number;
  components: number;
  /** Points (OSM nodes) and directed segments kept. */
  nodes: number;
  edges: number;
  /** Routing vertices (junctions, dead ends) and routing edges after chain compression. */
  vertices: number;
  routingEdges: number;
  /** Dropped by the largest-strongly-connected-component filter. */
  nodesDropped: number;
  edgesDropped: number;
}

/**
 * The routing graph. Points are all kept OSM nodes (junctions and shape points), for geometry
 * and snapping. Vertices are the junctions; routing edges run between vertices along a
 * geometry (a chain of segments, see ./compress.ts).
 */
export interface RoadGraph {
  /** Routing vertices. */
  nodeCount: number;
  /** Routing edges (directed). */
  edgeCount: number;
  /** Points (all kept OSM nodes). */
  pointCount: number;
  nodeId: Float64Array;
  lat: Float64Array;
  lon: Float64Array;
  /** Vertex v is point vertexPoint[v]. */
  vertexPoint: Uint32Array;
  firstOut: Uint32Array;
  head: Uint32Array;
  tail: Uint32Array;
  /** Whole length of each routing edge, metres. */
  lengthM: Float32Array;
  twin: Int32Array;
  /** Geometry of each routing edge; edgeRev[e] = 1 if e runs it backwards (the twin of geomEdge). */
  edgeGeom: Uint32Array;
  edgeRev: Uint8Array;
  firstIn: Uint32Array;
  inTail: Uint32Array;
  inEdge: Uint32Array;
  /** Geometry g is points geomPoint[geomStart[g] .. geomStart[g+1]-1]; geomEdge[g] runs it forwards. */
  geomStart: Uint32Array;
  geomPoint: Uint32Array;
  geomEdge: Uint32Array;
  /** Slot i is the segment geomPoint[i] -> geomPoint[i+1] (the last slot of a geometry is empty). */
  slotLenM: Float32Array;
  /** Index into `highwayNames`. */
  slotHighway: Uint8Array;
  /** Posted limit in km/h, 0 if none. */
  slotMaxspeed: Float32Array;
  /** Flatbush item i is slot segSlot[i]. */
  segSlot: Uint32Array;
  segIndex: Flatbush;
  highwayNames: readonly string[];
  report: BuildReport;
}

const HW_INDEX = new Map<string, number>(DRIVABLE_HIGHWAYS.map((h, i) => [h, i]));

export function buildGraph(raw: RawNetwork): RoadGraph {
  const rawCount = raw.lat.length;
  const report: BuildReport = {
    waysRead: raw.ways.length,
    waysDrivable: 0,
    waysDropped: { notARoad: 0, noAccess: 0, area: 0, reversible: 0, degenerate: 0 },
    nodesDrivable: 0,
    edgesDrivable: 0,
    oneWayEdges: 0,
    components: 0,
    nodes: 0,
    edges: 0,
    vertices: 0,
    routingEdges: 0,
    nodesDropped: 0,
    edgesDropped: 0,
  };

  // 1. Directed edges of drivable ways, between raw node indices.
  const g = new Grow();
  for (const way of raw.ways) {
    const v = classifyWay(way.tags);
    if (!v.drivable) {
      const key = v.reason === 'not-a-road' ? 'notARoad' : v.reason === 'no-access' ? 'noAccess' : v.reason;
      report.waysDropped[key]++;
      continue;
    }
    const hw = HW_INDEX.get(v.highway) ?? 0;
    let segments = 0;
    for (let i = 1; i < way.refs.length; i++) {
      const a = way.refs[i - 1]!;
      const b = way.refs[i]!;
      if (a === b) continue;
      if (a < 0 || b < 0 || a >= rawCount || b >= rawCount) {
        throw new JcrError(
          'JCR_NETWORK_INVALID',
          `way ${way.id} refers to node index ${a < 0 || a >= rawCount ? a : b}, outside the ${rawCount} nodes read`,
        );
      }
      const len = haversineM(raw.lat[a]!, raw.lon[a]!, raw.lat[b]!, raw.lon[b]!);
      segments++;
      if (v.forward && v.backward) {
        g.push(a, b, len, hw, v.maxspeedKmh, g.n + 1);
        g.push(b, a, len, hw, v.maxspeedKmh, g.n - 1);
      } else if (v.forward) g.push(a, b, len, hw, v.maxspeedKmh, -1);
      else g.push(b, a, len, hw, v.maxspeedKmh, -1);
      if (!(v.forward && v.backward)) report.oneWayEdges++;
    }
    if (segments === 0) report.waysDropped.degenerate++;
    else report.waysDrivable++;
  }
  const m0 = g.n;
  if (m0 === 0)
    throw new JcrError('JCR_NETWORK_INVALID', `no drivable road in the network (${raw.ways.length} ways read)`);

  // 2. Compact to the nodes that drivable ways use.
  const tmpOf = new Int32Array(rawCount).fill(-1);
  let n0 = 0;
  for (let e = 0; e < m0; e++) {
    const a = g.from[e]!;
    const b = g.to[e]!;
    if (tmpOf[a] === -1) tmpOf[a] = n0++;
    if (tmpOf[b] === -1) tmpOf[b] = n0++;
  }
  const rawOfTmp = new Uint32Array(n0);
  for (let r = 0; r < rawCount; r++) if (tmpOf[r]! >= 0) rawOfTmp[tmpOf[r]!] = r;
  report.nodesDrivable = n0;
  report.edgesDrivable = m0;

  // 3. Largest strongly connected component.
  const off0 = new Uint32Array(n0 + 1);
  for (let e = 0; e < m0; e++) off0[tmpOf[g.from[e]!]! + 1]!++;
  for (let i = 0; i < n0; i++) off0[i + 1]! += off0[i]!;
  const head0 = new Uint32Array(m0);
  const fill0 = off0.slice(0, n0);
  for (let e = 0; e < m0; e++) head0[fill0[tmpOf[g.from[e]!]!]!++] = tmpOf[g.to[e]!]!;
  const { comp, count } = stronglyConnected(n0, off0, head0);
  report.components = count;
  const size = new Uint32Array(count);
  for (let i = 0; i < n0; i++) size[comp[i]!]!++;
  let big = 0;
  for (let c = 1; c < count; c++) if (size[c]! > size[big]!) big = c;

  // 4. Renumber kept nodes along a Hilbert curve (ties: OSM id, then raw index).
  const keptTmp: number[] = [];
  for (let i = 0; i < n0; i++) if (comp[i] === big) keptTmp.push(i);
  const n = keptTmp.length;
  let minLat = Infinity,
    maxLat = -Infinity,
    minLon = Infinity,
    maxLon = -Infinity;
  for (const t of keptTmp) {
    const r = rawOfTmp[t]!;
    const la = raw.lat[r]!,
      lo = raw.lon[r]!;
    if (la < minLat) minLat = la;
    if (la > maxLat) maxLat = la;
    if (lo < minLon) minLon = lo;
    if (lo > maxLon) maxLon = lo;
  }
  const hkey = new Float64Array(n0);
  const H = 65535;
  for (const t of keptTmp) {
    const r = rawOfTmp[t]!;
    const x = maxLon > minLon ? Math.floor((H * (raw.lon[r]! - minLon)) / (maxLon - minLon)) : 0;
    const y = maxLat > minLat ? Math.floor((H * (raw.lat[r]! - minLat)) / (maxLat - minLat)) : 0;
    hkey[t] = hilbert(x, y);
  }
  keptTmp.sort(
    (p, q) =>
      hkey[p]! - hkey[q]! || raw.nodeId[rawOfTmp[p]!]! - raw.nodeId[rawOfTmp[q]!]! || rawOfTmp[p]! - rawOfTmp[q]!,
  );
  const newOfTmp = new Int32Array(n0).fill(-1);
  const nodeId = new Float64Array(n);
  const lat = new Float64Array(n);
  const lon = new Float64Array(n);
  keptTmp.forEach((t, i) => {
    newOfTmp[t] = i;
    const r = rawOfTmp[t]!;
    nodeId[i] = raw.nodeId[r]!;
    lat[i] = raw.lat[r]!;
    lon[i] = raw.lon[r]!;
  });

  // 5. Kept edges in CSR order: by tail, then head, then input order (stable counting sort).
  const newFrom = new Int32Array(m0);
  const newTo = new Int32Array(m0);
  const firstOut = new Uint32Array(n + 1);
  let m = 0;
  for (let e = 0; e < m0; e++) {
    const a = newOfTmp[tmpOf[g.from[e]!]!]!;
    const b = newOfTmp[tmpOf[g.to[e]!]!]!;
    newFrom[e] = a;
    newTo[e] = b;
    if (a >= 0 && b >= 0) {
      firstOut[a + 1]!++;
      m++;
    }
  }
  for (let i = 0; i < n; i++) firstOut[i + 1]! += firstOut[i]!;
  const order = new Uint32Array(m); // position -> input edge
  const fill = firstOut.slice(0, n);
  for (let e = 0; e < m0; e++) if (newFrom[e]! >= 0 && newTo[e]! >= 0) order[fill[newFrom[e]!]!++] = e;
  for (let v = 0; v < n; v++) {
    // insertion sort by head within the (short) out-list; stable, so input order breaks ties
    const lo = firstOut[v]!,
      hi = firstOut[v + 1]!;
    for (let i = lo + 1; i < hi; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= lo && newTo[order[j]!]! > newTo[x]!) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  }
  const posOf = new Int32Array(m0).fill(-1);
  for (let i = 0; i < m; i++) posOf[order[i]!] = i;
  const head = new Uint32Array(m);
  const tail = new Uint32Array(m);
  const lengthM = new Float32Array(m);
  const highway = new Uint8Array(m);
  const maxspeedKmh = new Float32Array(m);
  const twin = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const e = order[i]!;
    head[i] = newTo[e]!;
    tail[i] = newFrom[e]!;
    lengthM[i] = g.len[e]!;
    highway[i] = g.hw[e]!;
    maxspeedKmh[i] = g.max[e]!;
    const t = g.twin[e]!;
    twin[i] = t >= 0 ? posOf[t]! : -1;
  }
  report.nodes = n;
  report.edges = m;
  report.nodesDropped = n0 - n;
  report.edgesDropped = m0 - m;

  const rev = reverseStar(n, m, head, tail);
  const c = compress({
    n,
    m,
    firstOut,
    head,
    tail,
    twin,
    len: lengthM,
    hw: highway,
    max: maxspeedKmh,
    firstIn: rev.firstIn,
    inEdge: rev.inEdge,
  });
  report.vertices = c.vertexPoint.length;
  report.routingEdges = c.head.length;
  const { segSlot, segIndex } = segmentIndex(c.geomStart, c.geomPoint, lat, lon);
  return {
    nodeCount: c.vertexPoint.length,
    edgeCount: c.head.length,
    pointCount: n,
    nodeId,
    lat,
    lon,
    ...c,
    segSlot,
    segIndex,
    highwayNames: DRIVABLE_HIGHWAYS,
    report,
  };
}
