/**
 * The line each resource of a mobilisation is sent for, recorded on its `resource.status` event
 * (and so on its Attendance) so that every later recommendation counts it against that line
 * (./lines.ts). The line it was proposed for in what the decider was shown (`proposedFor`: the
 * recommendation, or a joint request's suggestions) when there is one; else the first line it fits that still needs a resource after those already committed and
 * those sent before it in the same mobilisation; else the first line it fits at all; else none.
 */
import type { Fleet, LiveResource } from '../fleet/fleet.ts';
import type { Scenario } from '../scenario/types.ts';
import { buildLines, fits } from './candidates.ts';
import { linesOf } from './lines.ts';
import type { Incident } from './types.ts';

export function sentFor(
  scenario: Scenario,
  inc: Incident,
  fleet: Fleet,
  chosen: readonly LiveResource[],
  proposedFor: ReadonlyMap<string, string> = new Map(),
): Map<string, string> {
  const out = new Map<string, string>();
  const type = scenario.incidentTypes.find((t) => t.id === inc.typeId);
  if (!type) return out;
  const lines = buildLines(linesOf(type, inc.lineChanges), fleet, inc, 0);
  const open = new Map(lines.map((l) => [l.capability, l.outstanding]));
  const rest: LiveResource[] = [];
  for (const r of chosen) {
    const line = proposedFor.get(r.def.id);
    if (line !== undefined && open.has(line)) {
      out.set(r.def.id, line);
      open.set(line, open.get(line)! - 1);
    } else rest.push(r);
  }
  for (const r of rest) {
    const fitting = lines.filter((l) => fits(l, r));
    const line = fitting.find((l) => open.get(l.capability)! > 0) ?? fitting[0];
    if (line === undefined) continue;
    out.set(r.def.id, line.capability);
    open.set(line.capability, open.get(line.capability)! - 1);
  }
  return out;
}
