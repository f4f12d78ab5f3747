import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CoverModel, type SurfaceDef } from '../server/core/cover/model.ts';
import { recommendMoves } from '../server/core/cover/moves.ts';
import { whatIf } from '../server/core/cover/what-if.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { Room } from '../server/core/room.ts';
import { fakeClock } from '../server/core/clock.ts';
import { isJcrError } from '../server/core/errors.ts';
import type { JcrEvent } from '../server/core/events.ts';
import { turnoutS } from '../server/core/graph/speed.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';

const scenario = coverScenario();
const planner = coverPlanner(scenario);
const model = new CoverModel(planner, scenario);
const fire = model.surface('fire:pump')!;

/** Independent per-demand-point answer: every candidate's time to the point (reverse search), nth best. */
function bruteForce(s: SurfaceDef, fleet: Fleet): Float64Array[] {
  const cands = [...fleet.all()]
    .filter(
      (r) =>
        (r.status === 1 || r.status === 2 || r.status === 5) &&
        r.def.capabilities.includes(s.capability) &&
        r.def.agency === s.agency,
    )
    .map((r) => ({
      id: r.def.id,
      profile: r.def.vehicleClass,
      lat: r.lat,
      lon: r.lon,
      turnoutS: r.status === 1 ? turnoutS(r.def, scenario.crewing) : 0,
    }));
  const out = Array.from({ length: s.k }, () => new Float64Array(scenario.demand.length));
  scenario.demand.forEach((d, i) => {
    const etas = planner.candidatesToTarget(planner.snap(d.lat, d.lon), cands, { maxS: 7200 });
    for (let j = 0; j < s.k; j++) {
      const t = etas[j]?.seconds ?? Infinity;
      out[j]![i] = t <= s.boundS ? t : Infinity;
    }
  });
  return out;
}

function share(times: Float64Array, withinS: number): number {
  let w = 0,
    total = 0;
  scenario.demand.forEach((d, i) => {
    total += d.weight;
    if (times[i]! <= withinS) w += d.weight;
  });
  return w / total;
}

function cellOf(lat: number, lon: number): { row: number; col: number } {
  return {
    row: Math.floor((lat - model.grid.south) / model.grid.dLat),
    col: Math.floor((lon - model.grid.west) / model.grid.dLon),
  };
}

test('figures of both methods equal a brute-force per-demand-point computation (first and second appliance)', () => {
  const fleet = new Fleet(scenario);
  fleet.setStatus('CHH1', 3, 'INC-1');
  fleet.setStatus('CEN2', 2);
  fleet.move('CEN2', { lat: 52.21, lon: 0.145 }); // mobile, no turnout
  const brute = bruteForce(fire, fleet);
  for (const method of ['trees', 'search'] as const) {
    const r = model.compute(fire, model.sources(fire, fleet.all()), { method });
    for (let j = 0; j < 2; j++) {
      scenario.demand.forEach((_d, i) => {
        const a = r.demandTimes[j]![i]!,
          b = brute[j]![i]!;
        if (Number.isFinite(b))
          assert.ok(Math.abs(a - b) < 1e-6, `${method} nth ${j + 1} ${scenario.demand[i]!.id}: ${a} vs ${b}`);
        else assert.is(a, Infinity);
      });
    }
    assert.equal(
      r.figures.map((f) => f.coveredShare),
      [share(brute[0]!, 300), share(brute[1]!, 480)],
      method,
    );
  }
});

test('literal figures on the Cambridge network: all pumps home', () => {
  const fleet = new Fleet(scenario);
  const r = model.compute(fire, model.sources(fire, fleet.all()));
  assert.equal(
    r.figures.map((f) => f.coveredWeight),
    [125, 110],
  );
  assert.is(r.figures[0]!.label, 'fire pump 1st within 5 min: 83.3% of demand (standard 90%)');
  assert.equal(
    [...r.demandTimes[0]!].map((t) => Math.round(t)),
    [187, 155, 374, 284, 218, 359],
  );
});

test('committing the only pump near Cherry Hinton opens a gap there; the recommended move closes it without stripping', () => {
  const fleet = new Fleet(scenario);
  const before = model.compute(fire, model.sources(fire, fleet.all()));
  const cherry = cellOf(52.186, 0.178);
  const inGap = (gaps: ReturnType<CoverModel['gaps']>) =>
    gaps[0]!.cells.some((c) => c.row === cherry.row && c.col === cherry.col);
  assert.is(inGap(model.gaps(before)), false);

  const w = whatIf(model, [...fleet.all()], ['CHH1']);
  assert.equal(
    w.surfaces.map((s) => s.surface),
    ['fire:pump'],
  );
  assert.equal(
    w.surfaces[0]!.lost.map((l) => [l.id, l.nth, l.beforeS, l.afterS]),
    [['d-cherry', 1, 154.6, 553.2]],
  );

  fleet.setStatus('CHH1', 3, 'INC-1');
  const after = model.compute(fire, model.sources(fire, fleet.all()));
  assert.is(inGap(model.gaps(after)), true);
  assert.equal(
    after.figures.map((f) => f.coveredWeight),
    [95, 110],
  );

  const moves = recommendMoves(model, [...fleet.all()], { surface: 'fire:pump', limit: 3 });
  const best = moves[0]!;
  assert.is(best.destination.id, 'F-CHH');
  assert.ok(best.resourceId.startsWith('CEN'), best.resourceId);
  assert.is(best.strippedWeight, 0);
  assert.is(best.gainWeight, 30);
  assert.equal(
    best.before.map((f) => f.coveredWeight),
    [95, 110],
  );
  assert.equal(
    best.after.map((f) => f.coveredWeight),
    [125, 110],
  );
  assert.ok(best.travelS !== null && best.travelS > 0);
  // apply it: the moved pump at Cherry Hinton station closes the gap cell
  fleet.setStatus(best.resourceId, 2);
  fleet.setStatus(best.resourceId, 1);
  fleet.move(best.resourceId, { lat: best.destination.lat, lon: best.destination.lon });
  const moved = model.compute(fire, model.sources(fire, fleet.all()));
  assert.equal(
    moved.figures.map((f) => f.coveredWeight),
    [125, 110],
  );
  assert.is(inGap(model.gaps(moved)), false);
});

test('standby moves skipping unreachable destinations equal the full evaluation of every destination', () => {
  const states: Array<Array<[string, 1 | 2 | 3]>> = [
    [['CHH1', 3]],
    [
      ['CHH1', 3],
      ['TRU1', 3],
    ],
    [
      ['CEN1', 3],
      ['CEN2', 3],
      ['ARB1', 3],
    ],
    [['AMB1', 3]],
  ];
  for (const changes of states) {
    const fleet = new Fleet(scenario);
    for (const [id, st] of changes) fleet.setStatus(id, st, 'INC-1');
    const pruned = recommendMoves(new CoverModel(planner, scenario), [...fleet.all()], { limit: 50 });
    const full = recommendMoves(new CoverModel(planner, scenario), [...fleet.all()], { limit: 50, prune: false });
    assert.equal(pruned, full, JSON.stringify(changes));
  }
  // the first state's best move, literally (F-CHH lost its only pump)
  const fleet = new Fleet(scenario);
  fleet.setStatus('CHH1', 3, 'INC-1');
  const best = recommendMoves(model, [...fleet.all()], { limit: 1 })[0]!;
  assert.equal([best.destination.id, best.gainWeight, best.strippedWeight], ['F-CHH', 30, 0]);
});

function roomWith(): {
  room: Room;
  apply: (evs: ReturnType<Room['decide']>) => void;
  clock: ReturnType<typeof fakeClock>;
} {
  const clock = fakeClock();
  const room = new Room(scenario, { clock: clock.now });
  let seq = 0;
  const apply = (evs: ReturnType<Room['decide']>) => {
    for (const e of evs) room.apply({ ...e, seq: ++seq } as JcrEvent);
  };
  return { room, apply, clock };
}

test('standby move: order makes the resource AVAILABLE_MOBILE with a destination; arrival at a station books it in there', () => {
  const { room, apply } = roomWith();
  const ctx = { origin: 'operator' as const, actor: 'duty' };
  const evs = room.decide({ type: 'cover.standbyMove', resourceId: 'CEN2', destinationId: 'F-CHH' }, ctx);
  assert.equal(
    evs.map((e) => e.type),
    ['resource.status', 'cover.standbyOrdered'],
  );
  apply(evs);
  assert.is(room.fleet.get('CEN2')!.status, 2);
  assert.is(room.standby.get('CEN2')!.destination.id, 'F-CHH');
  apply(room.decide({ type: 'cover.endStandby', resourceId: 'CEN2', reason: 'arrived' }, ctx));
  assert.is(room.standby.get('CEN2'), undefined);
  assert.is(room.fleet.get('CEN2')!.status, 1);
  assert.equal([room.fleet.get('CEN2')!.lat, room.fleet.get('CEN2')!.lon], [52.1885, 0.1745]);
});

test('standby move: mobilising ends it; cancel; refusals carry stable codes', () => {
  const { room, apply } = roomWith();
  const ctx = { origin: 'operator' as const, actor: 'duty' };
  apply(room.decide({ type: 'cover.standbyMove', resourceId: 'AMB1', destinationId: 'DAP-NEW' }, ctx));
  assert.is(room.standby.get('AMB1')!.destination.kind, 'post');
  apply(room.decide({ type: 'resource.setStatus', resourceId: 'AMB1', status: 3 }, ctx));
  assert.is(room.standby.get('AMB1'), undefined);
  apply(room.decide({ type: 'cover.standbyMove', resourceId: 'CEN1', destinationId: 'F-TRU' }, ctx));
  apply(room.decide({ type: 'cover.endStandby', resourceId: 'CEN1', reason: 'cancelled' }, ctx));
  assert.is(room.standby.get('CEN1'), undefined);
  assert.is(room.fleet.get('CEN1')!.status, 2);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return isJcrError(e) ? e.code : 'other';
    }
    return 'none';
  };
  assert.is(
    code(() => room.decide({ type: 'cover.standbyMove', resourceId: 'CEN1', destinationId: 'NOPE' }, ctx)),
    'JCR_COVER_BAD_DESTINATION',
  );
  assert.is(
    code(() => room.decide({ type: 'cover.standbyMove', resourceId: 'CEN1', destinationId: 'DAP-NEW' }, ctx)),
    'JCR_COVER_BAD_DESTINATION',
  );
  assert.is(
    code(() => room.decide({ type: 'cover.standbyMove', resourceId: 'AMB1', destinationId: 'DAP-NEW' }, ctx)),
    'JCR_COVER_RESOURCE_UNAVAILABLE',
  );
  assert.is(
    code(() => room.decide({ type: 'cover.endStandby', resourceId: 'CEN3', reason: 'cancelled' }, ctx)),
    'JCR_COVER_NO_STANDBY',
  );
  assert.is(
    code(() => room.decide({ type: 'cover.standbyMove', resourceId: 'XX', destinationId: 'F-CHH' }, ctx)),
    'JCR_NOT_FOUND',
  );
});

test.run();
