/**
 * What a room offers a partner that asks for assistance (issue 18 item 5): the quickest
 * deployable resources of the capability with the recommender's ETA (turnout + drive), limited
 * to the count, the acting agency's own, or the ones named; a place off our road network gets an
 * estimated ETA (1.3 × the straight line at half the top speed) rather than none.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Fleet } from '../server/core/fleet/fleet.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { StraightLineJourneyTimes, type JourneyTimes } from '../server/core/incidents/journeys.ts';
import { offerFor } from '../server/core/mait/offer.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';

const NOW = Date.UTC(2026, 11, 2, 20);
const SC = miniScenario();
/** 10 m/s straight lines: WGC1 (wholetime, 90 s turnout) is 3,349 m away, HAT1 4,407 m, HAT2 on-call (300 s). */
const J = new StraightLineJourneyTimes({ fire: 36, police: 36, ambulance: 36 });
const ASK = { lat: 51.8, lon: -0.25, capability: 'pump', count: 2 };
const row = (o: { resourceId: string; etaS: number }) => [o.resourceId, o.etaS];

test('the quickest deployable resources of the capability, as many as asked, with turnout + drive', () => {
  const fleet = new Fleet(SC);
  assert.equal(offerFor(SC, fleet, J, ASK, NOW).map(row), [
    ['WGC1', 425],
    ['HAT1', 531],
  ]);
  assert.equal(offerFor(SC, fleet, J, { ...ASK, count: 5 }, NOW).map(row), [
    ['WGC1', 425],
    ['HAT1', 531],
    ['HAT2', 741],
  ]);
  fleet.setStatus('WGC1', ResourceStatus.MOBILISED, 'INC-9');
  assert.equal(offerFor(SC, fleet, J, ASK, NOW).map(row), [
    ['HAT1', 531],
    ['HAT2', 741],
  ]);
});

test("an agency's dispatcher offers its own; named resources are offered whatever their number", () => {
  const fleet = new Fleet(SC);
  assert.equal(offerFor(SC, fleet, J, { ...ASK, agency: 'police' }, NOW), []);
  assert.equal(offerFor(SC, fleet, J, { ...ASK, resourceIds: ['HAT2', 'PC1', 'HAT1'] }, NOW), [
    { resourceId: 'PC1', callsign: 'HT-IRV1', capability: 'police-response', etaS: 410 },
    { resourceId: 'HAT1', callsign: 'HT-P1', capability: 'pump', etaS: 531 },
    { resourceId: 'HAT2', callsign: 'HT-P2', capability: 'pump', etaS: 741 },
  ]);
});

test('a place off our road network gets an estimated ETA; one over an hour away is not offered', () => {
  const fleet = new Fleet(SC);
  const off: JourneyTimes = {
    toTarget: () => () => Infinity,
    within: () => () => Infinity,
    maxSpeedMps: () => 20,
    isAir: () => false,
  };
  // WGC1: 90 + 1.3 × 3,349 m / 10 m/s = 525.4 s.
  assert.equal(offerFor(SC, fleet, off, ASK, NOW).map(row), [
    ['WGC1', 526],
    ['HAT1', 663],
  ]);
  assert.equal(offerFor(SC, fleet, J, { ...ASK, lat: 52.2, lon: 0.5 }, NOW), []);
});

test.run();
