/**
 * The location entry's pure parts (issue 16): the place search's state (debounce, stale requests
 * cancelled and their answers dropped, bounds, the highlight wrapping, choose and clear), the
 * places and location JSON narrowed exactly, the point a chosen place puts on the form, the empty
 * recommendation's reason, and the store keeping an incident's location across COP updates.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import {
  PlaceSearchController,
  type LookupResult,
  type PlaceLookup,
} from '../client/components/jcr-place-search/place-search-controller.ts';
import { parseIncident, parseRecommendation } from '../client/state/parse.ts';
import { parseLocation, parsePlaces, pointOfPlace, snapWords, type PlaceAnswer } from '../client/state/places.ts';
import { ClientStore } from '../client/state/store.ts';
import type { Timers } from '../proto/timer.ts';

function fakeTimers() {
  let next = 1;
  const due = new Map<number, () => void>();
  const timers: Timers = {
    setTimeout: (fn) => {
      due.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => void due.delete(h as number),
    setInterval: () => 0,
    clearInterval() {},
  };
  return {
    timers,
    pending: () => due.size,
    fire() {
      const all = [...due.values()];
      due.clear();
      for (const f of all) f();
    },
  };
}

function host(): ReactiveControllerHost & { updates: number } {
  return {
    updates: 0,
    addController(_c: ReactiveController) {},
    removeController(_c: ReactiveController) {},
    requestUpdate() {
      this.updates++;
    },
    updateComplete: Promise.resolve(true),
  };
}

const place = (label: string, lat = 51.9, lon = -0.2): PlaceAnswer => ({
  kind: 'place',
  label,
  detail: '',
  point: { lat, lon },
  road: { lat, lon, distanceM: 0 },
  gridRef: null,
});

/** A lookup whose answers the test gives by hand, in any order. */
function manualLookup() {
  const calls: { q: string; limit: number; signal: AbortSignal; answer: (r: LookupResult) => void }[] = [];
  const lookup: PlaceLookup = (q, limit, signal) =>
    new Promise((resolve) => calls.push({ q, limit, signal, answer: resolve }));
  return { lookup, calls };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

test('typing fast asks once, after the pause, for what was typed last', async () => {
  const t = fakeTimers();
  const { lookup, calls } = manualLookup();
  const c = new PlaceSearchController(host(), () => lookup, { timers: t.timers });
  for (const q of ['s', 'st', 'ste', 'stev']) c.input(q);
  assert.is(calls.length, 0);
  assert.is(t.pending(), 1);
  assert.is(c.status, 'waiting');
  t.fire();
  assert.equal(
    calls.map((x) => [x.q, x.limit]),
    [['stev', 8]],
  );
  assert.is(c.status, 'searching');
  calls[0]!.answer({ ok: true, places: [place('Stevenage'), place('Stevenage fire station')] });
  await tick();
  assert.equal(
    c.results.map((p) => p.label),
    ['Stevenage', 'Stevenage fire station'],
  );
  assert.is(c.open, true);
  assert.is(c.status, 'found');
  assert.is(c.answered, 'stev');
  assert.is(c.highlight, -1);
  assert.is(c.sent, 1);
});

test('a newer keystroke aborts the request in flight, and its late answer is dropped', async () => {
  const t = fakeTimers();
  const { lookup, calls } = manualLookup();
  const c = new PlaceSearchController(host(), () => lookup, { timers: t.timers });
  c.input('hitch');
  t.fire();
  c.input('hitchin');
  assert.is(calls[0]!.signal.aborted, true);
  t.fire();
  assert.is(calls[1]!.signal.aborted, false);
  calls[1]!.answer({ ok: true, places: [place('Hitchin')] });
  calls[0]!.answer({ ok: true, places: [place('Hitchwood')] }); // late: ignored
  await tick();
  assert.equal(
    c.results.map((p) => p.label),
    ['Hitchin'],
  );
  // A clear drops a pending wait and the request in flight too.
  c.input('welw');
  t.fire();
  c.clear();
  assert.is(calls[2]!.signal.aborted, true);
  assert.is(t.pending(), 0);
  calls[2]!.answer({ ok: true, places: [place('Welwyn')] });
  await tick();
  assert.equal([c.query, c.results.length, c.open, c.status], ['', 0, false, 'idle']);
});

test('bounded: too short or no letter asks nothing; the text is cut to maxChars; answers to limit', async () => {
  const t = fakeTimers();
  const { lookup, calls } = manualLookup();
  const c = new PlaceSearchController(host(), () => lookup, { timers: t.timers, limit: 2 });
  for (const q of ['a', ' b ', '!!', '--,']) {
    c.input(q);
    assert.is(t.pending(), 0, q);
    assert.is(c.status, 'idle', q);
  }
  c.input('x'.repeat(300));
  assert.is(c.query.length, 200);
  t.fire();
  assert.is(calls[0]!.q, 'x'.repeat(200));
  assert.is(calls[0]!.limit, 2);
  calls[0]!.answer({ ok: true, places: [place('A'), place('B'), place('C')] });
  await tick();
  assert.is(c.results.length, 2);
});

test('arrows wrap over the answers; Enter takes the highlighted one; a failure is said', async () => {
  const t = fakeTimers();
  const { lookup, calls } = manualLookup();
  const c = new PlaceSearchController(host(), () => lookup, { timers: t.timers });
  assert.is(c.move(1), false); // nothing to move over
  c.input('ab');
  t.fire();
  calls[0]!.answer({ ok: true, places: [place('A1'), place('A2'), place('A3')] });
  await tick();
  const seen: number[] = [];
  for (const d of [1, 1, 1, 1, -1, -1] as const) {
    c.move(d);
    seen.push(c.highlight);
  }
  assert.equal(seen, [0, 1, 2, 0, 2, 1]);
  assert.is(c.current?.label, 'A2');
  const chosen = c.choose();
  assert.is(chosen?.label, 'A2');
  assert.equal([c.query, c.results.length, c.open, c.highlight], ['A2', 0, false, -1]);
  assert.is(c.choose(), undefined);

  c.input('zz');
  t.fire();
  calls[1]!.answer({ ok: false, aborted: false, message: 'cannot reach the server [NETWORK_ERROR]' });
  await tick();
  assert.equal([c.status, c.error, c.open], ['failed', 'cannot reach the server [NETWORK_ERROR]', false]);
  c.input('zzz');
  t.fire();
  calls[2]!.answer({ ok: true, places: [] });
  await tick();
  assert.equal([c.status, c.open], ['none', true]);
});

test('parsePlaces keeps what fits and drops the rest', () => {
  const good = {
    kind: 'road',
    label: 'A602',
    detail: 'near Stevenage',
    point: { lat: 51.9, lon: -0.2 },
    road: { lat: 51.9001, lon: -0.2, distanceM: 11.1 },
    gridRef: 'TL 24165 24342',
  };
  const places = parsePlaces({
    query: 'a602',
    places: [
      good,
      { ...good, kind: 'castle' },
      { ...good, label: '' },
      { ...good, point: { lat: 91, lon: 0 } },
      { ...good, road: { lat: 1, lon: 2, distanceM: -1 }, gridRef: 7 },
      'x',
    ],
  });
  assert.equal(places, [
    {
      kind: 'road',
      label: 'A602',
      detail: 'near Stevenage',
      point: { lat: 51.9, lon: -0.2 },
      road: { lat: 51.9001, lon: -0.2, distanceM: 11.1 },
      gridRef: 'TL 24165 24342',
    },
    {
      kind: 'road',
      label: 'A602',
      detail: 'near Stevenage',
      point: { lat: 51.9, lon: -0.2 },
      road: null,
      gridRef: null,
    },
  ]);
  assert.equal(parsePlaces(null), []);
  assert.equal(parsePlaces({ places: 'no' }), []);
});

test('a chosen name puts its road point on the form; typed coordinates and grid references stay exact', () => {
  const town = { ...place('Hitchin', 51.95, -0.28), road: { lat: 51.9502, lon: -0.2801, distanceM: 25 } };
  assert.equal(pointOfPlace(town), { lat: 51.9502, lon: -0.2801 });
  assert.equal(pointOfPlace({ ...town, kind: 'gridref' }), { lat: 51.95, lon: -0.28 });
  assert.equal(pointOfPlace({ ...town, kind: 'coordinates' }), { lat: 51.95, lon: -0.28 });
  assert.equal(pointOfPlace({ ...town, road: null }), { lat: 51.95, lon: -0.28 });
  assert.equal([0, 0.4, 12.4, 999, 1250].map(snapWords), [
    'on the road',
    'on the road',
    '12 m from the road',
    '999 m from the road',
    '1.3 km from the road',
  ]);
});

const LOCATION = {
  road: 'A602',
  roadDistanceM: 0,
  place: 'Stevenage',
  placeDistanceM: 0,
  gridRef: 'TL 2416 2434',
  text: 'A602, near Stevenage · TL 2416 2434',
  snapped: { lat: 51.9038, lon: -0.1966, distanceM: 0 },
  offRoad: null,
};

test("an incident's location is read; the store keeps it over a COP record of the same point", () => {
  assert.equal(parseLocation(LOCATION), LOCATION);
  assert.equal(parseLocation({ ...LOCATION, snapped: null, offRoad: 'no road within 500 m' }), {
    ...LOCATION,
    snapped: null,
    offRoad: 'no road within 500 m',
  });
  assert.is(parseLocation({ road: 'A602' }), undefined);
  const inc = parseIncident({ id: 'INC-1', typeId: 't', lat: 51.9038, lon: -0.1966, location: LOCATION });
  assert.equal(inc?.location, LOCATION);

  const s = new ClientStore({ timers: fakeTimers().timers });
  s.upsertIncident(inc!);
  const { location: _, ...bare } = inc!;
  s.upsertIncident({ ...bare, lat: 519038000 / 1e7, status: 'mobilising' });
  assert.equal(s.incidents.get('INC-1')?.location, LOCATION);
  assert.is(s.incidents.get('INC-1')?.status, 'mobilising');
  s.replaceIncidents([{ ...bare }]);
  assert.equal(s.incidents.get('INC-1')?.location, LOCATION);
  // Moved: the old words no longer describe it.
  s.upsertIncident({ ...bare, lat: 51.95 });
  assert.is(s.incidents.get('INC-1')?.location, undefined);
});

test('an empty recommendation carries its reason; a full one none', () => {
  const empty = parseRecommendation(
    { proposed: [], lines: [], emptyReason: 'no road within 500 m of the incident' },
    'INC-2',
  );
  assert.is(empty?.emptyReason, 'no road within 500 m of the incident');
  assert.is(parseRecommendation({ proposed: [], lines: [] }, 'INC-2')?.emptyReason, null);
});

test.run();
