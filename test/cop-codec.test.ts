import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeServerFrame, encodeClientFrame } from '../client/cop/codec.ts';
import { decodeClient, encodeServer } from '../server/shell/cop/codec.ts';

test('a delta encoded by the server decodes in the browser codec, byte-exact fields', () => {
  const bytes = encodeServer({
    delta: {
      seq: 7,
      serverTimeMs: 1767258000100,
      changes: [{ status: { ref: 3, status: 4, incidentId: 'I-1', eventSeq: 12, atMs: 1767258000000 } }],
      positions: {
        ref: [3],
        latE7: [517636000],
        lonE7: [-2247000],
        headingDeg: [359],
        speedDmps: [125],
        fixAgeMs: [-20],
        accuracyM: [8],
      },
      enter: [],
      leave: [5],
    },
  });
  // seq 7 (08 07), server_time_ms (19 + 8 bytes), changes, positions, leave (3a 01 05)
  assert.equal([...bytes.subarray(0, 4)], [0x12, bytes.length - 2, 0x08, 0x07]);
  assert.equal([...bytes.subarray(bytes.length - 3)], [0x3a, 0x01, 0x05]);
  const m = decodeServerFrame(bytes);
  assert.equal(JSON.parse(JSON.stringify(m)), {
    snapshot: null,
    delta: {
      seq: 7,
      fromSeq: 0,
      serverTimeMs: 1767258000100,
      changes: [{ status: { ref: 3, status: 4, incidentId: 'I-1', eventSeq: 12, atMs: 1767258000000 } }],
      positions: {
        ref: [3],
        latE7: [517636000],
        lonE7: [-2247000],
        headingDeg: [359],
        speedDmps: [125],
        fixAgeMs: [-20],
        accuracyM: [8],
      },
      enter: [],
      leave: [5],
    },
  });
});

test('a subscribe encoded by the browser codec decodes on the server', () => {
  const bytes = encodeClientFrame({
    subscribe: {
      lastSeq: 42,
      resumeEpoch: 'ab12',
      filter: { agencies: ['fire'], bounds: { south: 51.7, west: -0.3, north: 51.8, east: -0.1 } },
    },
  });
  assert.equal([...bytes.subarray(0, 6)], [0x0a, bytes.length - 2, 0x08, 42, 0x12, 4]);
  assert.equal(JSON.parse(JSON.stringify(decodeClient(bytes))), {
    subscribe: {
      lastSeq: 42,
      resumeEpoch: 'ab12',
      filter: { agencies: ['fire'], bounds: { south: 51.7, west: -0.3, north: 51.8, east: -0.1 } },
    },
  });
});

test.run();
