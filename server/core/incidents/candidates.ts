/**
 * Who could answer an incident: the lines of its type's predetermined attendance (plus the
 * missing-person offers, less the resources already attending), which resources fit a line, and
 * why a resource cannot be sent at all. The recommender (./recommend.ts) times the fitting ones
 * (./timing.ts) and chooses among them (./assignment.ts).
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import { startOf } from '../fleet/start.ts';
import type { Agency, ResourceDef, Scenario } from '../scenario/types.ts';
import { mayTask } from './access.ts';
import { countCommitted, type LineSpec } from './lines.ts';

export { isMissingPerson, MISSING_PERSON_OFFERS } from './lines.ts';

export type ExclusionReason =
  | 'committed'
  | 'lacks-capability'
  | 'unavailable'
  | 'stale-position'
  | 'unreachable'
  | 'withheld-cover'
  | 'co-responder-late';

/** One line of the attendance as the recommender fills it (./lines.ts says what the lines are). */
export interface Line extends LineSpec {
  /** Candidates to rank: outstanding + the extra ones shown, 0 when nothing is outstanding. */
  k: number;
  outstanding: number;
  attending: string[];
}

/** Can this resource fill this line (capability and agency), whatever its status? */
export function fits(line: Pick<Line, 'capability' | 'agency' | 'notAgency'>, r: LiveResource): boolean {
  if (!r.def.capabilities.includes(line.capability)) return false;
  if (line.agency !== undefined && !mayTask(line.agency, r.def)) return false;
  if (line.notAgency !== undefined && r.def.agency === line.notAgency) return false;
  return true;
}

/** Why a resource cannot be sent at all now, or null if it can. */
export function unavailableReason(
  fleet: Fleet,
  r: LiveResource,
  now: number,
): { reason: ExclusionReason; detail: string } | null {
  if (r.status === ResourceStatus.MOBILISED || r.status === ResourceStatus.AT_SCENE) {
    return { reason: 'committed', detail: `${STATUS_NAMES[r.status]} to ${r.incidentId ?? 'a task'}` };
  }
  if (!isDeployable(r.status)) return { reason: 'unavailable', detail: STATUS_NAMES[r.status] };
  if (r.status !== ResourceStatus.AVAILABLE_AT_STATION && fleet.isStale(r, now)) {
    return {
      reason: 'stale-position',
      detail: r.fixTimeMs === 0 ? 'no position report yet' : `last fix ${Math.round((now - r.fixTimeMs) / 1000)} s ago`,
    };
  }
  return null;
}

// Where a candidate starts (station or fix, turnout, label): the one rule, shared with cover.
export { AT_STATION_RADIUS_M, startOf, type Start } from '../fleet/start.ts';

/** Turnout by the one rule (startOf): a crew at its station turns out, one on the road is rolling. */
export function turnoutOf(scenario: Scenario, fleet: Fleet, r: LiveResource, now: number): number {
  return startOf(scenario, fleet, r, now).turnoutS;
}

/**
 * The fleet's resource definitions that have each capability, cached per fleet: a fleet's
 * resources and their definitions are fixed when it is made (Fleet's constructor).
 */
const capabilityCache = new WeakMap<Fleet, Map<string, ReadonlySet<ResourceDef>>>();
export function withCapability(fleet: Fleet, capability: string): ReadonlySet<ResourceDef> {
  let byCap = capabilityCache.get(fleet);
  if (!byCap) {
    const m = new Map<string, Set<ResourceDef>>();
    for (const { def: r } of fleet.all()) {
      for (const c of r.capabilities) {
        let set = m.get(c);
        if (!set) m.set(c, (set = new Set()));
        set.add(r);
      }
    }
    capabilityCache.set(fleet, (byCap = m));
  }
  return byCap.get(capability) ?? EMPTY;
}
const EMPTY: ReadonlySet<ResourceDef> = new Set();

/** The vehicle classes of a scenario's resources, once each (cached: a fleet of 10,000 repeats a few). */
const profileCache = new WeakMap<readonly ResourceDef[], string[]>();
export function profilesOf(resources: readonly ResourceDef[]): string[] {
  let p = profileCache.get(resources);
  if (!p) profileCache.set(resources, (p = [...new Set(resources.map((r) => r.vehicleClass))]));
  return p;
}

/** What the recommender reads of an incident's commitments: the line each open attendance was sent for. */
export interface IncidentLinesInput {
  id: string;
  attendances?: readonly { resourceId: string; leftAt: number | null; line?: string }[];
}

/**
 * The lines to fill (./lines.ts): resources already committed count against the line each was
 * sent for (./lines.ts countCommitted), and each line ranks `extra` candidates beyond what is
 * still outstanding.
 */
export function buildLines(
  specs: readonly LineSpec[],
  fleet: Fleet,
  incident: IncidentLinesInput,
  extra: number,
): Line[] {
  const lineOf = new Map<string, string>();
  for (const a of incident.attendances ?? []) {
    if (a.leftAt === null && a.line !== undefined) lineOf.set(a.resourceId, a.line);
  }
  const attending: LiveResource[] = [];
  for (const r of fleet.all()) {
    if (r.incidentId === incident.id && (r.status === ResourceStatus.MOBILISED || r.status === ResourceStatus.AT_SCENE))
      attending.push(r);
  }
  attending.sort((a, b) => (a.def.id < b.def.id ? -1 : 1));
  const byId = new Map(attending.map((r) => [r.def.id, r]));
  const counted = countCommitted(
    specs,
    attending.map((r) => ({ id: r.def.id, line: lineOf.get(r.def.id) })),
    (i, id) => fits(specs[i]!, byId.get(id)!),
  );
  return specs.map((l, i) => {
    const outstanding = l.count - counted[i]!.length;
    return { ...l, outstanding, attending: counted[i]!, k: outstanding > 0 ? outstanding + extra : 0 };
  });
}
