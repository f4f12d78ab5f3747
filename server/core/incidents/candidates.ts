/**
 * Who could answer an incident: the lines of its type's predetermined attendance (plus the
 * missing-person offers, less the resources already attending), which resources fit a line, and
 * why a resource cannot be sent at all. The recommender (./recommend.ts) times the fitting ones
 * (./timing.ts) and chooses among them (./assignment.ts).
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import { isDeployable, ResourceStatus, STATUS_NAMES } from '../fleet/status.ts';
import { turnoutS } from '../graph/speed.ts';
import type { Agency, AttendanceLine, IncidentType, ResourceDef, Scenario } from '../scenario/types.ts';
import { mayTask } from './access.ts';

/** Capabilities offered across services for a missing person. */
export const MISSING_PERSON_OFFERS = ['drone', 'thermal-imaging'] as const;

export type ExclusionReason =
  'committed' | 'lacks-capability' | 'unavailable' | 'stale-position' | 'unreachable' | 'withheld-cover';

/** One line of the attendance as the recommender fills it. */
export interface Line extends AttendanceLine {
  offered: boolean;
  coResponse: boolean;
  /** Offered lines: only agencies other than this one. */
  notAgency?: Agency;
  /** Candidates to rank: outstanding + the extra ones shown, 0 when nothing is outstanding. */
  k: number;
  outstanding: number;
  attending: string[];
}

export function isMissingPerson(t: IncidentType): boolean {
  return /missing/i.test(t.id) || /missing person/i.test(t.name);
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

/** Turnout applies to a resource at its station; a crew already on the road is rolling. */
export function turnoutOf(scenario: Scenario, r: LiveResource): number {
  return r.status === ResourceStatus.AVAILABLE_AT_STATION ? turnoutS(r.def, scenario.crewing) : 0;
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

/**
 * The lines to fill: the type's attendance, then (missing person) the other services' offers;
 * resources already attending fill them first, and each line ranks `extra` candidates beyond
 * what is still outstanding.
 */
export function buildLines(type: IncidentType, fleet: Fleet, incidentId: string, extra: number): Line[] {
  const co = new Set(type.coResponse ?? []);
  const lines: Line[] = type.attendance.map((l) => ({
    ...l,
    offered: false,
    coResponse: co.has(l.capability),
    k: 0,
    outstanding: l.count,
    attending: [],
  }));
  if (isMissingPerson(type)) {
    for (const cap of MISSING_PERSON_OFFERS) {
      lines.push({
        capability: cap,
        count: 1,
        offered: true,
        coResponse: false,
        notAgency: type.leadAgency,
        k: 0,
        outstanding: 1,
        attending: [],
      });
    }
  }
  // Resources already attending fill lines first (in line order).
  const attending: LiveResource[] = [];
  for (const r of fleet.all()) {
    if (r.incidentId === incidentId && (r.status === ResourceStatus.MOBILISED || r.status === ResourceStatus.AT_SCENE))
      attending.push(r);
  }
  attending.sort((a, b) => (a.def.id < b.def.id ? -1 : 1));
  const used = new Set<string>();
  for (const line of lines) {
    for (const r of attending) {
      if (line.outstanding === 0) break;
      if (used.has(r.def.id) || !fits(line, r)) continue;
      used.add(r.def.id);
      line.attending.push(r.def.id);
      line.outstanding--;
    }
    line.k = line.outstanding > 0 ? line.outstanding + extra : 0;
  }
  return lines;
}
