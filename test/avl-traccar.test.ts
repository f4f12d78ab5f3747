/**
 * Traccar's JSON position forwarder at /traccar (server/shell/avl/traccar.ts) on an instance: the
 * forward body Traccar posts (test/fixtures/traccar/forward-position.json) is accepted and placed
 * on the fleet; sent again it is already stored; malformed bodies get stable codes.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { DEV_TOKEN, T0, startAvlServer } from './support/avl.ts';

const recorded = JSON.parse(readFileSync('test/fixtures/traccar/forward-position.json', 'utf8')) as {
  position: Record<string, unknown>;
  device: Record<string, unknown>;
};

/** The recording for the mini scenario's tracked ambulance, a minute before the fake clock's now. */
function body(change: (b: typeof recorded) => void = () => {}): string {
  const b = structuredClone(recorded);
  b.device.uniqueId = 'phone-amb1';
  b.position.fixTime = new Date(T0 - 60_000).toISOString();
  change(b);
  return JSON.stringify(b);
}

test('a Traccar forward body is placed; again it is stored already; malformed ones get stable codes', async () => {
  const t = await startAvlServer();
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
    assert.equal(await post(body()), [200, []]);
    const amb = t.server.engine.room.fleet.get('AMB1');
    assert.equal(
      [
        amb?.lat,
        amb?.lon,
        amb?.headingDeg,
        Math.round((amb?.speedMps ?? 0) * 100) / 100,
        amb?.accuracyM,
        amb?.fixTimeMs,
      ],
      [51.6082, -0.1183, 270, 10, 4, T0 - 60_000],
    );
    assert.equal(await post(body()), [200, ['JCR_AVL_DUPLICATE']]);
    assert.equal(await post(body((b) => (b.position.longitude = null))), [
      400,
      ['JCR_VALIDATION', 'position.longitude'],
    ]);
    assert.equal(await post(body((b) => (b.device.uniqueId = 7))), [400, ['JCR_VALIDATION', 'device.uniqueId']]);
    assert.equal(await post('[1, 2]'), [400, ['JCR_VALIDATION', 'body']]);
    assert.equal(await post('not json'), [400, ['JCR_MALFORMED_JSON', null]]);
    assert.equal(await post(body(), null), [401, ['JCR_UNAUTHENTICATED', null]]);
  } finally {
    await t.close();
  }
});

test.run();
