/**
 * The screens' COP feed (client/state/cop-feed.ts) with a fake socket and hand-run timers: frames
 * encoded by the server codec go in, the store fills, acks and resumes come out as docs/cop.md asks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Api } from '../client/state/api.ts';
import { CopFeed, defaultCopUrl, type CopSocketLike } from '../client/state/cop-feed.ts';
import { answersTo, inboxOf } from '../client/state/requests.ts';
import { ClientStore } from '../client/state/store.ts';
import type { CopIncidentMsg, CopJointRequestMsg, CopResourceMsg, CopServerMsg } from '../proto/wire.ts';
import { decodeClient, encodeServer } from '../server/shell/cop/codec.ts';

class FakeWs implements CopSocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  readonly sent: unknown[] = [];
  constructor(readonly url: string) {}
  send(data: Uint8Array): void {
    this.sent.push(JSON.parse(JSON.stringify(decodeClient(data))));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }
  push(msg: CopServerMsg): void {
    this.onmessage?.({ data: new Uint8Array(encodeServer(msg)).buffer } as MessageEvent);
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' } as CloseEvent);
  }
}

function res(ref: number, id: string, agency: string, status: number): CopResourceMsg {
  return {
    ref,
    id,
    callSign: id,
    agency,
    type: 'pump',
    station: 'S',
    capabilities: ['pump'],
    status,
    incidentId: '',
    latE7: 517000000,
    lonE7: -2000000,
    headingDeg: 0,
    speedDmps: 0,
    fixTimeMs: 0,
    accuracyM: 0,
  };
}

function setup() {
  const never = () => undefined;
  const store = new ClientStore({
    timers: { setTimeout: never, clearTimeout: never, setInterval: never, clearInterval: never },
  });
  const sockets: FakeWs[] = [];
  const timers: { fn: () => void; ms: number; done: boolean }[] = [];
  const api = new Api(
    async () =>
      new Response(JSON.stringify({ error: { code: 'JCR_UNAUTHENTICATED', message: 'sign in' } }), { status: 401 }),
  );
  const feed = new CopFeed(store, api, {
    url: 'ws://h/ws/cop',
    openSocket: (u) => {
      const ws = new FakeWs(u);
      sockets.push(ws);
      return ws;
    },
    now: () => 1000,
    timers: {
      setTimeout: (fn, ms) => {
        const t = { fn, ms, done: false };
        timers.push(t);
        return t;
      },
      clearTimeout: (t) => {
        (t as { done: boolean }).done = true;
      },
      setInterval: () => undefined,
      clearInterval: () => undefined,
    },
  });
  /** Run the pending timers of exactly `ms`. */
  const run = (ms: number) => {
    for (const t of timers.filter((x) => x.ms === ms && !x.done)) {
      t.done = true;
      t.fn();
    }
  };
  return { store, sockets, feed, run };
}

const SNAP: CopServerMsg = {
  snapshot: {
    seq: 0,
    epoch: 'e1',
    eventSeq: 7,
    serverTimeMs: 1000,
    reason: 1,
    filter: { agencies: [], bounds: null },
    resources: [res(1, 'HAT1', 'fire', 1), res(2, 'PC1', 'police', 2)],
    incidents: [],
    cover: null,
    performance: null,
    alerts: [],
  },
};
const delta = (seq: number, extra: Partial<Extract<CopServerMsg, { delta: unknown }>['delta']> = {}): CopServerMsg => ({
  delta: { seq, serverTimeMs: 1000 + seq, changes: [], positions: null, enter: [], leave: [], ...extra },
});

test('default URL follows the page: ws for http, wss for https', () => {
  assert.is(defaultCopUrl({ protocol: 'http:', host: 'a:8080' }), 'ws://a:8080/ws/cop');
  assert.is(defaultCopUrl({ protocol: 'https:', host: 'room.example' }), 'wss://room.example/ws/cop');
});

test('subscribe, snapshot into the store, deltas, acks every 2 ticks, drop → reconnecting → resume from the last seq', () => {
  const { store, sockets, feed, run } = setup();
  feed.start();
  assert.is(store.connection, 'connecting');
  const ws = sockets[0];
  if (!ws) throw new Error('no socket');
  assert.is(ws.url, 'ws://h/ws/cop');
  assert.is(ws.binaryType, 'arraybuffer');
  ws.open();
  assert.equal(ws.sent, [{ subscribe: { filter: {} } }]);
  ws.push(SNAP);
  assert.is(store.connection, 'live');
  assert.equal([...store.resources.keys()], ['HAT1', 'PC1']);
  assert.is(store.resources.get('PC1')?.status, 'AVAILABLE_MOBILE');
  assert.is(store.lastSeq, 7);

  ws.push(delta(1, { changes: [{ status: { ref: 1, status: 3, incidentId: 'I-1', eventSeq: 8, atMs: 1000 } }] }));
  assert.equal(
    [store.resources.get('HAT1')?.status, store.resources.get('HAT1')?.incidentId, store.lastSeq],
    ['MOBILISED', 'I-1', 8],
  );
  ws.push(
    delta(2, {
      positions: {
        ref: [2],
        latE7: [518000000],
        lonE7: [-1000000],
        headingDeg: [90],
        speedDmps: [55],
        fixAgeMs: [2],
        accuracyM: [5],
      },
    }),
  );
  assert.equal(
    [
      store.resources.get('PC1')?.lat,
      store.resources.get('PC1')?.lon,
      store.resources.get('PC1')?.speedMps,
      store.resources.get('PC1')?.fixTimeMs,
    ],
    [51.8, -0.1, 5.5, 1000],
  );
  ws.push(delta(3, { leave: [2] }));
  assert.equal([...store.resources.keys()], ['HAT1']);
  assert.equal(ws.sent.slice(1), [{ ack: { seq: 1 } }, { ack: { seq: 3 } }]);

  ws.drop();
  assert.is(store.connection, 'reconnecting');
  assert.is(sockets.length, 1);
  run(500); // first retry after 0.5 s
  const ws2 = sockets[1];
  if (!ws2) throw new Error('no reconnect');
  ws2.drop();
  run(500);
  assert.is(sockets.length, 2, 'the second retry waits longer');
  run(1000);
  const ws3 = sockets[2];
  if (!ws3) throw new Error('no second reconnect');
  ws3.open();
  assert.equal(ws3.sent, [{ subscribe: { lastSeq: 3, resumeEpoch: 'e1', filter: {} } }]);
  ws3.push(delta(4, { fromSeq: 4 }));
  assert.is(store.connection, 'live');
  // A gap: deltas 5..6 missed → resubscribe from 4, the store untouched.
  ws3.push(delta(7));
  assert.equal(ws3.sent.slice(1), [{ ack: { seq: 4 } }, { subscribe: { lastSeq: 4, resumeEpoch: 'e1', filter: {} } }]);
  feed.stop();
});

test('incident and cover changes update the queue and the cover figures; a closed incident leaves the queue', () => {
  const { store, sockets, feed } = setup();
  feed.start();
  const ws = sockets[0];
  if (!ws) throw new Error('no socket');
  ws.open();
  const inc = (status: string, attendances: CopIncidentMsg['attendances']): CopIncidentMsg => ({
    id: 'INC-1',
    typeId: 'rtc',
    typeName: 'Road traffic collision',
    priority: 2,
    status,
    latE7: 517500000,
    lonE7: -2250000,
    address: 'A1(M) J4',
    leadAgency: 'fire',
    supportingAgencies: ['police'],
    attendances,
    createdAtMs: 900,
    updatedAtMs: 900,
    closedAtMs: status === 'closed' ? 1100 : 0,
    majorIncident: false,
    requestedAgencies: [],
    requests: [],
    location: {
      text: 'A1(M), near Stevenage · TL 2416 2434',
      road: 'A1(M)',
      roadDistanceM: 12,
      place: 'Stevenage',
      placeDistanceM: 1830,
      gridRef: 'TL 2416 2434',
      snapped: { latE7: 517501234, lonE7: -2249000, distanceM: 12.3 },
      offRoad: '',
    },
  });
  const figure = (covered: number) => ({
    surface: 'fire:pump',
    standardId: 'fire-1st',
    standardName: 'Fire 1st',
    nth: 1,
    withinS: 600,
    coveredShare: covered,
    targetShare: 0.9,
    meetsStandard: covered >= 0.9,
    label: 'fire pump 1st',
  });
  ws.push({
    snapshot: {
      ...(SNAP.snapshot as Extract<CopServerMsg, { snapshot: unknown }>['snapshot']),
      incidents: [inc('received', [])],
      cover: { computedAtMs: 950, eventSeq: 7, figures: [figure(0.93)], gapCells: 3, standbyMoves: 0 },
    },
  });
  assert.equal(
    [...store.incidents.values()],
    [
      {
        id: 'INC-1',
        typeId: 'rtc',
        typeName: 'Road traffic collision',
        priority: 2,
        lat: 51.75,
        lon: -0.225,
        callTimeMs: 900,
        state: 'OPEN',
        status: 'received',
        assigned: [],
        description: 'A1(M) J4',
        leadAgency: 'fire',
        supportingAgencies: ['police'],
        requestedAgencies: [],
        attendances: [],
        requests: [],
        // Issue 16: the location rides on the COP record, nulls for what the wire leaves empty.
        location: {
          road: 'A1(M)',
          roadDistanceM: 12,
          place: 'Stevenage',
          placeDistanceM: 1830,
          gridRef: 'TL 2416 2434',
          text: 'A1(M), near Stevenage · TL 2416 2434',
          snapped: { lat: 51.7501234, lon: -0.2249, distanceM: 12.3 },
          offRoad: null,
        },
      },
    ],
  );
  assert.equal(
    store.cover?.figures.map((f) => [f.surface, f.coveredShare, f.target, f.meetsStandard]),
    [['fire:pump', 0.93, 0.9, true]],
  );
  const mobilised = inc('mobilising', [
    { resourceId: 'HAT1', agency: 'fire', mobilisedAtMs: 1000, arrivedAtMs: 0, leftAtMs: 0 },
  ]);
  ws.push(
    delta(1, {
      changes: [
        { status: { ref: 1, status: 3, incidentId: 'INC-1', eventSeq: 9, atMs: 1000 } },
        { incident: { incident: mobilised, eventSeq: 9, atMs: 1000, removed: false } },
        {
          cover: {
            summary: { computedAtMs: 1001, eventSeq: 9, figures: [figure(0.81)], gapCells: 5, standbyMoves: 0 },
          },
        },
      ],
    }),
  );
  assert.equal(
    [
      store.incidents.get('INC-1')?.status,
      store.incidents.get('INC-1')?.assigned,
      store.resources.get('HAT1')?.status,
      store.lastSeq,
    ],
    ['mobilising', ['HAT1'], 'MOBILISED', 9],
  );
  // The attendance's times, with 0 (not yet) read as null.
  assert.equal(store.incidents.get('INC-1')?.attendances, [
    { resourceId: 'HAT1', agency: 'fire', mobilisedAtMs: 1000, arrivedAtMs: null, leftAtMs: null, line: null },
  ]);
  assert.equal(
    [
      store.cover?.computedAtMs,
      store.cover?.eventSeq,
      store.cover?.figures[0]?.coveredShare,
      store.cover?.figures[0]?.meetsStandard,
    ],
    [1001, 9, 0.81, false],
  );
  ws.push(
    delta(2, { changes: [{ incident: { incident: inc('closed', []), eventSeq: 10, atMs: 1100, removed: false } }] }),
  );
  assert.equal([...store.incidents.keys()], []);
  assert.is(store.openIncidents().length, 0);
  feed.stop();
});

test("joint requests on the COP: the addressee's inbox and the requester's answers follow each frame, no polling", () => {
  const { store, sockets, feed } = setup();
  feed.start();
  const ws = sockets[0];
  if (!ws) throw new Error('no socket');
  ws.open();
  const request = (over: Partial<CopJointRequestMsg> = {}): CopJointRequestMsg => ({
    requestId: 'INC-4-R1',
    fromAgency: 'police',
    toAgency: 'ambulance',
    status: 'pending',
    lines: [{ capability: 'paramedic', count: 1, suggested: ['AMB1'] }],
    note: 'one casualty',
    requestedBy: 'pc',
    requestedAtMs: 1500,
    answeredBy: '',
    answeredAtMs: 0,
    answer: '',
    mobilised: [],
    ...over,
  });
  const incident = (requests: CopJointRequestMsg[], requestedAgencies: string[]): CopIncidentMsg => ({
    id: 'INC-4',
    typeId: 'violent-disturbance',
    typeName: 'Violent disturbance',
    priority: 1,
    status: 'mobilising',
    latE7: 517500000,
    lonE7: -2250000,
    address: 'High Street',
    leadAgency: 'police',
    supportingAgencies: [],
    attendances: [],
    createdAtMs: 1400,
    updatedAtMs: 1500,
    closedAtMs: 0,
    majorIncident: false,
    requestedAgencies,
    requests,
    location: null,
  });
  const snap = SNAP.snapshot as Extract<CopServerMsg, { snapshot: unknown }>['snapshot'];
  ws.push({ snapshot: { ...snap, incidents: [incident([request()], ['ambulance'])] } });
  const incidents = () => store.incidents.values();
  const pending = {
    requestId: 'INC-4-R1',
    incidentId: 'INC-4',
    fromAgency: 'police',
    toAgency: 'ambulance',
    note: 'one casualty',
    requestedAtMs: 1500,
    requestedBy: 'pc',
    status: 'pending',
    lines: [{ capability: 'paramedic', count: 1, suggested: ['AMB1'] }],
    answeredAtMs: null,
    answeredBy: null,
    answer: null,
    mobilised: [],
    typeName: 'Violent disturbance',
    priority: 1,
    address: 'High Street',
  };
  // The ambulance desk's inbox (and the duty officer's) holds it; nobody has an answer yet.
  assert.equal(inboxOf(incidents(), 'ambulance'), [pending]);
  assert.equal(inboxOf(incidents(), 'all'), [pending]);
  assert.equal(
    [inboxOf(incidents(), 'police'), inboxOf(incidents(), null), answersTo(incidents(), 'police')],
    [[], [], []],
  );
  // The ambulance desk answers with advice: the next frame empties its inbox and brings police the answer.
  const advised = request({
    status: 'advised',
    answeredBy: 'amb',
    answeredAtMs: 1700,
    answer: 'hear and treat: no crew needed',
  });
  ws.push(
    delta(1, {
      changes: [{ incident: { incident: incident([advised], []), eventSeq: 12, atMs: 1700, removed: false } }],
    }),
  );
  assert.equal(inboxOf(incidents(), 'ambulance'), []);
  assert.equal(answersTo(incidents(), 'police'), [
    { ...pending, status: 'advised', answeredAtMs: 1700, answeredBy: 'amb', answer: 'hear and treat: no crew needed' },
  ]);
  assert.equal(answersTo(incidents(), 'ambulance'), []);
  assert.equal(store.incidents.get('INC-4')?.requestedAgencies, []);
  feed.stop();
});

test.run();
