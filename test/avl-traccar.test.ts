/**
 * Traccar's JSON position forwarder at /traccar (server/shell/avl/traccar.ts) on an instance. The
 * body is a real recording (test/fixtures/traccar/forward-position.json, captured from Traccar
 * 6.14.5, see its README), posted byte for byte with the fake clock a second after Traccar received
 * it: it is placed on the fleet with the recording's exact fields; sent again it is already stored;
 * malformed variants get stable codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { miniScenario } from './fixtures/mini-scenario.ts';
import { DEV_TOKEN, startAvlServer } from './support/avl.ts';

const RECORDED = readFileSync('test/fixtures/traccar/forward-position.json', 'utf8');
/** The recording's device.uniqueId and position.fixTime. */
const UNIQUE_ID = '860000000000001';
const FIX_MS = Date.UTC(2026, 8, 21, 2, 41, 35);

/** The mini scenario with the recorded device as one of the ambulance's trackers. */
function scenario() {
  const s = miniScenario();
  return {
    ...s,
    resources: s.resources.map((r) => (r.id === 'AMB1' ? { ...r, trackers: [...(r.trackers ?? []), UNIQUE_ID] } : r)),
  };
}

type Body = { position: Record<string, unknown>; device: Record<string, unknown> };

/** The recording with one change, re-serialised. */
function variant(change: (b: Body) => void): string {
  const b = JSON.parse(RECORDED) as Body;
  change(b);
  return JSON.stringify(b);
}

test('a recorded Traccar forward body is placed exactly; again it is stored already; malformed ones get stable codes', async () => {
  const t = await startAvlServer({}, { scenario: scenario(), startMs: FIX_MS + 1_000 });
  try {
    const post = async (text: string, token: string | null = DEV_TOKEN) => {
      const res = await fetch(`${t.server.url}/traccar`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: text,
      });
      const j = (await res.json()) as { rejected?: Array<{ code: string }>; error?: { code: string; path?: string } };
      return [res.status, j.error ? [j.error.code, j.error.path ?? null] : j.rejected?.map((r) => r.code)];
    };
    const amb = () => {
      const a = t.server.engine.room.fleet.get('AMB1');
      return [a?.lat, a?.lon, a?.headingDeg, Math.round((a?.speedMps ?? NaN) * 1e6) / 1e6, a?.accuracyM, a?.fixTimeMs];
    };

    assert.equal(await post(RECORDED), [200, []]);
    // latitude, longitude, course, speed 12.5 knots = 6.430556 m/s, accuracy, fixTime.
    assert.equal(amb(), [14.634001, -89.9871, 45, 6.430556, 8, FIX_MS]);
    assert.equal(await post(RECORDED), [200, ['JCR_AVL_DUPLICATE']]);

    // Traccar before Jackson 2.11 (4.x) wrote offsets without a colon, e.g. traccar/traccar#4529.
    assert.equal(await post(variant((b) => (b.position.fixTime = '2026-09-21T02:41:36.000+0000'))), [200, []]);
    assert.equal(amb()[5], FIX_MS + 1_000);

    // A time without an offset would be read in the server's zone; loose strings are no times.
    assert.equal(await post(variant((b) => (b.position.fixTime = '2026-09-21T02:41:36.500'))), [
      400,
      ['JCR_VALIDATION', 'position.fixTime'],
    ]);
    assert.equal(await post(variant((b) => (b.position.fixTime = '1'))), [400, ['JCR_VALIDATION', 'position.fixTime']]);
    assert.equal(await post(variant((b) => (b.position.longitude = null))), [
      400,
      ['JCR_VALIDATION', 'position.longitude'],
    ]);
    assert.equal(await post(variant((b) => (b.position.valid = false))), [
      422,
      ['JCR_AVL_BAD_COORDINATES', 'position.valid'],
    ]);
    assert.equal(await post(variant((b) => (b.device.uniqueId = 1))), [400, ['JCR_VALIDATION', 'device.uniqueId']]);
    assert.equal(await post(variant((b) => (b.device.uniqueId = '860000000000002'))), [
      404,
      ['JCR_AVL_UNKNOWN_RESOURCE', 'device.uniqueId'],
    ]);
    assert.equal(await post(JSON.stringify({ position: JSON.parse(RECORDED).position })), [
      400,
      ['JCR_VALIDATION', 'device'],
    ]);
    assert.equal(await post('[1, 2]'), [400, ['JCR_VALIDATION', 'body']]);
    assert.equal(await post('not json'), [400, ['JCR_MALFORMED_JSON', null]]);
    assert.equal(await post(RECORDED, null), [401, ['JCR_UNAUTHENTICATED', null]]);
    assert.equal(amb()[5], FIX_MS + 1_000, 'no malformed body moved the ambulance');
  } finally {
    await t.close();
  }
});

test.run();
