/**
 * The map's labels (issue 16 item 4): the core builder (server/core/basemap/labels.ts) from
 * literal towns and a literal road table, with exact answers, and GET /api/map/labels over HTTP
 * (built at start, gzip, ETag and 304, signed-in only).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gunzipSync } from 'node:zlib';
import { mapLabels, screenAngle } from '../server/core/basemap/labels.ts';
import type { RoadTable } from '../server/core/places/roads.ts';
import { startServer } from '../server/shell/server.ts';
import { labelsRoadTable, labelsScenario } from './fixtures/labels-world.ts';
import { api, tokenFor } from './support/server.ts';

const way = (name: string, ref: string, highway: string, points: number[]) => ({
  name,
  ref,
  highway,
  postcode: '',
  points,
});

test('towns: best first, the zoom they show from by weight against the largest, unnamed left out', () => {
  const labels = mapLabels({
    demand: [
      { id: 'h', name: 'Hamlet', lat: 52.1, lon: 0.1, weight: 1 },
      { id: 'b', name: 'Big Town', lat: 52.123456, lon: -0.1234567, weight: 100 },
      { id: 'u', lat: 52, lon: 0, weight: 500 },
      { id: 'm', name: ' Middle ', lat: 52.2, lon: 0.2, weight: 20 },
      { id: 's', name: 'Small', lat: 52.3, lon: 0.3, weight: 5 },
    ],
  });
  assert.equal(labels, {
    places: [
      { text: 'Big Town', lat: 52.12346, lon: -0.12346, minZoom: 0, priority: 3999 },
      { text: 'Middle', lat: 52.2, lon: 0.2, minZoom: 9, priority: 3200 },
      { text: 'Small', lat: 52.3, lon: 0.3, minZoom: 10, priority: 3050 },
      { text: 'Hamlet', lat: 52.1, lon: 0.1, minZoom: 11, priority: 3010 },
    ],
    roads: [],
  });
});

test('roads: refs every 2.5 km, names mid-way with their direction and room; classes rank them', () => {
  const table: RoadTable = {
    version: 1,
    ways: [
      // 686 m east along 52°N: one name anchor in the middle, level.
      way('High Street', '', 'residential', [52, 0, 52, 0.01]),
      // The same name on another way, drawn west to east or east to west alike.
      way('High Street', '', 'residential', [52.5, 0.01, 52.5, 0]),
      // 11.1 km due north: four ref anchors, 2.5 km apart from 1.25 km; no name.
      way('', 'A1(M)', 'motorway', [52, 0, 52.1, 0]),
      // A link road's ref counts as its class; a 40 m way carries no name.
      way('Short Lane', 'A414', 'primary_link', [52, 0, 52.00036, 0]),
    ],
    junctions: [],
  };
  const { roads } = mapLabels({ demand: [], roads: table });
  assert.equal(roads, [
    {
      text: 'A1(M)',
      kind: 'ref',
      highway: 'motorway',
      minZoom: 9,
      priority: 2090,
      anchors: [52.01123, 0, 90, 11132, 52.03369, 0, 90, 11132, 52.05614, 0, 90, 11132, 52.0786, 0, 90, 11132],
    },
    {
      text: 'A414',
      kind: 'ref',
      highway: 'primary',
      minZoom: 10.5,
      priority: 2070,
      anchors: [52.00018, 0, 90, 40],
    },
    {
      text: 'High Street',
      kind: 'name',
      highway: 'residential',
      minZoom: 15,
      priority: 1030,
      anchors: [52, 0.005, 0, 685, 52.5, 0.005, 0, 678],
    },
  ]);
});

test('screen angles read left to right: clockwise from east, -90..90', () => {
  assert.equal(
    [
      screenAngle(1, 0),
      screenAngle(-1, 0),
      screenAngle(1, 1),
      screenAngle(-1, -1),
      screenAngle(1, -1),
      screenAngle(0, 1),
    ],
    [0, 0, -45, -45, 45, 90],
  );
});

test('GET /api/map/labels: built at start, gzip, ETag and 304; signed in only', async () => {
  const server = await startServer({
    scenario: labelsScenario(),
    db: ':memory:',
    port: 0,
    log: 'silent',
    roads: { roadTable: labelsRoadTable() },
  });
  try {
    const token = await tokenFor(server, 'wall-viewer');
    const r = await api(server, 'GET', '/api/map/labels', { token });
    assert.is(r.status, 200);
    const body = r.body as { places: { text: string }[]; roads: { text: string; kind: string }[] };
    assert.equal(
      body.places.map((p) => p.text),
      [
        'Stevenage',
        'St Albans',
        'Welwyn Garden City',
        'Hatfield',
        'Hertford',
        'Potters Bar',
        'Welwyn',
        'Brookmans Park',
        'Essendon',
      ],
    );
    assert.equal(
      body.roads.map((x) => `${x.kind} ${x.text}`),
      ['ref A1(M)', 'ref A414', 'name Great North Road', 'name Comet Way'],
    );

    const url = server.url + '/api/map/labels';
    const auth = { authorization: `Bearer ${token}` };
    const plain = await fetch(url, { headers: { ...auth, 'accept-encoding': 'identity' } });
    const etag = plain.headers.get('etag');
    assert.ok(etag !== null && /^"[\w-]{27}"$/.test(etag), String(etag));
    assert.is(plain.headers.get('cache-control'), 'private, no-cache');
    const text = await plain.text();
    assert.equal(JSON.parse(text), body);

    // gzip, read raw (node's fetch would undo it).
    const { request } = await import('node:http');
    const gz = await new Promise<{ encoding: string | undefined; bytes: Buffer }>((done, fail) => {
      const req = request(url, { headers: { ...auth, 'accept-encoding': 'gzip' } }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => done({ encoding: res.headers['content-encoding'], bytes: Buffer.concat(parts) }));
      });
      req.on('error', fail);
      req.end();
    });
    assert.is(gz.encoding, 'gzip');
    assert.is(gunzipSync(gz.bytes).toString('utf8'), text);

    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag ?? '' } });
    assert.is(again.status, 304);
    assert.is(await again.text(), '');
    const other = await fetch(url, { headers: { ...auth, 'if-none-match': '"something-else"' } });
    assert.is(other.status, 200);

    const anon = await fetch(url);
    assert.is(anon.status, 401);
  } finally {
    await server.close();
  }
});

test('without a road table or named towns: empty lists, not an error', async () => {
  const { miniScenario } = await import('./fixtures/mini-scenario.ts');
  const server = await startServer({ scenario: miniScenario(), db: ':memory:', port: 0, log: 'silent' });
  try {
    const r = await api(server, 'GET', '/api/map/labels', { token: await tokenFor(server, 'fire-dispatcher') });
    assert.is(r.status, 200);
    assert.equal(r.body, { places: [], roads: [] });
  } finally {
    await server.close();
  }
});

test.run();
