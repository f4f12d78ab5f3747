/**
 * The partners file (issue 18 item 1): a good file loads; a bad one is refused with every problem
 * listed (JCR_MAIT_PARTNERS_INVALID); which partner's area holds a point and how far a point lies
 * outside it; incident types mapped both ways, an unmapped one refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JcrError } from '../server/core/errors.ts';
import { loadPartners } from '../server/shell/mait/partners-file.ts';
import {
  inArea,
  metresFromArea,
  partnersByDistance,
  partnersProblems,
  typeFromPartner,
  typeToPartner,
  validatePartners,
} from '../server/core/mait/partners.ts';
import { HERTS_PARTNERS } from './support/mait-samples.ts';
import { partnerPair } from '../sim/scenarios/partners/pair.ts';

const TYPES = new Set(['dwelling-fire', 'rtc-persons-trapped', 'cardiac-arrest']);
const BEDS = HERTS_PARTNERS.partners[0]!;

test('the Hertfordshire partners file is valid and typed as written', () => {
  assert.equal(partnersProblems(HERTS_PARTNERS, TYPES), []);
  assert.is(validatePartners(structuredClone(HERTS_PARTNERS), 'partners.json', TYPES).partners[0]!.id, 'beds');
});

test('every problem of a bad partners file is listed with its path', () => {
  const bad = {
    room: { id: 'herts', name: 'Hertfordshire' },
    partners: [
      {
        id: 'herts',
        name: '',
        baseUrl: 'ftp://beds.example',
        area: [
          [-0.7, 51.85],
          [-0.2, 95],
        ],
        types: [
          { ours: 'dwelling-fire', theirs: 'F DWELL' },
          { ours: 'tea-party', theirs: 'T' },
          { ours: 'dwelling-fire', theirs: 'T' },
        ],
        secrets: { outbound: 'short', inbound: 'short' },
      },
    ],
  };
  assert.equal(partnersProblems(bad, TYPES), [
    { path: 'partners[0].id', reason: 'duplicate room id "herts" (first used at room)' },
    { path: 'partners[0].name', reason: 'must not be empty' },
    {
      path: 'partners[0].baseUrl',
      reason: '"ftp://beds.example" must be an http or https URL without query or fragment',
    },
    { path: 'partners[0].area[1][1]', reason: 'latitude 95 out of range -90..90' },
    { path: 'partners[0].area', reason: 'a polygon needs at least 3 points' },
    { path: 'partners[0].types[0].theirs', reason: '"F DWELL" must be 1 to 64 letters, digits or . _ : -' },
    { path: 'partners[0].types[1].ours', reason: 'unknown incident type "tea-party"' },
    {
      path: 'partners[0].types[2].ours',
      reason: 'duplicate mapping of our type "dwelling-fire" (first used at partners[0].types[0])',
    },
    { path: 'partners[0].types[2].theirs', reason: 'duplicate partner type "T" (first used at partners[0].types[1])' },
    { path: 'partners[0].secrets.outbound', reason: 'must be at least 32 characters' },
    { path: 'partners[0].secrets.inbound', reason: 'must be at least 32 characters' },
    { path: 'partners[0].secrets', reason: 'outbound and inbound must differ: one secret per direction' },
  ]);
  try {
    validatePartners(bad, 'p.json', TYPES);
    assert.unreachable();
  } catch (e) {
    assert.instance(e, JcrError);
    assert.is((e as JcrError).code, 'JCR_MAIT_PARTNERS_INVALID');
    assert.match((e as JcrError).message, /^p\.json: partners\[0\]\.id: duplicate room id "herts"/);
  }
});

test('a point inside the area is 0 m from it; outside, the distance to the nearest edge', () => {
  assert.ok(inArea(BEDS, 52.0, -0.4));
  assert.not.ok(inArea(BEDS, 51.8, -0.4));
  assert.is(metresFromArea(BEDS, 52.0, -0.4), 0);
  // 0.05° of latitude south of the southern edge: 5.5 km.
  assert.is(Math.round(metresFromArea(BEDS, 51.8, -0.4)), 5529);
  // East of the eastern edge at lon -0.2, by 0.1° at 52°N: 6.85 km.
  assert.is(Math.round(metresFromArea(BEDS, 52.0, -0.1)), 6854);
});

test('partners are offered by distance: the one whose area holds the point first', () => {
  const far = {
    ...BEDS,
    id: 'essex',
    area: [
      [0.3, 51.5],
      [1.2, 51.5],
      [1.2, 52.1],
      [0.3, 52.1],
    ] as Array<[number, number]>,
  };
  assert.equal(
    partnersByDistance([far, BEDS], 52.0, -0.4).map((p) => [p.partner.id, Math.round(p.metres)]),
    [
      ['beds', 0],
      ['essex', 47_975],
    ],
  );
});

test('types map ours to theirs and back; an unmapped type is JCR_MAIT_UNMAPPED_TYPE', () => {
  assert.is(typeToPartner(BEDS, 'dwelling-fire'), 'F-DWELL');
  assert.is(typeFromPartner(BEDS, 'R-TRAP'), 'rtc-persons-trapped');
  assert.is(typeFromPartner(BEDS, 'NOPE'), undefined);
  try {
    typeToPartner(BEDS, 'cardiac-arrest');
    assert.unreachable();
  } catch (e) {
    assert.is((e as JcrError).code, 'JCR_MAIT_UNMAPPED_TYPE');
  }
});

test('a partners file is read from disk; a missing or non-JSON one is JCR_MAIT_PARTNERS_INVALID', () => {
  const dir = mkdtempSync(join(tmpdir(), 'jcr-partners-'));
  try {
    const good = join(dir, 'partners.json');
    writeFileSync(good, JSON.stringify(HERTS_PARTNERS));
    assert.equal(loadPartners(good, TYPES), HERTS_PARTNERS);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "room": ');
    for (const f of [bad, join(dir, 'missing.json')]) {
      try {
        loadPartners(f, TYPES);
        assert.unreachable();
      } catch (e) {
        assert.is((e as JcrError).code, 'JCR_MAIT_PARTNERS_INVALID');
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the demo's pair of partners files are valid mirror images, with the demo's county outlines", () => {
  const areas = JSON.parse(readFileSync('sim/scenarios/partners/areas.json', 'utf8')) as Record<
    string,
    Array<[number, number]>
  >;
  let n = 0;
  const [h, b] = partnerPair(
    {
      id: 'hertfordshire',
      name: 'Hertfordshire',
      baseUrl: 'http://127.0.0.1:8080',
      area: areas['hertfordshire']!,
      typeIds: ['dwelling-fire', 'cardiac-arrest'],
    },
    {
      id: 'bedfordshire',
      name: 'Bedfordshire',
      baseUrl: 'http://127.0.0.1:8081',
      area: areas['bedfordshire']!,
      typeIds: ['dwelling-fire', 'water-rescue'],
    },
    () => `secret-number-${++n}-`.padEnd(40, 'x'),
  );
  assert.equal(partnersProblems(h, new Set(['dwelling-fire', 'cardiac-arrest'])), []);
  assert.equal(partnersProblems(b, new Set(['dwelling-fire', 'water-rescue'])), []);
  assert.equal(h.partners[0]!.types, [{ ours: 'dwelling-fire', theirs: 'dwelling-fire' }]);
  assert.is(h.partners[0]!.secrets.outbound, b.partners[0]!.secrets.inbound);
  assert.is(b.partners[0]!.secrets.outbound, h.partners[0]!.secrets.inbound);
  assert.is.not(h.partners[0]!.secrets.outbound, h.partners[0]!.secrets.inbound);
  // Luton is Bedfordshire's, Stevenage Hertfordshire's; Hitchin is 4.2 km from Bedfordshire, within reach.
  assert.is(h.partners[0]!.name, 'Bedfordshire');
  assert.ok(inArea(h.partners[0]!, 51.879, -0.417));
  assert.ok(inArea(b.partners[0]!, 51.903, -0.202));
  assert.is(Math.round(metresFromArea(h.partners[0]!, 51.949, -0.283) / 100) * 100, 4200);
});

test.run();
