/**
 * The screens' cover parsing and words, with literal JSON shaped as the server sends it
 * (server/shell/http/cover.ts coverJson, GET /api/cover/moves, POST /api/cover/moves): what fits
 * is kept exactly, what does not is dropped, never guessed. The client's role rule for standby
 * moves agrees with the server's `can` for every role.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseCover, parseCoverFigure, parseCoverMoves, parseStandbyMove } from '../client/state/parse-cover.ts';
import { mayMoveCover } from '../client/state/permissions.ts';
import {
  groupGaps,
  nthName,
  percent1,
  surfaceName,
  targetName,
} from '../client/components/jcr-cover-panel/cover-text.ts';
import { ROLES, can } from '../server/core/auth/roles.ts';

const FIG1 = {
  standardId: 'fire-test',
  standardName: 'First appliance 5 min, second 8 min',
  nth: 1,
  withinS: 300,
  share: 0.9,
  surface: 'fire:pump',
  coveredWeight: 125,
  totalWeight: 150,
  coveredShare: 0.8333333333333334,
  meetsStandard: false,
  label: 'fire pump 1st within 5 min: 83.3% of demand (standard 90%)',
};
const FIG_AMB = {
  standardId: 'amb-test',
  standardName: 'Ambulance 8 min',
  nth: 1,
  withinS: 480,
  share: 0.75,
  surface: 'ambulance:paramedic',
  coveredWeight: 140,
  totalWeight: 150,
  coveredShare: 0.9333333333333333,
  meetsStandard: true,
  label: 'ambulance paramedic 1st within 8 min: 93.3% of demand (standard 75%)',
};
const cell = (west: number, south: number, east: number, north: number, props: Record<string, unknown>) => ({
  type: 'Feature',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [east, south],
        [east, north],
        [west, north],
        [west, south],
      ],
    ],
  },
  properties: props,
});
const COVER = {
  computedAtMs: 1795290751198,
  eventSeq: 7,
  surfaces: [{ key: 'fire:pump', agency: 'fire', capability: 'pump', method: 'search', computeMs: 99.7, sources: 6 }],
  figures: [FIG1, FIG_AMB],
  gaps: {
    type: 'FeatureCollection',
    features: [
      cell(0.08, 52.151, 0.09, 52.16, {
        surface: 'fire:pump',
        nth: 1,
        withinS: 300,
        medianS: 336,
        worstS: 336,
        nodes: 1,
        row: 0,
        col: 2,
      }),
      cell(0.09, 52.151, 0.1, 52.16, {
        surface: 'fire:pump',
        nth: 1,
        withinS: 300,
        medianS: null,
        worstS: null,
        nodes: 3,
        row: 0,
        col: 3,
      }),
      cell(0.1, 52.16, 0.11, 52.169, {
        surface: 'fire:pump',
        nth: 2,
        withinS: 480,
        medianS: 500,
        worstS: 610,
        nodes: 2,
        row: 1,
        col: 4,
      }),
    ],
  },
  standby: [
    {
      moveId: 'SB-CEN1-1000',
      resourceId: 'CEN1',
      destination: { id: 'F-CHH', kind: 'station', name: 'Cherry Hinton', lat: 52.1885, lon: 0.1745 },
      orderedAt: 1000,
      orderedBy: 'duty-officer',
    },
  ],
};

test('parseCover: figures, gap cells as [lat, lon] rings, standby moves, exactly as sent', () => {
  const c = parseCover(COVER);
  assert.ok(c);
  assert.is(c.computedAtMs, 1795290751198);
  assert.is(c.eventSeq, 7);
  assert.equal(c.figures[0], {
    surface: 'fire:pump',
    standardId: 'fire-test',
    standardName: 'First appliance 5 min, second 8 min',
    nth: 1,
    withinS: 300,
    coveredShare: 0.8333333333333334,
    target: 0.9,
    meetsStandard: false,
    label: 'fire pump 1st within 5 min: 83.3% of demand (standard 90%)',
  });
  assert.equal(
    c.figures.map((f) => [f.standardId, f.meetsStandard]),
    [
      ['fire-test', false],
      ['amb-test', true],
    ],
  );
  assert.is(c.gaps.length, 3);
  assert.equal(c.gaps[0], {
    surface: 'fire:pump',
    nth: 1,
    withinS: 300,
    medianS: 336,
    ring: [
      [52.151, 0.08],
      [52.151, 0.09],
      [52.16, 0.09],
      [52.16, 0.08],
      [52.151, 0.08],
    ],
  });
  assert.is(c.gaps[1]?.medianS, null);
  assert.equal(c.standby, [
    {
      moveId: 'SB-CEN1-1000',
      resourceId: 'CEN1',
      destination: { id: 'F-CHH', kind: 'station', name: 'Cherry Hinton', lat: 52.1885, lon: 0.1745 },
      orderedAt: 1000,
      orderedBy: 'duty-officer',
    },
  ]);
});

test('parseCover: untrusted input — records that do not fit are dropped, not guessed', () => {
  assert.is(parseCover(null), undefined);
  assert.is(parseCover([COVER]), undefined);
  assert.is(parseCover('{"figures":[]}'), undefined);
  const c = parseCover({
    computedAtMs: 'yesterday',
    figures: [
      { ...FIG1, coveredShare: 1.7 }, // not a share
      { ...FIG1, coveredShare: '0.8' },
      { ...FIG1, meetsStandard: 'no' },
      { ...FIG1, nth: 0 },
      { ...FIG1, label: undefined },
      { ...FIG1, share: 3 }, // kept, but no target it cannot be
      'fire',
      null,
    ],
    gaps: {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [0.1, 52.2] },
          properties: { surface: 'fire:pump', nth: 1, withinS: 300 },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0.1, 52.2],
                [0.2, 95],
                [0.2, 52.3],
                [0.1, 52.2],
              ],
            ],
          },
          properties: { surface: 'fire:pump', nth: 1, withinS: 300 },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0.1, 52.2],
                [0.2, 52.2],
                [0.1, 52.2],
              ],
            ],
          },
          properties: { surface: 'fire:pump', nth: 1, withinS: 300 },
        },
        cell(0.1, 52.2, 0.11, 52.209, { nth: 1, withinS: 300 }),
        cell(0.1, 52.2, 0.11, 52.209, { surface: 'fire:pump', nth: 1, withinS: 300 }),
      ],
    },
    standby: [
      { moveId: 'SB-X', resourceId: 'X', destination: { id: 'P', kind: 'garage', name: 'P', lat: 52, lon: 0 } },
      { resourceId: 'Y' },
    ],
  });
  assert.ok(c);
  assert.is(c.computedAtMs, 0);
  assert.is(c.figures.length, 1);
  assert.is(c.figures[0]?.target, null);
  assert.is(c.gaps.length, 1, 'only the well-formed polygon with its target');
  assert.is(c.gaps[0]?.medianS, null);
  assert.equal(c.standby, []);
  // gaps that are not a FeatureCollection are ignored
  assert.equal(
    parseCover({ figures: [], gaps: [cell(0.1, 52.2, 0.11, 52.209, { surface: 'fire:pump', nth: 1, withinS: 300 })] })
      ?.gaps,
    [],
  );
  // the COP's smaller figure (no standardName, no share) is read too
  assert.equal(
    parseCoverFigure({
      surface: 'fire:pump',
      standardId: 'fire-test',
      nth: 2,
      withinS: 480,
      coveredShare: 0.5,
      meetsStandard: false,
      label: 'x',
    }),
    {
      surface: 'fire:pump',
      standardId: 'fire-test',
      standardName: '',
      nth: 2,
      withinS: 480,
      coveredShare: 0.5,
      target: null,
      meetsStandard: false,
      label: 'x',
    },
  );
});

test('parseCoverMoves: suggestions with before/after; bad ones dropped', () => {
  const after2 = {
    ...FIG1,
    nth: 2,
    withinS: 480,
    coveredWeight: 150,
    coveredShare: 1,
    meetsStandard: true,
    label: 'fire pump 2nd within 8 min: 100.0% of demand (standard 90%)',
  };
  const moves = parseCoverMoves({
    moves: [
      {
        resourceId: 'CEN1',
        callSign: 'CB-P1',
        surface: 'fire:pump',
        from: { lat: 52.2036, lon: 0.1303 },
        destination: { id: 'F-CHH', kind: 'station', name: 'Cherry Hinton', lat: 52.1885, lon: 0.1745 },
        travelS: 424,
        gainWeight: 40,
        strippedWeight: 0,
        netShare: 0.26666666666666666,
        before: [FIG1],
        after: [FIG1, after2],
      },
      {
        resourceId: 'CEN2',
        callSign: 'CB-P2',
        surface: 'fire:pump',
        destination: { id: 'DAP', kind: 'post', name: 'Post', lat: 52.2, lon: 0.16 },
        travelS: null,
        netShare: -0.1,
        before: [],
        after: [],
      },
      {
        resourceId: 'X',
        surface: 'fire:pump',
        destination: { id: 'F', kind: 'station', lat: 52, lon: 0 },
        netShare: 4,
      },
      { resourceId: 'Y', surface: 'fire:pump', destination: null, netShare: 0.1 },
    ],
  });
  assert.is(moves.length, 2);
  assert.equal(moves[0]?.destination, {
    id: 'F-CHH',
    kind: 'station',
    name: 'Cherry Hinton',
    lat: 52.1885,
    lon: 0.1745,
  });
  assert.is(moves[0]?.travelS, 424);
  assert.is(moves[0]?.netShare, 0.26666666666666666);
  assert.equal(
    moves[0]?.after.map((f) => [f.nth, f.coveredShare, f.meetsStandard]),
    [
      [1, 0.8333333333333334, false],
      [2, 1, true],
    ],
  );
  assert.is(moves[1]?.travelS, null);
  assert.is(moves[1]?.destination.kind, 'post');
  assert.equal(parseCoverMoves({ moves: 'none' }), []);
  assert.equal(parseCoverMoves(null), []);
});

test('parseStandbyMove: the POST /api/cover/moves answer', () => {
  const body = {
    seq: 12,
    events: 2,
    move: {
      moveId: 'SB-CEN1-5',
      resourceId: 'CEN1',
      destination: { id: 'F-CHH', kind: 'station', name: 'Cherry Hinton', lat: 52.1885, lon: 0.1745 },
      orderedAt: 5,
      orderedBy: 'duty',
    },
  };
  assert.equal(parseStandbyMove(body.move), {
    moveId: 'SB-CEN1-5',
    resourceId: 'CEN1',
    destination: { id: 'F-CHH', kind: 'station', name: 'Cherry Hinton', lat: 52.1885, lon: 0.1745 },
    orderedAt: 5,
    orderedBy: 'duty',
  });
  assert.is(
    parseStandbyMove({
      moveId: 'SB',
      resourceId: 'CEN1',
      destination: { id: 'F', kind: 'station', name: 'F', lat: 200, lon: 0 },
    }),
    undefined,
  );
});

test('cover words: percent, target and gap groups', () => {
  assert.is(percent1(0.8333333333333334), '83.3%');
  assert.is(percent1(1), '100.0%');
  assert.equal([1, 2, 3, 4].map(nthName), ['1st', '2nd', '3rd', '4th']);
  assert.is(surfaceName('fire:pump'), 'Fire pump');
  assert.is(targetName(1, 600), '1st within 10 min');
  assert.is(targetName(2, 450), '2nd within 7.5 min');
  const c = parseCover(COVER);
  assert.ok(c);
  assert.equal(groupGaps(c.gaps), [
    { surface: 'fire:pump', nth: 1, withinS: 300, cells: 2 },
    { surface: 'fire:pump', nth: 2, withinS: 480, cells: 1 },
  ]);
});

test('only the roles the server lets order standby moves see Apply enabled', () => {
  for (const role of ROLES) assert.is(mayMoveCover(role), can(role, 'cover.move'), role);
  assert.is(mayMoveCover('admin'), false);
  assert.is(mayMoveCover(null), false);
});

test.run();
