/**
 * `npm run scenario -- build` (issue 16 item 6): a scenario for any English fire and rescue
 * service. The command runs as an operator runs it, into a temporary directory; what it writes
 * is loaded by the server's own loader and a server on port 0 answers recommendations over it.
 * Bedfordshire with the synthetic network (and literal police and ambulance test sites),
 * Cambridgeshire with the real Cambridge extract; bad input gets one line and exit 2.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { JourneyPlanner } from '../server/core/graph/planner.ts';
import { SpeedModel } from '../server/core/graph/speed.ts';
import { Gazetteer, plannerSnap } from '../server/core/places/gazetteer.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';
import { loadNetwork } from '../server/shell/network/load.ts';
import { loadRoadTable } from '../server/shell/network/road-table.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { startServer } from '../server/shell/server.ts';
import { buildServiceScenario } from '../sim/scenarios/england/build.ts';
import {
  matchService,
  readStationRows,
  serviceList,
  serviceStations,
  stationName,
} from '../sim/scenarios/england/services.ts';
import { api, tokenFor } from './support/server.ts';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function scenarioCli(args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli/scenario.ts', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const TMP = mkdtempSync(join(tmpdir(), 'jcr-scenario-build-'));
test.after(() => rmSync(TMP, { recursive: true, force: true }));

/** One line on stderr, nothing on stdout, exit 2. */
function assertRefused(r: Run, line: string): void {
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  assert.is(r.stderr, line + '\n');
}

/** Start a server on the built scenario and ask for a recommendation for a dwelling fire at (lat, lon). */
async function recommend(
  file: string,
  lat: number,
  lon: number,
): Promise<{ scenario: Scenario; proposed: string[]; emptyReason: string | null }> {
  const scenario = loadScenario(file);
  const { graph } = loadNetwork(scenario.network.file, scenario.network.format, { cacheDir: null });
  const planner = new JourneyPlanner(graph, new SpeedModel(scenario.speedProfiles));
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: fakeClock(Date.UTC(2026, 10, 21, 12)).now,
    log: 'silent',
    roads: { graph, planner, mobilisation: mobilisationFromPlanner(planner, scenario) },
  });
  try {
    const token = await tokenFor(server, 'fire-dispatcher');
    const r = await api(server, 'POST', '/api/incidents', { token, body: { typeId: 'dwelling-fire', lat, lon } });
    assert.is(r.status, 201, JSON.stringify(r.body));
    const id = (r.body as { id: string }).id;
    const rec = await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token });
    assert.is(rec.status, 200);
    const body = rec.body as { proposed: string[]; emptyReason: string | null };
    return { scenario, proposed: body.proposed, emptyReason: body.emptyReason };
  } finally {
    await server.close();
  }
}

test('--list prints the 44 services with their station counts', async () => {
  const r = await scenarioCli(['--list']);
  assert.is(r.code, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.is(lines.length, 44);
  assert.is(lines[0], 'Avon\t21 stations');
  assert.ok(lines.includes('Bedfordshire\t14 stations'));
  assert.ok(lines.includes('London\t103 stations'));
});

test('a service is found by the names operators type; a wrong one suggests the near names', () => {
  const rows = readStationRows();
  assert.equal(matchService(rows, 'Bedfordshire Fire and Rescue Service'), { name: 'Bedfordshire' });
  assert.equal(matchService(rows, 'london fire brigade'), { name: 'London' });
  assert.equal(matchService(rows, 'devon'), { name: 'Devon and Somerset' });
  assert.equal(matchService(rows, 'Bedforshire'), { name: null, suggestions: ['Bedfordshire'] });
  assert.equal(matchService(rows, 'Atlantis'), { name: null, suggestions: [] });
});

test('station names are read out of the list’s many styles', () => {
  assert.equal(
    [
      'Kimbolton Fire Station Fgc26',
      'W73 Waltham Abbey',
      'Tet - Tettenhall',
      'Station A09 - Freshwater',
      'Stn 11 Misterton',
      '16 Lingfield',
      'Thorne Fire Stn.',
      'Belford Retained Fire Station',
      'BisphamW',
      'Kinver Community Fire Station',
      'Bedford Fire Station',
    ].map(stationName),
    [
      'Kimbolton',
      'Waltham Abbey',
      'Tettenhall',
      'Freshwater',
      'Misterton',
      'Lingfield',
      'Thorne',
      'Belford',
      'Bispham',
      'Kinver',
      'Bedford',
    ],
  );
});

test('every service reads: 1,372 stations with names and unique codes, two source errors left out', () => {
  const rows = readStationRows();
  const services = serviceList(rows).map((x) => serviceStations(rows, x.name));
  assert.is(services.length, 44);
  assert.is(
    services.reduce((a, x) => a + x.stations.length, 0),
    1372,
  );
  assert.equal(
    services.flatMap((x) => x.leftOut.map((l) => `${x.name}: ${l.name}: ${l.reason}`)),
    [
      'Cornwall: Fowey: published position 170 km from the rest of the service (a source error)',
      'Hertfordshire: Wheathampstead: published position 304 km from the rest of the service (a source error)',
    ],
  );
  for (const x of services) {
    assert.is(new Set(x.stations.map((st) => st.code)).size, x.stations.length, x.name);
    for (const st of x.stations) {
      assert.match(st.code, /^[A-Z0-9]{3,4}$/, `${x.name}: ${st.name}`);
      assert.not.match(st.name, /fire st|^\s|\s$/i, `${x.name}: ${st.name}`);
    }
  }
});

test('Bedfordshire, synthetic, with police and ambulance sites: loads and answers recommendations', async () => {
  const police = join(TMP, 'police.json');
  const ambulance = join(TMP, 'ambulance.json');
  // Literal test sites (positions near Bedford and Luton town centres; one by OS grid reference).
  writeFileSync(
    police,
    JSON.stringify([
      { name: 'Bedford police site', lat: 52.1359, lon: -0.4667 },
      { name: 'Luton police site', gridRef: 'TL 0922 2129' },
    ]),
  );
  writeFileSync(ambulance, JSON.stringify([{ name: 'Bedford ambulance site', lat: 52.13, lon: -0.47 }]));
  const out = join(TMP, 'bedfordshire');
  const r = await scenarioCli([
    'build',
    '--service',
    'Bedfordshire',
    '--out',
    out,
    '--police',
    police,
    '--ambulance',
    ambulance,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.is(r.stderr, '');
  assert.match(r.stdout, /^Bedfordshire: 14 fire stations, 2 police and 1 ambulance sites; /);

  const bedford = { lat: 52.13357, lon: -0.44308 }; // Bedford fire station: easting 506662, northing 249506
  const { scenario: s, proposed, emptyReason } = await recommend(join(out, 'scenario.json'), bedford.lat, bedford.lon);
  assert.is(s.id, 'bedfordshire');
  assert.equal({ format: s.network.format, synthetic: s.network.synthetic }, { format: 'geojson', synthetic: true });
  const text = gunzipSync(readFileSync(s.network.file)).toString('utf8');
  assert.match(text.slice(0, 300), '"synthetic":true');
  assert.is(s.stations.filter((x) => x.agency === 'fire').length, 14);
  const bedf = s.stations.find((x) => x.id === 'BFRS-BEDF')!;
  assert.equal({ name: bedf.name, lat: bedf.lat, lon: bedf.lon }, { name: 'Bedford fire station', ...bedford });
  assert.equal(
    s.stations.filter((x) => x.agency !== 'fire').map((x) => `${x.id} ${x.agency}`),
    ['POL-BEDF police', 'POL-LUTO police', 'AMB-BEDF ambulance'],
  );
  // The default fleet: a pump at each of 14 stations, a second at the largest quarter (4), specials at the largest.
  const n = (type: string) => s.resources.filter((x) => x.type === type).length;
  assert.equal(
    [n('pump'), n('aerial-ladder-platform'), n('rescue-tender'), n('water-rescue'), n('command-unit'), n('drone')],
    [18, 1, 1, 1, 1, 1],
  );
  assert.equal(
    [n('police-response-car'), n('armed-response-vehicle'), n('dog-unit'), n('roads-policing')],
    [3, 2, 1, 1],
  );
  assert.equal([n('ambulance'), n('rapid-response-car')], [1, 1]);
  // With police and ambulance, the whole template.
  assert.is(s.incidentTypes.length, 14);
  assert.is(s.standards.length, 5);
  assert.ok(s.demand.length > 100 && s.demand.every((d) => d.weight === 1 && d.name === undefined));
  assert.ok(proposed.length >= 2, `proposed ${proposed.join(', ')}`);
  assert.ok(proposed.includes('BFRS-BEDF-P1'), proposed.join(', '));
  assert.is(emptyReason, null);
});

test('Cambridgeshire with the real Cambridge extract (--partial): loads, real roads, recommendations', async () => {
  const out = join(TMP, 'cambridgeshire');
  const r = await scenarioCli([
    'build',
    '--service',
    'Cambridgeshire',
    '--osm',
    'test/fixtures/osm/cambridge.osm.pbf',
    '--partial',
    '--out',
    out,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^Cambridgeshire: 1 fire stations, 0 police and 0 ambulance sites; 7 resources, 7 incident types/,
  );
  assert.match(r.stdout, '\nleft out 26 fire stations the extract does not cover: Kimbolton fire station, ');
  const cambridge = { lat: 52.20296, lon: 0.13089 };
  const {
    scenario: s,
    proposed,
    emptyReason,
  } = await recommend(join(out, 'scenario.json'), cambridge.lat, cambridge.lon);
  assert.equal(s.network.synthetic, false);
  assert.is(s.network.attribution, '© OpenStreetMap contributors, ODbL 1.0');
  assert.equal(
    s.stations.map((x) => x.id),
    ['CFRS-CAMB'],
  );
  assert.equal(
    s.incidentTypes.map((t) => t.id),
    [
      'dwelling-fire',
      'persons-reported-fire',
      'high-rise-fire',
      'rtc-persons-trapped',
      'water-rescue',
      'vehicle-fire',
      'animal-rescue-height',
    ],
  );
  assert.equal(proposed.slice().sort(), ['CFRS-CAMB-P1', 'CFRS-CAMB-P2']);
  assert.is(emptyReason, null);
  assert.match(readFileSync(join(out, 'NOTICE.md'), 'utf8'), 'Open Database Licence (ODbL) 1.0');
  // The real street names are there for the gazetteer.
  const { graph } = loadNetwork(s.network.file, 'geojson', { cacheDir: null });
  const places = new Gazetteer(
    { ...s, roads: loadRoadTable(s.network.file, 'geojson', { cacheDir: null }) },
    plannerSnap(new JourneyPlanner(graph, new SpeedModel(s.speedProfiles))),
  );
  const hit = places.search('Mill Road', 1)[0];
  assert.is(hit?.kind, 'road');
  assert.match(hit?.label ?? '', /^Mill Road/);
});

test('London with the real north London extract (--partial --access-km): loads, real roads, recommendations', async () => {
  const out = join(TMP, 'london');
  const r = await scenarioCli([
    'build',
    '--service',
    'London',
    '--osm',
    'test/fixtures/osm/north-london.osm.pbf',
    '--partial',
    '--access-km',
    '1',
    '--out',
    out,
  ]);
  assert.is(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    "\njoined 2 stations and sites to the extract's roads by synthetic access roads (--access-km): Southgate fire station (714 m), Hornsey fire station (1394 m)\n",
  );
  const s = loadScenario(join(out, 'scenario.json'));
  assert.equal(
    s.stations.map((x) => x.id),
    ['LFB-SOUE', 'LFB-HORN'],
  );
  assert.equal(s.network.synthetic, false);
  // The two access roads are in the network file, marked synthetic; every other way is OSM's.
  const net = JSON.parse(gunzipSync(readFileSync(join(out, 'network.geojson.gz'))).toString('utf8')) as {
    features: { properties: Record<string, string> }[];
  };
  assert.equal(
    net.features.filter((f) => f.properties['jcr:synthetic'] === 'access').map((f) => f.properties.name),
    ['Southgate fire station access', 'Hornsey fire station access'],
  );
  // The gazetteer finds the real road; a dwelling fire on it gets the pumps of both stations.
  const { graph } = loadNetwork(s.network.file, 'geojson', { cacheDir: null });
  const places = new Gazetteer(
    { ...s, roads: loadRoadTable(s.network.file, 'geojson', { cacheDir: null }) },
    plannerSnap(new JourneyPlanner(graph, new SpeedModel(s.speedProfiles))),
  );
  const hit = places.search('Bounds Green Road', 1)[0];
  assert.is(hit?.kind, 'road');
  assert.match(hit?.label ?? '', /^Bounds Green Road/);
  const { proposed, emptyReason } = await recommend(join(out, 'scenario.json'), hit!.point.lat, hit!.point.lon);
  assert.equal(proposed.slice().sort(), ['LFB-HORN-P1', 'LFB-SOUE-P1']);
  assert.is(emptyReason, null);
});

test('--access-km without --osm, or out of range: one line, exit 2', async () => {
  assertRefused(
    await scenarioCli(['build', '--service', 'London', '--access-km', '1', '--out', join(TMP, 'x')]),
    '--access-km needs --osm  (--help for usage)',
  );
  assertRefused(
    await scenarioCli(['build', '--service', 'London', '--osm', 'x.pbf', '--access-km', '9', '--out', join(TMP, 'x')]),
    '--access-km must be 0..5, got "9"  (--help for usage)',
  );
});

test('an unknown service: one line naming the near names, exit 2', async () => {
  assertRefused(
    await scenarioCli(['build', '--service', 'Bedforshire', '--out', join(TMP, 'x')]),
    'error: unknown fire and rescue service "Bedforshire"; did you mean Bedfordshire? (--list shows all 44)',
  );
});

test('an extract that misses the stations: one clear line, exit 2, nothing written', async () => {
  const out = join(TMP, 'missed');
  assertRefused(
    await scenarioCli([
      'build',
      '--service',
      'Bedfordshire',
      '--osm',
      'test/fixtures/osm/cambridge.osm.pbf',
      '--out',
      out,
    ]),
    "error: cambridge.osm.pbf has no roads in the Bedfordshire area (51.843..52.250 N, -0.734..-0.138 E): its nodes span 52.151..52.243 N, 0.054..0.216 E; use an extract of the service's county",
  );
  // The north London extract lies inside London, but no station is within the snapping allowance of its roads.
  assertRefused(
    await scenarioCli([
      'build',
      '--service',
      'London',
      '--osm',
      'test/fixtures/osm/north-london.osm.pbf',
      '--out',
      out,
    ]),
    "error: north-london.osm.pbf covers none of the 103 London fire stations: the nearest, Southgate, is 714 m from its roads, beyond the 500 m allowance; use an extract of the service's county, or --access-km to join stations just outside it",
  );
  assertRefused(
    await scenarioCli([
      'build',
      '--service',
      'Cambridgeshire',
      '--osm',
      'test/fixtures/osm/cambridge.osm.pbf',
      '--out',
      out,
    ]),
    'error: cambridge.osm.pbf covers 1 of the 27 Cambridgeshire fire stations (not Kimbolton fire station, Yaxley fire station, St Neots fire station and 23 more); use an extract of the whole county, or --partial to keep only the stations it covers',
  );
  assertRefused(
    await scenarioCli(['build', '--service', 'Bedfordshire', '--osm', join(TMP, 'nothing.osm.pbf'), '--out', out]),
    `error: cannot read --osm file ${join(TMP, 'nothing.osm.pbf')} (ENOENT)`,
  );
  assert.throws(() => readFileSync(join(out, 'scenario.json')));
});

test('towns given: demand from their populations, and they rank the stations', () => {
  const towns = [
    { name: 'Luton', lat: 51.8787, lon: -0.42, population: 225_000 },
    { name: 'Bedford', lat: 52.136, lon: -0.4667, population: 106_000 },
    { name: 'Far Away', lat: 53.5, lon: -1.5, population: 50_000 },
  ];
  const b = buildServiceScenario({ rows: readStationRows(), service: 'Bedfordshire', towns });
  assert.equal(b.demand, [
    { id: 'town-luton', name: 'Luton', lat: 51.8787, lon: -0.42, weight: 225 },
    { id: 'town-bedford', name: 'Bedford', lat: 52.136, lon: -0.4667, weight: 106 },
  ]);
  // Luton's 225,000 are nearer Luton station than Stopsley's or Dunstable's: the specials go there.
  const specials = b.scenario.resources.filter((x) => x.type !== 'pump').map((x) => `${x.type}@${x.station}`);
  assert.equal(specials, [
    'aerial-ladder-platform@BFRS-LUTO',
    'rescue-tender@BFRS-LUTO',
    'water-rescue@BFRS-LUTO',
    'command-unit@BFRS-LUTO',
    'drone@BFRS-LUTO',
  ]);
});

test.run();
