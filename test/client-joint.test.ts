/**
 * The joint-work screens' pure parts: the inbox, an incident's detail and its timeline as the
 * server sends them (literal JSON), each audit event in words, the lines after dispatchers'
 * changes, and whether the ticked units are the suggestion.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { currentLines } from '../client/components/jcr-incident-detail/jcr-incident-detail.ts';
import { isSuggestion } from '../client/components/jcr-request-inbox/jcr-request-inbox.ts';
import {
  describeEvent,
  parseInbox,
  parseIncidentDetail,
  parseTimeline,
  suggestedUnits,
} from '../client/state/joint-parse.ts';

const REQUEST = {
  requestId: 'REQ-1',
  fromAgency: 'police',
  toAgency: 'ambulance',
  note: '',
  requestedAt: 1000,
  requestedBy: 'police-dispatcher',
  status: 'pending',
  lines: [{ capability: 'paramedic', count: 1, suggested: ['AMB1'] }],
  recommendationSeq: 7,
  acceptedAt: null,
  acceptedBy: null,
  answeredAt: null,
  answeredBy: null,
  answer: null,
  mobilised: [],
};

test('the inbox as GET /api/requests sends it; a request that does not fit is dropped', () => {
  const items = parseInbox({
    seq: 9,
    requests: [
      { incidentId: 'INC-1', typeName: 'Violent disturbance', priority: 1, address: 'High St', ...REQUEST },
      { incidentId: 'INC-2', ...REQUEST, requestId: 'REQ-2', status: 'lost' },
      { ...REQUEST, requestId: 'REQ-3' },
    ],
  });
  assert.equal(items, [
    {
      requestId: 'REQ-1',
      incidentId: 'INC-1',
      fromAgency: 'police',
      toAgency: 'ambulance',
      note: '',
      requestedAtMs: 1000,
      requestedBy: 'police-dispatcher',
      status: 'pending',
      lines: [{ capability: 'paramedic', count: 1, suggested: ['AMB1'] }],
      answeredAtMs: null,
      answeredBy: null,
      answer: null,
      mobilised: [],
      typeName: 'Violent disturbance',
      priority: 1,
      address: 'High St',
    },
  ]);
  assert.equal(
    suggestedUnits({
      lines: [
        { capability: 'a', count: 2, suggested: ['X', 'Y'] },
        { capability: 'b', count: 1, suggested: ['Y', 'Z'] },
      ],
    }),
    ['X', 'Y', 'Z'],
  );
  assert.is(isSuggestion(['AMB1'], ['AMB1']), true);
  assert.is(isSuggestion(['AMB2'], ['AMB1']), false);
  assert.is(isSuggestion(['AMB1', 'AMB2'], ['AMB1']), false);
});

test('an incident detail: METHANE, requests, quicker flags, line changes', () => {
  const d = parseIncidentDetail({
    id: 'INC-1',
    typeId: 'violent-disturbance',
    typeName: 'Violent disturbance',
    priority: 1,
    lat: 51.76,
    lon: -0.22,
    address: '',
    status: 'mobilising',
    createdAt: 900,
    leadAgency: 'police',
    supportingAgencies: [],
    methane: { majorIncident: true, exactLocation: 'car park', casualties: 2, servicesPresent: ['police'], hazards: 7 },
    requests: [{ ...REQUEST, status: 'accepted', answeredBy: 'amb', mobilised: ['AMB1'] }],
    attendances: [{ resourceId: 'PC1', agency: 'police', mobilisedAt: 1000, arrivedAt: null, leftAt: null }],
    quicker: [
      {
        capability: 'paramedic',
        enRouteId: 'AMB1',
        enRouteEtaS: 600,
        quickerId: 'AMB2',
        quickerEtaS: 200,
        at: 5,
        seq: 9,
      },
    ],
    lineChanges: [{ capability: 'boat', count: 1, agency: 'fire', reason: 'canal', by: 'x', at: 3 }],
    closeReason: null,
  });
  assert.ok(d);
  assert.equal(d.methane, {
    majorIncident: true,
    exactLocation: 'car park',
    type: '',
    hazards: '',
    access: '',
    casualties: 2,
    servicesPresent: ['police'],
    servicesRequired: [],
  });
  assert.equal(
    d.requests.map((r) => [r.requestId, r.incidentId, r.status, r.answeredBy, r.mobilised]),
    [['REQ-1', 'INC-1', 'accepted', 'amb', ['AMB1']]],
  );
  assert.equal(d.incident.requestedAgencies, ['ambulance']);
  assert.equal(d.quicker, [
    { capability: 'paramedic', enRouteId: 'AMB1', enRouteEtaS: 600, quickerId: 'AMB2', quickerEtaS: 200 },
  ]);
  assert.equal(d.lineChanges, [{ capability: 'boat', count: 1, agency: 'fire', reason: 'canal' }]);
  assert.equal(
    currentLines(
      [
        { capability: 'police-response', count: 3, agency: 'police' },
        { capability: 'drone', count: 1, agency: null },
      ],
      [
        { capability: 'boat', count: 1, agency: 'fire', reason: 'canal' },
        { capability: 'drone', count: null, agency: null, reason: 'not needed' },
        { capability: 'police-response', count: 2, agency: null, reason: 'enough' },
      ],
    ),
    [
      { capability: 'police-response', count: 2, agency: 'police' },
      { capability: 'boat', count: 1, agency: 'fire' },
    ],
  );
});

test('the timeline in words, with who and for which agency', () => {
  const names: Record<string, string> = { PC1: 'HT-IRV1', AMB1: 'EE-A1' };
  const nameOf = (id: string) => names[id] ?? id;
  const t = parseTimeline(
    {
      incidentId: 'INC-1',
      events: [
        {
          seq: 5,
          at: 1000,
          type: 'incident.created',
          origin: 'operator',
          actor: 'pd',
          data: { address: 'High St', leadAgency: 'police' },
        },
        {
          seq: 7,
          at: 1100,
          type: 'incident.decision',
          origin: 'operator',
          actor: 'pd',
          data: {
            decision: 'accepted',
            chosen: ['PC1'],
            reason: null,
            actingAgency: 'police',
            requests: [{ requestId: 'REQ-1', toAgency: 'ambulance', suggested: ['AMB1'] }],
          },
        },
        {
          seq: 8,
          at: 1100,
          type: 'resource.status',
          origin: 'operator',
          actor: 'pd',
          data: { resourceId: 'PC1', status: 3 },
        },
        {
          seq: 9,
          at: 1200,
          type: 'incident.assistanceAccepted',
          origin: 'operator',
          actor: 'amb',
          data: { agency: 'ambulance', chosen: ['AMB1'], reason: null },
        },
        {
          seq: 10,
          at: 1300,
          type: 'incident.assistanceAdvised',
          origin: 'operator',
          actor: 'amb',
          data: { agency: 'ambulance', text: 'hear and treat' },
        },
        {
          seq: 11,
          at: 1400,
          type: 'operator.note',
          origin: 'operator',
          actor: 'amb',
          data: { text: 'crew safe', actingAgency: 'ambulance' },
        },
        { seq: 'x', type: 'broken' },
      ],
    },
    nameOf,
  );
  assert.equal(
    t.map((e) => [e.seq, e.actor, e.agency, e.text]),
    [
      [5, 'pd', 'police', 'Incident created at High St'],
      [7, 'pd', 'police', 'Recommendation accepted: mobilised HT-IRV1; asked Ambulance'],
      [8, 'pd', null, 'HT-IRV1 mobilised'],
      [9, 'amb', 'ambulance', 'Request accepted: mobilised EE-A1'],
      [10, 'amb', 'ambulance', 'Answered with advice, no deployment: hear and treat'],
      [11, 'amb', 'ambulance', 'Note: crew safe'],
    ],
  );
  assert.equal(describeEvent('incident.updated', { patch: { methane: { hazards: 'knife' } } }, nameOf), {
    text: 'METHANE updated: hazards',
    agency: null,
  });
  assert.equal(describeEvent('something.new', {}, nameOf), { text: 'something.new', agency: null });
});

test.run();
