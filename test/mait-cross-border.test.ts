/**
 * Cross-border assistance (issue 18 item 5): a partner is offered for an incident within 10 km of
 * its area and not beyond; what it offered in answer to our request is listed quickest first,
 * marked "via partner"; choosing the partner or one of its resources makes an AssistanceRequest in
 * its vocabulary that the codec builds and xmllint accepts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assistanceDraft, crossBorder, CROSS_BORDER_M } from '../server/core/mait/cross-border.ts';
import type { Transfer } from '../server/core/mait/types.ts';
import type { MaitMessage } from '../proto/mait.ts';
import { JcrError } from '../server/core/errors.ts';
import { buildMait } from '../server/shell/mait/codec.ts';
import { HERTS_PARTNERS, T0 } from './support/mait-samples.ts';
import { xmllint } from './support/xmllint.ts';

const BEDS = HERTS_PARTNERS.partners[0]!;
/** Near Baldock: 52.0 N, 0.1° east of Bedfordshire's eastern edge, 6.9 km. */
const NEAR = { id: 'INC-7', typeId: 'dwelling-fire', lat: 52.0, lon: -0.1, address: 'Weston Road' };
/** Near Hertford: 18 km from Bedfordshire's south-east corner. */
const FAR = { id: 'INC-8', typeId: 'dwelling-fire', lat: 51.75, lon: 0.0, address: 'Fore Street' };

function thread(over: Partial<Transfer>): Transfer {
  return {
    id: 'TR-1',
    direction: 'out',
    kind: 'assistance',
    partnerId: 'beds',
    ref: { room: 'herts', id: 'INC-7' },
    incidentId: 'INC-7',
    status: 'acknowledged',
    ackStage: 'received',
    reason: null,
    partnerIncidentId: null,
    content: null,
    assistance: {
      requestId: 'INC-7.beds.1',
      capability: 'pump',
      count: 2,
      location: { lat: 52.0, lon: -0.1, gridRef: null, uprn: null, address: '' },
      note: '',
      offered: [
        { resourceId: 'BF-P2', callsign: 'Dunstable P1', capability: 'pump', etaS: 780 },
        { resourceId: 'BF-P1', callsign: 'Luton P1', capability: 'pump', etaS: 540 },
      ],
    },
    openedBy: 'herts:herts:INC-7:1',
    closed: false,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

test('a partner within 10 km of the incident is offered; one farther away is not', () => {
  assert.is(CROSS_BORDER_M, 10_000);
  assert.equal(crossBorder(NEAR, [BEDS], []), {
    partners: [{ partnerId: 'beds', name: 'Bedfordshire', metresFromArea: 6854, request: null }],
    offered: [],
  });
  assert.equal(crossBorder(FAR, [BEDS], []), { partners: [], offered: [] });
});

test("the partner's offered resources are listed quickest first, marked via partner, with our request", () => {
  const cb = crossBorder(NEAR, [BEDS], [thread({})]);
  assert.equal(cb.partners[0]!.request, {
    transferId: 'TR-1',
    requestId: 'INC-7.beds.1',
    capability: 'pump',
    count: 2,
    status: 'acknowledged',
  });
  assert.equal(
    cb.offered.map((o) => [o.via, o.partnerName, o.callsign, o.etaS]),
    [
      ['partner', 'Bedfordshire', 'Luton P1', 540],
      ['partner', 'Bedfordshire', 'Dunstable P1', 780],
    ],
  );
  // A closed thread offers nothing; another incident's thread is not this one's.
  assert.equal(crossBorder(NEAR, [BEDS], [thread({ closed: true })]).offered, []);
  assert.equal(crossBorder(NEAR, [BEDS], [thread({ incidentId: 'INC-9' })]).offered, []);
});

test('choosing the partner or one of its resources makes an AssistanceRequest in its vocabulary', () => {
  const byLine = assistanceDraft('herts', NEAR, BEDS, { capability: 'pump', count: 2, note: 'Border call' }, 'r1');
  assert.equal(byLine, {
    kind: 'AssistanceRequest',
    incident: { room: 'herts', id: 'INC-7' },
    requestId: 'r1',
    capability: 'pump',
    count: 2,
    location: { lat: 52.0, lon: -0.1, gridRef: 'TL 3053 3521', uprn: null, address: 'Weston Road' },
    type: 'F-DWELL',
    note: 'Border call',
  });
  const offered = thread({}).assistance!.offered[1]!;
  const byResource = assistanceDraft('herts', NEAR, BEDS, { offered, note: '' }, 'r2');
  assert.is(byResource.kind === 'AssistanceRequest' && byResource.count, 1);
  assert.is(
    byResource.kind === 'AssistanceRequest' && byResource.note,
    'Please send Luton P1 (BF-P1), offered at 9 min.',
  );
  const wire = (d: typeof byLine, seq: number) =>
    buildMait({ ...d, messageId: `herts-x${seq}`, from: 'herts', to: 'beds', seq, sentAt: T0 } as MaitMessage);
  const r = xmllint([wire(byLine, 1), wire(byResource, 2)]);
  assert.is(r.status, 0, r.report);
});

test('an incident whose type the partner does not map is refused with JCR_MAIT_UNMAPPED_TYPE', () => {
  try {
    assistanceDraft(
      'herts',
      { ...NEAR, typeId: 'cardiac-arrest' },
      BEDS,
      { capability: 'pump', count: 1, note: '' },
      'r',
    );
    assert.unreachable();
  } catch (e) {
    assert.instance(e, JcrError);
    assert.is((e as JcrError).code, 'JCR_MAIT_UNMAPPED_TYPE');
  }
});

test.run();
