/**
 * What performance needs of one incident: when it was called and closed, and per response
 * standard it is measured against (its type's `standards`) the times the standard's units
 * arrived, first arrival per resource, in order. A unit counts for a standard when it is of the
 * standard's agency and offers its capability (a pump for a fire appliance standard).
 * Pure: read from the incident record the room keeps (attendances carry arrival times).
 */
import type { Incident } from '../incidents/types.ts';
import type { ResourceDef, ResponseStandard, Scenario } from '../scenario/types.ts';

export interface StandardArrivals {
  standardId: string;
  /** Epoch ms of each counting unit's first arrival, ascending. */
  arrivals: number[];
}

export interface IncidentSample {
  incidentId: string;
  calledAt: number;
  closedAt: number | null;
  standards: StandardArrivals[];
}

/** The lookups a sample needs, built once per scenario. */
export interface SampleIndex {
  readonly resources: ReadonlyMap<string, ResourceDef>;
  readonly standards: ReadonlyMap<string, ResponseStandard>;
  readonly typeStandards: ReadonlyMap<string, readonly string[]>;
}

export function sampleIndex(s: Scenario): SampleIndex {
  return {
    resources: new Map(s.resources.map((r) => [r.id, r])),
    standards: new Map(s.standards.map((x) => [x.id, x])),
    typeStandards: new Map(s.incidentTypes.map((t) => [t.id, t.standards])),
  };
}

/** The incident as performance sees it; null when its type is measured against no standard. */
export function incidentSample(ix: SampleIndex, inc: Readonly<Incident>): IncidentSample | null {
  const ids = ix.typeStandards.get(inc.typeId) ?? [];
  if (ids.length === 0) return null;
  const standards: StandardArrivals[] = [];
  for (const id of ids) {
    const std = ix.standards.get(id);
    if (!std) continue;
    const first = new Map<string, number>();
    for (const a of inc.attendances) {
      if (a.arrivedAt === null) continue;
      const def = ix.resources.get(a.resourceId);
      if (!def || def.agency !== std.agency || !def.capabilities.includes(std.capability)) continue;
      const prev = first.get(a.resourceId);
      if (prev === undefined || a.arrivedAt < prev) first.set(a.resourceId, a.arrivedAt);
    }
    standards.push({ standardId: id, arrivals: [...first.values()].sort((x, y) => x - y) });
  }
  return { incidentId: inc.id, calledAt: inc.createdAt, closedAt: inc.closedAt, standards };
}

/** Do two samples give the same figures (same call, close and arrival times)? */
export function sameSample(a: IncidentSample | null | undefined, b: IncidentSample | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.calledAt !== b.calledAt || a.closedAt !== b.closedAt || a.standards.length !== b.standards.length) return false;
  return a.standards.every((s, i) => {
    const o = b.standards[i]!;
    return (
      s.standardId === o.standardId &&
      s.arrivals.length === o.arrivals.length &&
      s.arrivals.every((t, j) => t === o.arrivals[j])
    );
  });
}
