/**
 * A choice of resources to mobilise, checked: the one validator the dispatcher's mobilise
 * (./decide.ts) and the addressee's accept of a joint request (./requests.ts) both use.
 */
import { judge, type Acting } from '../auth/incident-access.ts';
import { JcrError } from '../errors.ts';
import type { NewEvent, Origin } from '../events.ts';
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import type { Incident, RecommendationSummary } from './types.ts';

/** The common part of every event a command makes. */
export interface Envelope {
  at: number;
  origin: Origin;
  actor: string;
}

/**
 * Check each named resource: it exists, is named once, `who` may task it (the shared-incident
 * rule), it is not committed and it can be mobilised. Ids in `asked` belong to another agency and
 * are asked of it, not mobilised: they only have to exist. Answers the resources to mobilise, in
 * the order named. Paths name the field: `resourceIds[i]`.
 */
export function checkChoice(
  fleet: Fleet,
  inc: Incident,
  ids: readonly string[],
  who: Acting,
  asked: ReadonlySet<string> = new Set(),
): LiveResource[] {
  const seen = new Set<string>();
  const chosen: LiveResource[] = [];
  ids.forEach((id, i) => {
    const path = `resourceIds[${i}]`;
    if (seen.has(id)) throw new JcrError('JCR_VALIDATION', `${id} is named twice`, { path });
    seen.add(id);
    const r = fleet.get(id);
    if (!r) throw new JcrError('JCR_NOT_FOUND', `unknown resource "${id}"`, { path });
    if (asked.has(id)) return;
    const no = judge(who, inc, 'mobilise', { resource: r.def });
    if (no) throw new JcrError(no.code, no.message, { path });
    if (fleet.holdsIncident(r.status)) {
      const where = r.incidentId === inc.id ? 'this incident' : `incident ${r.incidentId ?? '?'}`;
      throw new JcrError('JCR_CONFLICT', `${id} is committed to ${where} (${STATUS_NAMES[r.status]})`, { path });
    }
    if (!isDeployable(r.status))
      throw new JcrError('JCR_INVALID_TRANSITION', `${id} is ${STATUS_NAMES[r.status]} and cannot be mobilised`, {
        path,
      });
    chosen.push(r);
  });
  return chosen;
}

/** Do two lists name the same resources (each once)? */
export function sameResources(a: readonly string[], b: readonly string[]): boolean {
  const s = new Set(b);
  return a.length === b.length && s.size === b.length && a.every((id) => s.has(id));
}

/** The MOBILISED status events for a checked choice, each with the line it is sent for (./sent-for.ts). */
export function mobilised(
  env: Envelope,
  inc: Incident,
  chosen: readonly LiveResource[],
  lineOf: ReadonlyMap<string, string>,
): NewEvent[] {
  return chosen.map((r) => {
    const line = lineOf.get(r.def.id);
    return {
      ...env,
      type: 'resource.status',
      data: {
        resourceId: r.def.id,
        status: ResourceStatus.MOBILISED,
        incidentId: inc.id,
        ...(line !== undefined ? { line } : {}),
      },
    };
  });
}

/** The recommendation a decision is taken on: its proposal, the log seq and time it was computed on, what was shown. */
export interface Shown {
  proposed: string[];
  seq: number | null;
  at: number | null;
  summary: RecommendationSummary | null;
}

/** The line each resource was proposed for in what was shown (empty when only a proposal was named). */
export function lineOfShown(shown: Shown): Map<string, string> {
  const out = new Map<string, string>();
  for (const l of shown.summary?.lines ?? []) for (const id of l.proposed ?? []) out.set(id, l.capability);
  return out;
}
