/**
 * A candidate's cover impact is the cover what-if (server/core/cover/moves.ts whatIf): the
 * recommendation's figures equal a what-if computed independently (a CoverModel of the test's
 * own), target by target, with exact numbers worked out from the Cambridge cover world's demand
 * weights (total 150); and over HTTP the endpoint answers from the live cover picture's responder
 * lists (no search on the main thread), the same figures.
 */
import { neverTimers } from './support/timers.ts';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fakeClock } from '../server/core/clock.ts';
import { figuresOf, PlannerCover, type StandardCoverFigure } from '../server/core/cover/impact.ts';
import { CoverModel } from '../server/core/cover/model.ts';
import { whatIf } from '../server/core/cover/what-if.ts';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { PlannerJourneyTimes } from '../server/core/incidents/journeys.ts';
import { recommend } from '../server/core/incidents/recommend.ts';
import type { Recommendation } from '../server/core/incidents/view.ts';
import type { Scenario } from '../server/core/scenario/types.ts';
import { mobilisationFromPlanner } from '../server/shell/incidents/mobilisation.ts';
import { startServer } from '../server/shell/server.ts';
import { coverPlanner, coverScenario } from './support/cover-world.ts';
import { api, tokenFor } from './support/server.ts';

const NOW = Date.UTC(2026, 0, 1, 9, 0, 0);
const scenario: Scenario = {
  ...coverScenario(),
  incidentTypes: [
    {
      id: 'dwelling-fire',
      name: 'Dwelling fire',
      leadAgency: 'fire',
      priority: 1,
      attendance: [{ capability: 'pump', count: 2, agency: 'fire' }],
      standards: ['fire-test'],
    },
  ],
};
const planner = coverPlanner(scenario);
const incident = { id: 'I1', typeId: 'dwelling-fire', lat: 52.2053, lon: 0.1218, leadAgency: 'fire' as const };

/** Figures as the recommendation shows them: only standards that drop. */
const dropping = (fs: StandardCoverFigure[]) => fs.filter((f) => f.drop > 0);
const impacts = (r: Recommendation) =>
  Object.fromEntries(r.lines[0]!.candidates.map((c) => [c.resourceId, c.coverImpact]));

let expected: Record<string, StandardCoverFigure[] | null> = {};

test('core: each candidate coverImpact equals an independent what-if, exactly', () => {
  const fleet = new Fleet(scenario);
  const rec = recommend({
    scenario,
    fleet,
    incident,
    now: NOW,
    journeys: new PlannerJourneyTimes(planner),
    cover: new PlannerCover(planner, scenario).at(fleet),
  });
  const own = new CoverModel(planner, scenario);
  const got = impacts(rec);
  assert.equal(Object.keys(got).sort(), ['CEN1', 'CEN2', 'CEN3', 'CHH1', 'TRU1']);
  for (const [id, figs] of Object.entries(got)) {
    const w = whatIf(own, [...fleet.all()], [id]);
    // the same what-if, read target by target
    const want = w.surfaces.flatMap((s) =>
      s.before.map((b, i) => ({
        standardId: b.standardId,
        before: Math.round(b.coveredShare * 1e4) / 1e4,
        after: Math.round(s.after[i]!.coveredShare * 1e4) / 1e4,
        meetsAfter: s.after[i]!.meetsStandard,
      })),
    );
    assert.equal(
      figs!.map((f) => ({ standardId: f.standardId, before: f.before, after: f.after, meetsAfter: f.meetsAfter })),
      want.filter((f) => f.before - f.after > 0),
      id,
    );
    assert.equal(figs, dropping(figuresOf(w)), id);
  }
  expected = got;
});

test('core: the exact figures, by hand from the demand weights (total 150)', () => {
  // Before: the 1st pump reaches 125 of 150 within 5 min (0.8333). Sending CHH1, Cherry Hinton's
  // only pump, loses Cherry Hinton (30): 95/150 = 0.6333; sending TRU1 loses Trumpington (20):
  // 105/150 = 0.7. A Central pump leaves two more at Central: nothing drops. The 2nd-pump
  // 8-minute target of the same standard drops for neither.
  const fig = (after: number, drop: number): StandardCoverFigure => ({
    standardId: 'fire-test',
    agency: 'fire',
    capability: 'pump',
    nth: 1,
    withinS: 300,
    targetShare: 0.9,
    before: 0.8333,
    after,
    drop,
    meetsAfter: false,
  });
  assert.equal(expected, { CEN1: [], CEN2: [], CEN3: [], TRU1: [fig(0.7, 0.1333)], CHH1: [fig(0.6333, 0.2)] });
});

test('http: the recommendation endpoint answers from the live cover picture, without a search on the main thread', async () => {
  const clock = fakeClock(NOW);
  const server = await startServer({
    scenario,
    db: ':memory:',
    port: 0,
    clock: clock.now,
    log: 'silent',
    roads: { planner, cover: { timers: neverTimers }, mobilisation: mobilisationFromPlanner(planner, scenario) },
  });
  try {
    const token = await tokenFor(server, 'fire-dispatcher');
    const created = await api(server, 'POST', '/api/incidents', {
      token,
      body: { typeId: 'dwelling-fire', lat: incident.lat, lon: incident.lon },
    });
    assert.is(created.status, 201);
    const id = (created.body as { id: string }).id;
    // No picture yet (the debounce never fires here): cover is reported as not evaluated.
    const early = (await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token })).body as Recommendation;
    assert.is(early.rules.coverEvaluated, false);
    assert.equal(
      early.lines[0]!.candidates.map((c) => c.coverImpact),
      [null, null, null, null, null],
    );

    await server.cover!.flushAsync(); // the first picture, from the worker
    const r = await api(server, 'GET', `/api/incidents/${id}/recommendation`, { token });
    assert.is(r.status, 200);
    const rec = r.body as Recommendation;
    assert.is(rec.rules.coverEvaluated, true);
    // read from the picture's responder lists: the main thread's model built no tree
    assert.is(server.cover!.model.treeSearches, 0);
    const own = new CoverModel(planner, scenario);
    const fleet = [...server.engine.room.fleet.all()];
    for (const c of rec.lines[0]!.candidates) {
      assert.equal(c.coverImpact, dropping(figuresOf(whatIf(own, fleet, [c.resourceId]))), c.resourceId);
      assert.equal(c.coverImpact, expected[c.resourceId], c.resourceId);
    }
    assert.is(server.cover!.model.treeSearches, 0);
  } finally {
    await server.close();
  }
});

test.run();
