/**
 * The gazetteer on real and demo data, with exact answers: on Hertfordshire (its scenario and the
 * synthetic network's road names) a town with and without a typo, a motorway by ref, a station's
 * grid reference and postcode, coordinates; on the real north London and Cambridge OSM extracts
 * (issue 16 item 7) a road by name, prefix and misspelling, and junctions of two real roads. Each
 * first answer within 50 m of the thing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { buildGraph, type RoadGraph } from '../server/core/graph/build.ts';
import { snapPoint } from '../server/core/graph/snap.ts';
import { haversineM } from '../server/core/geo.ts';
import { Gazetteer, type PlaceAnswer, type SnapFn } from '../server/core/places/gazetteer.ts';
import { extractRoadTable, type RoadTable } from '../server/core/places/roads.ts';
import { parseNetwork } from '../server/shell/network/load.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';

function snapper(graph: RoadGraph): SnapFn {
  return (lat, lon) => {
    try {
      const s = snapPoint(graph, lat, lon);
      return { lat: s.snappedLat, lon: s.snappedLon, distanceM: s.offRoadM };
    } catch {
      return null;
    }
  };
}

function near(a: PlaceAnswer | undefined, lat: number, lon: number, m = 50): void {
  assert.ok(a, 'an answer');
  const d = haversineM(a.point.lat, a.point.lon, lat, lon);
  assert.ok(d <= m, `${a.label} is ${d.toFixed(1)} m from ${lat},${lon}`);
}

/** Distance from a point to the nearest way of the table with this ref. */
function toRef(t: RoadTable, ref: string, lat: number, lon: number): number {
  let best = Infinity;
  for (const w of t.ways)
    if (w.ref === ref)
      for (let p = 0; p < w.points.length; p += 2)
        best = Math.min(best, haversineM(lat, lon, w.points[p]!, w.points[p + 1]!));
  return best;
}

const herts = loadScenario('sim/scenarios/hertfordshire/scenario.json');
const hertsRaw = parseNetwork(readFileSync('sim/scenarios/hertfordshire/network.geojson'), 'geojson', 'herts');
const hertsRoads = extractRoadTable(hertsRaw);
const hertsGaz = new Gazetteer({ ...herts, roads: hertsRoads }, snapper(buildGraph(hertsRaw)));
const STEVENAGE = { lat: 51.9038, lon: -0.1966 };
const STEVENAGE_FS = herts.stations.find((s) => s.name === 'Stevenage fire station')!;

test('Hertfordshire: "Stevenage", "Stevanage" and "stev" find the town first, on the road', () => {
  for (const q of ['Stevenage', 'Stevanage', 'stev', 'STEVENAGE ']) {
    const [first] = hertsGaz.search(q, 5);
    assert.is(first?.kind, 'place', q);
    assert.is(first?.label, 'Stevenage', q);
    near(first, STEVENAGE.lat, STEVENAGE.lon, 0);
    assert.equal(first?.road, { lat: 51.9038, lon: -0.1966, distanceM: 0 });
    assert.is(first?.gridRef, 'TL 24165 24342');
  }
});

test('Hertfordshire: two letters swapped still find the town ("Wtaford", "Wrae")', () => {
  // A swap changes up to four of a word's trigrams: the trigram filter the typo index once used
  // let no town through for either.
  for (const [q, town] of [
    ['Wtaford', 'Watford'],
    ['Wrae', 'Ware'],
    ['Htichin', 'Hitchin'],
  ] as const) {
    const [first] = hertsGaz.search(q, 5);
    assert.is(first?.kind, 'place', q);
    assert.is(first?.label, town, q);
  }
});

test('Hertfordshire: "A1(M)" finds the motorway first, its point on the A1(M)', () => {
  const [first] = hertsGaz.search('A1(M)');
  assert.is(first?.kind, 'road');
  assert.is(first?.label, 'A1(M)');
  assert.ok(toRef(hertsRoads, 'A1(M)', first!.point.lat, first!.point.lon) < 50);
  assert.is(hertsGaz.search('a1m')[0]?.label, 'A1(M)');
});

test("Hertfordshire: Stevenage fire station's grid reference and postcode find it", () => {
  assert.is(STEVENAGE_FS.address, "St George'S Way, Stevenage, SG1 1HS");
  for (const q of ['TL 24041 23963', 'TL2404123963', '524041, 223963']) {
    const [first] = hertsGaz.search(q);
    assert.is(first?.kind, 'gridref', q);
    assert.is(first?.label, 'TL 24041 23963', q);
    near(first, STEVENAGE_FS.lat, STEVENAGE_FS.lon, 5);
  }
  const [six] = hertsGaz.search('TL 240 239');
  near(six, STEVENAGE_FS.lat, STEVENAGE_FS.lon, 100);
  for (const q of ['SG1 1HS', 'sg11hs']) {
    const [first] = hertsGaz.search(q);
    assert.is(first?.kind, 'postcode', q);
    assert.is(first?.label, 'SG1 1HS');
    near(first, STEVENAGE_FS.lat, STEVENAGE_FS.lon, 0);
  }
});

test('Hertfordshire: a station and a standby post by name', () => {
  const [fs] = hertsGaz.search('stevenage fire');
  assert.is(fs?.kind, 'station');
  assert.is(fs?.label, 'Stevenage fire station');
  const [post] = hertsGaz.search('South Mimms');
  assert.is(post?.kind, 'post');
  assert.is(post?.label, 'A1(M) J1 South Mimms');
});

test('Hertfordshire: a road within a place, "High Street, Hitchin", is the one in Hitchin', () => {
  const hitchin = herts.demand.find((d) => d.name === 'Hitchin')!;
  const [first] = hertsGaz.search('High Street, Hitchin');
  assert.is(first?.kind, 'road');
  assert.is(first?.label, 'High Street, Hitchin');
  near(first, hitchin.lat, hitchin.lon, 4_000);
  // Without the place, the High Streets of other towns come too.
  assert.ok(hertsGaz.search('High Street').some((a) => a.label === 'High Street, Hertford'));
});

test("a way's addr:postcode is found, at the way", () => {
  const roads: RoadTable = {
    version: 1,
    ways: [
      {
        name: 'Victoria Street',
        ref: '',
        highway: 'residential',
        postcode: 'AL1 3JB',
        points: [51.752, -0.334, 51.753, -0.332],
      },
    ],
    junctions: [],
  };
  const gaz = new Gazetteer({ stations: [], posts: [], demand: [], roads }, (lat, lon) => ({ lat, lon, distanceM: 0 }));
  for (const q of ['AL1 3JB', 'al13jb']) {
    const [first] = gaz.search(q);
    assert.is(first?.kind, 'postcode', q);
    assert.is(first?.label, 'AL1 3JB', q);
    assert.is(first?.detail, 'Victoria Street', q);
    near(first, 51.7525, -0.333, 100);
  }
});

test('coordinates: decimal and degrees-minutes-seconds', () => {
  for (const q of ['51.9038, -0.1966', '51.9038 N 0.1966 W', `51°54'13.7"N 0°11'47.8"W`, '51 54 13.7 N 0 11 47.8 W']) {
    const [first] = hertsGaz.search(q);
    assert.is(first?.kind, 'coordinates', q);
    near(first, STEVENAGE.lat, STEVENAGE.lon, 5);
  }
});

test('a point is described by its road, its town and its grid reference', () => {
  assert.equal(hertsGaz.describe(51.9, -0.2), {
    road: 'Common Walk',
    roadDistanceM: 37,
    place: 'Stevenage',
    placeDistanceM: 483,
    gridRef: 'TL 2394 2391',
    text: 'Common Walk, near Stevenage · TL 2394 2391',
  });
});

test('nothing found is an empty list', () => {
  assert.equal(hertsGaz.search('Qwxzv Plinth'), []);
});

const london = parseNetwork(readFileSync('test/fixtures/osm/north-london.osm'), 'osm-xml', 'north-london');
const londonRoads = extractRoadTable(london);
const londonGaz = new Gazetteer(
  { stations: [], posts: [], demand: [], roads: londonRoads },
  snapper(buildGraph(london)),
);

test('north London: "Bounds Green Road", "bounds gr" and a misspelling find the real road', () => {
  for (const q of ['Bounds Green Road', 'bounds gr', 'Bownds Green Road']) {
    const [first] = londonGaz.search(q);
    assert.is(first?.kind, 'road', q);
    assert.is(first?.label, 'Bounds Green Road', q);
    assert.is(first?.detail, 'A109');
    assert.equal(first?.point, { lat: 51.606022, lon: -0.122937 });
    assert.is(first?.road?.distanceM, 0);
  }
});

test('north London: the junction of Bounds Green Road and Durnsford Road', () => {
  for (const q of ['Bounds Green Road / Durnsford Road', 'durnsford rd & bounds green rd']) {
    const r = londonGaz.search(q);
    assert.is(r[0]?.kind, 'junction', q);
    assert.is(r[0]?.label, 'Bounds Green Road / Durnsford Road');
    // The real junction, by Bounds Green station.
    near(r[0], 51.6069, -0.1243, 50);
  }
});

test('north London: the North Circular by ref lists its names', () => {
  const [first] = londonGaz.search('A406');
  assert.is(first?.label, 'A406');
  assert.ok(toRef(londonRoads, 'A406', first!.point.lat, first!.point.lon) < 50);
});

const cambridge = parseNetwork(readFileSync('test/fixtures/osm/cambridge.osm.pbf'), 'osm-pbf', 'cambridge');
const cambridgeGaz = new Gazetteer(
  { stations: [], posts: [], demand: [], roads: extractRoadTable(cambridge) },
  snapper(buildGraph(cambridge)),
);

test('Cambridge: "Hills Road", "hills rd" and "Hils Road" find the real A1307', () => {
  for (const q of ['Hills Road', 'hills rd', 'Hils Road']) {
    const [first] = cambridgeGaz.search(q);
    assert.is(first?.kind, 'road', q);
    assert.is(first?.label, 'Hills Road', q);
    assert.is(first?.detail, 'A1307', q);
  }
});

test('Cambridge: junctions of real roads, by the station road and the Fitzwilliam', () => {
  for (const [q, label, lat, lon] of [
    // Station Road meets Hills Road at the war memorial.
    ['Hills Road / Station Road', 'Station Road / Hills Road', 52.1952, 0.1311],
    // Lensfield Road ends at Trumpington Street by the Fitzwilliam Museum.
    ['Lensfield Road / Trumpington Street', 'Lensfield Road / Trumpington Street', 52.198, 0.1221],
    ['mill rd & east rd', 'Mill Road / East Road', 52.2025, 0.1311],
  ] as const) {
    const [first] = cambridgeGaz.search(q);
    assert.is(first?.kind, 'junction', q);
    assert.is(first?.label, label, q);
    near(first, lat, lon, 50);
  }
});

test.run();
