import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JcrError } from '../server/core/errors.ts';
import { validateScenario } from '../server/core/scenario/validate.ts';
import { loadScenario } from '../server/shell/scenario-loader.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

/** The mini scenario as plain JSON data that a test may break. */
function raw(): Record<string, unknown> {
  return JSON.parse(JSON.stringify(miniScenario())) as Record<string, unknown>;
}

function list(o: Record<string, unknown>, key: string): Record<string, unknown>[] {
  return o[key] as Record<string, unknown>[];
}

/** Run fn, expect a JCR_SCENARIO_INVALID error, return its message lines. */
function refused(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.instance(e, JcrError);
    const err = e as JcrError;
    assert.is(err.code, 'JCR_SCENARIO_INVALID');
    assert.not.match(err.message, /\n\s+at /); // no stack trace in the message
    return err.message.split('\n');
  }
  assert.unreachable('the scenario was accepted');
  return [];
}

test('the mini scenario is valid and comes back unchanged', () => {
  const s = validateScenario(raw(), 'mini.json');
  assert.equal(s, miniScenario());
});

test('missing field', () => {
  const r = raw();
  delete list(r, 'resources')[2]!['station'];
  delete r['timezone'];
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    ['scenario.json: timezone: missing field', 'scenario.json: resources[2].station: missing field'],
  );
});

test('wrong type', () => {
  const r = raw();
  list(r, 'stations')[1]!['lat'] = '51.8';
  list(r, 'resources')[0]!['capabilities'] = 'pump';
  list(r, 'incidentTypes')[0]!['priority'] = 4;
  (r['rules'] as Record<string, unknown>)['coResponderRequiresCover'] = 'yes';
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: stations[1].lat: expected number, got string',
      'scenario.json: resources[0].capabilities: expected array, got string',
      'scenario.json: incidentTypes[0].priority: expected one of 1, 2, 3, got 4',
      'scenario.json: rules.coResponderRequiresCover: expected boolean, got string',
    ],
  );
});

test('wrong enum values: agency, crewing and speed profile mode', () => {
  const r = raw();
  list(r, 'stations')[0]!['agency'] = 'coastguard';
  list(r, 'resources')[1]!['crewing'] = 'retained';
  (r['speedProfiles'] as Record<string, Record<string, unknown>>)['drone']!['mode'] = 'sea';
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: stations[0].agency: expected one of "fire", "police", "ambulance", got "coastguard"',
      'scenario.json: speedProfiles.drone.mode: expected one of "road", "air", got "sea"',
      'scenario.json: resources[1].crewing: expected one of "wholetime", "day-crewed", "on-call", "mobile", got "retained"',
    ],
  );
});

test('unknown references: station, vehicle class, standard; capability nobody offers; co-response outside attendance', () => {
  const r = raw();
  list(r, 'resources')[3]!['station'] = 'HFRS-XX';
  list(r, 'resources')[4]!['vehicleClass'] = 'helicopter';
  list(r, 'resources')[5]!['station'] = 'DAP-A1M';
  const types = list(r, 'incidentTypes');
  types[0]!['standards'] = ['fire-appliances', 'fire-3rd'];
  (types[0]!['attendance'] as Record<string, unknown>[]).push({ capability: 'aerial', count: 1 });
  types[1]!['coResponse'] = ['defibrillator'];
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: resources[3].station: unknown station "HFRS-XX"',
      'scenario.json: resources[4].vehicleClass: unknown vehicle class "helicopter" (not in speedProfiles)',
      'scenario.json: resources[5].station: "DAP-A1M" is a post, not a station',
      'scenario.json: incidentTypes[0].attendance[1].capability: no resource offers capability "aerial"',
      'scenario.json: incidentTypes[0].standards[1]: unknown standard "fire-3rd"',
      'scenario.json: incidentTypes[1].coResponse[0]: capability "defibrillator" is not in this type\'s attendance',
    ],
  );
});

test('an agency-restricted line needs that agency, or a resource shared with it', () => {
  const r = raw();
  list(r, 'incidentTypes').push({
    id: 'missing-person',
    name: 'Missing person',
    leadAgency: 'police',
    priority: 1,
    attendance: [{ capability: 'drone', count: 1, agency: 'police' }],
    standards: [],
  });
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    ['scenario.json: incidentTypes[2].attendance[0].capability: no police resource offers capability "drone"'],
  );
  list(r, 'resources')[4]!['sharedWith'] = ['police'];
  assert.is(validateScenario(r, 'scenario.json').resources[4]!.sharedWith?.[0], 'police');
});

test('one line per capability: a capability listed twice in an attendance is refused', () => {
  const r = raw();
  (list(r, 'incidentTypes')[0]!['attendance'] as Record<string, unknown>[]).push({ capability: 'pump', count: 1 });
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: incidentTypes[0].attendance[1].capability: capability "pump" has a line already: one line per capability',
    ],
  );
});

test('rules.coResponderMarginS: optional seconds 0..3600', () => {
  const r = raw();
  (r['rules'] as Record<string, unknown>)['coResponderMarginS'] = -1;
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    ['scenario.json: rules.coResponderMarginS: seconds -1 out of range 0..3600'],
  );
  (r['rules'] as Record<string, unknown>)['coResponderMarginS'] = 90;
  assert.is(validateScenario(r, 'scenario.json').rules.coResponderMarginS, 90);
});

test('duplicate ids: stations and posts share one namespace; resources, call signs, types, standards, demand', () => {
  const r = raw();
  list(r, 'posts')[0]!['id'] = 'F-HAT';
  list(r, 'resources')[1]!['id'] = 'HAT1';
  list(r, 'resources')[2]!['callSign'] = 'HT-P1';
  list(r, 'incidentTypes')[1]!['id'] = 'dwelling-fire';
  list(r, 'standards')[1]!['id'] = 'fire-appliances';
  list(r, 'demand')[1]!['id'] = 'd-hat';
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: posts[0].id: duplicate id "F-HAT" (first used at stations[0])',
      'scenario.json: resources[1].id: duplicate id "HAT1" (first used at resources[0])',
      'scenario.json: resources[2].callSign: duplicate call sign "HT-P1" (first used at resources[0])',
      'scenario.json: standards[1].id: duplicate id "fire-appliances" (first used at standards[0])',
      'scenario.json: incidentTypes[1].id: duplicate id "dwelling-fire" (first used at incidentTypes[0])',
      'scenario.json: incidentTypes[1].standards[0]: unknown standard "ambulance-cat1"',
      'scenario.json: demand[1].id: duplicate id "d-hat" (first used at demand[0])',
    ],
  );
});

test('coordinates out of range, and positions outside the bounds', () => {
  const r = raw();
  list(r, 'stations')[0]!['lat'] = 91;
  list(r, 'stations')[1]!['lon'] = -181.5;
  list(r, 'posts')[0]!['lat'] = 52.5;
  list(r, 'demand')[0]!['weight'] = 0;
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: stations[0].lat: latitude 91 out of range -90..90',
      'scenario.json: stations[1].lon: longitude -181.5 out of range -180..180',
      'scenario.json: posts[0]: position 52.5,-0.215 is outside the scenario bounds',
      'scenario.json: demand[0].weight: weight 0 out of range (must be above 0)',
    ],
  );
});

test('other ranges: turnout, crewing keys, standard targets, attendance counts, bounds', () => {
  const r = raw();
  r['bounds'] = { south: 52, west: -0.5, north: 51.6, east: -0.05 };
  const crewing = r['crewing'] as Record<string, unknown>;
  delete crewing['mobile'];
  crewing['retained'] = { turnoutS: 300 };
  const std = list(r, 'standards')[0]!;
  std['targets'] = [
    { nth: 1, withinS: 0, share: 0.9 },
    { nth: 1, withinS: 780, share: 1.5 },
  ];
  (list(r, 'incidentTypes')[0]!['attendance'] as Record<string, unknown>[])[0]!['count'] = 0;
  assert.equal(
    refused(() => validateScenario(r, 'scenario.json')),
    [
      'scenario.json: bounds: south 52 must be below north 51.6',
      'scenario.json: crewing.mobile: missing field',
      'scenario.json: crewing.retained: unknown crewing; expected one of "wholetime", "day-crewed", "on-call", "mobile"',
      'scenario.json: standards[0].targets[0].withinS: seconds 0 out of range (must be above 0)',
      'scenario.json: standards[0].targets[1].nth: duplicate target for nth 1',
      'scenario.json: standards[0].targets[1].share: share 1.5 out of range (must be above 0 and at most 1)',
      'scenario.json: incidentTypes[0].attendance[0].count: count 0 out of range 1..50',
    ],
  );
});

test('a root that is not an object, and the error details', () => {
  try {
    validateScenario([1, 2], 'list.json');
    assert.unreachable();
  } catch (e) {
    const err = e as JcrError;
    assert.is(err.code, 'JCR_SCENARIO_INVALID');
    assert.is(err.message, 'list.json: (root): expected a JSON object, got array');
    assert.is(err.path, '(root)');
    assert.equal(err.details, {
      file: 'list.json',
      errors: [{ path: '(root)', reason: 'expected a JSON object, got array' }],
    });
  }
});

// ---- the shell loader, with real files in a temporary directory ----

const dir = mkdtempSync(join(tmpdir(), 'jcr-scenario-'));
const write = (name: string, data: unknown) =>
  writeFileSync(join(dir, name), typeof data === 'string' ? data : JSON.stringify(data, null, 1));

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('loader: a good scenario loads; network.file becomes an absolute path', () => {
  mkdirSync(join(dir, 'net'), { recursive: true });
  write('net/roads.geojson', '{"type":"FeatureCollection","features":[]}');
  const r = raw();
  (r['network'] as Record<string, unknown>)['file'] = 'net/roads.geojson';
  write('good.json', r);
  const s = loadScenario(join(dir, 'good.json'));
  assert.is(s.network.file, join(dir, 'net/roads.geojson'));
  assert.is(s.resources.length, 6);
});

test('loader: missing network file', () => {
  write('nonet.json', raw());
  assert.equal(
    refused(() => loadScenario(join(dir, 'nonet.json'))),
    [`${join(dir, 'nonet.json')}: network.file: file not found "${join(dir, 'network.geojson')}"`],
  );
});

test('loader: missing scenario file', () => {
  const f = join(dir, 'nope.json');
  assert.equal(
    refused(() => loadScenario(f)),
    [`${f}: (file): file not found "${f}"`],
  );
});

test('loader: bad JSON is refused with the line and column, no stack', () => {
  write('bad.json', '{\n  "id": "x",\n  "name": "y"\n  "timezone": "Europe/London"\n}\n');
  const lines = refused(() => loadScenario(join(dir, 'bad.json')));
  assert.is(lines.length, 1);
  assert.ok(lines[0]!.startsWith(`${join(dir, 'bad.json')}: (json): invalid JSON at line 4 column 3: `), lines[0]);
});

test('loader: validation problems name the file as given', () => {
  const r = raw();
  list(r, 'resources')[3]!['station'] = 'HFRS-XX';
  write('scenario.json', r);
  const rel = join(dir, 'scenario.json');
  assert.equal(
    refused(() => loadScenario(rel)),
    [`${rel}: resources[3].station: unknown station "HFRS-XX"`],
  );
});

test('loader: demand points from a demandFile, with errors naming that file', () => {
  write('network.geojson', '{"type":"FeatureCollection","features":[]}');
  const r = raw();
  const demand = r['demand'];
  delete r['demand'];
  r['demandFile'] = 'demand.json';
  write('withdemand.json', r);
  write('demand.json', demand);
  const s = loadScenario(join(dir, 'withdemand.json'));
  assert.equal(s.demand, miniScenario().demand);

  write('demand.json', [
    { id: 'a', lat: 51.7, lon: -0.2, weight: 1 },
    { id: 'a', lat: 95, lon: -0.2, weight: '2' },
  ]);
  assert.equal(
    refused(() => loadScenario(join(dir, 'withdemand.json'))),
    [
      'demand.json: [1].id: duplicate id "a" (first used at [0])',
      'demand.json: [1].lat: latitude 95 out of range -90..90',
      'demand.json: [1].weight: expected number, got string',
    ],
  );

  rmSync(join(dir, 'demand.json'));
  assert.equal(
    refused(() => loadScenario(join(dir, 'withdemand.json'))),
    [`${join(dir, 'withdemand.json')}: demandFile: file not found "${join(dir, 'demand.json')}"`],
  );

  r['demand'] = demand;
  write('both.json', r);
  assert.equal(
    refused(() => loadScenario(join(dir, 'both.json'))),
    [`${join(dir, 'both.json')}: demandFile: give demand points inline or in a demandFile, not both`],
  );
});

test.run();
