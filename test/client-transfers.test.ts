/**
 * Issue 18 item 4, the screens' reading of transfers: GET /api/transfers and the partners of an
 * incident parsed from literal JSON, a transfer's status in words, and a partner's message in the
 * incident timeline marked as the partner's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTimeline } from '../client/state/joint-parse.ts';
import { parsePartnerResources, partnerResourceText } from '../client/state/partner-resources.ts';
import { offeredWords, parseTransfer, transfersFor, transferWords } from '../client/state/transfers.ts';
import { parseViaPartner, requestWords } from '../client/state/via-partner.ts';

test('a transfer from the API, and its status in words', () => {
  const t = parseTransfer({
    id: 'TR-1',
    direction: 'in',
    partnerId: 'beds',
    status: 'pending',
    ackStage: 'received',
    reason: null,
    incidentId: null,
    closed: false,
    content: {
      typeText: 'House fire',
      priority: 1,
      location: { address: '2 Mill Lane', uprn: '100080123456' },
      callerAccount: 'Smoke',
    },
  });
  assert.equal(t, {
    id: 'TR-1',
    direction: 'in',
    partnerId: 'beds',
    status: 'pending',
    ackStage: 'received',
    reason: null,
    incidentId: null,
    closed: false,
    typeText: 'House fire',
    priority: 1,
    address: '2 Mill Lane',
    callerAccount: 'Smoke',
    typeId: '',
    kind: 'transfer',
    partnerName: 'beds',
    gridRef: '',
    uprn: '100080123456',
    assistance: null,
  });
  assert.is(parseTransfer({ direction: 'in' }), null);
  const out = { ...t!, direction: 'out' as const, status: 'rejected', reason: 'No pumps free' };
  assert.is(transferWords(out), 'rejected: No pumps free');
  assert.is(
    transferWords({ ...out, status: 'acknowledged', reason: null, ackStage: 'considering' }),
    'acknowledged, being considered',
  );
});

test("a partner's messages in the timeline, marked as theirs", () => {
  const entries = parseTimeline(
    {
      events: [
        {
          seq: 5,
          at: 1000,
          type: 'mait.queued',
          origin: 'operator',
          actor: 'hanna',
          data: { partnerId: 'beds', message: { kind: 'Create' } },
        },
        {
          seq: 7,
          at: 2000,
          type: 'mait.received',
          origin: 'partner',
          actor: 'beds',
          data: { partnerId: 'beds', message: { kind: 'Update', content: { timeline: [{ text: '2 pumps' }] } } },
        },
        {
          seq: 8,
          at: 3000,
          type: 'mait.received',
          origin: 'partner',
          actor: 'beds',
          data: { partnerId: 'beds', message: { kind: 'Reject', reason: 'No pumps free' } },
        },
      ],
    },
    (id) => id,
  );
  assert.equal(
    entries.map((e) => [e.origin, e.actor, e.text]),
    [
      ['operator', 'hanna', 'To partner beds: Create'],
      ['partner', 'beds', 'From partner beds: Update: 2 pumps'],
      ['partner', 'beds', 'From partner beds: Reject: No pumps free'],
    ],
  );
});

test('a request for assistance from the API, with what was offered in words', () => {
  const t = parseTransfer({
    id: 'TR-2',
    direction: 'in',
    kind: 'assistance',
    partnerId: 'herts',
    partnerName: 'Hertfordshire',
    status: 'pending',
    ackStage: null,
    reason: null,
    incidentId: null,
    closed: false,
    content: null,
    assistance: {
      requestId: 'INC-1.beds.1',
      capability: 'pump',
      count: 2,
      note: 'Over the border',
      location: { lat: 51.8, lon: -0.25, gridRef: 'TL 2076 1270', uprn: null, address: '9 Border Road' },
      offered: [{ resourceId: 'WGC1', callsign: 'WG-P1', capability: 'pump', etaS: 425 }, { resourceId: 7 }],
    },
  });
  assert.equal(t && [t.kind, t.partnerName, t.address, t.gridRef, t.typeText, t.priority, t.assistance], [
    'assistance',
    'Hertfordshire',
    '9 Border Road',
    'TL 2076 1270',
    '',
    null,
    {
      capability: 'pump',
      count: 2,
      note: 'Over the border',
      offered: [{ resourceId: 'WGC1', callsign: 'WG-P1', capability: 'pump', etaS: 425 }],
    },
  ]);
  assert.is(
    offeredWords([
      { resourceId: 'WGC1', callsign: 'WG-P1', capability: 'pump', etaS: 425 },
      { resourceId: 'HAT1', callsign: '', capability: 'pump', etaS: 531 },
    ]),
    'WG-P1 (7 min), HAT1 (9 min)',
  );
});

test("the recommendation's partners and offers, and a request's state in words", () => {
  const via = parseViaPartner({
    partners: [
      {
        partnerId: 'beds',
        name: 'Bedfordshire',
        metresFromArea: 5529,
        request: { transferId: 'TR-1', requestId: 'r', capability: 'pump', count: 2, status: 'accepted' },
      },
      { name: 'no id' },
    ],
    offered: [
      {
        resourceId: 'WGC1',
        callsign: 'WG-P1',
        capability: 'pump',
        etaS: 425,
        via: 'partner',
        partnerId: 'beds',
        partnerName: 'Bedfordshire',
      },
      { resourceId: 'X' },
    ],
  });
  assert.equal(via, {
    partners: [
      {
        partnerId: 'beds',
        name: 'Bedfordshire',
        metresFromArea: 5529,
        request: { transferId: 'TR-1', capability: 'pump', count: 2, status: 'accepted' },
      },
    ],
    offered: [
      {
        partnerId: 'beds',
        partnerName: 'Bedfordshire',
        resourceId: 'WGC1',
        callsign: 'WG-P1',
        capability: 'pump',
        etaS: 425,
      },
    ],
  });
  assert.is(parseViaPartner(undefined), undefined);
  const r = via!.partners[0]!.request!;
  assert.equal(
    ['accepted', 'rejected', 'acknowledged', 'delivered', 'queued'].map((status) => requestWords({ ...r, status })),
    [
      '2 × pump asked: resources offered',
      '2 × pump asked: cannot help',
      '2 × pump asked: acknowledged',
      '2 × pump asked: delivered, no answer yet',
      '2 × pump asked: queued until the partner takes it',
    ],
  );
});

test("partner resources from the API, and each marker's label", () => {
  const list = parsePartnerResources({
    staleAfterMs: 120000,
    resources: [
      {
        partnerId: 'beds',
        partnerName: 'Bedfordshire',
        resourceId: 'WGC1',
        callsign: 'WG-P1',
        lat: 51.85,
        lon: -0.25,
        fixAt: 1,
        status: 'AT_SCENE',
        agency: 'fire',
        incidentId: 'INC-1',
        fixAgeMs: 630000,
        stale: true,
      },
      { partnerId: 'beds', resourceId: 'B2', lat: 51.8, lon: -0.2, status: 'ON_WAY', agency: 'coastguard' },
      { partnerId: 'beds', resourceId: 'B3', lat: 'north', lon: -0.2 },
    ],
  });
  assert.equal(
    list.map((r) => [r.key, r.agency, r.stale, partnerResourceText(r)]),
    [
      ['beds|WGC1', 'fire', true, ['Bedfordshire (partner): WG-P1', 'Fire · At scene', 'Stale: last fix 10 min ago']],
      ['beds|B2', null, false, ['beds (partner): B2', 'Agency not given · ON_WAY']],
    ],
  );
  assert.equal(parsePartnerResources({ error: { code: 'JCR_FORBIDDEN' } }), []);
});

test('each agency answers the partner items that are its own; the duty officer all; the wall none', () => {
  const base = parseTransfer({ id: 'TR-1', direction: 'in', partnerId: 'herts', status: 'pending' })!;
  const fire = { ...base, id: 'TR-1', typeId: 'dwelling-fire' };
  const unknownType = { ...base, id: 'TR-2', typeId: 'F-WHATEVER' };
  const ask = (id: string, capability: string) => ({
    ...base,
    id,
    kind: 'assistance' as const,
    assistance: { capability, count: 1, note: '', offered: [] },
  });
  const items = [fire, unknownType, ask('TR-3', 'pump'), ask('TR-4', 'paramedic')];
  const lead = (t: string) => (t === 'dwelling-fire' ? ('fire' as const) : undefined);
  const caps = { fire: new Set(['pump']), police: new Set(['police-response']), ambulance: new Set(['paramedic']) };
  const ids = (who: Parameters<typeof transfersFor>[1], known = true) =>
    transfersFor(items, who, lead, (a) => (known ? caps[a] : undefined)).map((t) => t.id);
  assert.equal(
    [ids('fire'), ids('police'), ids('ambulance'), ids('all'), ids(null), ids(undefined), ids('police', false)],
    [
      ['TR-1', 'TR-2', 'TR-3'],
      ['TR-2'],
      ['TR-2', 'TR-4'],
      ['TR-1', 'TR-2', 'TR-3', 'TR-4'],
      [],
      [],
      ['TR-2', 'TR-3', 'TR-4'],
    ],
  );
});

test.run();
