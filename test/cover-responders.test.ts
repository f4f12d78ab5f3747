/**
 * Responder lists (server/core/cover/responders.ts): the what-if read from a picture's best k + m
 * responders per demand point equals the full what-if (server/core/cover/moves.ts whatIf, which
 * ranks every source's cached tree) exactly, for every single resource and for seeded random
 * sets, on the Cambridge fixture network with a larger fleet (trees and multi-source search
 * pictures); and literal small cases checked by hand.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { seededRandom } from '../server/core/clock.ts';
import { figuresOf } from '../server/core/cover/impact.ts';
import { CoverModel } from '../server/core/cover/model.ts';
import { whatIf, whatIfFromResponders } from '../server/core/cover/what-if.ts';
import { answersExactly, packResponders, timesWithout, type ResponderLists } from '../server/core/cover/responders.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { isDeployable } from '../server/core/fleet/status.ts';
import type { ResourceDef, Scenario } from '../server/core/scenario/types.ts';
import { CoverCalc } from '../server/shell/cover/calc.ts';
import { WorkerComputer } from '../server/shell/cover/computer.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const base = coverScenario();
const planner = coverPlanner(base);
const model = new CoverModel(planner, base);
const fire = model.surface('fire:pump')!;
const amb = model.surface('ambulance:paramedic')!;

/** Lists by hand: rows per demand point (d-centre, d-cherry, d-arbury, d-chesterton, d-trumpington, d-fulbourn). */
function handLists(): ResponderLists {
  const ids = ['A', 'B', 'C', 'D', 'E'];
  const I = (id: string) => ids.indexOf(id);
  const perPoint: Array<Array<[number, string]>> = [
    [
      [100, 'A'],
      [200, 'B'],
      [400, 'C'],
      [500, 'D'],
    ],
    [
      [250, 'B'],
      [290, 'C'],
      [600, 'A'],
      [700, 'D'],
    ],
    [
      [280, 'A'],
      [470, 'E'],
    ], // only two sources within the bound
    [
      [310, 'D'],
      [320, 'A'],
      [330, 'B'],
      [340, 'C'],
    ],
    [], // does not snap: NaN
    [
      [100, 'E'],
      [450, 'B'],
      [470, 'C'],
      [490, 'A'],
    ],
  ];
  const slots = 4;
  const rows = Array.from({ length: slots }, () => new Float64Array(6).fill(Infinity));
  const who = Array.from({ length: slots }, () => new Int32Array(6).fill(-1));
  perPoint.forEach((list, d) => {
    if (list.length === 0) rows.forEach((r) => (r[d] = NaN));
    list.forEach(([t, id], j) => {
      rows[j]![d] = t;
      who[j]![d] = I(id);
    });
  });
  return packResponders(fire, ids, rows, who);
}

const ambLists = (): ResponderLists =>
  packResponders(
    amb,
    ['AMB1'],
    [new Float64Array([60, 60, 60, 60, 60, 60]), new Float64Array(6).fill(Infinity)],
    [new Int32Array(6).fill(0), new Int32Array(6).fill(-1)],
  );

test('literal: lists packed per demand point; k best without the removed, by hand', () => {
  const l = handLists();
  assert.equal([l.k, l.slots, l.times.length], [2, 4, 24]);
  assert.equal([...l.times.subarray(8, 12)], [280, 470, Infinity, Infinity]); // d-arbury
  assert.equal([...l.who.subarray(8, 12)], [0, 4, -1, -1]);
  const r = (rows: Float64Array[]) => rows.map((x) => [...x]);
  assert.equal(r(timesWithout(l, [])), [
    [100, 250, 280, 310, NaN, 100],
    [200, 290, 470, 320, NaN, 450],
  ]);
  // without A (index 0): d-arbury keeps only E; the next of each list moves up
  assert.equal(r(timesWithout(l, [0])), [
    [200, 250, 470, 310, NaN, 100],
    [400, 290, Infinity, 330, NaN, 450],
  ]);
  // without A and B
  assert.equal(r(timesWithout(l, [0, 1])), [
    [400, 290, 470, 310, NaN, 100],
    [500, 700, Infinity, 340, NaN, 470],
  ]);
  // m = slots - k = 2 removals exact; 3 are not (5 sources, 4 kept); with <= 4 sources any set is
  assert.equal([answersExactly(l, 1), answersExactly(l, 2), answersExactly(l, 3)], [true, true, false]);
  assert.is(answersExactly({ ...l, resourceIds: ['A', 'B', 'C', 'D'] }, 4), true);
});

test('literal: what-if figures from hand lists (weights 50, 30, 15, 25, 20, 10 of 150)', () => {
  const lists = new Map([
    ['fire:pump', handLists()],
    ['ambulance:paramedic', ambLists()],
  ]);
  const get = (k: string) => lists.get(k);
  const shares = (ids: string[]) =>
    figuresOf(whatIfFromResponders(model, get, ids)!).map((f) => [
      f.standardId,
      f.nth,
      f.before,
      f.after,
      f.drop,
      f.meetsAfter,
    ]);
  // Before: 1st within 5 min: centre, cherry, arbury, fulbourn = 105/150; 2nd within 8 min: all but trumpington = 130/150.
  // Without A: 1st loses arbury (15) -> 90/150; 2nd loses arbury (15) -> 115/150.
  assert.equal(shares(['A']), [
    ['fire-test', 1, 0.7, 0.6, 0.1, false],
    ['fire-test', 2, 0.8667, 0.7667, 0.1, false],
  ]);
  // Without A and B: 1st keeps cherry (C 290) and fulbourn = 40/150; 2nd keeps chesterton (C 340) and fulbourn (C 470) = 35/150.
  assert.equal(shares(['A', 'B']), [
    ['fire-test', 1, 0.7, 0.2667, 0.4333, false],
    ['fire-test', 2, 0.8667, 0.2333, 0.6334, false],
  ]);
  const w = whatIfFromResponders(model, get, ['A'])!;
  assert.equal(
    w.surfaces[0]!.lost.map((l) => [l.id, l.nth, l.beforeS, l.afterS]),
    [
      ['d-arbury', 1, 280, 470],
      ['d-arbury', 2, 470, null],
    ],
  );
  // a resource that is no source changes nothing; an ambulance only the ambulance surface
  assert.equal(whatIfFromResponders(model, get, ['Z']), { committed: ['Z'], surfaces: [] });
  assert.equal(shares(['AMB1']), [['amb-test', 1, 1, 0, 1, false]]);
  // more than the lists answer exactly, or a surface without lists: no answer (the caller asks the full what-if)
  assert.is(whatIfFromResponders(model, get, ['A', 'B', 'C']), null);
  assert.is(
    whatIfFromResponders(model, (k) => (k === 'fire:pump' ? handLists() : undefined), ['A']),
    null,
  );
});

/** The fixture world with twelve more pumps and two more ambulances, so lists are shorter than the sources. */
function biggerScenario(): Scenario {
  const extra: ResourceDef[] = [];
  const stations = ['F-CEN', 'F-CHH', 'F-ARB', 'F-TRU'];
  for (let i = 0; i < 12; i++) {
    extra.push({
      id: `P${i}`,
      callSign: `X-P${i}`,
      agency: 'fire',
      type: 'pump',
      capabilities: ['pump'],
      station: stations[i % 4]!,
      crewing: i % 3 === 0 ? 'on-call' : 'wholetime',
      vehicleClass: 'fire',
    });
  }
  for (let i = 0; i < 2; i++)
    extra.push({
      id: `A${i}`,
      callSign: `X-A${i}`,
      agency: 'ambulance',
      type: 'ambulance',
      capabilities: ['paramedic'],
      station: 'A-CEN',
      crewing: 'mobile',
      vehicleClass: 'ambulance',
    });
  return { ...base, resources: [...base.resources, ...extra] };
}

/** A seeded fleet state: some at station, some mobile or returning at road nodes, some committed. */
function seededFleet(scenario: Scenario, seed: number): Fleet {
  const rnd = seededRandom(seed);
  const g = planner.graph;
  const fleet = new Fleet(scenario);
  for (const r of fleet.all()) {
    const u = rnd();
    if (u < 0.4) continue;
    if (u < 0.55) {
      fleet.setStatus(r.def.id, 3, 'INC-1');
      continue;
    }
    fleet.setStatus(r.def.id, 2);
    if (u >= 0.8) fleet.setStatus(r.def.id, 5);
    const p = g.vertexPoint[Math.floor(rnd() * g.nodeCount)]!;
    fleet.move(r.def.id, { lat: g.lat[p]!, lon: g.lon[p]! });
  }
  return fleet;
}

function listsOf(m: CoverModel, fleet: Fleet, method: 'trees' | 'search'): Map<string, ResponderLists> {
  return new Map(m.surfaces.map((s) => [s.key, m.compute(s, m.sources(s, fleet.all()), { method }).responders]));
}

test('exact: every single resource and seeded random sets equal the full what-if (trees and search pictures)', () => {
  const scenario = biggerScenario();
  const rnd = seededRandom(7);
  let compared = 0;
  let refused = 0;
  for (const seed of [1, 2, 3, 4]) {
    const fleet = seededFleet(scenario, seed);
    const resources = [...fleet.all()];
    const deployable = resources.filter((r) => isDeployable(r.status)).map((r) => r.def.id);
    for (const exactRemovals of [4, 1]) {
      const m = new CoverModel(planner, scenario, { exactRemovals });
      const full = new CoverModel(planner, scenario); // the reference: its own trees
      for (const method of ['trees', 'search'] as const) {
        const lists = listsOf(m, fleet, method);
        const fireLists = lists.get('fire:pump')!;
        assert.is(fireLists.slots, 2 + exactRemovals);
        assert.ok(fireLists.resourceIds.length > fireLists.slots, 'more pumps than kept per point');
        const sets: string[][] = resources.map((r) => [r.def.id]); // every resource, committed and unavailable ones too
        for (let i = 0; i < 40; i++) {
          const n = 2 + Math.floor(rnd() * 4);
          const set = new Set<string>();
          while (set.size < n) set.add(deployable[Math.floor(rnd() * deployable.length)]!);
          sets.push([...set]);
        }
        for (const ids of sets) {
          const got = whatIfFromResponders(m, (k) => lists.get(k), ids);
          const pumps = ids.filter((id) => fireLists.resourceIds.includes(id)).length;
          const ambs = ids.filter((id) => lists.get('ambulance:paramedic')!.resourceIds.includes(id)).length;
          if (
            pumps > exactRemovals ||
            (ambs > exactRemovals && lists.get('ambulance:paramedic')!.resourceIds.length > 1 + exactRemovals)
          ) {
            assert.is(got, null, `${ids}`);
            refused++;
            continue;
          }
          assert.equal(got, whatIf(full, resources, ids), `seed ${seed} m ${exactRemovals} ${method} ${ids}`);
          compared++;
        }
      }
    }
  }
  // the seeded sets: how many were compared, and how many were beyond the lists (m = 1 mostly)
  assert.equal([compared, refused], [671, 321]);
});

test('worker: the lists arrive with each picture (transferred) and answer what the worker what-if answers', async () => {
  const scenario = biggerScenario();
  const fleet = seededFleet(scenario, 11);
  const changes = [...fleet.all()].map((r) => ({ resourceId: r.def.id, status: r.status, lat: r.lat, lon: r.lon }));
  const computer = new WorkerComputer({ planner, scenario });
  try {
    const pictures = await computer.request(changes, { kind: 'compute', surfaces: model.surfaces.map((s) => s.key) });
    const lists = new Map(pictures.map((p) => [p.key, p.responders]));
    assert.ok(lists.get('fire:pump')!.times instanceof Float64Array);
    // the same picture on this thread: the lists are equal, element by element
    const calc = new CoverCalc(planner, scenario);
    calc.apply(changes);
    assert.equal(
      calc.compute(model.surfaces.map((s) => s.key)).map((p) => p.responders),
      pictures.map((p) => p.responders),
    );
    const m = new CoverModel(planner, scenario);
    for (const r of fleet.all()) {
      const ids = [r.def.id];
      assert.equal(
        whatIfFromResponders(m, (k) => lists.get(k), ids),
        await computer.request([], { kind: 'whatIf', resourceIds: ids }),
        r.def.id,
      );
    }
    assert.is(m.treeSearches, 0); // answered from the lists alone
  } finally {
    await computer.close();
  }
});

test.run();
