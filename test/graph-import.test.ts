/**
 * Importers and the disk cache: the same network from .osm and .osm.pbf gives the same graph;
 * bad input is refused with JCR_NETWORK_INVALID; GeoJSON vertices merge; .gz is read
 * transparently; a cached graph re-opens identical; the Gothenburg network imports.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildGraph, type RoadGraph } from '../server/core/graph/build.ts';
import { JcrError } from '../server/core/errors.ts';
import { parseOsmPbf } from '../server/shell/network/pbf.ts';
import { parseOsmXml } from '../server/shell/network/xml.ts';
import { parseGeoJsonNetwork } from '../server/shell/network/geojson.ts';
import { loadNetwork } from '../server/shell/network/load.ts';

const ARRAYS = [
  'nodeId',
  'lat',
  'lon',
  'vertexPoint',
  'firstOut',
  'head',
  'tail',
  'lengthM',
  'twin',
  'edgeGeom',
  'edgeRev',
  'firstIn',
  'inTail',
  'inEdge',
  'geomStart',
  'geomPoint',
  'geomEdge',
  'slotLenM',
  'slotHighway',
  'slotMaxspeed',
  'segSlot',
] as const;

function sameGraph(a: RoadGraph, b: RoadGraph): void {
  assert.equal([a.nodeCount, a.edgeCount, a.pointCount], [b.nodeCount, b.edgeCount, b.pointCount]);
  for (const k of ARRAYS)
    assert.ok(
      Buffer.from(a[k].buffer, a[k].byteOffset, a[k].byteLength).equals(
        Buffer.from(b[k].buffer, b[k].byteOffset, b[k].byteLength),
      ),
      `${k} differs`,
    );
  assert.equal(a.report, b.report);
  assert.equal(
    a.segIndex.search(-180, -90, 180, 90).sort((x, y) => x - y),
    b.segIndex.search(-180, -90, 180, 90).sort((x, y) => x - y),
  );
}

const invalid = (fn: () => unknown, re: RegExp) =>
  assert.throws(fn, (e: unknown) => e instanceof JcrError && e.code === 'JCR_NETWORK_INVALID' && re.test(e.message));

const XML = readFileSync('test/fixtures/osm/north-london.osm');
const PBF = readFileSync('test/fixtures/osm/north-london.osm.pbf');

test('north London from .osm and from .osm.pbf gives the same graph, array for array', () => {
  const x = buildGraph(parseOsmXml(XML));
  const p = buildGraph(parseOsmPbf(PBF));
  sameGraph(x, p);
  assert.equal(x.report, {
    waysRead: 3864,
    waysDrivable: 1585,
    waysDropped: { notARoad: 2115, noAccess: 163, area: 1, reversible: 0, degenerate: 0 },
    nodesDrivable: 6504,
    edgesDrivable: 12279,
    oneWayEdges: 1443,
    components: 177,
    nodes: 5272,
    edges: 10040,
    vertices: 1443,
    routingEdges: 3166,
    nodesDropped: 1232,
    edgesDropped: 2239,
  });
});

test('a truncated PBF is refused: cut inside a blob, inside a header, and empty', () => {
  invalid(() => parseOsmPbf(PBF.subarray(0, 100_000)), /truncated/);
  invalid(() => parseOsmPbf(PBF.subarray(0, 6)), /truncated/);
  invalid(() => parseOsmPbf(new Uint8Array(0)), /empty/);
  invalid(() => parseOsmPbf(XML.subarray(0, 4000)), /not an OSM PBF file/);
});

test('a PBF blob whose zlib data is corrupt is refused', () => {
  const bad = Buffer.from(PBF);
  // the first OSMData blob starts after the header blob; flip bytes well inside it
  for (let i = 2000; i < 2100; i++) bad[i] = bad[i]! ^ 0xff;
  invalid(() => parseOsmPbf(bad), /inflate|corrupt|truncated|blob/);
});

test('OSM XML with a dangling node reference is refused, naming the way and node', () => {
  const xml = `<?xml version="1.0"?><osm version="0.6">
    <node id="1" lat="51.6" lon="-0.1"/><node id="2" lat="51.601" lon="-0.1"/>
    <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/></way></osm>`;
  invalid(() => parseOsmXml(Buffer.from(xml)), /way 10 refers to node 3/);
});

test('malformed XML, XML that is not OSM, and an XML node without a position are refused', () => {
  invalid(() => parseOsmXml(Buffer.from('<osm><node id="1" lat="5" lon="5"></osm>')), /malformed XML/);
  invalid(() => parseOsmXml(Buffer.from('<html></html>')), /no <osm> root/);
  invalid(() => parseOsmXml(Buffer.from('<osm><node id="1" lat="5"/></osm>')), /lacks id, lat or lon/);
});

test('GeoJSON with no LineStrings, not a FeatureCollection, or not JSON is refused', () => {
  const points = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { highway: 'primary' }, geometry: { type: 'Point', coordinates: [0, 0] } },
    ],
  });
  invalid(() => parseGeoJsonNetwork(points), /no LineString features \(1 features read\)/);
  invalid(() => parseGeoJsonNetwork('{"type":"Feature"}'), /not a GeoJSON FeatureCollection/);
  invalid(() => parseGeoJsonNetwork('{"type":'), /not valid JSON/);
  const badCoord = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [0, 95],
          ],
        },
      },
    ],
  });
  invalid(() => parseGeoJsonNetwork(badCoord), /invalid coordinate/);
});

test('a network with no drivable road is refused', () => {
  const foot = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { highway: 'footway' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [0, 0.01],
          ],
        },
      },
    ],
  });
  invalid(() => buildGraph(parseGeoJsonNetwork(foot)), /no drivable road/);
});

test('GeoJSON: identical coordinates of different ways become one node; numeric tags are read as strings', () => {
  const doc = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        id: 'way/7',
        properties: { highway: 'primary', maxspeed: 50 },
        geometry: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [0.001, 0],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { highway: 'primary' },
        geometry: {
          type: 'LineString',
          coordinates: [
            [0.001, 0],
            [0.002, 0],
          ],
        },
      },
      {
        type: 'Feature',
        properties: { highway: 'primary' },
        geometry: {
          type: 'MultiLineString',
          coordinates: [
            [
              [0.002, 0],
              [0.002, 0.001],
            ],
          ],
        },
      },
    ],
  });
  const raw = parseGeoJsonNetwork(doc);
  assert.equal(raw.lat.length, 4);
  assert.equal(
    raw.ways.map((w) => [w.id, Array.from(w.refs)]),
    [
      [7, [0, 1]],
      [1, [1, 2]],
      [2, [2, 3]],
    ],
  );
  assert.equal(raw.ways[0]!.tags, { highway: 'primary', maxspeed: '50' });
});

test('loadNetwork: .geojson.gz read transparently; the second load comes from the cache, identical', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-graph-'));
  try {
    const doc = JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { highway: 'residential' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [0, 0],
              [0.001, 0],
              [0.002, 0],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { highway: 'residential', oneway: 'yes' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [0.002, 0],
              [0.002, 0.001],
              [0, 0],
            ],
          },
        },
      ],
    });
    const file = join(dir, 'net.geojson.gz');
    writeFileSync(file, gzipSync(doc));
    const cache = join(dir, 'cache');
    const first = loadNetwork(file, 'geojson', { cacheDir: cache });
    const second = loadNetwork(file, 'geojson', { cacheDir: cache });
    assert.equal([first.fromCache, second.fromCache], [false, true]);
    assert.equal(first.hash, second.hash);
    assert.equal(first.graph.pointCount, 4);
    sameGraph(first.graph, second.graph);
    // a different file is a different key
    writeFileSync(file, gzipSync(doc.replace('"oneway":"yes"', '"oneway":"no"')));
    const third = loadNetwork(file, 'geojson', { cacheDir: cache });
    assert.equal(third.fromCache, false);
    assert.ok(third.hash !== first.hash);
    invalid(() => loadNetwork(join(dir, 'missing.osm.pbf'), 'osm-pbf', { cacheDir: null }), /cannot read/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('north London PBF through the cache: identical graph, and the cache re-opens the R-tree', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-graph-'));
  try {
    const a = loadNetwork('test/fixtures/osm/north-london.osm.pbf', 'osm-pbf', { cacheDir: dir });
    const b = loadNetwork('test/fixtures/osm/north-london.osm.pbf', 'osm-pbf', { cacheDir: dir });
    assert.equal(b.fromCache, true);
    sameGraph(a.graph, b.graph);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Gothenburg (geojson-path-finder 2.1.0 test/large-network.json) imports: LineStrings kept, Polygons skipped', () => {
  const g = loadNetwork('node_modules/geojson-path-finder/test/large-network.json', 'geojson', {
    cacheDir: null,
  }).graph;
  assert.equal(g.report, {
    waysRead: 20120,
    waysDrivable: 9313,
    waysDropped: { notARoad: 10177, noAccess: 630, area: 0, reversible: 0, degenerate: 0 },
    nodesDrivable: 48246,
    edgesDrivable: 86694,
    oneWayEdges: 16272,
    components: 1169,
    nodes: 46538,
    edges: 84437,
    vertices: 12030,
    routingEdges: 26881,
    nodesDropped: 1708,
    edgesDropped: 2257,
  });
});

test.run();
