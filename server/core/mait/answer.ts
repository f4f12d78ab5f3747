/**
 * Who answers a partner's transfer or request for assistance (issue 18): the agency it is routed
 * to, and the duty officer. A transfer goes to the lead agency of its incident type (the type is
 * already in our vocabulary); a request for assistance to every agency with a resource of the
 * asked capability. The inbox shows each agency these items (client/state/transfers.ts) and the
 * server holds to the same rule, as it does for joint requests between our own agencies
 * (server/core/auth/incident-access.ts, `answerRequest`): anyone else is refused JCR_FORBIDDEN.
 */
import { JcrError } from '../errors.ts';
import type { Agency, Scenario } from '../scenario/types.ts';
import type { Transfer } from './types.ts';

/** The agencies that answer `t`, in the scenario's order; none when nothing of ours fits (the duty officer answers). */
export function answeringAgencies(t: Pick<Transfer, 'kind' | 'content' | 'assistance'>, scenario: Scenario): Agency[] {
  if (t.kind === 'assistance') {
    const capability = t.assistance?.capability;
    const out: Agency[] = [];
    for (const r of scenario.resources)
      if (capability !== undefined && r.capabilities.includes(capability) && !out.includes(r.agency))
        out.push(r.agency);
    return out;
  }
  const lead = scenario.incidentTypes.find((x) => x.id === t.content?.type)?.leadAgency;
  return lead === undefined ? [] : [lead];
}

/**
 * Refuse `agency` (none: the duty officer, or the system) answering `t` when it is not routed to it.
 * Only incoming items are answered; ours are refused elsewhere.
 */
export function mustAnswer(t: Transfer, agency: Agency | undefined, scenario: Scenario): void {
  if (agency === undefined || t.direction !== 'in') return;
  const to = answeringAgencies(t, scenario);
  if (to.includes(agency)) return;
  throw new JcrError(
    'JCR_FORBIDDEN',
    `only ${to.length === 0 ? 'the duty officer' : `${to.join(', ')} (or the duty officer)`} may answer ${t.id}`,
    { path: 'transferId' },
  );
}
