/**
 * The rules for a dispatcher's change to an incident's attendance lines (./lines.ts): add a line
 * or change its count, or remove one, each with a reason. Only the lead agency and the duty
 * officer change the lines, as they change the incident's type (docs/incidents.md, "Lines").
 * Pure: answers the events, nothing applied (./book.ts folds them).
 */
import { sees, unknownIncident, type Acting } from '../auth/incident-access.ts';
import { JcrError } from '../errors.ts';
import type { NewEvent, Origin } from '../events.ts';
import { mayTask } from './access.ts';
import type { Scenario } from '../scenario/types.ts';
import { linesOf } from './lines.ts';
import type { Incident, LineCommand } from './types.ts';

const CAPABILITY = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Validate a line command against the incident; answer its event. */
export function decideLine(
  inc: Incident,
  scenario: Scenario,
  cmd: LineCommand,
  env: { at: number; origin: Origin; actor: string },
): NewEvent[] {
  const who: Acting = cmd.actingAgency ?? 'all';
  if (!sees(who, inc)) {
    const no = unknownIncident(inc.id);
    throw new JcrError(no.code, no.message, { path: no.path });
  }
  if (inc.status === 'closed')
    throw new JcrError('JCR_CONFLICT', `incident ${inc.id} is closed`, { path: 'incidentId' });
  if (who !== 'all' && who !== inc.leadAgency)
    throw new JcrError(
      'JCR_INCIDENT_LEAD_ONLY',
      `only the lead agency (${inc.leadAgency}) or the duty officer may change the lines of incident ${inc.id}`,
      { path: 'incidentId' },
    );
  const reason = cmd.reason.trim();
  if (reason === '' || reason.length > 2000)
    throw new JcrError('JCR_VALIDATION', 'a reason of 1..2000 characters is required', { path: 'reason' });
  const type = scenario.incidentTypes.find((t) => t.id === inc.typeId);
  const lines = type ? linesOf(type, inc.lineChanges) : [];
  if (cmd.type === 'incident.removeLine') {
    if (!lines.some((l) => l.capability === cmd.capability))
      throw new JcrError('JCR_NOT_FOUND', `incident ${inc.id} has no line for ${cmd.capability}`, { path: 'lineId' });
    return [
      {
        ...env,
        type: 'incident.lineRemoved',
        data: { incidentId: inc.id, capability: cmd.capability, reason },
      },
    ];
  }
  if (!CAPABILITY.test(cmd.capability))
    throw new JcrError('JCR_VALIDATION', 'capability must be 1..64 of a-z, 0-9 and -', { path: 'capability' });
  if (!Number.isInteger(cmd.count) || cmd.count < 1 || cmd.count > 50)
    throw new JcrError('JCR_VALIDATION', 'count must be a whole number 1..50', { path: 'count' });
  const agency = cmd.agency;
  if (
    !scenario.resources.some(
      (r) => r.capabilities.includes(cmd.capability) && (agency === undefined || mayTask(agency, r)),
    )
  )
    throw new JcrError(
      'JCR_VALIDATION',
      `no ${agency === undefined ? '' : `${agency} `}resource offers capability ${JSON.stringify(cmd.capability)}`,
      { path: 'capability' },
    );
  return [
    {
      ...env,
      type: 'incident.lineSet',
      data: {
        incidentId: inc.id,
        capability: cmd.capability,
        count: cmd.count,
        ...(agency !== undefined ? { agency } : {}),
        reason,
      },
    },
  ];
}
