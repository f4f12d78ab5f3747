import { fakeClock } from '../../server/core/clock.ts';
import { StraightLineJourneyTimes } from '../../server/core/incidents/journeys.ts';
import { recommend } from '../../server/core/incidents/recommend.ts';
import { summarise, type Recommendation } from '../../server/core/incidents/view.ts';
import type { RecommendationSummary } from '../../server/core/incidents/types.ts';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { Engine } from '../../server/shell/engine.ts';
import { Store } from '../../server/shell/store/store.ts';
import { miniScenario } from '../fixtures/mini-scenario.ts';

/**
 * The mini scenario with a police search team, two dog units (one at Hatfield, one at a far
 * station ~19 km north-east), a fire boat, and the Hertfordshire missing-person type; journeys
 * are straight lines at 36 km/h (10 m/s) for every profile, so times can be worked out by hand.
 * A co-responder must arrive a minute before the first paramedic (rules.coResponderMarginS 60).
 */
export function linesScenario(): Scenario {
  const s = miniScenario();
  s.rules.coResponderMarginS = 60;
  s.stations.push({ id: 'P-FAR', name: 'Far police', agency: 'police', lat: 51.92, lon: -0.1 });
  const police = (id: string, capabilities: string[], station = 'P-HAT') => ({
    id,
    callSign: id,
    agency: 'police' as const,
    type: capabilities.includes('dog') ? 'dog-unit' : 'police-response-car',
    capabilities,
    station,
    crewing: 'mobile' as const,
    vehicleClass: 'police',
  });
  s.resources.push(
    police('DOG1', ['dog', 'search', 'police-response']),
    police('DOG2', ['dog', 'search', 'police-response'], 'P-FAR'),
    police('PS1', ['police-response', 'search']),
    police('PS2', ['police-response', 'search']),
    {
      id: 'BOAT1',
      callSign: 'WG-BOAT',
      agency: 'fire',
      type: 'water-rescue',
      capabilities: ['water-rescue', 'boat'],
      station: 'F-WGC',
      crewing: 'wholetime',
      vehicleClass: 'fire',
    },
  );
  s.incidentTypes.push({
    id: 'missing-person-high-risk',
    name: 'High-risk missing person',
    leadAgency: 'police',
    priority: 1,
    attendance: [
      { capability: 'search', count: 2, agency: 'police' },
      { capability: 'dog', count: 1, agency: 'police' },
      { capability: 'drone', count: 1 },
    ],
    standards: [],
  });
  return s;
}

export const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
export const JOURNEYS = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36, drone: 36 }, ['drone']);
export const alice = { origin: 'operator' as const, actor: 'alice' };

export function bootLines(scenario: Scenario = linesScenario()) {
  const clock = fakeClock(T0);
  const engine = Engine.boot(scenario, Store.open(':memory:'), clock.now);
  /** Recommend for an incident now, as GET .../recommendation does: what it shows, recording nothing. */
  const recommendNow = (incidentId: string): { rec: Recommendation; summary: RecommendationSummary; seq: number } => {
    const room = engine.room;
    const rec = recommend({
      scenario: room.scenario,
      fleet: room.fleet,
      incident: room.incidents.require(incidentId),
      now: room.clock(),
      journeys: JOURNEYS,
      cover: null,
    });
    return { rec, summary: summarise(rec), seq: room.lastSeq };
  };
  return { clock, engine, recommendNow };
}
