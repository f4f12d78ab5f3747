/**
 * The OS National Grid: every station of the Home Office 2018 list (1,374, easting/northing as
 * published, lat/lon converted with the 7-parameter transform) converts both ways within 5 m;
 * grid references format and parse in the usual forms, and non-references are refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { formatGridRef, fromGrid, gridRefOf, parseGridRef, toGrid } from '../server/core/places/os-grid.ts';
import { haversineM } from '../server/core/geo.ts';

interface Row {
  service: string;
  station: string;
  easting: number;
  northing: number;
  lat: number;
  lon: number;
}
const STATIONS = JSON.parse(readFileSync('sim/scenarios/england/fire-stations-2018.json', 'utf8')) as Row[];

test('the list holds 1,374 stations of 44 services', () => {
  assert.is(STATIONS.length, 1374);
  assert.is(new Set(STATIONS.map((s) => s.service)).size, 44);
});

test('every station converts to its easting and northing within 5 m, and back', () => {
  const far: string[] = [];
  let worst = 0;
  for (const s of STATIONS) {
    const g = toGrid(s.lat, s.lon);
    const d = Math.hypot(g.easting - s.easting, g.northing - s.northing);
    const w = fromGrid(s.easting, s.northing);
    const back = haversineM(w.lat, w.lon, s.lat, s.lon);
    worst = Math.max(worst, d, back);
    if (d > 5 || back > 5) far.push(`${s.service} ${s.station}: ${d.toFixed(1)} m / ${back.toFixed(1)} m`);
  }
  assert.equal(far, []);
  assert.ok(worst < 5, `worst ${worst}`);
});

test('grid references format with the right square letters and figures', () => {
  assert.is(formatGridRef(524041, 223963), 'TL 24041 23963');
  assert.is(formatGridRef(524041, 223963, 8), 'TL 2404 2396');
  assert.is(formatGridRef(524041, 223963, 6), 'TL 240 239');
  assert.is(formatGridRef(216667, 771285), 'NN 16667 71285'); // Ben Nevis
  assert.is(formatGridRef(530050, 179640, 8), 'TQ 3005 7964'); // Westminster
  assert.is(formatGridRef(87878, 14962), 'SV 87878 14962'); // Bryher, Isles of Scilly
  assert.is(formatGridRef(446000, 1210000, 4), 'HP 46 10'); // Shetland
  assert.is(formatGridRef(-1, 10), null);
  assert.is(formatGridRef(10, 1_300_000), null);
  assert.is(gridRefOf(51.90041, -0.19854, 8), 'TL 2404 2396');
});

test('grid references parse in the usual forms; a lettered one names its square centre', () => {
  assert.equal(parseGridRef('TL 24041 23963'), { easting: 524041, northing: 223963, precisionM: 1 });
  assert.equal(parseGridRef('tl2404123963'), { easting: 524041, northing: 223963, precisionM: 1 });
  assert.equal(parseGridRef('TL 2404 2396'), { easting: 524045, northing: 223965, precisionM: 10 });
  assert.equal(parseGridRef('TL240239'), { easting: 524050, northing: 223950, precisionM: 100 });
  assert.equal(parseGridRef('NN 166 712'), { easting: 216650, northing: 771250, precisionM: 100 });
  assert.equal(parseGridRef('SV 87878 14962'), { easting: 87878, northing: 14962, precisionM: 1 });
  assert.equal(parseGridRef('HP4610'), { easting: 446500, northing: 1210500, precisionM: 1000 });
  assert.equal(parseGridRef('523456, 212345'), { easting: 523456, northing: 212345, precisionM: 1 });
  assert.equal(parseGridRef(' 523456 212345 '), { easting: 523456, northing: 212345, precisionM: 1 });
});

test('text that is not a grid reference is refused', () => {
  for (const s of [
    '',
    'TL',
    'TL 123',
    'TL 1234 123',
    'TL12345',
    'IL 1234 1234',
    'XX 1234 5678x',
    'Stevenage',
    '51.9, -0.2',
    '12, 34',
    'TL 123456 123456',
    '9000000, 1',
  ])
    assert.is(parseGridRef(s), null, s);
});

test.run();
