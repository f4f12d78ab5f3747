/**
 * The map's label placement, in Node (client/map/collision-grid.ts, label-placement.ts): the
 * collision grid's overlap rule, the labels payload narrowed, and the greedy placement with
 * literal candidates and sizes: best first, towns moved above or below when their point is
 * taken, refs not repeated close by, names only where the road is long enough, obstacles kept.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CollisionGrid } from '../client/map/collision-grid.ts';
import { LabelIndex, LabelPlacer, parseMapLabels, placeLabels } from '../client/map/label-placement.ts';
import type { MapLabelsMsg } from '../proto/map-labels.ts';

test('collision grid: overlapping boxes collide, touching ones do not, across cells and below zero', () => {
  const g = new CollisionGrid(64);
  g.insert(0, 0, 10, 10);
  assert.is(g.fits(10, 0, 20, 10), true, 'touching the right edge');
  assert.is(g.fits(-10, -10, 0, 0), true, 'touching the corner');
  assert.is(g.fits(9, 9, 20, 20), false);
  assert.is(g.tryInsert(-200, -5, 300, -1), true, 'a long box over many cells, negative coordinates');
  assert.is(g.fits(250, -3, 260, 5), false, 'found from a cell far from its start');
  assert.is(g.fits(-150, 0, -100, 5), true);
  assert.is(g.size, 2);
  g.clear();
  assert.is(g.fits(0, 0, 10, 10), true);
  assert.is(g.size, 0);
});

test('the payload is narrowed: bad entries are left out, a bad body is undefined', () => {
  assert.is(parseMapLabels(null), undefined);
  assert.is(parseMapLabels({ places: [] }), undefined);
  const good = { text: 'A1(M)', kind: 'ref', highway: 'motorway', minZoom: 9, priority: 2090, anchors: [52, 0, 0, 10] };
  assert.equal(
    parseMapLabels({
      places: [{ text: 'Ware', lat: 51.8, lon: -0.03, minZoom: 10, priority: 3100 }, { text: 'x', lat: '51' }, 7],
      roads: [
        good,
        { ...good, kind: 'shield' },
        { ...good, anchors: [52, 0, 0] },
        { ...good, anchors: [52, 0, 0, 'x'] },
      ],
    }),
    { places: [{ text: 'Ware', lat: 51.8, lon: -0.03, minZoom: 10, priority: 3100 }], roads: [good] },
  );
});

// Candidates near (0, 0): one degree is 10,000 px in the fake projection, so 0.01 is 100 px.
const project = (lat: number, lon: number): [number, number] => [lon * 1e4, -lat * 1e4];
const SIZES: Record<string, { w: number; h: number }> = {
  Alpha: { w: 40, h: 10 },
  Beta: { w: 40, h: 10 },
  Gamma: { w: 30, h: 10 },
  Hidden: { w: 30, h: 10 },
  A1: { w: 20, h: 10 },
  'Long Road': { w: 50, h: 10 },
};

const MSG: MapLabelsMsg = {
  places: [
    { text: 'Beta', lat: -0.01, lon: 0.011, minZoom: 0, priority: 3500 },
    { text: 'Alpha', lat: -0.01, lon: 0.01, minZoom: 0, priority: 3999 },
    { text: 'Hidden', lat: -0.03, lon: 0.03, minZoom: 12, priority: 3900 },
    { text: 'Gamma', lat: -0.05, lon: 0.05, minZoom: 9, priority: 3100 },
  ],
  roads: [
    // A name at zoom 10 (153 m/px on the equator) needs 50 px x 153 = 7,644 m of road.
    {
      text: 'Long Road',
      kind: 'name',
      highway: 'primary',
      minZoom: 10,
      priority: 1070,
      anchors: [-0.04, 0.02, 30, 5000, -0.04, 0.04, -30, 9000],
    },
    {
      text: 'A1',
      kind: 'ref',
      highway: 'motorway',
      minZoom: 9,
      priority: 2090,
      anchors: [-0.02, 0.01, 90, 1e4, -0.02, 0.015, 90, 1e4, -0.02, 0.04, 90, 1e4],
    },
  ],
};

test('greedy placement: best first, towns shifted off a taken point, refs spaced, names where they fit', () => {
  const index = new LabelIndex(MSG);
  assert.is(index.size, 9);
  const candidates = index.query(10, -1, -1, 1, 1);
  // Best first: towns by priority (Hidden waits for zoom 12), then the ref, then the name.
  assert.equal(
    candidates.map((i) => index.text[i]),
    ['Alpha', 'Beta', 'Gamma', 'A1', 'A1', 'A1', 'Long Road', 'Long Road'],
  );
  const grid = new CollisionGrid();
  // A call sign already placed where Gamma would go.
  grid.insert(490, 488, 520, 505);
  const placed = placeLabels(index, candidates, grid, {
    zoom: 10,
    project,
    region: [-1000, -1000, 1000, 1000],
    size: (i) => SIZES[index.text[i]!]!,
  });
  const r2 = (n: number) => Math.round(n * 100) / 100;
  assert.equal(
    placed.map((p) => [index.text[p.i], p.x, p.y, p.angle, p.box.map(r2)]),
    [
      ['Alpha', 100, 100, 0, [80, 95, 120, 105]],
      // Beta's own point overlaps Alpha: it sits one label height above it, touching.
      ['Beta', 110, 90, 0, [90, 85, 130, 95]],
      // Gamma's point and the spot above it hold the call sign; below it is free.
      ['Gamma', 500, 510, 0, [485, 505, 515, 515]],
      // The ref at 150 px is within 220 px of the one at 100: left out; 400 px is far enough.
      ['A1', 100, 200, 0, [90, 195, 110, 205]],
      ['A1', 400, 200, 0, [390, 195, 410, 205]],
      // The first anchor has 5,000 m of road, too short; the second 9,000 m, drawn at -30°.
      ['Long Road', 400, 400, -30, [375.85, 383.17, 424.15, 416.83]],
    ],
  );
  assert.is(grid.size, 7, 'the call sign and six labels');
});

test('placement in slices (the map places in idle time) keeps the same labels as in one go, each told as placed', () => {
  const index = new LabelIndex(MSG);
  const candidates = index.query(10, -1, -1, 1, 1);
  const opts = { zoom: 10, project, region: [-1000, -1000, 1000, 1000] as [number, number, number, number] };
  const size = (i: number) => SIZES[index.text[i]!]!;
  const whole = placeLabels(index, candidates, new CollisionGrid(), { ...opts, size });
  // A budget that runs out at every check: one slice of 8 candidates per step.
  const told: string[] = [];
  let sized = 0;
  const placer = new LabelPlacer(index, candidates, new CollisionGrid(), {
    ...opts,
    size: (i) => (sized++, size(i)),
    onPlace: (p) => void told.push(index.text[p.i]!),
  });
  let steps = 0;
  while (!placer.step(() => false)) steps++;
  assert.is(steps, 0, '8 candidates: one slice');
  assert.equal(placer.placed, whole);
  assert.equal(told, ['Alpha', 'Beta', 'Gamma', 'A1', 'A1', 'Long Road']);
  // Twenty candidates (the eight, again, and four of them a third time: towns find their other spots): three slices of at most eight.
  const many = [...candidates, ...candidates, ...candidates.slice(0, 4)];
  const sliced = new LabelPlacer(index, many, new CollisionGrid(), { ...opts, size });
  const slices: number[] = [];
  for (let done = false; !done;) {
    done = sliced.step(() => false);
    slices.push(sliced.placed.length);
  }
  assert.equal(slices, [6, 8, 9]);
  assert.equal(sliced.placed, placeLabels(index, many, new CollisionGrid(), { ...opts, size }));
  assert.ok(sized >= 6);
});

test('a label not wholly inside the drawn region is left out', () => {
  const index = new LabelIndex(MSG);
  const placed = placeLabels(index, index.query(10, -1, -1, 1, 1), new CollisionGrid(), {
    zoom: 10,
    project,
    region: [0, 0, 115, 1000],
    size: (i) => SIZES[index.text[i]!]!,
  });
  assert.equal(
    placed.map((p) => index.text[p.i]),
    // Alpha's point is inside but its box reaches x = 120; the ref at 100 px fits.
    ['A1'],
  );
});

test.run();
