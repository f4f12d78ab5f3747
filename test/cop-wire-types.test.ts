/**
 * COP decoders respect wire types (issue 15 item 1, as for the AVL decoder): a known field sent
 * with another wire type than cop.proto declares is refused, never read as the declared type.
 *
 * - The server's decoder of client frames (server/shell/cop/codec.ts decodeClient) used protobufjs
 *   alone, which picks how to read a field from its number: a `last_seq` sent as a fixed32 426 was
 *   read as the varint 170, a resume from the wrong place.
 * - The browser's decoder of server frames (client/cop/decode-*.ts, also the fan-out bench's)
 *   checks every field, the joint requests' included.
 * test/cop-codec-fuzz.test.ts checks both against protobufjs on generated, mutated and random bytes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import protobuf from 'protobufjs';
import { WebSocket } from 'ws';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { fakeClock } from '../server/core/clock.ts';
import { decodeClient } from '../server/shell/cop/codec.ts';
import { startServer } from '../server/shell/server.ts';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { manualTimer } from './support/timers.ts';

/** Client frames with one known field mistyped, each of which protobufjs alone reads as a value. */
const MISTYPED_CLIENT: Array<[string, number[]]> = [
  // subscribe { last_seq: fixed32 426 }: protobufjs read last_seq 170 (0xaa 0x01 as a varint).
  ['subscribe.last_seq as fixed32', [0x0a, 5, 0x0d, 0xaa, 0x01, 0, 0]],
  // ack { seq: fixed64 426 }: read as seq 170.
  ['ack.seq as fixed64', [0x1a, 9, 0x09, 0xaa, 0x01, 0, 0, 0, 0, 0, 0]],
  // subscribe { resume_epoch: varint 2, then bytes }: read as the epoch "ab".
  ['subscribe.resume_epoch as varint', [0x0a, 4, 0x10, 2, 0x61, 0x62]],
  // set_filter { filter: varint }: a message sent as a number.
  ['set_filter.filter as varint', [0x12, 2, 0x08, 1]],
];

test('the server refuses a client frame with a known field of the wrong wire type', () => {
  for (const [name, bytes] of MISTYPED_CLIENT)
    assert.throws(() => decodeClient(Uint8Array.from(bytes)), /wire type/, name);
  // What protobufjs alone makes of the first: a value, not an error (the defect this guards).
  const CopClient = protobuf.loadSync('proto/cop.proto').lookupType('jcr.v1.CopClientMessage');
  assert.equal(CopClient.toObject(CopClient.decode(Uint8Array.from(MISTYPED_CLIENT[0]![1]))), {
    subscribe: { lastSeq: 170 },
  });
  // Well-typed frames, unknown fields included, still decode.
  const ok = [...encodeClientFrame({ ack: { seq: 426 } }), 0xa2, 0x06, 1, 0x7a]; // + field 100 (LEN "z")
  assert.equal(JSON.parse(JSON.stringify(decodeClient(Uint8Array.from(ok)))), { ack: { seq: 426 } });
});

test('over the wire, a mistyped control frame closes that connection with 1007 JCR_VALIDATION', async () => {
  const TOKEN = 'cop-test-token-0123456789';
  const server = await startServer({
    scenario: miniScenario(),
    db: ':memory:',
    port: 0,
    clock: fakeClock().now,
    log: 'silent',
    timers: manualTimer(),
    cop: { token: TOKEN },
  });
  for (const [, bytes] of MISTYPED_CLIENT) {
    const ws = new WebSocket(server.url.replace('http:', 'ws:') + `/ws/cop?token=${TOKEN}`);
    await once(ws, 'open');
    ws.send(Uint8Array.from(bytes));
    const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
    assert.equal([code, String(reason)], [1007, 'JCR_VALIDATION']);
  }
  await server.close();
});

test('the browser refuses a joint request field of the wrong wire type', () => {
  // A snapshot with one incident { id "I", requests { request_id "R", requested_at_ms } }.
  const snapshot = (requestedAt: (w: protobuf.Writer) => void) => {
    const x = protobuf.Writer.create();
    x.uint32((1 << 3) | 2).fork(); // snapshot
    x.uint32((8 << 3) | 2).fork(); // incidents
    x.uint32((1 << 3) | 2).string('I');
    x.uint32((17 << 3) | 2).fork(); // requests
    x.uint32((1 << 3) | 2).string('R');
    requestedAt(x);
    x.ldelim().ldelim().ldelim();
    return x.finish();
  };
  const good = snapshot((x) => x.uint32((8 << 3) | 1).double(1767258000100));
  assert.equal(
    decodeServerFrame(good).snapshot?.incidents[0]?.requests.map((r) => [r.requestId, r.requestedAtMs]),
    [['R', 1767258000100]],
  );
  // requested_at_ms as a varint (wire type 0) and count of a line as a string: refused.
  assert.throws(() => decodeServerFrame(snapshot((x) => x.uint32((8 << 3) | 0).uint64(1767258000100))), /wire type/);
  const line = snapshot((x) => {
    x.uint32((5 << 3) | 2).fork(); // lines
    x.uint32((2 << 3) | 2).string('2'); // count as LEN
    x.ldelim();
  });
  assert.throws(() => decodeServerFrame(line), /wire type/);
});

test('cop.proto has no 64-bit integer field: the browser build has no long.js to read one', () => {
  // client/build.ts resolves 'long' to nothing (long.js compiles WebAssembly, which the CSP
  // refuses); protobufjs would then read a 64-bit integer as a float, inexact above 2^53.
  const root = protobuf.loadSync('proto/cop.proto');
  const wide: string[] = [];
  const visit = (ns: protobuf.NamespaceBase) => {
    for (const o of ns.nestedArray) {
      if (o instanceof protobuf.Type)
        for (const f of o.fieldsArray) if (/^(u?int64|sint64|s?fixed64)$/.test(f.type)) wide.push(f.fullName);
      if (o instanceof protobuf.Namespace) visit(o);
    }
  };
  visit(root);
  assert.ok(root.lookupType('jcr.v1.CopServerMessage').fieldsArray.length > 0);
  assert.equal(wide, []);
});

test.run();
