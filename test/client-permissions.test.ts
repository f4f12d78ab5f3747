/**
 * The screens show a control only to a role that may use it (client/state/permissions.ts). The
 * client restates the server's rules (it may not import server/), so these tests hold the two
 * together: every role × every relation of its agency to an incident (lead, supporting,
 * requested, committed, uninvolved) × every incident control, each resource control for an own
 * and another agency's unit, against server/core/auth/incident-access.ts `judge` on the same
 * incident, which the client reads through its own parser from the server's JSON.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judge, type IncidentAction } from '../server/core/auth/incident-access.ts';
import { can, roleAgency, ROLES } from '../server/core/auth/roles.ts';
import type { Incident } from '../server/core/incidents/types.ts';
import { parseIncident } from '../client/state/parse.ts';
import {
  closeBlockers,
  mayCreateIncident,
  mayOnIncident,
  maySetStatus,
  takingPart,
  type IncidentControl,
  type IncidentFacts,
} from '../client/state/permissions.ts';
import { AGENCIES, type Agency } from '../client/state/types.ts';

type Facts = Pick<Incident, 'id' | 'leadAgency' | 'supportingAgencies' | 'requests' | 'attendances'>;

const attendance = (resourceId: string, agency: Agency, leftAt: number | null = null) => ({
  resourceId,
  agency,
  mobilisedAt: 1000,
  arrivedAt: null,
  leftAt,
  arrivalSource: null,
});
const request = (toAgency: Agency, status: string) =>
  ({ requestId: 'R1', fromAgency: 'fire', toAgency, status }) as unknown as Incident['requests'][number];

/** An incident where `agency` has the relation named; the lead is another agency unless 'lead'. */
function incidentFor(relation: string, agency: Agency): Facts & { typeId: string; lat: number; lon: number } {
  const other = AGENCIES.find((a) => a !== agency) ?? 'fire';
  const base = {
    id: 'INC-1',
    typeId: 't',
    lat: 52,
    lon: 0,
    leadAgency: relation === 'lead' ? agency : other,
    supportingAgencies: relation === 'supporting' ? [agency] : [],
    requests: relation === 'requested' ? [request(agency, 'pending')] : [request(agency, 'declined')],
    attendances: [attendance(`${other}-1`, other), attendance(`${agency}-old`, agency, 900)],
  };
  if (relation === 'committed') base.attendances.push(attendance(`${agency}-1`, agency));
  return base;
}

const INCIDENT_CONTROLS: IncidentControl[] = ['update', 'close', 'forceClose', 'methane', 'note', 'requestAssistance'];
const RESOURCE_CONTROLS: IncidentControl[] = ['mobilise', 'arrive', 'leave', 'standDown'];

test('every role, relation and control: the screen offers what the server allows', () => {
  let checked = 0;
  for (const role of ROLES) {
    for (const agency of AGENCIES) {
      for (const relation of ['lead', 'supporting', 'requested', 'committed', 'uninvolved']) {
        const inc = incidentFor(relation, agency);
        const facts = parseIncident(JSON.parse(JSON.stringify(inc)) as Record<string, unknown>);
        if (!facts) throw new Error('not parsed');
        const who = roleAgency(role) === null ? null : roleAgency(role) === 'all' ? 'all' : agency;
        // A dispatcher of another agency than `agency` is left out: the relation is `agency`'s.
        if (who !== 'all' && who !== null && who !== roleAgency(role)) continue;
        const label = `${role} ${relation} of ${agency}`;
        for (const c of INCIDENT_CONTROLS) {
          const no = judge(who, inc, c as IncidentAction);
          // The screen shows the lead its Close while another agency is committed, with who; the
          // server refuses it with JCR_INCIDENT_STILL_COMMITTED (the browser test checks both).
          const allowed = no === null || no.code === 'JCR_INCIDENT_STILL_COMMITTED';
          assert.is(mayOnIncident(role, facts, c), allowed, `${label}: ${c}`);
          checked++;
        }
        for (const c of RESOURCE_CONTROLS)
          for (const unitAgency of AGENCIES) {
            const no = judge(who, inc, c as IncidentAction, { resource: { id: 'U', agency: unitAgency } });
            assert.is(mayOnIncident(role, facts, c, unitAgency), no === null, `${label}: ${c} ${unitAgency} unit`);
            checked++;
          }
        const ans = judge(who, inc, 'answerRequest', { request: { requestId: 'R1', toAgency: agency } });
        assert.is(mayOnIncident(role, facts, 'answerRequest', agency), ans === null, `${label}: answer`);
      }
    }
  }
  assert.ok(checked > 500, `checked ${checked}`);
});

test('create, status and cover controls follow the role table; an unknown role gets none', () => {
  for (const role of ROLES) {
    assert.is(mayCreateIncident(role), can(role, 'incident.create'), role);
    for (const a of AGENCIES) assert.is(maySetStatus(role, a), can(role, 'resource.status', a), `${role} ${a}`);
  }
  assert.is(mayCreateIncident('wall-viewer'), false);
  assert.is(maySetStatus('fire-dispatcher', 'police'), false);
  for (const role of ['admin', '', null, undefined]) {
    assert.is(mayCreateIncident(role), false);
    assert.is(maySetStatus(role, 'fire'), false);
    assert.is(
      mayOnIncident(
        role,
        { leadAgency: 'fire', supportingAgencies: [], requestedAgencies: [], attendances: [] },
        'note',
      ),
      false,
    );
  }
});

test('taking part and close blockers as the server counts them', () => {
  type Att = { resourceId: string; agency: Agency; leftAtMs: number | null };
  const facts: Omit<IncidentFacts, 'attendances'> & { attendances: Att[] } = {
    leadAgency: 'police',
    supportingAgencies: [],
    requestedAgencies: ['ambulance'],
    attendances: [
      { resourceId: 'PC1', agency: 'police', leftAtMs: null },
      { resourceId: 'AMB1', agency: 'ambulance', leftAtMs: null },
      { resourceId: 'HAT1', agency: 'fire', leftAtMs: 5 },
    ],
  };
  assert.equal(takingPart(facts), ['police', 'ambulance']);
  assert.equal(closeBlockers(facts), { agencies: ['ambulance'], resourceIds: ['AMB1'] });
  facts.attendances[1] = { resourceId: 'AMB1', agency: 'ambulance', leftAtMs: 9 };
  assert.equal(closeBlockers(facts), { agencies: [], resourceIds: [] });
});

test.run();
