/**
 * Issue 18 item 4, the screens' reading of transfers: GET /api/transfers and the partners of an
 * incident parsed from literal JSON, a transfer's status in words, and a partner's message in the
 * incident timeline marked as the partner's.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTimeline } from '../client/state/joint-parse.ts';
import { parseTransfer, transferWords } from '../client/state/transfers.ts';

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
    content: { typeText: 'House fire', priority: 1, location: { address: '2 Mill Lane' }, callerAccount: 'Smoke' },
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

test.run();
