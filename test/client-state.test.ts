/**
 * The screens' pure parts: the store batches notifications per frame and names the slices that
 * changed; JSON from the server is narrowed exactly; formatters; the basemap simplifier.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientStore, type Slice } from '../client/state/store.ts';
import { parseFeatures, parseIncident, parseRecommendation, parseResources } from '../client/state/parse.ts';
import { formatDuration, formatShare } from '../client/format.ts';
import { formatShare1, ordinal } from '../client/format-standards.ts';
import { simplify } from '../server/core/basemap/basemap.ts';

const res = (id: string, status: string, lat = 51.7) => ({
  id,
  callSign: id,
  agency: 'fire',
  type: 'pump',
  capabilities: ['pump'],
  station: 'S',
  status,
  lat,
  lon: -0.2,
  headingDeg: 0,
  speedMps: 0,
  fixTimeMs: 0,
  incidentId: null,
});

test('store: many writes, one notification per frame, naming the changed slices', () => {
  const frames: (() => void)[] = [];
  const timers = {
    setTimeout: (fn: () => void) => frames.push(fn),
    clearTimeout() {},
    setInterval: () => 0,
    clearInterval() {},
  };
  const s = new ClientStore({ timers });
  const seen: Slice[][] = [];
  s.subscribe(['positions', 'statuses'], (c) => seen.push([...c].sort()));
  const board: Slice[][] = [];
  s.subscribe(['statuses'], (c) => board.push([...c].sort()));
  s.replaceResources(
    parseResources({ seq: 3, resources: [res('A', 'AVAILABLE_AT_STATION'), res('B', 'MOBILISED')] }).resources,
    3,
  );
  s.upsertResources([{ id: 'A', lat: 51.71 }]);
  assert.is(frames.length, 1);
  frames.shift()?.();
  assert.equal(seen, [['positions', 'statuses']]);
  s.upsertResources([{ id: 'A', lat: 51.72 }]);
  frames.shift()?.();
  assert.equal(seen[1], ['positions']);
  assert.is(board.length, 1); // a move alone does not re-render the board
  assert.is(s.lastSeq, 3);
  // A has never had a fix: counted apart as stale, not as available (issue 17 item 5).
  assert.equal(s.availableByAgency(1_000_000), {
    available: { fire: 0, police: 0, ambulance: 0 },
    stale: { fire: 1, police: 0, ambulance: 0 },
  });
});

test('store: a deployable unit whose position is stale is counted stale, not available', () => {
  const s = new ClientStore();
  const now = 10_000_000;
  s.replaceResources(
    parseResources({
      seq: 1,
      resources: [
        { ...res('F1', 'AVAILABLE_AT_STATION'), fixTimeMs: now - 5_000 },
        { ...res('F2', 'AVAILABLE_MOBILE'), fixTimeMs: now - 121_000 },
        { ...res('F3', 'RETURNING'), fixTimeMs: now - 119_000 },
        { ...res('F4', 'MOBILISED'), fixTimeMs: now - 500_000 },
        { ...res('A1', 'AVAILABLE_AT_STATION'), agency: 'ambulance', fixTimeMs: 0 },
        { ...res('P1', 'AVAILABLE_MOBILE'), agency: 'police', fixTimeMs: now - 1_000 },
      ],
    }).resources,
    1,
  );
  assert.equal(s.availableByAgency(now), {
    available: { fire: 2, police: 1, ambulance: 0 },
    stale: { fire: 1, police: 0, ambulance: 1 },
  });
});

test('parse: a resource that does not fit is dropped, not guessed', () => {
  const { resources } = parseResources({
    seq: 1,
    resources: [res('A', 'AVAILABLE_AT_STATION'), { ...res('B', 'FLYING') }, { id: 'C' }],
  });
  assert.equal(
    resources.map((r) => r.id),
    ['A'],
  );
});

test('parse: incident and recommendation as the server sends them', () => {
  const inc = parseIncident({
    id: 'INC-1',
    typeId: 'dwelling-fire',
    typeName: 'Dwelling fire',
    priority: 1,
    lat: 52.2,
    lon: 0.11,
    address: 'Mill Road',
    status: 'mobilising',
    createdAt: 1000,
    leadAgency: 'fire',
    supportingAgencies: ['police', 'coastguard'],
    requests: [
      { requestId: 'R1', toAgency: 'ambulance', status: 'pending' },
      { requestId: 'R2', toAgency: 'police', status: 'declined' },
    ],
    attendances: [
      { resourceId: 'CEN1', agency: 'fire', mobilisedAt: 1100, arrivedAt: null, leftAt: null, line: 'pump' },
      { resourceId: 'X', agency: 'fire', mobilisedAt: 1200, arrivedAt: 3, leftAt: 5 },
      { resourceId: 'Y', agency: 'navy', mobilisedAt: 1200, arrivedAt: null, leftAt: null },
    ],
  });
  assert.equal(inc, {
    id: 'INC-1',
    typeId: 'dwelling-fire',
    typeName: 'Dwelling fire',
    priority: 1,
    lat: 52.2,
    lon: 0.11,
    callTimeMs: 1000,
    state: 'OPEN',
    status: 'mobilising',
    assigned: ['CEN1'],
    description: 'Mill Road',
    leadAgency: 'fire',
    supportingAgencies: ['police'],
    requestedAgencies: ['ambulance'],
    attendances: [
      { resourceId: 'CEN1', agency: 'fire', mobilisedAtMs: 1100, arrivedAtMs: null, leftAtMs: null, line: 'pump' },
      { resourceId: 'X', agency: 'fire', mobilisedAtMs: 1200, arrivedAtMs: 3, leftAtMs: 5, line: null },
    ],
    // The requests name no requester: they do not fit and are dropped (requestedAgencies reads them still).
    requests: [],
  });
  const rec = parseRecommendation(
    {
      recommendationSeq: 7,
      proposed: ['CEN2', 'CEN1'],
      lines: [
        {
          capability: 'pump',
          unfilled: 0,
          candidates: [
            {
              resourceId: 'CEN1',
              callSign: 'CB-P1',
              agency: 'fire',
              etaS: 269,
              proposed: true,
              withheld: null,
              coverImpact: [{ standardId: 'fire-test', before: 0.9, after: 0.8 }],
            },
            {
              resourceId: 'CEN2',
              callSign: 'CB-P2',
              agency: 'fire',
              etaS: 250,
              proposed: true,
              withheld: null,
              coverImpact: null,
            },
            {
              resourceId: 'GIR1',
              callSign: 'GI-P1',
              agency: 'fire',
              etaS: 600,
              proposed: false,
              withheld: null,
              coverImpact: null,
            },
          ],
        },
      ],
    },
    'INC-1',
    new Map([['fire-test', 'Fire 5 min']]),
  );
  assert.is(rec?.seq, 7);
  assert.equal(
    rec?.resources.map((r) => [r.resourceId, r.etaS]),
    [
      ['CEN2', 250],
      ['CEN1', 269],
    ],
  );
  assert.equal(
    rec?.candidates.map((r) => r.resourceId),
    ['CEN2', 'CEN1', 'GIR1'],
  );
  assert.equal(rec?.coverImpact, [
    {
      resourceId: 'CEN1',
      proposed: true,
      key: 'fire-test#',
      label: 'CB-P1: Fire 5 min',
      beforeShare: 0.9,
      afterShare: 0.8,
    },
  ]);
  assert.equal(parseFeatures({ features: { incidents: true, recommendations: false, cover: true, cop: false } }), {
    incidents: true,
    recommendations: false,
    cover: true,
    routes: false,
    cop: false,
    joint: false,
  });
  assert.is(parseFeatures({ features: { joint: true } }).joint, true);
});

test('parse: cover impact for every candidate, worded per agency and target, no repeats (issue 17 item 5)', () => {
  const rec = parseRecommendation(
    {
      proposed: ['AMB1'],
      lines: [
        {
          capability: 'paramedic',
          unfilled: 0,
          candidates: [
            {
              resourceId: 'AMB1',
              callSign: 'EE-A1',
              agency: 'ambulance',
              etaS: 300,
              proposed: true,
              withheld: null,
              coverImpact: [
                { standardId: 'amb', agency: 'ambulance', nth: 1, withinS: 480, before: 0.9945, after: 0.9896 },
              ],
            },
            {
              resourceId: 'AMB2',
              callSign: 'EE-A2',
              agency: 'ambulance',
              etaS: 420,
              proposed: false,
              withheld: null,
              coverImpact: [
                { standardId: 'amb', agency: 'ambulance', nth: 1, withinS: 480, before: 0.9945, after: 0.97 },
              ],
            },
          ],
        },
        {
          capability: 'pump',
          unfilled: 0,
          candidates: [
            {
              resourceId: 'HAT1',
              callSign: 'HT-P1',
              agency: 'fire',
              etaS: 200,
              proposed: false,
              withheld: null,
              coverImpact: [
                { standardId: 'fire', agency: 'fire', nth: 1, withinS: 600, before: 0.95, after: 0.94 },
                { standardId: 'fire', agency: 'fire', nth: 2, withinS: 780, before: 0.9, after: 0.85 },
              ],
            },
          ],
        },
      ],
    },
    'INC-3',
    new Map([
      ['amb', 'Category 1: 8 min on 75%'],
      ['fire', 'First appliance 10 min, second 13 min'],
    ]),
  );
  assert.equal(
    rec?.coverImpact.map((c) => [c.resourceId, c.proposed, c.label]),
    [
      ['AMB1', true, 'EE-A1: 1st ambulance within 8 min'],
      ['AMB2', false, 'EE-A2: 1st ambulance within 8 min'],
      ['HAT1', false, 'HT-P1: 1st appliance within 10 min'],
      ['HAT1', false, 'HT-P1: 2nd appliance within 13 min'],
    ],
  );
  assert.equal(
    rec?.coverImpact.map((c) => `${formatShare1(c.beforeShare)} → ${formatShare1(c.afterShare)}`),
    ['99.5% → 99.0%', '99.5% → 97.0%', '95.0% → 94.0%', '90.0% → 85.0%'],
  );
});

test('parse: cover impact figures of one standard say which responder they count (1st or 2nd appliance)', () => {
  const rec = parseRecommendation(
    {
      proposed: ['CEN1'],
      lines: [
        {
          capability: 'pump',
          unfilled: 0,
          candidates: [
            {
              resourceId: 'CEN1',
              callSign: 'CB-P1',
              agency: 'fire',
              etaS: 269,
              proposed: true,
              withheld: null,
              coverImpact: [
                { standardId: 'fire-10', nth: 1, before: 0.9, after: 0.85 },
                { standardId: 'fire-10', nth: 2, before: 0.8, after: 0.7 },
                { standardId: 'fire-10', nth: 0, before: 0.5, after: 0.4 },
              ],
            },
          ],
        },
      ],
    },
    'INC-2',
    new Map([['fire-10', 'Fire 10 min']]),
  );
  assert.equal(
    rec?.coverImpact.map((c) => [c.label, c.beforeShare, c.afterShare]),
    [
      ['CB-P1: Fire 10 min, 1st appliance', 0.9, 0.85],
      ['CB-P1: Fire 10 min, 2nd appliance', 0.8, 0.7],
      // no valid responder number (0): the standard's name alone
      ['CB-P1: Fire 10 min', 0.5, 0.4],
    ],
  );
  assert.equal([1, 2, 3, 4, 11, 12, 13, 21, 22, 112].map(ordinal), [
    '1st',
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '112th',
  ]);
});

test('formatters', () => {
  assert.is(formatDuration(245), '4:05');
  assert.is(formatDuration(3723), '1:02:03');
  assert.is(formatDuration(-5), '0:00');
  assert.is(formatShare(0.873), '87%');
});

test('basemap simplify keeps the ends and the corner, drops the straight-line points', () => {
  const lat = [52, 52, 52, 52.01, 52.02];
  const lon = [0, 0.001, 0.002, 0.002, 0.002];
  assert.equal(simplify(lat, lon, 5), [0, 2, 4]);
  assert.equal(simplify([52, 52.1], [0, 0], 5), [0, 1]);
});

test.run();
