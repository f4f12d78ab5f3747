/**
 * An incident's attendance lines: one line per capability need, identified by its capability.
 * The lines are the type's predetermined attendance, then the dispatchers' changes in the order
 * made (a line added or its count changed, a line removed, each with a reason), then for a
 * missing person the other services' offers of a capability no line asks for yet.
 *
 * Each committed resource carries the line it was sent for (`line` on its mobilising
 * `resource.status` event and on its Attendance), and counts against that line in every later
 * recommendation; a resource with no recorded line (sent by a bare status change, or before lines
 * were recorded) fills the first line it fits that still needs one. docs/incidents.md, "Lines".
 */
import type { Agency, IncidentType } from '../scenario/types.ts';

/** Capabilities offered across services for a missing person. */
export const MISSING_PERSON_OFFERS = ['drone', 'thermal-imaging'] as const;

export function isMissingPerson(t: Pick<IncidentType, 'id' | 'name'>): boolean {
  return /missing/i.test(t.id) || /missing person/i.test(t.name);
}

/** A dispatcher's change to the lines: `count` null removes the line. */
export interface LineChange {
  capability: string;
  count: number | null;
  agency?: Agency;
  reason: string;
  by: string;
  at: number;
}

/** One line as the incident needs it now. */
export interface LineSpec {
  /** The line's id: its capability (one line per capability). */
  capability: string;
  count: number;
  /** Restrict the line to one agency (and resources shared with it); any agency when absent. */
  agency?: Agency;
  /** Where it comes from: the type's attendance, a dispatcher, or a missing-person offer. */
  source: 'type' | 'dispatcher' | 'offer';
  /** An offer: shown, not part of the proposal. */
  offered: boolean;
  /** A co-response line (type.coResponse). */
  coResponse: boolean;
  /** Offered lines: only agencies other than this one. */
  notAgency?: Agency;
}

/**
 * The lines of an incident of `type` after `changes`. A type that names a capability twice (the
 * validator refuses it, so only a hand-made scenario can) gives one line with the larger count.
 */
export function linesOf(type: IncidentType, changes: readonly LineChange[] = []): LineSpec[] {
  const co = new Set(type.coResponse ?? []);
  const byCap = new Map<string, LineSpec>();
  for (const l of type.attendance) {
    const had = byCap.get(l.capability);
    if (had) {
      had.count = Math.max(had.count, l.count);
      continue;
    }
    byCap.set(l.capability, {
      capability: l.capability,
      count: l.count,
      ...(l.agency !== undefined ? { agency: l.agency } : {}),
      source: 'type',
      offered: false,
      coResponse: co.has(l.capability),
    });
  }
  const removed = new Set<string>();
  for (const c of changes) {
    if (c.count === null) {
      byCap.delete(c.capability);
      removed.add(c.capability);
      continue;
    }
    removed.delete(c.capability);
    const had = byCap.get(c.capability);
    if (had) {
      had.count = c.count;
      if (c.agency !== undefined) had.agency = c.agency;
      continue;
    }
    byCap.set(c.capability, {
      capability: c.capability,
      count: c.count,
      ...(c.agency !== undefined ? { agency: c.agency } : {}),
      source: 'dispatcher',
      offered: false,
      coResponse: false,
    });
  }
  const lines = [...byCap.values()];
  if (isMissingPerson(type)) {
    for (const cap of MISSING_PERSON_OFFERS) {
      // A capability some line already asks for is that line's: the offer is not shown twice.
      if (byCap.has(cap) || removed.has(cap)) continue;
      lines.push({
        capability: cap,
        count: 1,
        source: 'offer',
        offered: true,
        coResponse: false,
        notAgency: type.leadAgency,
      });
    }
  }
  return lines;
}

/** A resource committed to the incident: its id, the line it was sent for, and whether it fits a line. */
export interface Committed {
  id: string;
  line: string | undefined;
}

/**
 * Count the committed resources against the lines: each against the line it was sent for while
 * that line has room, the rest (no line recorded, line removed or full) against the first line
 * they fit that still needs one, in line order. Answers, per line, the resources counted.
 */
export function countCommitted(
  lines: readonly Pick<LineSpec, 'capability' | 'count'>[],
  committed: readonly Committed[],
  fitsLine: (line: number, id: string) => boolean,
): string[][] {
  const out: string[][] = lines.map(() => []);
  const index = new Map<string, number>();
  lines.forEach((l, i) => index.set(l.capability, i));
  const rest: Committed[] = [];
  for (const c of committed) {
    const i = c.line === undefined ? undefined : index.get(c.line);
    if (i !== undefined && out[i]!.length < lines[i]!.count) out[i]!.push(c.id);
    else rest.push(c);
  }
  lines.forEach((l, i) => {
    for (let j = 0; j < rest.length && out[i]!.length < l.count;) {
      if (fitsLine(i, rest[j]!.id)) {
        out[i]!.push(rest[j]!.id);
        rest.splice(j, 1);
      } else j++;
    }
  });
  return out;
}
