/**
 * Incident types and response standards from the Hertfordshire template
 * (../hertfordshire/incident-types.ts), cut to what the built fleet can send: a type led by an
 * agency with no resources is left out, and so is an attendance line (and a standard) no
 * resource can meet. A built scenario with fire stations only keeps the fire types.
 */
import type { IncidentType, ResourceDef, ResponseStandard } from '../../../server/core/scenario/types.ts';
import { INCIDENT_TYPES, STANDARDS } from '../hertfordshire/incident-types.ts';

/** Whether some resource meets a line of `capability`, restricted to `agency` when given (sharedWith counts). */
function offered(resources: readonly ResourceDef[], capability: string, agency?: string): boolean {
  return resources.some(
    (r) =>
      r.capabilities.includes(capability) &&
      (agency === undefined || r.agency === agency || (r.sharedWith ?? []).some((a) => a === agency)),
  );
}

export function templateFor(resources: readonly ResourceDef[]): {
  incidentTypes: IncidentType[];
  standards: ResponseStandard[];
} {
  const agencies = new Set(resources.map((r) => r.agency));
  const standards = STANDARDS.filter((s) =>
    resources.some((r) => r.agency === s.agency && r.capabilities.includes(s.capability)),
  );
  const standardIds = new Set(standards.map((s) => s.id));
  const incidentTypes: IncidentType[] = [];
  for (const t of INCIDENT_TYPES) {
    if (!agencies.has(t.leadAgency)) continue;
    const attendance = t.attendance.filter((l) => offered(resources, l.capability, l.agency));
    const lead = attendance.some((l) => l.agency === undefined || l.agency === t.leadAgency);
    if (!lead) continue;
    const kept: IncidentType = {
      ...t,
      attendance: attendance.map((l) => ({ ...l })),
      standards: t.standards.filter((id) => standardIds.has(id)),
    };
    const co = (t.coResponse ?? []).filter((c) => attendance.some((l) => l.capability === c));
    // A co-response supports another line: without one left it has nothing to arrive before.
    if (co.length > 0 && attendance.some((l) => !co.includes(l.capability))) kept.coResponse = co;
    else {
      delete kept.coResponse;
      if (co.length > 0) kept.attendance = attendance.filter((l) => !co.includes(l.capability));
    }
    if (kept.attendance.length > 0) incidentTypes.push(kept);
  }
  return { incidentTypes, standards };
}
