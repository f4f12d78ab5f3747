import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseOsmAndTime } from '../server/shell/avl/osmand.ts';
import { DEV_TOKEN, startAvlServer, T0, type AvlTestServer } from './support/avl.ts';

/**
 * The OsmAnd endpoint with the exact request shapes Traccar Client sends: the query-string form of
 * the Android client (POST with an empty body; GET also works), a form body, and the JSON body of
 * Traccar Client 9+ (the shape in Traccar's own OsmAndProtocolDecoderTest). AMB1 has tracker
 * "phone-amb1" in the mini scenario.
 */
async function call(
  t: AvlTestServer,
  method: 'GET' | 'POST',
  pathAndQuery: string,
  init: { body?: string; type?: string; auth?: string } = {},
) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  if (init.auth) headers.authorization = init.auth;
  const res = await fetch(`${t.server.url}${pathAndQuery}`, {
    method,
    headers,
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const amb1 = (t: AvlTestServer) => t.server.engine.room.fleet.require('AMB1');
const code = (b: Record<string, unknown>) => (b.error as { code: string }).code;

test('form (a): Traccar Client Android query string on POST with an empty body, speed in knots', async () => {
  const t = await startAvlServer();
  try {
    const q = `id=phone-amb1&timestamp=1767257990&lat=51.7701&lon=-0.2201&speed=10.0&bearing=271.5&altitude=80.0&accuracy=12.0&batt=87.0`;
    const r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&${q}`);
    assert.equal(r, { status: 200, body: { accepted: 1, rejected: [] } });
    const a = amb1(t);
    assert.equal([a.lat, a.lon, a.fixTimeMs, a.headingDeg, a.accuracyM], [51.7701, -0.2201, T0 - 10_000, 271.5, 12]);
    assert.ok(Math.abs(a.speedMps - 5.144444) < 1e-5, String(a.speedMps)); // 10 kn
    // The same request again (a retry after a lost response) is answered 200: the fix is already stored.
    const again = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&${q}`);
    assert.is(again.status, 200);
    assert.equal(
      (again.body.rejected as Array<{ code: string }>).map((x) => x.code),
      ['JCR_AVL_DUPLICATE'],
    );
  } finally {
    await t.close();
  }
});

test('form (a): GET with Bearer auth, ISO and "yyyy-MM-dd HH:mm:ss" timestamps, deviceid/heading/location aliases', async () => {
  const t = await startAvlServer();
  try {
    const auth = `Bearer ${DEV_TOKEN}`;
    assert.is(
      (
        await call(
          t,
          'GET',
          '/osmand/?id=phone-amb1&lat=51.77&lon=-0.22&timestamp=2026-01-01T08%3A59%3A00Z&hdop=6.0&altitude=224.0&speed=0.0',
          { auth },
        )
      ).status,
      200,
    );
    assert.is(amb1(t).fixTimeMs, T0 - 60_000);
    assert.is(
      (
        await call(
          t,
          'GET',
          '/osmand?lat=51.7701&lon=-0.22&timestamp=2026-01-01+08%3A59%3A10&altitude=384.7&speed=0.0&deviceid=phone-amb1&heading=45',
          { auth },
        )
      ).status,
      200,
    );
    assert.equal([amb1(t).fixTimeMs, amb1(t).headingDeg], [T0 - 50_000, 45]);
    assert.is(
      (await call(t, 'GET', '/osmand?id=phone-amb1&timestamp=1767257975000&location=51.7702,-0.2201', { auth })).status,
      200,
    );
    assert.equal([amb1(t).lat, amb1(t).lon, amb1(t).fixTimeMs], [51.7702, -0.2201, T0 - 25_000]);
    // No timestamp: Traccar takes the server time.
    assert.is((await call(t, 'GET', '/osmand?id=phone-amb1&lat=51.7703&lon=-0.2201', { auth })).status, 200);
    assert.is(amb1(t).fixTimeMs, T0);
  } finally {
    await t.close();
  }
});

test('form (a): fields in an application/x-www-form-urlencoded body', async () => {
  const t = await startAvlServer();
  try {
    const r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}`, {
      type: 'application/x-www-form-urlencoded',
      body: 'id=phone-amb1&timestamp=1767257990&lat=51.7701&lon=-0.2201&speed=0&bearing=0&accuracy=8',
    });
    assert.equal(r, { status: 200, body: { accepted: 1, rejected: [] } });
    assert.equal([amb1(t).lat, amb1(t).accuracyM], [51.7701, 8]);
  } finally {
    await t.close();
  }
});

test('form (b): the Traccar Client 9+ JSON body; -1 speed/heading mean unknown', async () => {
  const t = await startAvlServer();
  try {
    const body =
      '{"location":{"timestamp":"2026-01-01T08:59:45.862Z","coords":{"latitude":51.7712,"longitude":-0.2187,"accuracy":5,"speed":-1,"heading":-1,"altitude":5},"is_moving":false,"odometer":0,"event":"motionchange","battery":{"level":1,"is_charging":false},"activity":{"type":"still"},"extras":{},"_":"&id=phone-amb1&lat=51.7712&lon=-0.2187&timestamp=2026-01-01T08:59:45.862Z&"},"device_id":"phone-amb1"}';
    const r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}`, { type: 'application/json', body });
    assert.equal(r, { status: 200, body: { accepted: 1, rejected: [] } });
    const a = amb1(t);
    assert.equal(
      [a.lat, a.lon, a.fixTimeMs, a.speedMps, a.headingDeg, a.accuracyM],
      [51.7712, -0.2187, T0 - 14_138, 0, 0, 5],
    );
    const moving =
      '{"location":{"event":"motionchange","is_moving":true,"uuid":"0e9a2473-a9a7-4c00-997b-fb97d2154e75","timestamp":"2026-01-01T08:59:55.000Z","odometer":120,"coords":{"latitude":51.7722,"longitude":-0.2187,"accuracy":3.8,"speed":18.67,"speed_accuracy":0.26,"heading":63,"heading_accuracy":0.28,"altitude":35.7,"altitude_accuracy":3.8},"activity":{"type":"in_vehicle","confidence":100},"battery":{"is_charging":false,"level":0.79},"extras":{}},"device_id":"phone-amb1"}';
    const r2 = await call(t, 'POST', '/osmand', {
      type: 'application/json',
      body: moving,
      auth: `Bearer ${DEV_TOKEN}`,
    });
    assert.is(r2.status, 200);
    assert.equal([amb1(t).lat, amb1(t).headingDeg, amb1(t).fixTimeMs], [51.7722, 63, T0 - 5000]);
    assert.ok(Math.abs(amb1(t).speedMps - 18.67) < 1e-9);
  } finally {
    await t.close();
  }
});

test('rejections answer 4xx with {error:{code}}: token, unknown device, null island, accuracy, agency, missing id', async () => {
  const t = await startAvlServer();
  try {
    const q = 'id=phone-amb1&timestamp=1767257990&lat=51.77&lon=-0.22';
    let r = await call(t, 'POST', `/osmand?${q}`);
    assert.equal([r.status, code(r.body)], [401, 'JCR_UNAUTHENTICATED']);
    r = await call(t, 'POST', `/osmand?token=nope&${q}`);
    assert.equal([r.status, code(r.body)], [401, 'JCR_UNAUTHENTICATED']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&id=unknown-phone&timestamp=1767257990&lat=51.77&lon=-0.22`);
    assert.equal([r.status, code(r.body)], [404, 'JCR_AVL_UNKNOWN_RESOURCE']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&id=phone-amb1&timestamp=1767257990&lat=0&lon=0`);
    assert.equal([r.status, code(r.body)], [422, 'JCR_AVL_NULL_ISLAND']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&${q}&accuracy=1200`);
    assert.equal([r.status, code(r.body)], [422, 'JCR_AVL_POOR_ACCURACY']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&id=phone-amb1&timestamp=1767258100&lat=51.77&lon=-0.22`);
    assert.equal([r.status, code(r.body)], [422, 'JCR_AVL_FUTURE_FIX']);
    const fire = t.server.avl.feeds.add('fire-phones', 'fire');
    r = await call(t, 'POST', `/osmand?token=${fire}&${q}`);
    assert.equal([r.status, code(r.body)], [403, 'JCR_AVL_FORBIDDEN_RESOURCE']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&lat=51.77&lon=-0.22`);
    assert.equal([r.status, code(r.body)], [400, 'JCR_VALIDATION']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}`, {
      type: 'application/json',
      body: '{"location":{"timestamp":"x"},"device_id":"phone-amb1"}',
    });
    assert.equal([r.status, code(r.body)], [400, 'JCR_VALIDATION']);
    r = await call(t, 'POST', `/osmand?token=${DEV_TOKEN}`, { type: 'application/json', body: '{"location":' });
    assert.equal([r.status, code(r.body)], [400, 'JCR_MALFORMED_JSON']);
    assert.is(amb1(t).fixTimeMs, 0, 'nothing was accepted');
    // Still serving.
    assert.is((await call(t, 'POST', `/osmand?token=${DEV_TOKEN}&${q}`)).status, 200);
  } finally {
    await t.close();
  }
});

test('parseOsmAndTime follows Traccar: seconds below 2^31, else ms; ISO; space form as UTC; absent = now', () => {
  assert.is(parseOsmAndTime('1377177267', 5), 1377177267000);
  assert.is(parseOsmAndTime('1442068686579', 5), 1442068686579);
  assert.is(parseOsmAndTime('2016-01-27T18:55:47Z', 5), Date.UTC(2016, 0, 27, 18, 55, 47));
  assert.is(parseOsmAndTime('2014-06-04 09:10:11', 5), Date.UTC(2014, 5, 4, 9, 10, 11));
  assert.is(parseOsmAndTime(undefined, 5), 5);
  assert.ok(Number.isNaN(parseOsmAndTime('yesterday', 5)));
});

test.run();
