import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { buildHertfordshire, HERE } from '../sim/scenarios/hertfordshire/build.ts';
import { scc } from '../sim/scenarios/hertfordshire/net.ts';
import { NETWORK_NOTE } from '../sim/scenarios/hertfordshire/streets.ts';

const FILE = 'sim/scenarios/hertfordshire/scenario.json';
const s = loadScenario(FILE);
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

test('the Hertfordshire scenario loads, its network file resolved', () => {
  assert.is(s.id, 'hertfordshire');
  assert.is(s.network.file, join(HERE, 'network.geojson'));
  assert.equal({ format: s.network.format, synthetic: s.network.synthetic }, { format: 'geojson', synthetic: true });
  assert.is(s.demand.length, 50); // 40 towns and 10 rural hamlets, from demand.json
});

test('29 fire stations at their Home Office positions and 18 police sites', () => {
  assert.is(s.stations.filter((x) => x.agency === 'fire').length, 29);
  assert.is(s.stations.filter((x) => x.agency === 'police').length, 18);
  const stev = s.stations.find((x) => x.id === 'HFRS-STEV');
  assert.equal(stev && { lat: stev.lat, lon: stev.lon, name: stev.name }, {
    lat: 51.90041,
    lon: -0.19854,
    name: 'Stevenage fire station',
  });
  assert.is(s.posts.length, 6);
});

test('about 40 fire appliances; ALPs at Stevenage and Watford; rescue, water rescue, command units', () => {
  const fire = s.resources.filter((r) => r.agency === 'fire');
  assert.is(fire.length, 43);
  assert.is(fire.filter((r) => r.type === 'pump').length, 35);
  const at = (type: string) =>
    fire
      .filter((r) => r.type === type)
      .map((r) => r.station)
      .sort();
  assert.equal(at('aerial-ladder-platform'), ['HFRS-STEV', 'HFRS-WATF']);
  assert.equal(at('rescue-tender'), ['HFRS-HATF', 'HFRS-HEME']);
  assert.equal(at('water-rescue'), ['HFRS-CHES', 'HFRS-RICK']);
  assert.equal(at('command-unit'), ['HFRS-WGCY']);
  const crewing = (c: string) => fire.filter((r) => r.type === 'pump' && r.crewing === c).length;
  assert.equal([crewing('wholetime'), crewing('day-crewed'), crewing('on-call')], [12, 5, 18]);
});

test('co-responding pumps at Watford and Stevenage only', () => {
  const co = s.resources.filter((r) => r.capabilities.includes('co-responder'));
  assert.equal(co.map((r) => r.id).sort(), ['HFRS-STEV-P1', 'HFRS-WATF-P1']);
  assert.ok(co.every((r) => r.type === 'pump' && r.agency === 'fire'));
});

test('a fire drone with thermal imaging, shared with the police', () => {
  const drones = s.resources.filter((r) => r.capabilities.includes('drone'));
  assert.is(drones.length, 1);
  assert.equal(
    {
      agency: drones[0]!.agency,
      sharedWith: drones[0]!.sharedWith,
      vehicleClass: drones[0]!.vehicleClass,
      ti: drones[0]!.capabilities.includes('thermal-imaging'),
    },
    { agency: 'fire', sharedWith: ['police'], vehicleClass: 'drone', ti: true },
  );
  assert.is(s.speedProfiles['drone']?.mode, 'air');
});

test('police: response cars at every site, armed response, dogs and roads policing', () => {
  const police = s.resources.filter((r) => r.agency === 'police');
  const n = (type: string) => police.filter((r) => r.type === type).length;
  assert.equal(
    [n('police-response-car'), n('armed-response-vehicle'), n('dog-unit'), n('roads-policing')],
    [25, 3, 2, 3],
  );
  const withCar = new Set(police.filter((r) => r.type === 'police-response-car').map((r) => r.station));
  assert.is(withCar.size, 17); // every site but headquarters
  assert.ok(police.every((r) => r.crewing === 'mobile'));
});

test('ambulances at 18 of the fire stations', () => {
  const amb = s.resources.filter((r) => r.agency === 'ambulance' && r.type === 'ambulance');
  const at = new Set(amb.map((r) => r.station));
  assert.is(at.size, 18);
  assert.ok([...at].every((id) => s.stations.find((x) => x.id === id)?.agency === 'fire'));
});

test('the joint incident types, their attendances and standards', () => {
  assert.equal(
    s.incidentTypes.map((t) => t.id),
    [
      'dwelling-fire',
      'persons-reported-fire',
      'high-rise-fire',
      'rtc-persons-trapped',
      'rtc-no-entrapment',
      'cardiac-arrest',
      'missing-person-high-risk',
      'gaining-entry',
      'water-rescue',
      'violent-disturbance',
      'firearms-incident',
      'vehicle-fire',
      'animal-rescue-height',
      'medical-emergency',
    ],
  );
  const t = (id: string) => s.incidentTypes.find((x) => x.id === id)!;
  assert.equal(t('cardiac-arrest').attendance, [
    { capability: 'paramedic', count: 2, agency: 'ambulance' },
    { capability: 'co-responder', count: 1, agency: 'fire' },
  ]);
  assert.equal(t('cardiac-arrest').coResponse, ['co-responder']);
  assert.equal(
    t('missing-person-high-risk').attendance.map((l) => l.capability),
    ['search', 'dog', 'drone'],
  );
  assert.is(t('persons-reported-fire').attendance[0]!.count, 3);
  const std = (id: string) => s.standards.find((x) => x.id === id)!;
  assert.equal(std('fire-first-second').targets, [
    { nth: 1, withinS: 600, share: 0.9 },
    { nth: 2, withinS: 780, share: 0.9 },
  ]);
  assert.equal(std('ambulance-cat1').targets, [{ nth: 1, withinS: 480, share: 0.75 }]);
  assert.equal(std('police-emergency').targets, [{ nth: 1, withinS: 900, share: 0.9 }]);
  assert.equal(s.crewing, {
    wholetime: { turnoutS: 90 },
    'day-crewed': { turnoutS: 180 },
    'on-call': { turnoutS: 300 },
    mobile: { turnoutS: 0 },
  });
});

// One fresh build serves the determinism and network tests.
const built = buildHertfordshire();

test('the committed files are exactly what the build script generates', () => {
  assert.is(sha(readFileSync(join(HERE, 'scenario.json'), 'utf8')), sha(built.scenarioJson));
  assert.is(sha(readFileSync(join(HERE, 'demand.json'), 'utf8')), sha(built.demandJson));
  assert.is(sha(readFileSync(join(HERE, 'network.geojson'), 'utf8')), sha(built.networkGeoJson));
});

test('the network is county-sized, labelled synthetic, with the road classes, one-ways and roundabouts', () => {
  const n = built.network;
  assert.ok(n.stats.nodes >= 100_000, `${n.stats.nodes} nodes`);
  const head = JSON.parse(built.networkGeoJson.slice(0, built.networkGeoJson.indexOf(',"features"')) + '}') as Record<
    string,
    unknown
  >;
  assert.equal(head, {
    type: 'FeatureCollection',
    name: 'hertfordshire-demo-network',
    synthetic: true,
    note: NETWORK_NOTE,
  });
  for (const cls of [
    'motorway',
    'motorway_link',
    'trunk',
    'primary',
    'secondary',
    'tertiary',
    'unclassified',
    'residential',
    'service',
  ]) {
    assert.ok((n.stats.byHighway[cls] ?? 0) > 0, `no ${cls}`);
  }
  const oneway = n.ways.filter((w) => w.tags['junction'] !== 'roundabout' && w.tags['oneway'] !== 'no');
  const share = oneway.length / n.ways.length;
  assert.ok(share >= 0.05 && share <= 0.1, `one-way share ${share}`);
  assert.ok(oneway.some((w) => w.tags['oneway'] === 'yes') && oneway.some((w) => w.tags['oneway'] === '-1'));
  const rings = n.ways.filter((w) => w.tags['junction'] === 'roundabout');
  assert.ok(rings.length >= 20, `${rings.length} roundabouts`);
  assert.ok(rings.every((w) => w.nodes[0] === w.nodes[w.nodes.length - 1]));
  assert.ok(n.ways.some((w) => w.tags['maxspeed'] === '20 mph') && n.ways.some((w) => w.tags['maxspeed'] === '70 mph'));
});

test('the network is strongly connected, and motorways are joined only through links', () => {
  const n = built.network;
  assert.is(scc(n.stats.nodes, n.ways).count, 1);
  const motorwayNode = new Set<number>();
  for (const w of n.ways) if (w.tags['highway'] === 'motorway') for (const x of w.nodes) motorwayNode.add(x);
  const bad = n.ways.filter(
    (w) =>
      w.tags['highway'] !== 'motorway' &&
      w.tags['highway'] !== 'motorway_link' &&
      w.nodes.some((x) => motorwayNode.has(x)),
  );
  assert.equal(
    bad.map((w) => w.tags),
    [],
  );
});

test.run();
