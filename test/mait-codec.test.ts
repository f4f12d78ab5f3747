/**
 * The MAIT XML codec (issue 18 item 2): every message kind built from literal data validates
 * against docs/mait.xsd under xmllint and reads back exactly; so do generated messages (fast-check,
 * parse(build(m)) equals m); untrusted XML that is malformed, declares entities, sits in the wrong
 * place or breaks a field rule is refused with its stable code.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MAIT_KINDS, MAIT_MAX_BYTES, type MaitMessage } from '../proto/mait.ts';
import { buildMait, parseMait } from '../server/shell/mait/codec.ts';
import { MAX_INSTANT_MS, MIN_INSTANT_MS } from '../server/core/mait/check.ts';
import { JcrError } from '../server/core/errors.ts';
import { SAMPLES } from './support/mait-samples.ts';
import { xmllint } from './support/xmllint.ts';
import { maitMessage } from './support/mait-arbitrary.ts';

function refused(f: () => unknown): { code: string; path: string | undefined } {
  try {
    f();
  } catch (e) {
    if (e instanceof JcrError) return { code: e.code, path: e.path };
    throw e;
  }
  throw new Error('not refused');
}

const HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><Mait xmlns="urn:jcr:mait:1" version="1"><Acknowledge><messageId>beds-m1</messageId><from>beds</from><to>herts</to><incident><room>herts</room><id>INC-000042</id></incident><seq>1</seq><sentAt>2026-12-02T20:00:01.123Z</sentAt>';

test('an Acknowledge is built to the exact XML of the schema', () => {
  assert.is(
    buildMait(SAMPLES.Acknowledge),
    `${HEAD}<ackOf>herts-m1</ackOf><stage>received</stage></Acknowledge></Mait>`,
  );
});

test('every message kind validates against docs/mait.xsd with xmllint', () => {
  const docs = MAIT_KINDS.map((k) => buildMait(SAMPLES[k]));
  const r = xmllint(docs);
  assert.is(r.status, 0, r.report);
  assert.is(r.report, MAIT_KINDS.map((_, i) => `m${i}.xml validates\n`).join(''));
});

test('every message kind reads back exactly as built, markup characters and new lines included', () => {
  for (const k of MAIT_KINDS) assert.equal(parseMait(buildMait(SAMPLES[k])), SAMPLES[k], k);
  const xml = buildMait(SAMPLES.Create);
  assert.ok(xml.includes('hears shouting &lt;urgent&gt;.</callerAccount>'));
  assert.ok(xml.includes('<text>Road closed at the junction\nsecond line</text>'));
});

test('xmllint refuses what the codec refuses: a priority of 4 and a missing seq', () => {
  const good = buildMait(SAMPLES.Create);
  const p4 = good.replace('<priority>1</priority>', '<priority>4</priority>');
  const noSeq = good.replace('<seq>1</seq>', '');
  const r = xmllint([p4, noSeq]);
  assert.is(r.status, 3);
  assert.match(r.report, /m0\.xml fails to validate/);
  assert.match(r.report, /m1\.xml fails to validate/);
  assert.equal(
    refused(() => parseMait(p4)),
    { code: 'JCR_MAIT_INVALID', path: 'content.priority' },
  );
  assert.equal(
    refused(() => parseMait(noSeq)),
    { code: 'JCR_MAIT_INVALID', path: 'seq' },
  );
});

test('property: parse(build(m)) equals m for generated messages of every kind', () => {
  fc.assert(
    fc.property(maitMessage, (m) => {
      // structuredClone: fast-check's records have no prototype, the codec's are plain objects.
      assert.equal(parseMait(buildMait(m)), structuredClone(m));
    }),
    { numRuns: 300, seed: 18 },
  );
});

test('property: generated messages validate against the schema with xmllint', () => {
  const docs = fc.sample(maitMessage, { numRuns: 120, seed: 1818 }).map(buildMait);
  const r = xmllint(docs);
  assert.is(r.status, 0, r.report);
});

test('the instants at both ends of the allowed range read back', () => {
  for (const t of [MIN_INSTANT_MS, MAX_INSTANT_MS]) {
    const m = { ...SAMPLES.Close, closedAt: t } as MaitMessage;
    assert.equal(parseMait(buildMait(m)), m);
  }
});

test('a message the schema forbids is not built: JCR_MAIT_INVALID with the path', () => {
  const c = SAMPLES.Create as Extract<MaitMessage, { kind: 'Create' }>;
  const cases: Array<[MaitMessage, string]> = [
    [{ ...c, seq: 0 }, 'seq'],
    [{ ...c, messageId: 'has space' }, 'messageId'],
    [{ ...c, content: { ...c.content, location: { ...c.content.location, lat: 91 } } }, 'content.location.lat'],
    [
      { ...c, content: { ...c.content, location: { ...c.content.location, gridRef: 'TL 241 2434' } } },
      'content.location.gridRef',
    ],
    [{ ...c, content: { ...c.content, callerAccount: 'bell \u0007' } }, 'content.callerAccount'],
    [{ ...c, content: { ...c.content, callerAccount: 'line\r\nfeed' } }, 'content.callerAccount'],
    [{ ...c, content: { ...c.content, typeText: 'x'.repeat(201) } }, 'content.typeText'],
    [{ ...SAMPLES.Reject, reason: ' \n' } as MaitMessage, 'reason'],
    [{ ...c, sentAt: Date.UTC(1999, 11, 31) }, 'sentAt'],
  ];
  for (const [m, path] of cases)
    assert.equal(
      refused(() => buildMait(m)),
      { code: 'JCR_MAIT_INVALID', path },
      path,
    );
});

test('XML that is not well-formed, or not a <Mait> message, is JCR_MAIT_MALFORMED', () => {
  const good = buildMait(SAMPLES.Acknowledge);
  const cases = [
    '',
    'not xml at all',
    good.slice(0, -7),
    good.replace('<stage>', '<stage a="1" a="2">'),
    good.replace('received', 'rec&bogus;eived'),
    '<?xml version="1.0"?><Mait version="1"><Acknowledge/></Mait>',
    '<?xml version="1.0"?><Other xmlns="urn:jcr:mait:1"/>',
    good.replace('<ackOf>', '<x:ackOf xmlns:x="urn:other">').replace('</ackOf>', '</x:ackOf>'),
  ];
  for (const x of cases) assert.is(refused(() => parseMait(x)).code, 'JCR_MAIT_MALFORMED', x);
});

test('a DOCTYPE is refused before any entity is expanded: billion laughs and XXE', () => {
  const laughs =
    '<?xml version="1.0"?><!DOCTYPE Mait [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">' +
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Mait xmlns="urn:jcr:mait:1" version="1">&c;</Mait>';
  const xxe =
    '<?xml version="1.0"?><!DOCTYPE Mait [<!ENTITY x SYSTEM "file:///etc/passwd">]>' +
    '<Mait xmlns="urn:jcr:mait:1" version="1"><Reject>&x;</Reject></Mait>';
  assert.is(refused(() => parseMait(laughs)).code, 'JCR_MAIT_MALFORMED');
  assert.is(refused(() => parseMait(xxe)).code, 'JCR_MAIT_MALFORMED');
});

test('a body over the size limit is refused before parsing; deep nesting is refused', () => {
  const big = buildMait(SAMPLES.Acknowledge).replace('<stage>', `<!--${'x'.repeat(MAIT_MAX_BYTES)}--><stage>`);
  assert.is(refused(() => parseMait(big)).code, 'JCR_PAYLOAD_TOO_LARGE');
  const deep = `<Mait xmlns="urn:jcr:mait:1" version="1">${'<a>'.repeat(20)}${'</a>'.repeat(20)}</Mait>`;
  assert.is(refused(() => parseMait(deep)).code, 'JCR_MAIT_MALFORMED');
});

test('a misplaced, missing, extra or mistyped field is JCR_MAIT_INVALID with its path', () => {
  const ack = buildMait(SAMPLES.Acknowledge);
  const create = buildMait(SAMPLES.Create);
  const cases: Array<[string, string]> = [
    [ack.replace('version="1"', 'version="2"'), 'version'],
    [ack.replace('<Acknowledge>', '<Nudge>').replace('</Acknowledge>', '</Nudge>'), 'kind'],
    [
      ack.replace('<ackOf>herts-m1</ackOf><stage>received</stage>', '<stage>received</stage><ackOf>herts-m1</ackOf>'),
      'ackOf',
    ],
    [ack.replace('<stage>received</stage>', '<stage>received</stage><extra/>'), 'extra'],
    [ack.replace('received', 'thinking'), 'stage'],
    [ack.replace('<seq>1</seq>', '<seq>0x10</seq>'), 'seq'],
    [ack.replace('<seq>1</seq>', '<seq><n>1</n></seq>'), 'seq'],
    [ack.replace('.123Z', '+01:00'), 'sentAt'],
    [ack.replace('2026-12-02', '2026-02-30'), 'sentAt'],
    [ack.replace('<incident>', '<incident>stray text'), 'incident'],
    [create.replace('<lat>51.90123</lat>', '<lat>north</lat>'), 'content.location.lat'],
    [create.replace('<majorIncident>false', '<majorIncident>no'), 'content.methane.majorIncident'],
    [create.replace('<status>serious</status>', '<status>grave</status>'), 'content.casualties[0].status'],
    [
      create.replace(
        '<service>fire</service><service>ambulance</service>',
        '<service>fire</service><agency>ambulance</agency>',
      ),
      'content.methane.servicesRequired[1]',
    ],
  ];
  for (const [x, path] of cases)
    assert.equal(
      refused(() => parseMait(x)),
      { code: 'JCR_MAIT_INVALID', path },
      path,
    );
});

test('white space the schema collapses is read as the schema reads it; strings keep theirs', () => {
  const x = buildMait(SAMPLES.Acknowledge).replace('<seq>1</seq>', '<seq>\n  1 </seq>');
  assert.is(parseMait(x).seq, 1);
  assert.is(xmllint([x]).status, 0);
  const padded = buildMait(SAMPLES.Accept).replace('Sending from Luton', '  Sending  ');
  assert.is((parseMait(padded) as Extract<MaitMessage, { kind: 'Accept' }>).note, '  Sending  ');
});

test.run();
