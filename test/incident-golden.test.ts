import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { haversineM } from '../server/core/geo.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import type { Recommendation } from '../server/core/incidents/view.ts';
import type { Fleet } from '../server/core/fleet/fleet.ts';
import { goldenWorld } from './support/golden-world.ts';

/**
 * Golden mobilisation cases on the REAL north London OSM network (test/fixtures/golden/
 * north-london.json; expected answers in north-london.expected.json, exact to the second).
 * Regenerate the expected file only after checking a change by hand: JCR_UPDATE_GOLDEN=1.
 */
const EXPECTED = 'test/fixtures/golden/north-london.expected.json';
const w = goldenWorld();
const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);

interface Case {
  name: string;
  typeId: string;
  lat: number;
  lon: number;
  setup?: (f: Fleet) => void;
}

const CASES: Case[] = [
  { name: 'nearest by straight line is not the quickest', typeId: 'dwelling-fire', lat: 51.603, lon: -0.1438 },
  { name: 'at-station baseline for the returning case', typeId: 'dwelling-fire', lat: 51.6215, lon: -0.13 },
  {
    name: 'a returning resource beats one at its station',
    typeId: 'dwelling-fire',
    lat: 51.6215,
    lon: -0.13,
    setup: (f) => {
      f.setStatus('BG1', ResourceStatus.AVAILABLE_MOBILE);
      f.setStatus('BG1', ResourceStatus.RETURNING);
      f.applyFix(f.require('BG1'), 51.619, -0.133, 0, 8, NOW - 10_000, 5);
    },
  },
  {
    name: 'a capability is missing (the only aerial is unavailable)',
    typeId: 'high-rise-fire',
    lat: 51.612,
    lon: -0.141,
    setup: (f) => f.setStatus('FB-ALP', ResourceStatus.UNAVAILABLE),
  },
  { name: 'the co-responder rule withholds a pump', typeId: 'cardiac-arrest', lat: 51.623, lon: -0.115 },
  {
    name: 'missing person: the fire drone is offered to the police',
    typeId: 'missing-person-high-risk',
    lat: 51.61,
    lon: -0.13,
  },
];

function run(c: Case): Recommendation {
  const fleet = w.fleet();
  c.setup?.(fleet);
  const type = w.scenario.incidentTypes.find((t) => t.id === c.typeId)!;
  return recommend({
    scenario: w.scenario,
    fleet,
    incident: { id: 'G', typeId: c.typeId, lat: c.lat, lon: c.lon, leadAgency: type.leadAgency },
    now: NOW,
    journeys: w.journeys,
    cover: w.cover.at(fleet),
  });
}

/** The parts a golden file pins: rankings with ETAs, proposal, withheld, unfilled and exclusions. */
function digest(r: Recommendation) {
  return {
    proposed: r.proposed,
    completeS: r.completeS,
    lines: r.lines.map((l) => ({
      capability: l.capability,
      offered: l.offered,
      ranking: l.candidates.map(
        (c) => `${c.resourceId} ${c.etaS}s ${c.distanceM}m ${c.from}${c.withheld ? ' WITHHELD' : ''}`,
      ),
      unfilled: l.unfilled,
    })),
    cover: Object.fromEntries(
      r.lines.flatMap((l) =>
        l.candidates.map((c) => [
          c.resourceId,
          (c.coverImpact ?? []).map((f) => `${f.standardId} ${f.before}->${f.after}`),
        ]),
      ),
    ),
    excluded: r.excluded.map((e) => `${e.resourceId} ${e.reason}`),
  };
}

const results = new Map(CASES.map((c) => [c.name, run(c)]));

if (process.env.JCR_UPDATE_GOLDEN === '1') {
  writeFileSync(
    EXPECTED,
    JSON.stringify(Object.fromEntries([...results].map(([k, v]) => [k, digest(v)])), null, 2) + '\n',
  );
}
const expected = JSON.parse(readFileSync(EXPECTED, 'utf8')) as Record<string, unknown>;

for (const c of CASES) {
  test(`golden: ${c.name}`, () => {
    assert.equal(digest(results.get(c.name)!), expected[c.name]);
  });
}

// The properties each case exists to show, checked directly as well as through the golden file.

test('property: the straight-line nearest pump (FB1) is ranked after the quickest (BG1)', () => {
  const r = results.get(CASES[0]!.name)!;
  const ranking = r.lines[0]!.candidates;
  const nearest = [...ranking].sort((a, b) => a.distanceM - b.distanceM)[0]!;
  assert.is(nearest.resourceId, 'FB1');
  assert.is(ranking[0]!.resourceId, 'BG1');
  assert.ok(ranking[0]!.etaS < nearest.etaS);
});

test('property: returning BG1 is first and beats BRM1, which is first when BG1 is at its station', () => {
  const base = results.get(CASES[1]!.name)!.lines[0]!.candidates;
  const ret = results.get(CASES[2]!.name)!.lines[0]!.candidates;
  assert.is(base[0]!.resourceId, 'BRM1');
  assert.equal([ret[0]!.resourceId, ret[0]!.from, ret[0]!.turnoutS], ['BG1', 'returning', 0]);
  assert.ok(ret[0]!.etaS < base[0]!.etaS);
});

test('property: the aerial line is unfilled and FB-ALP is left out as unavailable', () => {
  const r = results.get(CASES[3]!.name)!;
  const aerial = r.lines.find((l) => l.capability === 'aerial')!;
  assert.equal([aerial.candidates.length, aerial.unfilled], [0, 1]);
  assert.ok(r.excluded.some((e) => e.resourceId === 'FB-ALP' && e.reason === 'unavailable'));
});

test('property: BRM1 is the quickest co-responder but is withheld: fire-first would fall below 90%', () => {
  const r = results.get(CASES[4]!.name)!;
  const co = r.lines.find((l) => l.capability === 'co-responder')!;
  assert.is(co.candidates[0]!.resourceId, 'BRM1');
  assert.ok(co.candidates[0]!.withheld?.startsWith('co-responder rule: fire-first would fall to'));
  assert.equal([co.proposed, co.unfilled], [[], 1]);
  assert.not.ok(r.proposed.includes('BRM1'));
  // With the rule switched off, the same pump is proposed.
  const fleet = w.fleet();
  const off = recommend({
    scenario: { ...w.scenario, rules: { coResponderRequiresCover: false } },
    fleet,
    incident: { id: 'G', typeId: 'cardiac-arrest', lat: 51.623, lon: -0.115, leadAgency: 'ambulance' },
    now: NOW,
    journeys: w.journeys,
    cover: w.cover.at(fleet),
  });
  assert.ok(off.proposed.includes('BRM1'));
});

test('property: the fire drone is offered for a missing person, through a joint request', () => {
  const r = results.get(CASES[5]!.name)!;
  const drone = r.lines.find((l) => l.capability === 'drone')!;
  assert.equal(
    [drone.offered, drone.candidates[0]!.resourceId, drone.candidates[0]!.viaJointRequest],
    [true, 'DRONE1', true],
  );
  assert.not.ok(r.proposed.includes('DRONE1'));
  // Drones fly: ETA = turnout + straight metres at 60 km/h.
  const d = haversineM(51.6125, -0.153, 51.61, -0.13);
  assert.is(drone.candidates[0]!.etaS, Math.round(90 + d / (60 / 3.6)));
});

/** BG1 (wholetime, F-BG at 51.6071,-0.1243) for the at-station baseline incident, after `fix`. */
function bg1With(fix?: { lat: number; lon: number; at: number }) {
  const fleet = w.fleet();
  if (fix) fleet.applyFix(fleet.require('BG1'), fix.lat, fix.lon, 0, 0, fix.at, 5);
  const rec = recommend({
    scenario: w.scenario,
    fleet,
    incident: { id: 'G', typeId: 'dwelling-fire', lat: 51.6215, lon: -0.13, leadAgency: 'fire' },
    now: NOW,
    journeys: w.journeys,
  });
  const c = rec.lines[0]!.candidates.find((x) => x.resourceId === 'BG1')!;
  return [c.from, c.turnoutS, c.driveS, c.etaS] as const;
}

test('item 13: an at-station resource with a fresh fix 800 m from its station is timed, turned out and labelled as mobile', () => {
  // 800 m north of F-BG, reported 5 s ago: on the road with its crew, whatever its status says
  const away = { lat: 51.6071 + 800 / 111_195, lon: -0.1243 };
  assert.is(Math.round(haversineM(away.lat, away.lon, 51.6071, -0.1243)), 800);
  const fromFix = Math.round(w.journeys.within(51.6215, -0.13, 'fire')(away.lat, away.lon, Infinity, undefined));
  const [from, turnout, drive, eta] = bg1With({ ...away, at: NOW - 5_000 });
  assert.equal([from, turnout, drive, eta], ['mobile', 0, fromFix, fromFix]);
  // At its station (no fix), or with a fix 100 m off, or with the 800 m fix gone stale: the station, with turnout.
  const atStation = bg1With();
  const fromStation = Math.round(w.journeys.within(51.6215, -0.13, 'fire')(51.6071, -0.1243, Infinity, undefined));
  assert.equal(atStation, ['station', 90, fromStation, 90 + fromStation]);
  assert.equal(bg1With({ lat: 51.6071 + 100 / 111_195, lon: -0.1243, at: NOW - 5_000 }), atStation);
  assert.equal(bg1With({ ...away, at: NOW - 600_000 }), atStation);
});

test.run();
