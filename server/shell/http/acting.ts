/**
 * Who acts on an incident route: the signed-in user and the agency they act for (or, with no
 * sign-in, 'operator' and the body's actingAgency), and the incident they may act on by the
 * shared-incident rule (server/core/auth/incident-access.ts).
 */
import type { Response } from 'express';
import { roleAgency, isRole } from '../../core/auth/roles.ts';
import { JcrError } from '../../core/errors.ts';
import { judge, type Acting as Who, type IncidentAction, type Target } from '../../core/auth/incident-access.ts';
import type { Incident } from '../../core/incidents/types.ts';
import { AGENCIES, type Agency } from '../../core/scenario/types.ts';
import type { Engine } from '../engine.ts';
import { oneOf, type Body } from './body.ts';

export interface Acting {
  actor: string;
  /** The agency the command acts for (none: the duty officer acting for every agency). */
  agency: Agency | undefined;
  /** Who the shared-incident rule judges: the agency, 'all' (duty officer) or null (the wall, read-only). */
  who: Who;
  /** The signed-in role is the duty officer (who alone may force a close). */
  duty: boolean;
}

/**
 * The acting user and agency: from sign-in when present, else 'operator' and the body's
 * actingAgency. A duty officer may name the agency they act for in `actingAgency`.
 */
export function acting(res: Response, b: Body | undefined): Acting {
  const u: unknown = res.locals.user;
  if (typeof u === 'object' && u !== null && 'username' in u && typeof u.username === 'string') {
    const role = 'role' in u ? u.role : undefined;
    const a = isRole(role) ? roleAgency(role) : null;
    const agency = a === 'all' || a === null ? (b ? agencyOpt(b, 'actingAgency') : undefined) : a;
    return { actor: u.username, agency, who: a === null ? null : (agency ?? 'all'), duty: a === 'all' };
  }
  const agency = b ? agencyOpt(b, 'actingAgency') : undefined;
  return { actor: 'operator', agency, who: agency ?? 'all', duty: true };
}

/**
 * The incident `a` may do `action` on, by the shared-incident rule: one it does not take part in
 * is unknown (404, as a made-up id), whatever the action.
 */
export function incidentFor(
  engine: Engine,
  id: string,
  a: Acting,
  action: IncidentAction = 'view',
  target: Target = {},
): Incident {
  const inc = engine.room.incidents.require(id);
  const no = judge(a.who, inc, 'view') ?? (action === 'view' ? null : judge(a.who, inc, action, target));
  if (no) throw new JcrError(no.code, no.message, { path: no.path, details: no.details });
  return inc;
}

/**
 * Does `a` see `inc` as it now stands? Its own change may take it out: a decline or advice ends
 * its request, a stand-down or leaving its last commitment (docs/incidents.md, shared incidents).
 * A route then answers only what the caller did, never the incident it no longer sees.
 */
export function seesNow(inc: Incident, a: Acting): boolean {
  return judge(a.who, inc, 'view') === null;
}

/** An optional agency field of a body. */
export function agencyOpt(b: Body, key: string): Agency | undefined {
  return oneOf(b, key, AGENCIES, true);
}
