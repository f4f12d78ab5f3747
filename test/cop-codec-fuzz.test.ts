import fc from 'fast-check';
import protobuf from 'protobufjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock } from '../server/core/clock.ts';
import { parseControl, type CopClientMsg, type CopServerMsg } from '../server/core/cop/frames.ts';
import { CopHub } from '../server/core/cop/hub.ts';
import { ResourceStatus } from '../server/core/fleet/status.ts';
import { CopClientMessageType, CopServerMessageType, decodeClient, encodeServer } from '../server/shell/cop/codec.ts';
import { Engine } from '../server/shell/engine.ts';
import { Store } from '../server/shell/store/store.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { FakeSocket } from './support/cop.ts';

/**
 * Issue 15, item 2: differential fuzzing of the COP codecs with fast-check, both directions that
 * exist (the server encodes CopServerMessage and the browser decodes it; the browser encodes
 * CopClientMessage and the server decodes it).
 *
 * - server → browser, structured: any CopServerMessage (arbitraries built from protobufjs's
 *   reflection of cop.proto, so every field of every message) encoded by the server codec decodes
 *   in the browser codec to what protobufjs decodes from the same bytes.
 * - server → browser, any bytes (mutated real frames, random): the browser codec accepts iff
 *   protobufjs decodes the bytes with every known field of its declared wire type (repeated
 *   scalars packed or not, a packed run ending exactly at its length) and no field number 0, and
 *   then the values are equal. Bytes are a plain Uint8Array, as a browser has them.
 * - browser → server, structured: any CopClientMessage the browser codec encodes decodes on the
 *   server to the message sent (proto3 defaults for what was left out).
 * - browser → server, any bytes (mutated client frames, random): the server's decoder accepts iff
 *   the bytes are a well-typed CopClientMessage (the same rule), and then reads what protobufjs
 *   reads.
 * The mutated frames start from real frames half the time: what the hub sent a screen over a short
 * shift of the mini scenario (snapshot, positions, status and incident changes, a joint request),
 * and what the browser's picture sent back (subscribe, filter, ack). 102,000 generated frames in
 * all (the last test counts them), as many as the AVL decoder's fuzz.
 * The structured server frames reach every message of cop.proto, the incidents' joint requests
 * (CopJointRequest, CopRequestedLine) and locations (CopLocation, CopRoadSnap) included: the
 * first test counts them.
 *
 * Values compare with Object.is (NaN equals NaN, -0 differs from 0). Seeds are fixed.
 */

// --- arbitraries from reflection ----------------------------------------------------------------------

CopServerMessageType.root.resolveAll();
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const anyDouble = fc.oneof(fc.double(), fc.constantFrom(0, -0, NaN, Infinity, -Infinity, 1_767_258_000_000.5, 51.77));
const anyString = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'grapheme', maxLength: 4 }));

function scalarArb(f: protobuf.Field): fc.Arbitrary<unknown> {
  if (f.resolvedType instanceof protobuf.Enum) return fc.oneof(fc.integer({ min: 0, max: 7 }), i32);
  switch (f.type) {
    case 'uint32':
      return u32;
    case 'int32':
    case 'sint32':
    case 'sfixed32':
      return i32;
    case 'double':
      return anyDouble;
    case 'bool':
      return fc.boolean();
    case 'string':
      return anyString;
    default:
      throw new Error(`no arbitrary for ${f.type}`);
  }
}

/**
 * Any message of `type`. `complete`: every field present, singular sub-messages possibly null (the
 * browser encoder's typed inputs, server/core/cop/frames.ts); otherwise any field may be absent
 * (the reflection encoder takes partial objects).
 */
function messageArb(type: protobuf.Type, complete = false): fc.Arbitrary<Record<string, unknown>> {
  const one = (f: protobuf.Field): fc.Arbitrary<unknown> =>
    f.resolvedType instanceof protobuf.Type ? messageArb(f.resolvedType, complete) : scalarArb(f);
  const field = (f: protobuf.Field): fc.Arbitrary<unknown> =>
    f.repeated
      ? fc.array(one(f), { maxLength: 3 })
      : complete && f.resolvedType instanceof protobuf.Type
        ? fc.option(one(f), { nil: null })
        : one(f);
  const inOneof = new Set(type.oneofsArray.flatMap((o) => o.fieldsArray.map((f) => f.name)));
  const plainFields = type.fieldsArray.filter((f) => !inOneof.has(f.name));
  const model = Object.fromEntries(plainFields.map((f) => [f.name, field(f)]));
  const record = complete ? fc.record(model) : fc.record(model, { requiredKeys: [] });
  const oneofs = type.oneofsArray.map((o) =>
    fc.oneof(
      { weight: 1, arbitrary: fc.constant({}) },
      ...o.fieldsArray.map((f) => ({ weight: 4, arbitrary: one(f).map((v) => ({ [f.name]: v })) })),
    ),
  );
  return fc.tuple(record, ...oneofs).map((parts) => Object.assign({}, ...parts) as Record<string, unknown>);
}

// --- comparison ---------------------------------------------------------------------------------------

/**
 * Deep equality by Object.is, with null and undefined alike meaning an absent field. `zeroSigned`
 * false: 0 and -0 alike.
 */
function deepSame(a: unknown, b: unknown, zeroSigned = true): boolean {
  if (Object.is(a, b) || (a == null && b == null) || (!zeroSigned && a === 0 && b === 0)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] != null);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] != null);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepSame((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], zeroSigned));
}

const showValue = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) =>
    typeof x === 'number' && !Number.isFinite(x) ? String(x) : Object.is(x, -0) ? '-0' : x,
  );
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** protobufjs's decode of a server frame as plain data, shaped as the browser codec returns it. */
function referenceServer(bytes: Uint8Array): unknown {
  const m = CopServerMessageType.decode(bytes);
  const o = CopServerMessageType.toObject(m, { enums: Number, longs: Number, defaults: true, arrays: true });
  // An incident change without its incident: the browser's type has no null there and reads the
  // proto3 default, an empty incident.
  const delta = o['delta'] as { changes?: Array<{ incident?: { incident: unknown } }> } | undefined;
  for (const c of delta?.changes ?? [])
    if (c.incident && c.incident.incident == null) c.incident.incident = EMPTY_INCIDENT;
  // toObject leaves an unset oneof member out; the browser codec says null.
  return { snapshot: null, delta: null, ...o };
}
const CopIncidentType = CopServerMessageType.root.lookupType('jcr.v1.CopIncident');
const EMPTY_INCIDENT = CopIncidentType.toObject(CopIncidentType.create(), { defaults: true, arrays: true });

// --- the wire-type rule, walked over protobufjs's Reader as its decoder reads ----------------------------

const PACKABLE = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32', 'bool']);
function declaredWireType(f: protobuf.Field): number {
  if (f.resolvedType instanceof protobuf.Type) return 2;
  if (f.resolvedType instanceof protobuf.Enum) return 0;
  const wt = (protobuf.types.basic as Record<string, number | undefined>)[f.type];
  if (wt === undefined) throw new Error(`no wire type for ${f.type}`);
  return wt;
}
function readScalar(r: protobuf.Reader, f: protobuf.Field): void {
  const method = f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
  const read = (r as unknown as Record<string, (() => unknown) | undefined>)[method];
  if (read === undefined) throw new Error(`no Reader method for ${method}`);
  read.call(r);
}
/** Called only on bytes protobufjs decoded: the same Reader calls, so the same positions. */
function wellTyped(type: protobuf.Type, r: protobuf.Reader, length: number | undefined): boolean {
  const end = length === undefined ? r.len : r.pos + length;
  const outer = r.len;
  r.len = end;
  while (r.pos < end) {
    const t = r.uint32();
    if (t >>> 3 === 0) return false;
    const f = type.fieldsById[t >>> 3];
    if (f === undefined) {
      r.skipType(t & 7);
      continue;
    }
    const wt = t & 7;
    if (f.repeated && PACKABLE.has(f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type) && wt === 2) {
      const runEnd = r.uint32() + r.pos;
      while (r.pos < runEnd) readScalar(r, f);
      if (r.pos !== runEnd) return false;
      continue;
    }
    if (wt !== declaredWireType(f)) return false;
    if (f.resolvedType instanceof protobuf.Type) {
      if (!wellTyped(f.resolvedType, r, r.uint32())) return false;
    } else readScalar(r, f);
  }
  r.len = outer;
  return true;
}

type Outcome = { ok: false } | { ok: true; value: unknown };
function viaReference(bytes: Uint8Array): Outcome {
  let value: unknown;
  try {
    value = referenceServer(bytes);
  } catch {
    return { ok: false };
  }
  return wellTyped(CopServerMessageType, protobuf.Reader.create(bytes), undefined)
    ? { ok: true, value }
    : { ok: false };
}
const asPlain = (m: protobuf.Message) =>
  CopClientMessageType.toObject(m, { enums: Number, longs: Number, defaults: true, arrays: true });
function clientViaReference(bytes: Uint8Array): Outcome {
  let value: unknown;
  try {
    value = asPlain(CopClientMessageType.decode(bytes));
  } catch {
    return { ok: false };
  }
  return wellTyped(CopClientMessageType, protobuf.Reader.create(bytes), undefined)
    ? { ok: true, value }
    : { ok: false };
}
function clientViaServer(bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: asPlain(decodeClient(bytes) as protobuf.Message) };
  } catch {
    return { ok: false };
  }
}
function viaBrowser(bytes: Uint8Array): Outcome {
  try {
    return { ok: true, value: decodeServerFrame(bytes) };
  } catch {
    return { ok: false };
  }
}

const tally = { accepted: 0, refused: 0 };
/** Joint requests and their lines, incident locations and their road snaps in the frames the browser accepted. */
const reached = { requests: 0, lines: 0, locations: 0, snaps: 0 };
function countRequests(v: unknown): void {
  if (Array.isArray(v)) for (const x of v) countRequests(x);
  else if (typeof v === 'object' && v !== null)
    for (const [k, x] of Object.entries(v)) {
      if (k === 'requests' && Array.isArray(x)) reached.requests += x.length;
      if (k === 'suggested' && Array.isArray(x)) reached.lines++;
      if (k === 'location' && x) reached.locations++;
      if (k === 'snapped' && x) reached.snaps++;
      countRequests(x);
    }
}
function browserAgrees(generated: Uint8Array): boolean {
  return agrees(generated, viaReference, viaBrowser, 'browser');
}
function serverAgrees(generated: Uint8Array): boolean {
  return agrees(generated, clientViaReference, clientViaServer, 'server');
}
function agrees(
  generated: Uint8Array,
  reference: (b: Uint8Array) => Outcome,
  decoder: (b: Uint8Array) => Outcome,
  name: string,
): boolean {
  const bytes = Uint8Array.from(generated); // a plain Uint8Array, as in a browser
  const want = reference(bytes);
  const got = decoder(bytes);
  const same = want.ok === got.ok && (!want.ok || (got.ok && deepSame(want.value, got.value)));
  if (!same) throw new Error(`${hex(bytes)}: reference ${showValue(want)}, ${name} ${showValue(got)}`);
  if (got.ok) countRequests(got.value);
  if (want.ok) tally.accepted++;
  else tally.refused++;
  return true;
}

// --- families -----------------------------------------------------------------------------------------

const serverMsg = messageArb(CopServerMessageType) as unknown as fc.Arbitrary<CopServerMsg>;
const serverFrame = serverMsg.map((m) => encodeServer(m));

type Mutation = (b: number[]) => number[];
const at = (b: number[], i: number) => (b.length === 0 ? 0 : i % b.length);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => (b: number[]) => {
    if (b.length > 0) b[at(b, i)] = (b[at(b, i)] as number) ^ (1 << bit);
    return b;
  }),
  fc.nat().map((i) => (b: number[]) => b.slice(0, at(b, i))),
  fc.nat().map((i) => (b: number[]) => b.filter((_, j) => j !== at(b, i))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: number[]) => {
    b.splice(at(b, i), 0, v);
    return b;
  }),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, wt]) => (b: number[]) => {
    if (b.length > 0) b[at(b, i)] = ((b[at(b, i)] as number) & ~7) | wt;
    return b;
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: 1, max: 12 })).map(([i, j, n]) => (b: number[]) => {
    b.splice(at(b, j), 0, ...b.slice(at(b, i), at(b, i) + n));
    return b;
  }),
);
const mutate = (frames: fc.Arbitrary<Uint8Array>) =>
  fc
    .tuple(frames, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([f, ms]) => Uint8Array.from(ms.reduce((b, m) => m(b), [...f])));

/**
 * Real frames: a screen joins a mini-scenario room's hub, then a short shift runs (fixes, an
 * incident created, mobilised, a joint request raised, an arrival, a METHANE update, the close),
 * one tick each. Returns what the hub sent the screen and what the screen's picture sent back.
 */
function realFrames(): { server: Uint8Array[]; client: Uint8Array[] } {
  const clock = fakeClock();
  const engine = Engine.boot(miniScenario(), Store.open(':memory:'), clock.now);
  const hub = new CopHub({ room: engine.room, clock: clock.now, encode: encodeServer, epoch: 'epoch-1' });
  engine.onChanges((record) => hub.onChanges(record));
  engine.onPositions((ids) => hub.markMoved(ids));
  const sock = new FakeSocket();
  const id = hub.connect(sock, { id: 'fuzz', via: 'test', incidentScope: null });
  const client: Uint8Array[] = [];
  const send = (m: CopClientMsg | null) => {
    if (m === null) return;
    const bytes = encodeClientFrame(m);
    client.push(bytes);
    hub.control(id, parseControl(decodeClient(bytes)));
  };
  const op = { origin: 'operator' as const, actor: 'alice' };
  const tick = () => {
    clock.advance(100);
    hub.tick();
    send(sock.picture.ackMessage(1));
  };
  const move = (rid: string, lat: number, lon: number, speed: number) => {
    engine.room.fleet.applyFix(engine.room.fleet.require(rid), lat, lon, 90, speed, clock.now(), 5);
    engine.notifyPositions([rid]);
  };
  send(sock.picture.subscribeMessage());
  tick();
  move('HAT1', 51.7641, -0.2251, 12.5);
  move('PC1', 51.7702, -0.2301, 0);
  tick();
  engine.execute(
    { type: 'incident.create', typeId: 'dwelling-fire', lat: 51.7636, lon: -0.2232, address: 'Hatfield', priority: 1 },
    op,
  );
  tick();
  engine.execute(
    { type: 'incident.mobilise', incidentId: 'INC-1', resourceIds: ['HAT1', 'HAT2'], proposed: ['HAT1', 'HAT2'] },
    op,
  );
  engine.execute(
    {
      type: 'incident.requestAssistance',
      incidentId: 'INC-1',
      fromAgency: 'fire',
      toAgency: 'police',
      note: 'traffic',
    },
    op,
  );
  move('HAT1', 51.7637, -0.2233, 1.5);
  tick();
  engine.execute({ type: 'resource.setStatus', resourceId: 'HAT1', status: ResourceStatus.AT_SCENE }, op);
  engine.execute({ type: 'incident.update', incidentId: 'INC-1', patch: { methane: { majorIncident: true } } }, op);
  tick();
  send(
    sock.picture.setFilterMessage({ agencies: ['fire'], bounds: { south: 51.7, west: -0.3, north: 51.8, east: -0.1 } }),
  );
  tick();
  engine.execute({ type: 'incident.close', incidentId: 'INC-1', reason: 'out', force: true }, op);
  tick();
  return { server: [...sock.sent], client };
}
const REAL = realFrames();
const mutatedServerFrame = mutate(fc.oneof(fc.constantFrom(...REAL.server), serverFrame));

/** Generated frames checked so far, in every test of this file. */
let generated = 0;
function run(arb: fc.Arbitrary<Uint8Array>, numRuns: number, seed: number, check = browserAgrees) {
  generated += numRuns;
  const before = { ...tally };
  fc.assert(fc.property(arb, check), { numRuns, seed, includeErrorInReport: true });
  return { accepted: tally.accepted - before.accepted, refused: tally.refused - before.refused };
}

test('item 2, differential fuzzing: server-encoded COP frames decode in the browser codec as protobufjs decodes them, 20,000 messages', () => {
  const r = run(serverFrame, 20_000, 1511);
  assert.equal(r, { accepted: 20_000, refused: 0 });
  // Incidents carry joint requests with their lines, and their location (issue 16) with its
  // snapped point: the generator reaches them all.
  assert.ok(reached.requests > 1_000 && reached.lines > 500, JSON.stringify(reached));
  assert.ok(reached.locations > 1_000 && reached.snaps > 500, JSON.stringify(reached));
});

test('item 2, differential fuzzing: the browser codec accepts exactly the well-typed COP frames, 40,000 mutated and random', () => {
  // The real frames decode as they are, first.
  for (const f of REAL.server) browserAgrees(f);
  assert.ok(REAL.server.length >= 7 && tally.refused === 0, `${REAL.server.length} real frames`);
  const mutated = run(mutatedServerFrame, 30_000, 1512);
  const random = run(fc.uint8Array({ maxLength: 120 }), 10_000, 1513);
  assert.ok(mutated.accepted > 3_000 && mutated.refused > 3_000, JSON.stringify(mutated));
  assert.ok(random.refused > 5_000, JSON.stringify(random));
});

test('item 2, differential fuzzing: browser-encoded COP client frames decode on the server to the message sent, 15,000 messages', () => {
  const clientMsg = messageArb(CopClientMessageType, true);
  let n = 0;
  fc.assert(
    fc.property(clientMsg, (msg) => {
      const bytes = encodeClientFrame(msg as unknown as CopClientMsg);
      const got = CopClientMessageType.toObject(decodeClient(bytes) as protobuf.Message, {
        enums: Number,
        longs: Number,
        defaults: true,
        arrays: true,
      });
      // What was sent, with proto3 defaults for what was left out (via the reflection codec's own
      // fromObject/encode, which writes every field it is given).
      const sent = CopClientMessageType.toObject(
        CopClientMessageType.decode(CopClientMessageType.encode(CopClientMessageType.fromObject(msg)).finish()),
        { enums: Number, longs: Number, defaults: true, arrays: true },
      );
      // 0 and -0 alike: the browser encoder, as proto3 allows, leaves a zero bound out.
      if (!deepSame(got, sent, false)) throw new Error(`${showValue(msg)}: server read ${showValue(got)}`);
      n++;
      return true;
    }),
    { numRuns: 15_000, seed: 1514, includeErrorInReport: true },
  );
  assert.is(n, 15_000);
  generated += n;
});

test('item 2, differential fuzzing: the server accepts exactly the well-typed COP client frames, 27,000 mutated and random', () => {
  const clientFrame = messageArb(CopClientMessageType, true).map((m) =>
    encodeClientFrame(m as unknown as CopClientMsg),
  );
  const before = { ...tally };
  for (const f of REAL.client) serverAgrees(f);
  assert.equal(tally, { accepted: before.accepted + REAL.client.length, refused: before.refused });
  assert.ok(REAL.client.length >= 8, `${REAL.client.length} real client frames`);
  const mutated = run(mutate(fc.oneof(fc.constantFrom(...REAL.client), clientFrame)), 20_000, 1515, serverAgrees);
  const random = run(fc.uint8Array({ maxLength: 60 }), 7_000, 1516, serverAgrees);
  assert.ok(mutated.accepted > 2_000 && mutated.refused > 2_000, JSON.stringify(mutated));
  assert.ok(random.refused > 2_000, JSON.stringify(random));
});

test('item 2: 102,000 generated COP frames in all, as many as the AVL decoder fuzz (at least 100,000)', () => {
  assert.is(generated, 102_000);
});

test.run();
