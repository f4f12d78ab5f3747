/**
 * MAIT signing and the receiving front door (issue 18 item 1): HMAC-SHA256 over timestamp and
 * body with the direction's secret, a five-minute replay window either way, and each refusal
 * (unknown partner, bad signature, stale, malformed, misaddressed, unknown incident type) with its
 * stable code, HTTP status and WebSocket close code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHmac } from 'node:crypto';
import { MAIT_REPLAY_WINDOW_MS, type MaitMessage } from '../proto/mait.ts';
import { ERRORS, JcrError } from '../server/core/errors.ts';
import { buildMait } from '../server/shell/mait/codec.ts';
import { receiveMait, type IncomingMait } from '../server/shell/mait/receive.ts';
import { signMait, verifyMait } from '../server/shell/mait/signing.ts';
import { BEDS_PARTNERS, HERTS_PARTNERS, SAMPLES, T0 } from './support/mait-samples.ts';

const HERTS_TO_BEDS = HERTS_PARTNERS.partners[0]!.secrets.outbound;
const enc = (s: string) => new TextEncoder().encode(s);

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof JcrError) return e.code;
    throw e;
  }
  return 'accepted';
}

/** A message from herts to beds as herts sends it, signed at `signedAt`. */
function fromHerts(m: MaitMessage, signedAt = T0): IncomingMait {
  const body = enc(buildMait(m));
  return { body, headers: { ...signMait(body, 'herts', HERTS_TO_BEDS, signedAt) } };
}

const beds = (now = T0) => ({
  partners: BEDS_PARTNERS,
  now,
  isKnownType: (t: string) => t === 'F-DWELL' || t === 'R-TRAP',
});

test('the signature is sha256= and the hex HMAC of "timestamp.body", independently computed', () => {
  const h = signMait('<Mait/>', 'herts', 'k'.repeat(32), 1_764_705_600_123);
  const want = createHmac('sha256', 'k'.repeat(32)).update('1764705600123.<Mait/>').digest('hex');
  assert.equal(h, {
    'x-mait-from': 'herts',
    'x-mait-timestamp': '1764705600123',
    'x-mait-signature': `sha256=${want}`,
  });
  verifyMait('<Mait/>', h['x-mait-timestamp'], h['x-mait-signature'], 'k'.repeat(32), 1_764_705_600_123);
});

test('a changed body, timestamp or secret, or a missing header, is JCR_MAIT_BAD_SIGNATURE', () => {
  const s = 's'.repeat(32);
  const h = signMait('body', 'herts', s, T0);
  const ts = h['x-mait-timestamp'];
  const sig = h['x-mait-signature'];
  assert.is(
    refusal(() => verifyMait('bodY', ts, sig, s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', String(T0 + 1), sig, s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', ts, sig, 't'.repeat(32), T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', undefined, sig, s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', ts, undefined, s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', ts, sig.toUpperCase(), s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', ts, sig.slice(0, -2), s, T0)),
    'JCR_MAIT_BAD_SIGNATURE',
  );
  assert.is(
    refusal(() => verifyMait('body', ts, sig, s, T0)),
    'accepted',
  );
});

test('the replay window is 5 minutes either way, edges included', () => {
  const s = 's'.repeat(32);
  const h = signMait('body', 'herts', s, T0);
  const at = (now: number) => refusal(() => verifyMait('body', h['x-mait-timestamp'], h['x-mait-signature'], s, now));
  assert.is(MAIT_REPLAY_WINDOW_MS, 300_000);
  assert.is(at(T0 + 300_000), 'accepted');
  assert.is(at(T0 - 300_000), 'accepted');
  assert.is(at(T0 + 300_001), 'JCR_MAIT_STALE');
  assert.is(at(T0 - 300_001), 'JCR_MAIT_STALE');
});

test('every message kind from a partner, signed with its secret, is received', () => {
  for (const k of ['Create', 'Update', 'Close', 'AssistanceRequest'] as const) {
    const r = receiveMait(fromHerts(SAMPLES[k]), beds());
    assert.is(r.partner.id, 'herts');
    assert.equal(r.message, SAMPLES[k]);
  }
});

test('each refusal at the front door has its stable code, 401 for the signature faults', () => {
  const good = fromHerts(SAMPLES.Create);
  const cases: Array<[string, IncomingMait, number?]> = [
    ['JCR_MAIT_UNKNOWN_PARTNER', { ...good, headers: { ...good.headers, 'x-mait-from': 'essex' } }],
    ['JCR_MAIT_UNKNOWN_PARTNER', { ...good, headers: { ...good.headers, 'x-mait-from': undefined } }],
    ['JCR_MAIT_BAD_SIGNATURE', { ...good, body: enc(buildMait({ ...SAMPLES.Create, seq: 9 })) }],
    ['JCR_MAIT_STALE', fromHerts(SAMPLES.Create, T0 - 600_000)],
    ['JCR_MAIT_MALFORMED', signed('<Mait xmlns="urn:jcr:mait:1" version="1"><Create>')],
    ['JCR_MAIT_MALFORMED', signedBytes(new Uint8Array([0x3c, 0xff, 0xfe]))],
    ['JCR_MAIT_INVALID', signed(buildMait(SAMPLES.Create).replace('<priority>1', '<priority>7'))],
    ['JCR_MAIT_UNKNOWN_PARTNER', fromHerts({ ...SAMPLES.Create, to: 'essex' })],
    ['JCR_MAIT_UNKNOWN_PARTNER', fromHerts({ ...SAMPLES.Create, from: 'beds' })],
    ['JCR_MAIT_UNKNOWN_TYPE', fromHerts({ ...SAMPLES.AssistanceRequest, type: 'dwelling-fire' } as MaitMessage)],
    ['JCR_PAYLOAD_TOO_LARGE', signedBytes(new Uint8Array(262_145))],
  ];
  for (const [code, input] of cases)
    assert.is(
      refusal(() => receiveMait(input, beds())),
      code,
      code,
    );
  const c = SAMPLES.Create as Extract<MaitMessage, { kind: 'Create' }>;
  assert.is(
    refusal(() => receiveMait(fromHerts({ ...c, content: { ...c.content, type: 'X-UNKNOWN' } }), beds())),
    'JCR_MAIT_UNKNOWN_TYPE',
  );
});

function signed(body: string): IncomingMait {
  return signedBytes(enc(body));
}

function signedBytes(body: Uint8Array): IncomingMait {
  return { body, headers: { ...signMait(body, 'herts', HERTS_TO_BEDS, T0) } };
}

test('the MAIT codes map to their HTTP status and WebSocket close code', () => {
  const got = Object.fromEntries(
    Object.entries(ERRORS)
      .filter(([k]) => k.startsWith('JCR_MAIT_'))
      .map(([k, v]) => [k, [v.status, v.close]]),
  );
  assert.equal(got, {
    JCR_MAIT_MALFORMED: [400, 1007],
    JCR_MAIT_INVALID: [400, 1007],
    JCR_MAIT_UNKNOWN_TYPE: [422, 4422],
    JCR_MAIT_UNMAPPED_TYPE: [422, 4422],
    JCR_MAIT_UNKNOWN_PARTNER: [401, 4401],
    JCR_MAIT_BAD_SIGNATURE: [401, 4401],
    JCR_MAIT_STALE: [401, 4401],
    JCR_MAIT_OUT_OF_ORDER: [503, 1013],
    JCR_MAIT_PARTNERS_INVALID: [422, 4422],
    JCR_MAIT_POSITION_RATE: [429, 1008],
  });
});

test.run();
