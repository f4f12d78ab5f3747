/**
 * The hand-written browser codec (client/cop/codec.ts, protobufjs/minimal Reader/Writer only, safe
 * under the page's CSP) against the server's reflection codec (server/shell/cop/codec.ts, built
 * from proto/cop.proto): every field of every message the screens read or send, both directions.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import protobuf from 'protobufjs';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import type {
  AlertMsg,
  CopClientMsg,
  CopCoverSummaryMsg,
  CopIncidentMsg,
  CopResourceMsg,
  CopDeltaMsg,
  CopServerMsg,
  PerformanceFigureMsg,
  PerformanceReport,
} from '../proto/wire.ts';
import { CopClientMessageType, CopServerMessageType, decodeClient, encodeServer } from '../server/shell/cop/codec.ts';

/** Plain data with enums as numbers and unset oneof members absent, as the browser codec decodes. */
function plain(type: protobuf.Type, m: protobuf.Message): unknown {
  return type.toObject(m, { enums: Number, longs: Number, defaults: true, arrays: true });
}

const R1: CopResourceMsg = {
  ref: 3,
  id: 'HAT1',
  callSign: 'Hatfield 1',
  agency: 'fire',
  type: 'pump',
  station: 'ST-HAT',
  capabilities: ['pump', 'rescue'],
  status: 4,
  incidentId: 'I-7',
  latE7: 517636000,
  lonE7: -2247000,
  headingDeg: 359,
  speedDmps: 125,
  fixTimeMs: 1767258000123.5,
  accuracyM: 8,
};
const R2: CopResourceMsg = {
  ref: 4294967295,
  id: 'AMB-ü',
  callSign: 'Ambulance ✚',
  agency: 'ambulance',
  type: 'dca',
  station: '',
  capabilities: [],
  status: 6,
  incidentId: '',
  latE7: -900000000,
  lonE7: 1800000000,
  headingDeg: 0,
  speedDmps: 4294967295,
  fixTimeMs: 0,
  accuracyM: 0,
};

const I7: CopIncidentMsg = {
  id: 'I-7',
  typeId: 'rtc',
  typeName: 'Road traffic collision ✚',
  priority: 1,
  status: 'in-attendance',
  latE7: 517636000,
  lonE7: -2247000,
  address: 'A1(M) J4',
  leadAgency: 'fire',
  supportingAgencies: ['police', 'ambulance'],
  attendances: [
    { resourceId: 'HAT1', agency: 'fire', mobilisedAtMs: 1767258000000, arrivedAtMs: 1767258300000.5, leftAtMs: 0 },
    { resourceId: 'PC1', agency: 'police', mobilisedAtMs: 1767258001000, arrivedAtMs: 0, leftAtMs: 1767258002000 },
  ],
  createdAtMs: 1767257999000,
  updatedAtMs: 1767258300000.5,
  closedAtMs: 0,
  majorIncident: true,
  requestedAgencies: ['ambulance'],
  requests: [
    {
      requestId: 'R-2',
      fromAgency: 'fire',
      toAgency: 'ambulance',
      status: 'pending',
      lines: [
        { capability: 'dca', count: 2, suggested: ['AMB-ü', 'AMB-2'] },
        { capability: 'hart', count: 4294967295, suggested: [] },
      ],
      note: 'two casualties trapped ✚',
      requestedBy: 'fire.desk',
      requestedAtMs: 1767258000500.5,
      answeredBy: '',
      answeredAtMs: 0,
      answer: '',
      mobilised: [],
    },
    {
      requestId: 'R-1',
      fromAgency: 'fire',
      toAgency: 'police',
      status: 'accepted',
      lines: [],
      note: '',
      requestedBy: 'fire.desk',
      requestedAtMs: 1767258000400,
      answeredBy: 'police.desk',
      answeredAtMs: 1767258000900.25,
      answer: 'PC1 is closer than the suggested unit',
      mobilised: ['PC1'],
    },
  ],
  location: {
    text: 'A1(M), near Stevenage · TL 2416 2434',
    road: 'A1(M)',
    roadDistanceM: 12,
    place: 'Stevenage',
    placeDistanceM: 1830,
    gridRef: 'TL 2416 2434',
    snapped: { latE7: 517637123, lonE7: -2246000, distanceM: 12.3 },
    offRoad: '',
  },
};
const I8: CopIncidentMsg = {
  id: 'I-8',
  typeId: '',
  typeName: '',
  priority: 0,
  status: '',
  latE7: -900000000,
  lonE7: 1800000000,
  address: '',
  leadAgency: '',
  supportingAgencies: [],
  attendances: [],
  createdAtMs: 0,
  updatedAtMs: 0,
  closedAtMs: 1,
  majorIncident: false,
  requestedAgencies: [],
  requests: [],
  location: {
    text: '',
    road: '',
    roadDistanceM: 0,
    place: '',
    placeDistanceM: 4294967295,
    gridRef: '',
    snapped: { latE7: -900000000, lonE7: 1800000000, distanceM: 0 },
    offRoad: 'no road within 500 m',
  },
};
const COVER: CopCoverSummaryMsg = {
  computedAtMs: 1767258000000.25,
  eventSeq: 4294967295,
  gapCells: 17,
  standbyMoves: 2,
  figures: [
    {
      surface: 'fire:pump',
      standardId: 'fire-1st',
      standardName: 'Fire 1st pump',
      nth: 1,
      withinS: 600,
      coveredShare: 0.934,
      targetShare: 0.9,
      meetsStandard: true,
      label: 'fire pump 1st within 10 min: 93.4%',
    },
    {
      surface: 'ambulance:dca',
      standardId: 'cat1',
      standardName: '',
      nth: 2,
      withinS: 0,
      coveredShare: 0,
      targetShare: 1,
      meetsStandard: false,
      label: '',
    },
  ],
};

const FIGURE: PerformanceFigureMsg = {
  standardId: 'fire-appliances',
  standardName: 'First appliance 10 min ✚',
  agency: 'fire',
  capability: 'pump',
  nth: 2,
  withinS: 780,
  targetShare: 0.9,
  window: 'today',
  counted: 4294967295,
  within: 3,
  overdue: 1,
  pending: 2,
  share: 0.75,
  medianS: 412.5,
  p90S: 0,
  belowTarget: true,
};
const PERF: PerformanceReport = {
  computedAtMs: 1767258000100.5,
  eventSeq: 4294967295,
  timezone: 'Europe/London',
  windows: [
    { id: 'today', label: 'Today', fromMs: 1767225600000, toMs: 1767258000100.5 },
    { id: 'shift', label: '', fromMs: 0, toMs: 0 },
  ],
  figures: [FIGURE, { ...FIGURE, window: 'shift', counted: 0, share: 0, belowTarget: false }],
};

const ALERT: AlertMsg = {
  id: 'AL-1',
  kind: 'avl-stale',
  cause: 'avl-stale:HAT1:INC-7#1',
  incidentId: 'I-7',
  resourceId: 'HAT1',
  agencies: ['fire', 'ambulance'],
  priority: 1,
  text: 'HT-P1 ✚ committed to I-7: no AVL fix for 5 min',
  raisedAtMs: 1767258000000.5,
  clearedAtMs: 1767258060000,
  eventSeq: 4294967295,
};

/** A partner room's resource at one of our incidents (issue 18), every field set. */
const PARTNER = {
  partnerId: 'beds',
  partnerName: 'Bedfordshire ✚',
  resourceId: 'WGC1',
  callSign: 'WG-P1',
  agency: 'fire',
  status: 'MOBILISED',
  incidentId: 'I-7',
  latE7: -2147483648,
  lonE7: 2147483647,
  fixTimeMs: 1767258000000.5,
  removed: false,
};

const SNAPSHOT: CopServerMsg = {
  snapshot: {
    seq: 41,
    epoch: 'e-9f3a',
    eventSeq: 1234567,
    serverTimeMs: 1767258000100,
    reason: 2,
    filter: { agencies: ['fire', 'ambulance'], bounds: { south: 51.7, west: -0.35, north: 51.8, east: -0.1 } },
    resources: [R1, R2],
    incidents: [I7, I8],
    cover: COVER,
    performance: PERF,
    alerts: [
      ALERT,
      { ...ALERT, id: 'AL-2', incidentId: '', resourceId: '', agencies: [], priority: 0, clearedAtMs: 0 },
    ],
    partnerResources: [PARTNER, { ...PARTNER, resourceId: 'HAT1', partnerName: '', agency: '', fixTimeMs: 0 }],
  },
};
const SNAPSHOT_BARE: CopServerMsg = {
  snapshot: {
    seq: 0,
    epoch: 'e',
    eventSeq: 0,
    serverTimeMs: 0,
    reason: 1,
    filter: null,
    resources: [],
    incidents: [],
    cover: null,
    performance: null,
    alerts: [],
    partnerResources: [],
  },
};
const DELTA: CopServerMsg = {
  delta: {
    seq: 4294967295,
    fromSeq: 4294967200,
    serverTimeMs: 1767258000200,
    changes: [
      { status: { ref: 3, status: 4, incidentId: 'I-1', eventSeq: 12, atMs: 1767258000000 } },
      { status: { ref: 4294967295, status: 1, incidentId: '', eventSeq: 4294967295, atMs: 0.5 } },
      { incident: { incident: I7, eventSeq: 13, atMs: 1767258000001, removed: false } },
      { incident: { incident: I8, eventSeq: 0, atMs: 0, removed: true } },
      { cover: { summary: COVER } },
      { cover: { summary: { computedAtMs: 0, eventSeq: 0, figures: [], gapCells: 0, standbyMoves: 0 } } },
      { performance: PERF },
      { performance: { computedAtMs: 0, eventSeq: 0, timezone: '', windows: [], figures: [] } },
      { alert: ALERT },
      { partnerResource: PARTNER },
      { partnerResource: { ...PARTNER, removed: true } },
    ],
    positions: {
      ref: [3, 4294967295],
      latE7: [517636000, -2147483648],
      lonE7: [-2247000, 2147483647],
      headingDeg: [359, 0],
      speedDmps: [125, 4294967295],
      fixAgeMs: [-20, 2147483647],
      accuracyM: [8, 0],
    },
    enter: [R1, R2],
    leave: [5, 0, 4294967295],
  },
};
const DELTA_EMPTY: CopServerMsg = {
  delta: { seq: 9, fromSeq: 0, serverTimeMs: 1, changes: [], positions: null, enter: [], leave: [] },
};

for (const [name, msg] of [
  ['snapshot, every field', SNAPSHOT],
  ['bare snapshot', SNAPSHOT_BARE],
  ['delta, every field', DELTA],
  ['empty delta', DELTA_EMPTY],
] as const) {
  test(`server-encoded ${name} decodes in the browser codec to the same message`, () => {
    const bytes = encodeServer(msg);
    assert.equal(decodeServerFrame(bytes), { snapshot: null, delta: null, ...msg } as unknown);
  });
}

test('the browser codec decodes every field to what the reflection codec decodes', () => {
  for (const msg of [SNAPSHOT, SNAPSHOT_BARE, DELTA, DELTA_EMPTY]) {
    const bytes = encodeServer(msg);
    const ref = plain(CopServerMessageType, CopServerMessageType.decode(bytes)) as Record<string, unknown>;
    const mine = decodeServerFrame(bytes) as Record<string, unknown>;
    // toObject leaves the unset oneof member out; the browser codec says null.
    for (const k of ['snapshot', 'delta']) if (!(k in ref)) ref[k] = null;
    assert.equal(mine, ref);
  }
});

test('performance figures: an unset share, median or 90th percentile decodes as null, a zero as 0', () => {
  const none = { ...FIGURE, share: null, medianS: null, p90S: null };
  const zero = { ...FIGURE, share: 0, medianS: 0, p90S: 0 };
  const msg: CopServerMsg = {
    delta: { ...(DELTA_EMPTY.delta as CopDeltaMsg), changes: [{ performance: { ...PERF, figures: [none, zero] } }] },
  };
  const bytes = encodeServer(msg);
  const got = decodeServerFrame(bytes).delta?.changes[0]?.performance?.figures;
  assert.equal(got, [none, zero]);
  // The reflection codec agrees: unset (no field on the wire) and zero (present) stay apart.
  const ref = plain(CopServerMessageType, CopServerMessageType.decode(bytes)) as {
    delta: { changes: Array<{ performance: { figures: Array<Record<string, unknown>> } }> };
  };
  const [a, b] = ref.delta.changes[0]!.performance.figures;
  assert.equal([a?.['share'], a?.['medianS'], a?.['p90S']], [undefined, undefined, undefined]);
  assert.equal([b?.['share'], b?.['medianS'], b?.['p90S']], [0, 0, 0]);
});

test('unpacked repeated scalars and unknown fields/change kinds are read as proto3 says', () => {
  const w = protobuf.Writer.create();
  w.uint32((2 << 3) | 2).fork();
  w.uint32((1 << 3) | 0).uint32(8); // seq
  w.uint32((4 << 3) | 2)
    .fork()
    .uint32((9 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('I-9')
    .ldelim()
    .ldelim(); // a change kind from the future
  w.uint32((7 << 3) | 0)
    .uint32(5)
    .uint32((7 << 3) | 0)
    .uint32(6); // leave unpacked
  w.uint32((99 << 3) | 2).string('future'); // an unknown field
  w.ldelim();
  assert.equal(decodeServerFrame(w.finish()), {
    delta: { seq: 8, fromSeq: 0, serverTimeMs: 0, changes: [{}], positions: null, enter: [], leave: [5, 6] },
    snapshot: null,
  });
});

test('truncated bytes throw', () => {
  const bytes = encodeServer(DELTA);
  assert.throws(() => decodeServerFrame(bytes.subarray(0, bytes.length - 3)));
});

const CLIENT: CopClientMsg[] = [
  {
    subscribe: {
      lastSeq: 4294967295,
      resumeEpoch: 'e-9f3a',
      filter: {
        agencies: ['fire', 'police', 'ambulance'],
        bounds: { south: -51.7, west: -0.3, north: 51.8, east: 0.1 },
      },
    },
  },
  { subscribe: { lastSeq: 0, resumeEpoch: '', filter: { agencies: [], bounds: null } } },
  { subscribe: { lastSeq: 0, resumeEpoch: '', filter: null } },
  { setFilter: { filter: { agencies: ['police'], bounds: { south: 1, west: 2, north: 3, east: 4 } } } },
  { setFilter: { filter: null } },
  { ack: { seq: 77 } },
  { ack: { seq: 0 } },
];

test('client frames encoded by the browser codec decode on the server to the same message', () => {
  for (const msg of CLIENT) {
    const got = plain(CopClientMessageType, decodeClient(encodeClientFrame(msg)) as protobuf.Message);
    // proto3: an absent sub-message reads as null (reflection) or is left out; compare without nulls.
    const noNulls = (v: unknown) =>
      JSON.parse(JSON.stringify(v, (_k, x: unknown) => (x === null ? undefined : x))) as unknown;
    const expected = noNulls(msg) as Record<string, Record<string, unknown>>;
    const inner = Object.values(expected)[0] ?? {};
    const filt = inner['filter'] as Record<string, unknown> | undefined;
    if (filt && !('agencies' in filt)) filt['agencies'] = [];
    assert.equal(noNulls(got), expected, JSON.stringify(msg));
  }
});

test('client frames: the browser codec writes the same bytes as the reflection codec for non-default fields', () => {
  for (const msg of CLIENT) {
    const ref = CopClientMessageType.encode(CopClientMessageType.fromObject(msg)).finish();
    const refPlain = plain(CopClientMessageType, CopClientMessageType.decode(ref));
    assert.equal(plain(CopClientMessageType, CopClientMessageType.decode(encodeClientFrame(msg))), refPlain);
  }
});

test('the browser codec is CSP-safe: every file of client/cop/ and what it imports, no eval or new Function', () => {
  // Every file of client/cop/, and every file they reach by a value import, may value-import only
  // protobufjs/minimal.js, its siblings in client/cop/ and the dependency-free proto/wire.ts.
  const allowed = (file: string) => /^client\/cop\/[^/]+\.ts$/.test(file) || file === 'proto/wire.ts';
  const pending = readdirSync('client/cop')
    .filter((f) => f.endsWith('.ts'))
    .map((f) => `client/cop/${f}`);
  assert.ok(pending.includes('client/cop/codec.ts'));
  const seen = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    assert.ok(allowed(file), `${file} is reached from client/cop/ by a value import`);
    const src = readFileSync(file, 'utf8');
    const code = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    assert.not.match(code, /\bnew\s+Function\b|\bFunction\s*\(|\beval\s*\(/, file);
    assert.not.match(code, /protobufjs\/light|from 'protobufjs'|cop-descriptor|\bimport\s*\(/, file);
    const specifiers = [...code.matchAll(/^\s*(?:import|export)\s+(type\s+)?(?:[^'"]*?from\s+)?['"]([^'"]+)['"]/gm)]
      .filter((m) => !m[1])
      .map((m) => m[2] as string);
    for (const spec of specifiers) {
      if (spec === 'protobufjs/minimal.js') continue;
      assert.ok(spec.startsWith('.'), `${file} imports ${spec}`);
      pending.push(posix.normalize(posix.join(posix.dirname(file), spec)));
    }
  }
  // The codec's only outside dependency stays protobufjs/minimal: it is what the files reach.
  const outside = [...seen].filter((f) => !f.startsWith('client/cop/'));
  assert.equal(outside, ['proto/wire.ts']);
});

test.run();
