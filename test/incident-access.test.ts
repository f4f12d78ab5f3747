/**
 * The shared-incident rule (server/core/auth/incident-access.ts) on literal incident records: each
 * relation, each action, and the refusals' codes. The HTTP and COP ends of the same rule are in
 * test/authz-matrix.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  closeBlockers,
  INCIDENT_ACTIONS,
  judge,
  relationOf,
  takingPart,
  type Acting,
  type IncidentAction,
  type Target,
} from '../server/core/auth/incident-access.ts';
import type { Attendance, AssistanceRequest, Incident } from '../server/core/incidents/types.ts';
import type { Agency } from '../server/core/scenario/types.ts';

const att = (resourceId: string, agency: Agency, leftAt: number | null = null): Attendance => ({
  resourceId,
  agency,
  mobilisedAt: 1,
  arrivedAt: null,
  leftAt,
  arrivalSource: null,
});
const req = (requestId: string, toAgency: Agency, status: 'pending' | 'accepted'): AssistanceRequest => ({
  requestId,
  fromAgency: 'fire',
  toAgency,
  note: '',
  requestedAt: 1,
  requestedBy: 'f',
  status,
  lines: [],
  recommendationSeq: null,
  acceptedAt: null,
  acceptedBy: null,
  answeredAt: null,
  answeredBy: null,
  answer: null,
  mobilised: [],
});

/** Fire leads, police supports, ambulance has been asked; no one is committed. */
const joint = {
  id: 'INC-7',
  leadAgency: 'fire' as Agency,
  supportingAgencies: ['police'] as Agency[],
  requests: [req('INC-7-R1', 'ambulance', 'pending')],
  attendances: [] as Attendance[],
};
/** Fire leads alone; the ambulance's AMB1 is committed; police's PC1 has left. */
const committed = {
  id: 'INC-8',
  leadAgency: 'fire' as Agency,
  supportingAgencies: [] as Agency[],
  requests: [] as AssistanceRequest[],
  attendances: [att('HAT1', 'fire'), att('AMB1', 'ambulance'), att('PC1', 'police', 5)],
};

test('relation: lead, supporting, requested (pending), committed, uninvolved', () => {
  assert.equal(
    (['fire', 'police', 'ambulance'] as const).map((a) => relationOf(joint, a)),
    ['lead', 'supporting', 'requested'],
  );
  assert.equal(
    (['fire', 'police', 'ambulance'] as const).map((a) => relationOf(committed, a)),
    ['lead', 'uninvolved', 'committed'],
  );
  // Accepting makes an agency supporting; once the lead takes it off, the old request keeps nothing.
  const accepted = { ...committed, requests: [req('INC-8-R1', 'police', 'accepted')] };
  assert.is(relationOf(accepted, 'police'), 'uninvolved');
  assert.equal(takingPart(joint), ['fire', 'police', 'ambulance']);
  assert.equal(takingPart(committed), ['fire', 'ambulance']);
});

/** One letter per action in INCIDENT_ACTIONS order: + allowed, H hidden (404), F forbidden, L lead only, C still committed. */
function row(who: Acting, inc: typeof joint, t: Target = {}): string {
  return INCIDENT_ACTIONS.map((a: IncidentAction) => {
    const r = judge(who, inc, a, t);
    if (r === null) return '+';
    return {
      JCR_NOT_FOUND: 'H',
      JCR_FORBIDDEN: 'F',
      JCR_INCIDENT_LEAD_ONLY: 'L',
      JCR_INCIDENT_STILL_COMMITTED: 'C',
    }[r.code as string];
  }).join('');
}

test('every action for every relation, with an own resource and a request addressed to the agency', () => {
  assert.is(
    INCIDENT_ACTIONS.join(' '),
    'view update methane note close forceClose mobilise arrive leave standDown requestAssistance answerRequest',
  );
  const own = (a: Agency): Target => ({
    resource: { id: 'X', agency: a },
    request: { requestId: 'R', toAgency: a },
  });
  const other: Target = { resource: { id: 'HAT1', agency: 'fire' }, request: { requestId: 'R', toAgency: 'fire' } };
  assert.equal(
    {
      lead: row('fire', joint, own('fire')),
      supporting: row('police', joint, own('police')),
      requested: row('ambulance', joint, own('ambulance')),
      committed: row('ambulance', committed, own('ambulance')),
      uninvolved: row('police', committed, own('police')),
      leadBlocked: row('fire', committed, own('fire')),
      supportingOthers: row('police', joint, other),
      duty: row('all', committed, other),
      wall: row(null, committed, other),
    },
    {
      lead: '+++++F++++++',
      supporting: '+L++LF++++++',
      requested: '+L++LF++++F+',
      committed: '+L++LF++++++',
      uninvolved: 'HHHHHHHHHHHH',
      leadBlocked: '++++CF++++++',
      supportingOthers: '+L++LFFFFF+F',
      duty: '++++C+++++++',
      wall: '+FFFFFFFFFFF',
    },
  );
});

test('a resource shared with the agency counts as its own', () => {
  const shared: Target = { resource: { id: 'DRONE1', agency: 'fire', sharedWith: ['police'] } };
  assert.is(judge('police', joint, 'mobilise', shared), null);
  assert.is(judge('police', joint, 'standDown', shared), null);
});

test('the refusal for an unseen incident is word for word the one for an unknown id', () => {
  assert.equal(judge('police', committed, 'close'), {
    code: 'JCR_NOT_FOUND',
    message: 'unknown incident "INC-8"',
    path: 'incidentId',
  });
});

test('closing lists who is still committed; the lead itself does not block', () => {
  assert.equal(closeBlockers(committed), { agencies: ['ambulance'], resourceIds: ['AMB1'] });
  const r = judge('fire', committed, 'close');
  assert.equal(
    [r?.code, r?.details],
    ['JCR_INCIDENT_STILL_COMMITTED', { agencies: ['ambulance'], resourceIds: ['AMB1'] }],
  );
  assert.is(judge('all', committed, 'forceClose'), null);
  assert.is(judge('fire', committed, 'forceClose')?.code, 'JCR_FORBIDDEN');
  const stoodDown = { ...committed, attendances: [att('HAT1', 'fire'), att('AMB1', 'ambulance', 9)] };
  assert.is(judge('fire', stoodDown, 'close'), null);
});

test.run();
