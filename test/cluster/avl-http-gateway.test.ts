/**
 * OsmAnd and Traccar's JSON forwarder through an AVL gateway (issue #21 item 3): the gateway maps
 * tracker ids to resources, checks the feed token with the leader and relays the fix like a
 * /ws/avl batch. A recorded Traccar forward body (test/fixtures/traccar/forward-position.json,
 * captured from Traccar 6.14.5's forward.type=json; see its README) is accepted and placed on the
 * leader's map with the recording's fields; sent again it is already stored (200,
 * JCR_AVL_DUPLICATE); a malformed one gets a stable code, as does a body without a token. An
 * OsmAnd query from a phone is placed the same way.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import type { Scenario } from '../../server/core/scenario/types.ts';
import { startAvlGateway, type RunningGateway } from '../../server/shell/gateway/avl-gateway.ts';
import { createLogger } from '../../server/shell/log.ts';
import { loadScenario } from '../../server/shell/scenario-loader.ts';
import { AVL_TOKEN, SCENARIO, login, type Instance } from '../support/cluster.ts';
import { startClusterRoom } from '../support/cluster-room.ts';

const ROOM = 'avlhttp';
/** The recording's device.uniqueId (an IMEI). */
const TRUCK = '860000000000001';
const PHONE = 'phone-c1';

/** The room's scenario with trackers: only the gateway maps tracker ids, the leader sees resource ids. */
function withTrackers(s: Scenario): Scenario {
  const trackers: Record<string, string[]> = { R0: [TRUCK], R1: [PHONE] };
  return { ...s, resources: s.resources.map((r) => (trackers[r.id] ? { ...r, trackers: trackers[r.id] } : r)) };
}

async function post(url: string, body: string, token: string | null = AVL_TOKEN) {
  const res = await fetch(`${url}/traccar${token ? `?token=${token}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  const json = (await res.json()) as {
    accepted?: number;
    rejected?: Array<{ code: string }>;
    error?: { code: string; path?: string };
  };
  return [res.status, json.error ? `${json.error.code}${json.error.path ? ` ${json.error.path}` : ''}` : json] as const;
}

test('Traccar forward bodies and OsmAnd fixes through an AVL gateway reach the leader', async () => {
  const room = await startClusterRoom({ room: ROOM, instances: 1 });
  const leader = room.instances[0] as Instance;
  const nats = room.nats;
  let gateway: RunningGateway | undefined;
  try {
    const scenario = withTrackers(loadScenario(SCENARIO));
    gateway = await startAvlGateway({
      servers: [nats],
      room: ROOM,
      scenario,
      port: 0,
      host: '127.0.0.1',
      log: createLogger('silent'),
    });
    const g = gateway;
    const recorded = JSON.parse(readFileSync('test/fixtures/traccar/forward-position.json', 'utf8')) as {
      position: Record<string, unknown>;
    };
    // The leader runs on the wall clock and refuses fixes older than its history floor (48 h), so
    // the recording's times move to a minute ago, in Traccar's own format; every other byte stays.
    const fixMs = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const fixTime = new Date(fixMs).toISOString().replace('Z', '+00:00');
    recorded.position.fixTime = fixTime;
    recorded.position.deviceTime = fixTime;
    const body = JSON.stringify(recorded);
    assert.equal(await post(g.url, body), [200, { accepted: 1, rejected: [] }]);
    const token = await login(leader.url);
    const get = async (id: string) =>
      (await (
        await fetch(`${leader.url}/api/resources/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as Record<string, number>;
    const r0 = await get('R0');
    assert.equal(
      [r0.lat, r0.lon, r0.headingDeg, Math.round((r0.speedMps as number) * 100) / 100, r0.accuracyM, r0.fixTimeMs],
      [14.634001, -89.9871, 45, 6.43, 8, fixMs],
      'placed on the leader: position, course, 12.5 knots in m/s, accuracy, fix time',
    );
    const again = await post(g.url, body);
    assert.is(again[0], 200, 'already stored: Traccar must not retry it');
    assert.equal(
      (again[1] as { rejected: Array<{ code: string }> }).rejected.map((x) => x.code),
      ['JCR_AVL_DUPLICATE'],
    );

    // Malformed bodies: stable codes, and the gateway stays up.
    const bad = (f: (b: typeof recorded & { device: Record<string, unknown> }) => void) => {
      const b = JSON.parse(body) as typeof recorded & { device: Record<string, unknown> };
      f(b);
      return post(g.url, JSON.stringify(b));
    };
    assert.equal(await bad((b) => (b.position.latitude = '51.6')), [400, 'JCR_VALIDATION position.latitude']);
    assert.equal(await bad((b) => delete (b as Partial<typeof b>).device), [400, 'JCR_VALIDATION device']);
    assert.equal(await bad((b) => (b.position.fixTime = 'yesterday')), [400, 'JCR_VALIDATION position.fixTime']);
    assert.equal(await bad((b) => (b.position.fixTime = fixTime.slice(0, -6))), [
      400,
      'JCR_VALIDATION position.fixTime',
    ]);
    assert.equal(await bad((b) => (b.device.uniqueId = 'nobody')), [404, 'JCR_AVL_UNKNOWN_RESOURCE device.uniqueId']);
    assert.equal(await bad((b) => (b.position.valid = false)), [422, 'JCR_AVL_BAD_COORDINATES position.valid']);
    assert.equal(await post(g.url, '{"position": '), [400, 'JCR_MALFORMED_JSON']);
    assert.equal(await post(g.url, body, null), [401, 'JCR_UNAUTHENTICATED']);
    assert.equal(await post(g.url, body, 'not-a-feed-token'), [401, 'JCR_UNAUTHENTICATED']);

    // OsmAnd (Traccar Client): query fields, speed in knots.
    const at = Math.floor(Date.now() / 1000) - 30;
    const q = `id=${PHONE}&lat=51.6123&lon=-0.1301&timestamp=${at}&speed=0&bearing=45&accuracy=8&token=${AVL_TOKEN}`;
    const osmand = await fetch(`${g.url}/osmand?${q}`);
    assert.equal([osmand.status, await osmand.json()], [200, { accepted: 1, rejected: [] }]);
    const r1 = await get('R1');
    assert.equal([r1.lat, r1.lon, r1.headingDeg, r1.accuracyM, r1.fixTimeMs], [51.6123, -0.1301, 45, 8, at * 1000]);
  } finally {
    await gateway?.close();
    await room.close();
  }
});

test.run();
